"""Creating and changing projects."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied
from tuijin.orgs import policy

from ..models import Project
from .lifecycle import nodes_instantiate


def next_project_code(year: int) -> str:
    """Internal project number, e.g. TJ2026-00042 (the national code is issued elsewhere)."""
    prefix = f"TJ{year}-"
    last = Project.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


@transaction.atomic
def project_create(*, by, **fields: Any) -> Project:
    """Register a project; its node chain comes from its template."""
    if by is not None and not policy.can_create_project(by):
        raise PermissionDenied(_("Your role cannot register projects."))
    project = Project(**fields)
    project.code = next_project_code(timezone.localdate().year)
    if by is not None:
        project.created_by = by
    project.full_clean()
    project.save()
    if project.template_id:
        nodes_instantiate(project=project)
    return project


@transaction.atomic
def project_update(*, project: Project, by, **fields: Any) -> Project:
    if not policy.can_edit_project(by, project):
        raise PermissionDenied(_("You may not change %(project)s.") % {"project": project})
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_soft_delete(*, project: Project, by) -> None:
    """Projects are never removed: history, reports and rankings depend on them."""
    if not policy.can_review(by):
        raise PermissionDenied(_("Only the project office can delete a project."))
    project.deleted_at = timezone.now()
    project.save(update_fields=["deleted_at", "updated_at"])
