"""Registering and changing a project, its task force, documents, nodes and stage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.orgs import policy

from ..forms import DocumentForm, NodeForm, ProjectForm, StageChangeForm, TaskForceForm
from ..models import Project
from ..services import lifecycle, registry
from .common import require, visible_project


def _tab_url(project: Project, tab: str) -> str:
    return reverse("projects:tab", args=[project.pk, tab])


def _apply_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def project_create(request):
    require(policy.can_create_project(request.user))
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = registry.project_create(by=request.user, **form.service_fields())
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("%(project)s is registered as %(code)s.") % {"project": project, "code": project.code})
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "project": None})


@login_required
def project_edit(request, pk: int):
    project = visible_project(request, pk)
    require(policy.can_edit_project(request.user, project))
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            registry.project_update(
                project=Project.objects.get(pk=project.pk), by=request.user,
                expected_version=form.cleaned_data.get("edit_version"), **form.service_fields(),
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("The changes to %(project)s are saved.") % {"project": project})
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "project": project})


@login_required
@require_POST
def task_force_add(request, pk: int):
    project = visible_project(request, pk)
    require(policy.can_edit_project(request.user, project))
    form = TaskForceForm(request.POST, project=project, prefix="tf")
    if form.is_valid():
        try:
            registry.task_force_add(project=project, by=request.user, **form.cleaned_data)
            messages.success(request, _("%(name)s joined the task force.") % {"name": form.cleaned_data["name"]})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("The task force member was not added: %(errors)s") % {
            "errors": " ".join(f"{form[f].label}: {' '.join(e)}" for f, e in form.errors.items())})
    return redirect(_tab_url(project, "basic") + "#task-force")


@login_required
@require_POST
def task_force_remove(request, pk: int, member_id: int):
    project = visible_project(request, pk)
    require(policy.can_edit_project(request.user, project))
    member = get_object_or_404(project.task_force, pk=member_id)
    registry.task_force_remove(member=member, by=request.user)
    messages.success(request, _("%(name)s left the task force.") % {"name": member.name})
    return redirect(_tab_url(project, "basic") + "#task-force")


@login_required
@require_POST
def document_upload(request, pk: int):
    project = visible_project(request, pk)
    require(policy.can_edit_project(request.user, project))
    form = DocumentForm(request.POST, request.FILES, prefix="doc")
    if form.is_valid():
        try:
            document = registry.document_add(project=project, by=request.user, **form.cleaned_data)
            messages.success(request, _("%(title)s is uploaded.") % {"title": document.title})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("The document was not uploaded: %(errors)s") % {
            "errors": " ".join(f"{form[f].label}: {' '.join(e)}" for f, e in form.errors.items())})
    return redirect(_tab_url(project, "basic") + "#documents")


@login_required
def document_download(request, pk: int, document_id: int):
    """Documents are served only to those who may see the project, never from a public URL."""
    project = visible_project(request, pk)
    document = get_object_or_404(project.documents.filter(deleted_at__isnull=True), pk=document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    filename = document.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=filename)


@login_required
@require_POST
def document_remove(request, pk: int, document_id: int):
    project = visible_project(request, pk)
    require(policy.can_edit_project(request.user, project))
    document = get_object_or_404(project.documents.filter(deleted_at__isnull=True), pk=document_id)
    registry.document_remove(document=document, by=request.user)
    messages.success(request, _("%(title)s is removed.") % {"title": document.title})
    return redirect(_tab_url(project, "basic") + "#documents")


@login_required
def node_edit(request, pk: int, node_id: int):
    project = visible_project(request, pk)
    node = get_object_or_404(project.nodes.select_related("node_type", "responsible_unit"), pk=node_id)
    node.project = project
    require(policy.can_edit_node(request.user, node))
    initial = {
        "status": node.status,
        "planned_date": node.planned_date,
        "actual_date": node.actual_date,
        "document_number": node.document_number,
        "note": node.note,
    }
    form = NodeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lifecycle.node_update(
                node=node,
                by=request.user,
                status=data["status"],
                planned_date=data["planned_date"],
                actual_date=data["actual_date"],
                document_number=data["document_number"],
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The node %(node)s is updated.") % {"node": node.node_type})
            return redirect(_tab_url(project, "nodes"))
    return render(request, "projects/node_form.html", {"form": form, "project": project, "node": node})


@login_required
@require_POST
def stage_change(request, pk: int):
    project = visible_project(request, pk)
    can_override = policy.can_override_stage(request.user)
    require(policy.can_edit_project(request.user, project) or can_override)
    form = StageChangeForm(request.POST, can_override=can_override)
    if form.is_valid():
        data = form.cleaned_data
        try:
            lifecycle.project_change_stage(
                project=Project.objects.get(pk=project.pk),
                to_stage=data["to_stage"],
                by=request.user,
                reason=data["reason"],
                override=bool(data.get("override")),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The project moved to the stage %(stage)s.") % {
                "stage": dict(form.fields["to_stage"].choices)[data["to_stage"]]})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(_tab_url(project, "nodes"))
