"""The fund ledger: sources per project, totals by kind, the special-bond use plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.errors import ServiceError
from tuijin.orgs.choices import TERRITORIAL_KINDS
from tuijin.orgs.models import Unit
from tuijin.orgs.security import log_export
from tuijin.projects.models import Project

from .. import policy
from ..choices import FundKind
from ..exports import xlsx_response
from ..forms import BondPlanForm, FundSourceForm, apply_service_error
from ..models import FundSource
from ..selectors import funds as selectors
from ..services.funds import bond_plan_set, fund_source_create, fund_source_delete, fund_source_update
from .common import deny_unless, int_param, paginate


def _visible(request):
    return FundSource.objects.filter(policy.related_projects_filter(request.user), project__deleted_at__isnull=True)


def _filtered(request):
    qs = _visible(request)
    kind = request.GET.get("kind", "")
    if kind in FundKind.values:
        qs = qs.filter(kind=kind)
    year = int_param(request, "year")
    if year:
        qs = qs.filter(year=year)
    town = int_param(request, "town")
    if town:
        qs = qs.filter(project__town_id=town)
    project = int_param(request, "project")
    if project:
        qs = qs.filter(project_id=project)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(project__name__icontains=q) | Q(title__icontains=q) | Q(project__code__icontains=q))
    return qs


@login_required
def fund_list(request):
    deny_unless(policy.can_use_ledgers(request.user))
    qs = _filtered(request)
    rows = qs.select_related("project", "project__town").order_by("project__town__order", "project__name", "kind", "pk")
    if request.GET.get("format") == "xlsx":
        log_export(request, "funds.xlsx")
        return _export(rows)
    by_kind = selectors.totals_by_kind(qs)
    page, query = paginate(request, rows)
    for source in page:
        source.can_edit = policy.can_edit_funds(request.user, source.project)
    project = Project.objects.filter(pk=int_param(request, "project", 0)).first()
    add_for = project if project and policy.can_edit_funds(request.user, project) else None
    return render(request, "breakthroughs/fund_list.html", {
        "add_for": add_for,
        "page": page, "query": query, "by_kind": by_kind, "total": selectors.grand_total(by_kind),
        "kinds": FundKind.choices, "towns": Unit.objects.filter(kind__in=TERRITORIAL_KINDS),
        "filters": request.GET,
    })


def _export(rows):
    headers = [_("Project"), _("Project number"), _("Town"), _("Fund kind"), _("Year"), _("Batch or loan"),
               _("Applied (10k yuan)"), _("Approved (10k yuan)"), _("Received (10k yuan)"), _("Spent (10k yuan)"),
               _("Applied on"), _("Approved on"), _("Document number")]
    data = (
        [s.project.name, s.project.code, s.project.town.name if s.project.town else "", s.get_kind_display(), s.year,
         s.title, s.applied, s.approved, s.received, s.spent, s.applied_on, s.approved_on, s.document_number]
        for s in rows
    )
    return xlsx_response(_("Fund ledger"), headers, data, "funds")


@login_required
def bond_list(request):
    deny_unless(policy.can_use_ledgers(request.user))
    today = timezone.localdate()
    behind_only = request.GET.get("behind") == "1"
    rows = list(selectors.bond_rows(today, _visible(request), behind_only=behind_only))
    for row in rows:
        row.behind = selectors.behind_percent(row)
        row.is_behind = row.behind is not None and row.behind > selectors.BOND_BEHIND_LIMIT
    if request.GET.get("format") == "xlsx":
        log_export(request, "special-bonds.xlsx")
        headers = [_("Project"), _("Town"), _("Batch or loan"), _("Approved (10k yuan)"), _("Planned use to date (10k yuan)"),
                   _("Spent (10k yuan)"), _("Behind plan (%)")]
        data = ([r.project.name, r.project.town.name if r.project.town else "", r.title, r.approved, r.planned_to_date,
                 r.spent, r.behind] for r in rows)
        return xlsx_response(_("Special-bond use"), headers, data, "special-bonds")
    return render(request, "breakthroughs/bond_list.html", {
        "rows": rows, "summary": selectors.bond_summary(today), "behind_only": behind_only,
        "limit": selectors.BOND_BEHIND_LIMIT, "today": today,
    })


@login_required
def fund_create(request):
    project = get_object_or_404(Project.objects.alive(), pk=int_param(request, "project", 0))
    deny_unless(policy.can_edit_funds(request.user, project))
    form = FundSourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fund_source_create(project=project, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Fund source added to %(project)s.") % {"project": project})
            return redirect(_back(request, project))
    return render(request, "breakthroughs/fund_form.html", {"form": form, "project": project})


@login_required
def fund_edit(request, pk):
    source = get_object_or_404(FundSource.objects.select_related("project"), pk=pk)
    deny_unless(policy.can_edit_funds(request.user, source.project))
    form = FundSourceForm(request.POST or None, instance=source)
    if request.method == "POST" and request.POST.get("delete"):
        fund_source_delete(source=source, by=request.user)
        messages.success(request, _("Fund source deleted."))
        return redirect(_back(request, source.project))
    if request.method == "POST" and form.is_valid():
        try:
            fund_source_update(source=source, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Fund source saved."))
            return redirect(_back(request, source.project))
    return render(request, "breakthroughs/fund_form.html", {"form": form, "project": source.project, "source": source})


@login_required
def bond_plan(request, pk):
    source = get_object_or_404(FundSource.objects.select_related("project"), pk=pk, kind=FundKind.SPECIAL_BOND)
    deny_unless(policy.can_view_funds(request.user, source.project))
    can_edit = policy.can_edit_funds(request.user, source.project)
    year = int_param(request, "year", source.year)
    current = {m.month: m.amount for m in source.use_plan.filter(year=year)}
    form = BondPlanForm(request.POST or None, months=current, initial={"year": year})
    if request.method == "POST":
        deny_unless(can_edit)
        if form.is_valid():
            try:
                bond_plan_set(source=source, months=form.months(), by=request.user)
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Use plan saved."))
                return redirect("breakthroughs:bonds")
    return render(request, "breakthroughs/bond_plan.html", {
        "form": form, "source": source, "can_edit": can_edit,
        "month_fields": [form[f"m{m}"] for m in range(1, 13)],
    })


def _back(request, project):
    nxt = request.GET.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return nxt
    return f"{reverse('breakthroughs:funds')}?project={project.pk}"
