"""The resource-element ledger: quotas and balances, demand against secured per project and
per town, allocations and the three-months-before-start warnings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
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
from ..choices import RESOURCE_UNITS, ResourceKind
from ..exports import xlsx_response
from ..forms import AllocationForm, DemandForm, QuotaForm, apply_service_error
from ..models import ResourceAllocation, ResourceDemand, ResourceQuota
from ..selectors import resources as selectors
from ..services.resources import allocation_create, allocation_revoke, demand_set, quota_set
from .common import deny_unless, int_param, paginate, this_year

VIEWS = ("projects", "towns", "allocations", "warnings")


def _demands(request):
    qs = ResourceDemand.objects.filter(policy.related_projects_filter(request.user), project__deleted_at__isnull=True)
    kind = request.GET.get("kind", "")
    if kind in ResourceKind.values:
        qs = qs.filter(kind=kind)
    town = int_param(request, "town")
    if town:
        qs = qs.filter(project__town_id=town)
    project = int_param(request, "project")
    if project:
        qs = qs.filter(project_id=project)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(project__name__icontains=q) | Q(project__code__icontains=q))
    return qs


@login_required
def resource_overview(request):
    deny_unless(policy.can_use_ledgers(request.user))
    year = int_param(request, "year", this_year())
    today = timezone.localdate()
    view = request.GET.get("view", "projects")
    if view not in VIEWS:
        view = "projects"
    context = {
        "year": year, "view": view, "quotas": selectors.quotas(year), "kinds": ResourceKind.choices,
        "towns": Unit.objects.filter(kind__in=TERRITORIAL_KINDS), "filters": request.GET,
        "can_set_quota": policy.can_set_quota(request.user),
        "can_allocate": policy.can_allocate_any(request.user),
        "units": {k: str(v) for k, v in RESOURCE_UNITS.items()},
    }
    demands = _demands(request)
    xlsx = request.GET.get("format") == "xlsx"
    if view == "projects":
        rows = selectors.demand_rows(demands).order_by("project__town__order", "project__name", "kind")
        if request.GET.get("status") == "uncovered":
            rows = rows.filter(secured__lt=F("amount"))
        if xlsx:
            log_export(request, "resources.xlsx")
            return _export_projects(rows)
        context["page"], context["query"] = paginate(request, rows)
        for row in context["page"]:
            row.shortfall = max(row.amount - row.secured, 0)
    elif view == "towns":
        context["town_rows"] = selectors.by_town(demands)
        context["kind_list"] = list(ResourceKind)
    elif view == "allocations":
        rows = ResourceAllocation.objects.filter(
            policy.related_projects_filter(request.user), quota__year=year
        ).select_related("project", "project__town", "quota", "by")
        kind = request.GET.get("kind", "")
        if kind in ResourceKind.values:
            rows = rows.filter(kind=kind)
        if xlsx:
            log_export(request, "allocations.xlsx")
            return _export_allocations(rows)
        context["page"], context["query"] = paginate(request, rows)
    else:
        rows = list(selectors.uncovered_warnings(today, demands))
        for row in rows:
            row.planned_start = selectors.planned_start_of(row, today.year)
            row.shortfall = row.amount - row.secured
        context["warnings"] = rows
    return render(request, "breakthroughs/resources.html", context)


def _export_projects(rows):
    headers = [_("Project"), _("Project number"), _("Town"), _("Resource"), _("Unit"), _("Demand"), _("Secured"),
               _("Shortfall")]
    data = ([r.project.name, r.project.code, r.project.town.name if r.project.town else "", r.get_kind_display(),
             str(RESOURCE_UNITS[r.kind]), r.amount, r.secured, max(r.amount - r.secured, 0)] for r in rows)
    return xlsx_response(_("Resource demand and secured"), headers, data, "resources")


def _export_allocations(rows):
    headers = [_("Project"), _("Town"), _("Resource"), _("Quota year"), _("Amount"), _("Allocated on"),
               _("Document number"), _("Status")]
    data = ([a.project.name, a.project.town.name if a.project.town else "", a.get_kind_display(), a.quota.year,
             a.amount, a.allocated_on, a.document_number, a.get_status_display()] for a in rows)
    return xlsx_response(_("Resource allocations"), headers, data, "allocations")


@login_required
def quota_edit(request):
    deny_unless(policy.can_set_quota(request.user))
    year = int_param(request, "year", this_year())
    kind = request.GET.get("kind", ResourceKind.LAND)
    existing = ResourceQuota.objects.filter(year=year, kind=kind).first()
    initial = {"year": year, "kind": kind}
    if existing:
        initial.update(amount=existing.amount, managing_unit=existing.managing_unit, note=existing.note)
    form = QuotaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            quota = quota_set(by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Quota saved: %(quota)s.") % {"quota": quota})
            return redirect(f"{reverse('breakthroughs:resources')}?year={quota.year}")
    return render(request, "breakthroughs/simple_form.html", {
        "form": form, "title": _("Set a resource quota"), "back": reverse("breakthroughs:resources"),
    })


@login_required
def allocation_new(request):
    project = get_object_or_404(Project.objects.alive(), pk=int_param(request, "project", 0))
    deny_unless(policy.can_allocate_any(request.user))
    today = timezone.localdate()
    form = AllocationForm(request.POST or None, initial={
        "year": today.year, "allocated_on": today, "kind": request.GET.get("kind", ResourceKind.LAND)})
    if request.method == "POST" and form.is_valid():
        try:
            allocation_create(project=project, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Allocated to %(project)s.") % {"project": project})
            return redirect(f"{reverse('breakthroughs:resources')}?project={project.pk}")
    demand = selectors.demand_rows(ResourceDemand.objects.filter(project=project))
    return render(request, "breakthroughs/simple_form.html", {
        "form": form, "project": project, "title": _("Allocate a quota to %(project)s") % {"project": project},
        "back": f"{reverse('breakthroughs:resources')}?project={project.pk}", "demand": demand,
        "quotas": selectors.quotas(today.year),
    })


@login_required
def allocation_revoke_view(request, pk):
    allocation = get_object_or_404(ResourceAllocation.objects.select_related("quota"), pk=pk)
    deny_unless(request.method == "POST" and policy.can_allocate(request.user, allocation.quota))
    try:
        allocation_revoke(allocation=allocation, by=request.user, reason=request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Allocation revoked; the amount is back in the balance."))
    return redirect(f"{reverse('breakthroughs:resources')}?view=allocations&year={allocation.quota.year}")


@login_required
def demand_edit(request):
    project = get_object_or_404(Project.objects.alive(), pk=int_param(request, "project", 0))
    deny_unless(policy.can_edit_demand(request.user, project))
    current = dict(ResourceDemand.objects.filter(project=project).values_list("kind", "amount"))
    form = DemandForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            for kind in ResourceKind.values:
                demand_set(project=project, kind=kind, amount=form.cleaned_data.get(kind) or 0, by=request.user)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Resource demand of %(project)s saved.") % {"project": project})
            return redirect(f"{reverse('breakthroughs:resources')}?project={project.pk}")
    return render(request, "breakthroughs/simple_form.html", {
        "form": form, "project": project, "title": _("Resource demand of %(project)s") % {"project": project},
        "back": f"{reverse('breakthroughs:resources')}?project={project.pk}",
    })


