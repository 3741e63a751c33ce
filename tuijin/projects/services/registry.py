"""Creating and changing projects."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.lib.locking import claim_version
from tuijin.orgs import policy
from tuijin.orgs.choices import Role

from ..models import Project, ProjectDocument, TaskForceMember
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
    _check_scope(by, project, None)
    project.code = next_project_code(timezone.localdate().year)
    if by is not None:
        project.created_by = by
    project.full_clean()
    project.save()
    if project.template_id:
        nodes_instantiate(project=project)
    return project


def _check_scope(by, project: Project, stored: tuple[int | None, int | None] | None) -> None:
    """A town officer registers and keeps projects in its own town; an owner does not hand its
    project to another owner or town (``stored``: the town and owner before the change)."""
    role = policy.role_of(by) if by is not None else None
    if role == Role.TOWN and project.town_id != by.unit_id:
        raise PermissionDenied(_("Town officers register projects in their own town only."))
    if role == Role.OWNER and stored is not None and (project.town_id, project.owner_id) != stored:
        raise PermissionDenied(_("You may not change %(project)s.") % {"project": project})


@transaction.atomic
def project_update(*, project: Project, by, expected_version: int | None = None, **fields: Any) -> Project:
    """Change the registry fields. ``expected_version`` is the version the user's form was opened
    at: if someone saved the project since, the save is refused with who and when (never a
    silent overwrite); without it, the version ``project`` was read at."""
    if not policy.can_edit_project(by, project):
        raise PermissionDenied(_("You may not change %(project)s.") % {"project": project})
    claim_version(project, expected_version, what=project.name)
    stored = (project.town_id, project.owner_id)
    for name, value in fields.items():
        setattr(project, name, value)
    _check_scope(by, project, stored)
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


# ---------------------------------------------------------------- responsibility and documents


@transaction.atomic
def task_force_add(*, project: Project, by, name: str, duty: str, phone: str = "", unit=None) -> TaskForceMember:
    """Add a member to the project's task force (专班)."""
    if not policy.can_edit_project(by, project):
        raise PermissionDenied(_("You may not change the task force of %(project)s.") % {"project": project})
    if not name.strip() or not duty.strip():
        raise ServiceError(_("A task force member needs a name and a role."))
    last = project.task_force.order_by("-order").values_list("order", flat=True).first()
    return TaskForceMember.objects.create(
        project=project, name=name.strip(), duty=duty.strip(), phone=phone.strip(), unit=unit,
        order=(last or 0) + 1,
    )


@transaction.atomic
def task_force_remove(*, member: TaskForceMember, by) -> None:
    if not policy.can_edit_project(by, member.project):
        raise PermissionDenied(_("You may not change the task force of %(project)s.") % {"project": member.project})
    member.delete()


#: Documents a project keeps: office files, scans and photos, never executables.
DOCUMENT_EXTENSIONS = ("pdf", "ofd", "doc", "docx", "xls", "xlsx", "wps", "jpg", "jpeg", "png", "zip")
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def document_add(*, project: Project, by, kind: str, title: str, file) -> ProjectDocument:
    """Keep a typed document of the project in storage; type and size are limited."""
    if not policy.can_edit_project(by, project):
        raise PermissionDenied(_("You may not add documents to %(project)s.") % {"project": project})
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if extension not in DOCUMENT_EXTENSIONS:
        raise ServiceError(
            _("Files of type .%(ext)s are not accepted; use one of: %(allowed)s.")
            % {"ext": extension or "?", "allowed": ", ".join(DOCUMENT_EXTENSIONS)}
        )
    if file.size > DOCUMENT_MAX_BYTES:
        raise ServiceError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{file.size / 1024 / 1024:.1f}", "limit": DOCUMENT_MAX_BYTES // 1024 // 1024}
        )
    document = ProjectDocument(project=project, kind=kind, title=title.strip() or file.name, uploaded_by=by)
    document.file.save(file.name, file, save=False)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def document_remove(*, document: ProjectDocument, by) -> None:
    """Documents are kept (soft delete): approvals and reports may refer to them."""
    if not policy.can_edit_project(by, document.project):
        raise PermissionDenied(_("You may not remove documents of %(project)s.") % {"project": document.project})
    document.deleted_at = timezone.now()
    document.save(update_fields=["deleted_at"])
