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


def test_year_end_forecast_from_past_years_pattern_with_its_backtest(cast, make_project):
    project = make_project(total_investment=D("100000"))
    in_plan(project, 2026, "3000")
    for m in range(1, 13):
        filed(project, 2024, m, "100" if m <= 6 else "300")  # 600 by June, 2,400 in the year
        filed(project, 2025, m, "200" if m <= 4 else ("400" if 7 <= m <= 10 else "0"))  # 800 by June, 2,400
    filed(project, 2026, 1, "700")
    forecast = selectors.county_forecast(2026, 6, per_project_error=True)
    assert forecast.share == D(1400) / D(4800)
    assert forecast.amount == D("2400.0000")
    checks = {c.year: c for c in forecast.backtest}
    assert (checks[2024].forecast, checks[2024].actual, checks[2024].error_pct) == (D("1800.0000"), D("2400"), D("-25.0"))
    assert (checks[2025].forecast, checks[2025].error_pct) == (D("3200.0000"), D("33.3"))
    assert forecast.mean_abs_error_pct == D("29.2")
    assert forecast.project_error_pct == D("14.3")
    row = selectors.with_forecast(selectors.project_figures(2026, 6), forecast.share).get(project=project)
    assert row.forecast.quantize(D("0.01")) == D("2400.00")
    assert selectors.county_forecast(2026, 12).share == 1


def test_forecast_of_a_project_is_capped_by_what_remains_of_its_total(cast, make_project):
    project = make_project(total_investment=D("10000"))
    in_plan(project, 2026, "3000", opening="8000")
    filed(project, 2026, 1, "1000")
    row = selectors.with_forecast(selectors.project_figures(2026, 2), D("0.1")).get(project=project)
    assert row.forecast == D("2000")  # 10,000 total − 8,000 before this year, not 1,000 ÷ 0.1


def test_registration_gaps_after_one_and_two_months(cast, make_project):
    import datetime as dt

    from .factories import node_done

    late = make_project()
    recent = make_project()
    registered = make_project()
    in_plan(registered, 2026, "100")
    node_done(late, "start", dt.date(2026, 8, 1))
    node_done(recent, "start", dt.date(2026, 10, 10))
    node_done(registered, "start", dt.date(2026, 8, 1))
    filed(registered, 2026, 9, "50", is_registered=True)
    gaps = selectors.registration_gaps(dt.date(2026, 11, 20))
    assert {(p.name, p.months_unregistered) for p in gaps} == {(late.name, 2), (recent.name, 1)}
    counts = selectors.registration_gap_counts(dt.date(2026, 11, 20))
    assert counts == [{"town_id": cast.town.pk, "town": "匡堰", "after_one": 2, "after_two": 1}]


def test_unit_figures_by_department_category_and_chain(cast, make_project):
    from tuijin.projects.models import IndustryChain

    chain = IndustryChain.objects.first()
    a = make_project(industry_chain=chain)
    b = make_project()
    for p in (a, b):
        in_plan(p, 2026, "1200")
    filed(a, 2026, 1, "10")
    filed(b, 2026, 1, "20")
    assert [(f.name, f.ytd) for f in selectors.unit_figures(2026, 1, by="department", forecast=False)] == [
        ("自然资源和规划局", D("30"))
    ]
    assert [(f.name, f.ytd) for f in selectors.unit_figures(2026, 1, by="category", forecast=False)] == [("产业", D("30"))]
    chains = {f.name: f.ytd for f in selectors.unit_figures(2026, 1, by="industry_chain", forecast=False)}
    assert chains == {chain.name: D("10"), "—": D("20")}
