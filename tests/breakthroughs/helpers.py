"""Small builders for the breakthroughs and cockpit tests: plan entries and node progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuijin.projects.choices import EntryStatus, LibraryKind, NodeStatus
from tuijin.projects.models import LibraryEntry, Node, PlanEntry, PlanVersion
from tuijin.projects.services.libraries import library_for


def plan_entry(project, *, year: int, category: str = "new", month: int | None = None, planned=Decimal(1000)) -> PlanEntry:
    """Put ``project`` in ``year``'s annual plan (latest version) with a planned start month."""
    version = PlanVersion.objects.filter(year=year).order_by("-number").first() or PlanVersion.objects.create(
        year=year, number=1
    )
    entry = LibraryEntry.objects.create(
        library=library_for(LibraryKind.ANNUAL, year), project=project, status=EntryStatus.ADMITTED
    )
    return PlanEntry.objects.create(
        version=version, library_entry=entry, project=project, category=category, planned_investment=planned,
        planned_start_month=month,
    )


def set_node(project, code: str, *, done: dt.date | None = None, planned: dt.date | None = None,
             due: dt.date | None = None, status: str | None = None) -> Node:
    node = Node.objects.get(project=project, node_type__code=code)
    if planned is not None:
        node.planned_date = planned
    if due is not None:
        node.due_date = due
    if done is not None:
        node.status = NodeStatus.DONE
        node.actual_date = done
    elif status:
        node.status = status
    node.save()
    return node
