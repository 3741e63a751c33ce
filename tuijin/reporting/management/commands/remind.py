"""`tuijin remind`: notify (in-app and e-mail) everyone whose monthly reports are overdue."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from tuijin.reporting.services import remind_late


class Command(BaseCommand):
    help = "Remind owners and town officers of monthly reports past their filing window (in-app and e-mail)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        result = remind_late(today=today)
        self.stdout.write(
            f"{result.late_reports} overdue reports; {result.notified} people notified, {result.emailed} by e-mail."
        )
