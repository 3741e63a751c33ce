"""Upload → preview (mapping, per-row results, totals) → confirm; downloads of tables."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.lib.errors import ServiceError
from tuijin.orgs.policy import scope_projects
from tuijin.orgs.security import log_export
from tuijin.projects.filtersets import ProjectFilterSet
from tuijin.projects.models import Project

from . import policy, selectors
from .choices import ExportKind, ImportStatus
from .forms import ConfirmForm, MappingForm, UploadForm
from .models import LedgerImport
from .progress import progress_percent, progress_read
from .services.exports import plan_table, project_list_table
from .services.mappings import mapping_save
from .tasks import start_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
def import_start(request):
    if not policy.can_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = LedgerImport(
            original_name=data["file"].name[:255],
            year=data.get("year"),
            library=data.get("library") or "",
            create_owners=data["create_owners"],
            mapping=data.get("mapping"),
            uploaded_by=request.user,
        )
        record.file.save(data["file"].name, data["file"], save=True)
        start_import(record, dry_run=True)
        return redirect("ledger:import_detail", pk=record.pk)
    recent = selectors.imports_for(request.user)[:15]
    return render(request, "ledger/import_start.html", {"form": form, "recent": recent})


def _record_for(request, pk) -> LedgerImport:
    record = get_object_or_404(LedgerImport.objects.select_related("uploaded_by", "mapping"), pk=pk)
    if not policy.can_view_import(request.user, record):
        raise PermissionDenied
    return record


@login_required
def import_detail(request, pk):
    record = _record_for(request, pk)
    context = {"record": record, "running": record.is_running}
    if not record.is_running and record.status != ImportStatus.FAILED:
        labels = record.columns.get("labels", {})
        fields = record.columns.get("fields", {})
        context["mapping_form"] = MappingForm(labels=labels, current=fields)
        context["confirm_form"] = ConfirmForm(initial={"skip_bad_rows": record.skip_bad_rows})
        context.update(selectors.import_preview(record, show=request.GET.get("show", "")))
    else:
        context["progress"] = progress_read(record.pk)
        context["percent"] = progress_percent(context["progress"])
    return render(request, "ledger/import_detail.html", context)


@login_required
def import_progress(request, pk):
    record = _record_for(request, pk)
    info = progress_read(record.pk)
    response = render(
        request, "ledger/_progress.html", {"record": record, "progress": info, "percent": progress_percent(info),
                                           "running": record.is_running}
    )
    if not record.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_confirm(request, pk):
    record = _record_for(request, pk)
    if not policy.can_import(request.user) or record.status != ImportStatus.PREVIEWED:
        raise PermissionDenied
    form = ConfirmForm(request.POST)
    form.is_valid()
    record.skip_bad_rows = form.cleaned_data.get("skip_bad_rows", False)
    record.save(update_fields=["skip_bad_rows"])
    start_import(record, dry_run=False)
    return redirect("ledger:import_detail", pk=record.pk)


@login_required
@require_POST
def import_remap(request, pk):
    record = _record_for(request, pk)
    if not policy.can_import(request.user) or record.status not in (ImportStatus.PREVIEWED,):
        raise PermissionDenied
    form = MappingForm(request.POST, labels=record.columns.get("labels", {}), current={})
    if form.is_valid():
        columns = form.columns()
        record.corrections = columns
        record.save(update_fields=["corrections"])
        if form.cleaned_data["save_as"]:
            try:
                mapping = mapping_save(name=form.cleaned_data["save_as"], columns=columns, by=request.user)
            except ServiceError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                record.mapping = mapping
                record.save(update_fields=["mapping"])
                messages.success(request, _("Column mapping “%(name)s” saved.") % {"name": mapping.name})
        start_import(record, dry_run=True)
    return redirect("ledger:import_detail", pk=record.pk)


@login_required
def export_projects(request):
    """The project list as filtered (same query string as the list page), as a styled table."""
    if not policy.can_export(request.user):
        raise PermissionDenied
    queryset = scope_projects(request.user, Project.objects.alive().with_related())
    filterset = ProjectFilterSet(request.GET, queryset=queryset)
    projects = filterset.qs if filterset.is_valid() else queryset.none()
    title = f"{settings.TUIJIN_COUNTY_NAME}重大项目清单"
    content = project_list_table(projects.order_by("category__order", "-total_investment", "code"), title=title)
    log_export(request, f"{title}{timezone.localdate():%Y%m%d}.xlsx")
    return _xlsx(content, f"{title}{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def export_plan(request):
    if not policy.can_export_plan(request.user):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    kind = request.GET.get("kind") if request.GET.get("kind") in ExportKind.values else ExportKind.PLAN
    content = plan_table(year=year, kind=kind)
    name = f"{year}年重大项目年度计划表.xlsx" if kind == ExportKind.PLAN else f"{year}年重大项目计划执行情况表.xlsx"
    log_export(request, name)
    return _xlsx(content, name)
