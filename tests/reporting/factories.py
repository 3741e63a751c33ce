"""Helpers that put a project in the annual plan and write reports directly, for statistics tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuijin.projects.choices import EntryStatus, LibraryKind, NodeStatus, PlanCategory
from tuijin.projects.models import LibraryEntry, Node, PlanEntry
from tuijin.projects.services.libraries import library_for, working_version
from tuijin.projects.services.split import split_values
from tuijin.projects.signals import plan_lines_changed
from tuijin.reporting.models import MonthlyReport, ReportingPeriod, ReportStatus


def in_plan(project, year: int, planned, months: dict[int, str] | None = None, *, opening="0",
            category=PlanCategory.CONTINUING, start_month=None) -> PlanEntry:
    library = library_for(LibraryKind.ANNUAL, year)
    entry, _ = LibraryEntry.objects.get_or_create(
        library=library, project=project, defaults={"status": EntryStatus.ADMITTED}
    )
    if months is None:
        share = Decimal(planned) / 12
        months = dict.fromkeys(range(1, 13), share)
    plan = PlanEntry.objects.create(
        version=working_version(year), library_entry=entry, project=project, category=category,
        planned_investment=Decimal(planned), opening_cumulative=Decimal(opening), planned_start_month=start_month,
        **split_values({m: Decimal(a) for m, a in months.items()}),
    )
    plan_lines_changed.send(sender=PlanEntry, entry_ids=[plan.pk])  # a bulk write, as the import and the generator do
    return plan


def period(year: int, month: int) -> ReportingPeriod:
    opens = dt.date(year + (month == 12), month % 12 + 1, 1)
    p, _ = ReportingPeriod.objects.get_or_create(
        year=year, month=month, defaults={"opens_on": opens, "closes_on": opens.replace(day=5)}
    )
    return p


def filed(project, year: int, month: int, amount, status=ReportStatus.CONFIRMED, **extra) -> MonthlyReport:
    from django.utils import timezone

    return MonthlyReport.objects.create(
        period=period(year, month), project=project, year=year, month=month, amount=Decimal(amount), status=status,
        submitted_at=None if status == ReportStatus.DRAFT else timezone.now(), **extra,
    )


def node_done(project, code: str, day: dt.date) -> Node:
    node = project.nodes.get(node_type__code=code)
    node.status = NodeStatus.DONE
    node.actual_date = day
    node.save()
    return node
