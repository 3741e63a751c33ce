"""The starts and approvals panels, from data that already exist: the annual plan's new-start
entries, the 开工 node of each project and the approval nodes against their time limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DateField, Exists, FilteredRelation, OuterRef, Q, QuerySet, Subquery

from tuijin.projects.choices import NodeStatus, PlanCategory
from tuijin.projects.models import Node, NodeType, PlanEntry, Project

from ..models import StartRateTarget
from ..models.targets import DEFAULT_START_TARGETS
from .common import current_version_id, percent

FINISHED = (NodeStatus.DONE, NodeStatus.SKIPPED)
#: An open approval item is "due soon" when its time limit falls within this many days.
SOON_DAYS = 30


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


def approval_types() -> list[tuple[int, str]]:
    """(id, name) of every approval node type, in catalogue order. One query over a table of
    a dozen rows, so that the node statements filter on ids instead of joining the types."""
    return list(NodeType.objects.filter(is_approval=True).order_by("order", "code").values_list("pk", "name"))


def of_live_projects(nodes: QuerySet) -> QuerySet:
    """Nodes of projects not deleted, as an anti-join against the few deleted projects (read
    from a partial index) rather than a join of every node against every live project."""
    deleted = Project.objects.filter(pk=OuterRef("project_id"), deleted_at__isnull=False)
    return nodes.filter(~Exists(deleted))


def open_approval_counts(type_ids: list[int], today: dt.date) -> dict[str, int]:
    """Open approval items past their time limit, and due within 30 days. One statement that
    reads only the open nodes due by today + 30 from the index of open nodes by type and
    time limit."""
    soon = today + dt.timedelta(days=SOON_DAYS)
    counts = (
        of_live_projects(Node.objects.filter(node_type_id__in=type_ids, due_date__lte=soon).exclude(status__in=FINISHED))
        .aggregate(overdue=Count("due_date", filter=Q(due_date__lt=today)),
                   due_soon=Count("due_date", filter=Q(due_date__gte=today)))
    )
    return {key: value or 0 for key, value in counts.items()}


def approvals_panel(year: int, today: dt.date) -> dict:
    """Approval items done this year on time or late, open items past their time limit or due
    within 30 days, and the average days per item (from the day its last predecessor was
    done). Three queries."""
    from .sql import approval_days

    types = approval_types()
    type_ids = [pk for pk, _name in types]
    done = approval_days(dt.date(year, 1, 1), dt.date(year, 12, 31), type_ids)
    open_counts = open_approval_counts(type_ids, today)
    items = []
    for pk, name in types:
        if pk not in done:
            continue
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
        "overdue": open_counts["overdue"],
        "due_soon": open_counts["due_soon"],
        "avg_days": round(sum(d * n for d, n in weighted) / sum(n for _, n in weighted), 1) if weighted else None,
        "items": items,
    }
