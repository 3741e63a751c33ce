"""Registers the models whose every change is recorded (who, when, before, after)."""

from auditlog.registry import auditlog

from .models import LibraryEntry, Node, PlanEntry, Project, TaskForceMember

auditlog.register(Project, exclude_fields=["updated_at"])
auditlog.register(PlanEntry)
auditlog.register(Node)
auditlog.register(LibraryEntry, exclude_fields=["updated_at"])
auditlog.register(TaskForceMember)
