"""Statistics on hand-computed cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuijin.projects.choices import PlanCategory
from tuijin.projects.services.libraries import completed_in_year as roll_over_completed
from tuijin.reporting import selectors
from tuijin.reporting.models import ReportStatus

from .factories import filed, in_plan, node_done

D = Decimal


def test_project_figures_month_ytd_since_start_and_schedule(cast, make_project):
    project = make_project(total_investment=D("50000"))
    in_plan(project, 2026, "12000", dict.fromkeys(range(1, 13), "1000"), opening="8000")
    filed(project, 2026, 1, "500")
    filed(project, 2026, 2, "1500")
    filed(project, 2026, 3, "700", status=ReportStatus.DRAFT)  # not filed: does not count
    row = selectors.project_figures(2026, 3).get(project=project)
    assert row.month_amount == D("0")
    assert row.ytd == D("2000")
    assert row.since_start == D("10000")
    assert row.annual_plan == D("12000")
    assert row.planned_to_date == D("3000")
    assert round(row.completion_pct, 2) == 16.67
    assert round(row.schedule_pct, 2) == 66.67


def test_growth_from_zero_reads_new_and_growth_against_same_months(cast, make_project):
    old = make_project()
    new = make_project()
    other_town = make_project(town=cast.other_town)
    for p in (old, new, other_town):
        in_plan(p, 2026, "12000")
    filed(old, 2025, 1, "100")
    filed(old, 2025, 2, "100")
    filed(old, 2025, 12, "5000")  # later months of last year do not count
    filed(old, 2026, 1, "150")
    filed(old, 2026, 2, "100")
    filed(new, 2026, 2, "80")
    filed(other_town, 2026, 2, "40")
    towns = {f.name: f for f in selectors.unit_figures(2026, 2, by="town", forecast=False)}
    kuangyan = towns["匡堰"]
    assert kuangyan.ytd == D("330")
    assert kuangyan.last_year_ytd == D("200")
    assert kuangyan.growth_pct == D("65.0")
    assert towns["龙山"].growth_label == "新增"
    county = selectors.county_figures(2026, 2)
    assert county.ytd == D("370")
    assert county.month == D("220")
    assert county.projects == 3
    assert selectors.growth_label(D(0), D(0)) == "—"


def test_mid_year_start_schedule_counts_only_months_from_the_start(cast, make_project):
    project = make_project()
    in_plan(project, 2026, "6000", dict.fromkeys(range(7, 13), "1000"), category=PlanCategory.NEW, start_month=7)
    filed(project, 2026, 7, "500")
    early = selectors.project_figures(2026, 6).get(project=project)
    assert early.planned_to_date == 0 and early.schedule_pct is None
    row = selectors.project_figures(2026, 8).get(project=project)
    assert row.planned_to_date == D("2000")
    assert round(row.schedule_pct, 1) == 25.0
    node_done(project, "start", dt.date(2026, 7, 10))
    county, towns = selectors.start_figures(2026, 8)
    assert (county.new_starts, county.started, county.start_rate) == (1, 1, D("100.0"))
    county, _ = selectors.start_figures(2026, 6)
    assert county.started == 0


def test_roll_over_hook_returns_what_was_completed_in_the_year(cast, make_project):
    project = make_project()
    in_plan(project, 2026, "1000")
    filed(project, 2026, 1, "10")
    filed(project, 2026, 5, "15")
    filed(project, 2025, 5, "99")
    assert roll_over_completed([project.pk], 2026) == {project.pk: D("25")}
