"""Resource elements: quota balances, demand against secured per project and per town, and
the warning when a project's demand is not covered three months before its planned start."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import (
    DateField,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from tuijin.projects.choices import NodeStatus, Stage
from tuijin.projects.models import Node, PlanEntry

from ..choices import RESOURCE_UNITS, AllocationStatus, ResourceKind
from ..models import ResourceAllocation, ResourceDemand, ResourceQuota
from .common import ZERO, add_months, current_version_id, percent

#: Warn this many months before the planned start when demand is not fully secured.
WARNING_MONTHS = 3
_QTY = DecimalField(max_digits=18, decimal_places=4)
NOT_STARTED = (Stage.IDEA, Stage.PREPARATION)


def quotas(year: int) -> list[dict]:
    """Each kind's quota for ``year`` (every kind listed, None where no quota is set). One query."""
    found = {q.kind: q for q in ResourceQuota.objects.filter(year=year).select_related("managing_unit")}
    return [
        {"kind": kind.value, "label": kind.label, "unit": RESOURCE_UNITS[kind], "quota": found.get(kind.value)}
        for kind in ResourceKind
    ]


def _secured_subquery():
    return (
        ResourceAllocation.objects.filter(
            project=OuterRef("project"), kind=OuterRef("kind"), status=AllocationStatus.ACTIVE
        ).order_by().values("project").annotate(s=Sum("amount")).values("s")
    )


def demand_rows(demands: QuerySet | None = None) -> QuerySet:
    """Demands annotated with ``secured`` (active allocations of that kind to the project)."""
    demands = ResourceDemand.objects.all() if demands is None else demands
    return demands.annotate(
        secured=Coalesce(Subquery(_secured_subquery(), output_field=_QTY), Value(ZERO, output_field=_QTY))
    ).select_related("project", "project__town")


def with_planned_start(demands: QuerySet, year: int, version_id: int | None) -> QuerySet:
    """Annotate ``plan_start_month`` (this year's plan entry) and ``node_start`` (the planned
    date of the project's 开工 node)."""
    plan_start = PlanEntry.objects.filter(version_id=version_id, project=OuterRef("project")).values(
        "planned_start_month"
    )[:1]
    node_start = Node.objects.filter(project=OuterRef("project"), node_type__code="start").values("planned_date")[:1]
    return demands.annotate(
        plan_start_month=Subquery(plan_start, output_field=IntegerField()),
        node_start=Subquery(node_start, output_field=DateField()),
    )


def _due_for_warning(today: dt.date, year: int) -> Q:
    """Planned start on or before today + 3 months, by the plan month if there is one, else the node."""
    cutoff = add_months(today, WARNING_MONTHS)
    if cutoff.year > year:
        by_plan = Q(plan_start_month__isnull=False)
    else:
        by_plan = Q(plan_start_month__lte=cutoff.month)
    by_node = Q(plan_start_month__isnull=True, node_start__isnull=False, node_start__lte=cutoff)
    return by_plan | by_node


def uncovered_warnings(today: dt.date, demands: QuerySet | None = None) -> QuerySet:
    """Demands not covered by allocations for projects not yet started whose planned start
    is within three months (or already past)."""
    year = today.year
    qs = with_planned_start(demand_rows(demands), year, current_version_id(year))
    started = Node.objects.filter(project=OuterRef("project"), node_type__code="start", status=NodeStatus.DONE)
    return (
        qs.filter(project__deleted_at__isnull=True, project__stage__in=NOT_STARTED, secured__lt=F("amount"))
        .exclude(Q(project__in=Subquery(started.values("project"))))
        .filter(_due_for_warning(today, year))
        .order_by("plan_start_month", "node_start", "project__name")
    )


def planned_start_of(row, year: int) -> dt.date | None:
    if getattr(row, "plan_start_month", None):
        return dt.date(year, row.plan_start_month, 1)
    return getattr(row, "node_start", None)


def by_town(demands: QuerySet | None = None) -> list[dict]:
    """Demand and secured per town and kind; two grouped queries merged."""
    demands = ResourceDemand.objects.all() if demands is None else demands
    need = demands.order_by().values("project__town_id", "project__town__name", "project__town__order", "kind").annotate(
        total=Sum("amount")
    )
    got = (
        ResourceAllocation.objects.filter(status=AllocationStatus.ACTIVE, project__in=demands.values("project"))
        .order_by().values("project__town_id", "kind").annotate(total=Sum("amount"))
    )
    secured = {(r["project__town_id"], r["kind"]): r["total"] for r in got}
    towns: dict = defaultdict(lambda: {"name": "", "order": 0, "kinds": {}})
    for r in need:
        key = r["project__town_id"]
        towns[key]["id"] = key
        towns[key]["name"] = r["project__town__name"] or "—"
        towns[key]["order"] = r["project__town__order"] or 0
        s = secured.get((key, r["kind"]), ZERO)
        towns[key]["kinds"][r["kind"]] = {"demand": r["total"], "secured": s, "rate": percent(min(s, r["total"]), r["total"])}
    return sorted(towns.values(), key=lambda t: (t["order"], t["name"]))


def summary(year: int, today: dt.date) -> dict:
    """For the cockpit: quota use per kind, county demand against secured (an allocation
    counting only up to its project's demand), and the number of warnings. Four queries."""
    from tuijin.projects.models import NodeType

    from .sql import coverage_by_kind, uncovered_count

    quota_rows = quotas(year)
    coverage = coverage_by_kind()
    for row in quota_rows:
        demand, got = coverage.get(row["kind"], (ZERO, ZERO))
        row.update(demand=demand, covered=got, cover_rate=percent(got, demand))
    cutoff = add_months(today, WARNING_MONTHS)
    warnings = uncovered_count(
        version_id=current_version_id(today.year),
        start_type_id=NodeType.objects.filter(code="start").values_list("pk", flat=True).first(),
        stages=tuple(NOT_STARTED), cutoff=cutoff, cutoff_month=None if cutoff.year > today.year else cutoff.month,
    )
    return {"kinds": quota_rows, "warnings": warnings}
