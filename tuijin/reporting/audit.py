"""Registers the models whose every change is recorded (who, when, before, after)."""

from auditlog.registry import auditlog

from .models import MonthlyReport, ReportingPeriod

auditlog.register(MonthlyReport)
auditlog.register(ReportingPeriod)
