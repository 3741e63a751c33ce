"""Tabs the project page shows: 资金 (funds) and 要素 (resource elements), declared in apps.py.
Each returns rendered HTML and checks the user may see it."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from . import policy
from .choices import RESOURCE_UNITS, ResourceKind
from .models import FundSource, ResourceAllocation, ResourceDemand
from .selectors import funds as fund_selectors
from .selectors import resources as resource_selectors


def funds_tab(request, project) -> str:
    if not policy.can_view_funds(request.user, project):
        return ""
    sources = list(FundSource.objects.filter(project=project).order_by("kind", "year", "pk"))
    bonds = {s.pk: s for s in fund_selectors.with_bond_plan(
        FundSource.objects.filter(project=project, kind="special_bond"), timezone.localdate())}
    for s in sources:
        bond = bonds.get(s.pk)
        s.behind = fund_selectors.behind_percent(bond) if bond else None
        s.is_behind = s.behind is not None and s.behind > fund_selectors.BOND_BEHIND_LIMIT
    rows = fund_selectors.totals_by_kind(FundSource.objects.filter(project=project))
    return render_to_string("breakthroughs/tab_funds.html", {
        "project": project, "sources": sources, "total": fund_selectors.grand_total(rows),
        "can_edit": policy.can_edit_funds(request.user, project),
    }, request=request)


def resources_tab(request, project) -> str:
    if not policy.can_view_resources(request.user, project):
        return ""
    demands = {d.kind: d for d in resource_selectors.demand_rows(ResourceDemand.objects.filter(project=project))}
    rows = []
    for kind in ResourceKind:
        d = demands.get(kind.value)
        rows.append({"label": kind.label, "unit": RESOURCE_UNITS[kind], "kind": kind.value,
                     "demand": d.amount if d else None, "secured": d.secured if d else None})
    allocations = ResourceAllocation.objects.filter(project=project).select_related("quota").order_by("-allocated_on")
    warned = resource_selectors.uncovered_warnings(timezone.localdate(), ResourceDemand.objects.filter(project=project))
    return render_to_string("breakthroughs/tab_resources.html", {
        "project": project, "rows": rows, "allocations": allocations, "warnings": list(warned),
        "can_edit": policy.can_edit_demand(request.user, project),
        "can_allocate": policy.can_allocate_any(request.user),
    }, request=request)
