"""The starts and approvals panels, from data that already exist: the annual plan's new-start
entries, the 开工 node of each project and the approval nodes against their time limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DateField, FilteredRelation, OuterRef, Q, QuerySet, Subquery

from tuijin.projects.choices import NodeStatus, PlanCategory
from tuijin.projects.models import Node, NodeType, PlanEntry

from ..models import StartRateTarget
from ..models.targets import DEFAULT_START_TARGETS
from .common import current_version_id, percent

FINISHED = (NodeStatus.DONE, NodeStatus.SKIPPED)


# ------------------------------------------------------------------ starts


def start_targets() -> dict[int, Decimal]:
    """Month → target start rate (%), from the office's settings or the Zhejiang default. One query."""
    rows = dict(StartRateTarget.objects.values_list("month", "rate"))
    return rows or dict(DEFAULT_START_TARGETS)


def target_for(month: int, targets: dict[int, Decimal]) -> tuple[int, Decimal]:
    """The checkpoint that applies in ``month``: the next target month, or the last one."""
    for m in sorted(targets):
        if m >= month:
            return m, targets[m]
    last = max(targets)
    return last, targets[last]


def new_start_entries(year: int, version_id: int | None = None) -> QuerySet:
    """This year's new-start plan entries, annotated with the 开工 node's planned and actual dates."""
    if version_id is None:
        version_id = current_version_id(year)
    start_node = Node.objects.filter(project=OuterRef("project"), node_type__code="start")
    return PlanEntry.objects.filter(
        version_id=version_id, category=PlanCategory.NEW, project__deleted_at__isnull=True
    ).annotate(
        start_actual=Subquery(start_node.filter(status=NodeStatus.DONE).values("actual_date")[:1], output_field=DateField()),
        start_planned=Subquery(start_node.values("planned_date")[:1], output_field=DateField()),
    )


def _elapsed_month(year: int, today: dt.date) -> int:
    """The last month whose planned starts are due: this month within the year, 12 after it."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month


def overdue_filter(year: int, today: dt.date) -> Q:
    """应开工未开工: not started though the planned start month has ended."""
    month = _elapsed_month(year, today)
    return Q(start_actual__isnull=True, planned_start_month__lt=month) | Q(
        start_actual__isnull=True, planned_start_month__isnull=True, start_planned__lt=today
    )


def starts_panel(year: int, today: dt.date) -> dict:
    """New-start rate against the quarterly targets, overdue starts, starts by month and the
    average days from planned to actual start. Four queries (the 开工 node joined, not sub-queried)."""
    version_id = current_version_id(year)
    targets = start_targets()
    start_id = NodeType.objects.filter(code="start").values_list("pk", flat=True).first()
    rows = [
        (month, actual if status == NodeStatus.DONE else None, planned)
        for month, actual, status, planned in PlanEntry.objects.filter(
            version_id=version_id, category=PlanCategory.NEW, project__deleted_at__isnull=True
        )
        .annotate(start=FilteredRelation("project__nodes", condition=Q(project__nodes__node_type_id=start_id)))
        .values_list("planned_start_month", "start__actual_date", "start__status", "start__planned_date")
    ]
    month_now = _elapsed_month(year, today)
    total = len(rows)
    started = [r for r in rows if r[1] is not None and r[1].year <= year]
    overdue = [
        r for r in rows
        if r[1] is None and ((r[0] is not None and r[0] < month_now) or (r[0] is None and r[2] is not None and r[2] < today))
    ]
    due_this_month = [r for r in rows if r[1] is None and r[0] == month_now and year == today.year]
    delays = [(r[1] - r[2]).days for r in started if r[2] is not None]
    by_month = [0] * 12
    for r in started:
        if r[1].year == year:
            by_month[r[1].month - 1] += 1
        else:  # started before the plan year
            by_month[0] += 1
    cumulative, running = [], 0
    for n in by_month:
        running += n
        cumulative.append(running)
    checkpoint, target = target_for(max(month_now, 1), targets)
    rate = percent(len(started), total)
    return {
        "year": year,
        "total": total,
        "started": len(started),
        "rate": rate,
        "checkpoint": checkpoint,
        "target": target,
        "gap": (rate - target) if rate is not None else None,
        "on_track": rate is not None and rate >= target,
        "overdue": len(overdue),
        "due_this_month": len(due_this_month),
        "avg_delay_days": round(sum(delays) / len(delays), 1) if delays else None,
        "late_starts": sum(1 for d in delays if d > 0),
        "targets": sorted(targets.items()),
        # The curve stops at the current month: later months have no starts yet, not "no change".
        "cumulative_rates": [percent(c, total) if total and i < max(month_now, 1) else None
                             for i, c in enumerate(cumulative)],
        "by_month": by_month,
    }


# ------------------------------------------------------------------ approvals


def approval_nodes() -> QuerySet:
    return Node.objects.filter(node_type__is_approval=True, project__deleted_at__isnull=True)


def approvals_panel(year: int, today: dt.date) -> dict:
    """Approval items done this year on time or late, open items past their time limit, and
    the average days per item (from the day its last predecessor was done). Three queries."""
    from tuijin.projects.models import NodeType

    from .sql import approval_days

    done = approval_days(dt.date(year, 1, 1), dt.date(year, 12, 31))
    types = NodeType.objects.filter(pk__in=list(done)).order_by("order").values_list("pk", "name")
    open_agg = approval_nodes().exclude(status__in=FINISHED).aggregate(
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        due_soon=Count("pk", filter=Q(due_date__gte=today, due_date__lte=today + dt.timedelta(days=30))),
        open=Count("pk"),
    )
    items = []
    for pk, name in types:
        n, on_time, days = done[pk]
        items.append({"id": pk, "name": name, "done": n, "on_time": on_time, "on_time_rate": percent(on_time, n),
                      "avg_days": round(days, 1) if days is not None else None})
    done_n = sum(i["done"] for i in items)
    on_time_n = sum(i["on_time"] for i in items)
    weighted = [(i["avg_days"], i["done"]) for i in items if i["avg_days"] is not None]
    return {
        "year": year,
        "done": done_n,
        "on_time": on_time_n,
        "late": done_n - on_time_n,
        "on_time_rate": percent(on_time_n, done_n),
        "overdue": open_agg["overdue"] or 0,
        "due_soon": open_agg["due_soon"] or 0,
        "open": open_agg["open"] or 0,
        "avg_days": round(sum(d * n for d, n in weighted) / sum(n for _, n in weighted), 1) if weighted else None,
        "items": items,
    }
