"""Reads for the administrators' pages: accounts, the security log, the change history."""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import User
from .security import SecurityEvent


def _day_bounds(start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    tz = timezone.get_current_timezone()
    if start:
        q &= Q(at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        q &= Q(at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return q


def security_events(*, kind: str = "", username: str = "", start=None, end=None) -> QuerySet[SecurityEvent]:
    qs = SecurityEvent.objects.filter(_day_bounds(start, end))
    if kind:
        qs = qs.filter(kind=kind)
    if username:
        qs = qs.filter(username__icontains=username.strip())
    return qs.order_by("-at", "-pk")


def change_history(*, model: str = "", username: str = "", start=None, end=None) -> QuerySet[LogEntry]:
    """Every recorded change (django-auditlog): who, when, which object, before and after."""
    q = Q()
    tz = timezone.get_current_timezone()
    if start:
        q &= Q(timestamp__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        q &= Q(timestamp__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    qs = LogEntry.objects.filter(q).select_related("actor", "content_type")
    if model:
        app_label, _, model_name = model.partition(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model_name)
    if username:
        qs = qs.filter(actor__username__icontains=username.strip())
    return qs.order_by("-timestamp", "-pk")


def accounts(*, search: str = "", role: str = "") -> QuerySet[User]:
    qs = User.objects.select_related("unit")
    if search:
        s = search.strip()
        qs = qs.filter(Q(username__icontains=s) | Q(full_name__icontains=s) | Q(unit__name__icontains=s))
    if role == "none":
        qs = qs.filter(role="")
    elif role:
        qs = qs.filter(role=role)
    return qs.order_by("username")
