"""Registers the models whose every change is recorded (who, when, before, after)."""

from auditlog.registry import auditlog

from .models import ActionItem, DeadlineRule, Meeting, Problem, WebhookEndpoint

auditlog.register(Problem)
auditlog.register(ActionItem)
auditlog.register(Meeting, m2m_fields={"units", "leaders"})
auditlog.register(DeadlineRule)
auditlog.register(WebhookEndpoint, exclude_fields=["secret"])
