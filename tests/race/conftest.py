"""A small hand-computable race: two towns, a few projects with plans and reports.

匡堰 (cast.town): project A1 planned 1,200 万元 (100 a month), reported 50 a month Jan–Sep 2026
(450) and 60 a month Jan–Sep 2025 (540); project A2 a new start planned for May, not started.
龙山 (cast.other_town): project B1 planned 1,200 (100 a month), reported 100 a month Jan–Sep 2026
(900), nothing in 2025.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tuijin.projects.choices import EntryStatus, LibraryKind, PlanCategory
from tuijin.projects.models import LibraryEntry, PlanEntry
from tuijin.projects.services.libraries import library_for, working_version
from tuijin.projects.services.split import split_values
from tuijin.projects.signals import plan_lines_changed
from tuijin.race.models import Scheme
from tuijin.race.services import scheme_version_create
from tuijin.reporting.models import MonthlyReport, ReportingPeriod

YEAR = 2026


def add_plan(project, planned, *, category=PlanCategory.CONTINUING, start_month=None, monthly=None):
    library = library_for(LibraryKind.ANNUAL, YEAR)
    entry = LibraryEntry.objects.create(library=library, project=project, status=EntryStatus.ADMITTED)
    plan = PlanEntry.objects.create(
        version=working_version(YEAR), library_entry=entry, project=project, category=category,
        planned_investment=Decimal(planned), planned_start_month=start_month,
        **split_values(dict.fromkeys(range(1, 13), Decimal(monthly)) if monthly else {}),
    )
    plan_lines_changed.send(sender=PlanEntry, entry_ids=[plan.pk])
    return plan


def add_reports(project, year, amounts: dict[int, str], *, late_months=()):
    for month, amount in amounts.items():
        period, _ = ReportingPeriod.objects.get_or_create(
            year=year, month=month, defaults={"opens_on": dt.date(year, month, 1), "closes_on": dt.date(year, month, 5)})
        MonthlyReport.objects.create(
            period=period, project=project, year=year, month=month, amount=Decimal(amount), status="confirmed",
            is_late=month in late_months,
        )


@pytest.fixture
def world(cast, make_project):
    a1 = make_project(name="匡堰甲项目", town=cast.town)
    a2 = make_project(name="匡堰新开工项目", town=cast.town)
    b1 = make_project(name="龙山乙项目", town=cast.other_town)
    add_plan(a1, 1200, monthly=100)
    add_plan(a2, 0, category=PlanCategory.NEW, start_month=5)
    add_plan(b1, 1200, monthly=100)
    add_reports(a1, YEAR, dict.fromkeys(range(1, 10), "50"))
    add_reports(a1, YEAR - 1, dict.fromkeys(range(1, 10), "60"))
    add_reports(b1, YEAR, dict.fromkeys(range(1, 10), "100"))
    scheme = Scheme.objects.create(code="towns", name="镇街道赛马", over="towns")
    scheme.units.set([cast.town, cast.other_town])
    scheme_version_create(
        scheme=scheme, by=cast.office, effective_from=dt.date(YEAR, 1, 1), red_top_n=1, black_bottom_n=1,
        indicators=[
            {"code": "plan_completion", "weight": 20, "method": "target", "params": {"target": "unit"}},
            {"code": "investment_growth", "weight": 10, "method": "rank"},
            {"code": "overdue_starts", "weight": 10, "method": "per_event", "direction": "lower", "params": {"points": 3}},
        ],
    )
    return {"scheme": scheme, "a1": a1, "a2": a2, "b1": b1}
