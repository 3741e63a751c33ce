"""Remove expired sessions and old lockout records. The security log is never touched: it is
kept (at least six months, RETENTION_DAYS) and Tuijin has no way to delete it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.utils import timezone

from tuijin.orgs.security import RETENTION_DAYS


class Command(BaseCommand):
    help = "Delete expired sessions and lockout records older than the retention period; the security log is kept."

    def handle(self, *args, **options):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        now = timezone.now()
        sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
        cooloff = dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME or 0))
        attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=now - cooloff).delete() if cooloff else (0, None)
        # Sign-in records of django-axes are security records too: kept as long as the log.
        keep_since = now - dt.timedelta(days=RETENTION_DAYS)
        logs, _ = AccessLog.objects.filter(attempt_time__lt=keep_since).delete()
        failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=keep_since).delete()
        self.stdout.write(
            f"Removed {sessions} expired sessions, {attempts} expired lockouts, {logs + failures} sign-in records "
            f"older than {RETENTION_DAYS} days. The security log is kept."
        )
