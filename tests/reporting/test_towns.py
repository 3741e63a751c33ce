"""The towns' stored totals stay equal to the sums of their projects' figures, whichever way
the figures change: reports filed, corrected and deleted, plan lines written, adjusted and
frozen, projects moved to another town — and the overview reads the same figures from them."""

from __future__ import annotations

import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from tuijin.projects.models import PlanVersion
from tuijin.projects.services import libraries as lib
from tuijin.projects.services.libraries import PlanData
from tuijin.projects.services.registry import project_update
from tuijin.reporting import selectors
from tuijin.reporting.models import MonthlyReport, TownPlanTotals, TownYearInvestment
from tuijin.reporting.towns import town_mismatches

from .factories import filed, in_plan

D = Decimal


def year_row(town, year) -> list[Decimal]:
    row = TownYearInvestment.objects.get(town=town, year=year)
    return [getattr(row, f"m{m}") for m in range(1, 13)]


def plan_row(town, year) -> TownPlanTotals:
    return TownPlanTotals.objects.get(town=town, version__year=year, version__is_frozen=False)


def by_town(year, month) -> dict:
    return {f.key: f for f in selectors.unit_figures(year, month, forecast=False)}


def test_reports_and_plans_of_two_towns_sum_into_their_rows(cast, make_project):
    a1, a2, b = make_project(), make_project(), make_project(town=cast.other_town)
    in_plan(a1, 2026, "1200")
    in_plan(a2, 2026, "600", {6: "600"})
    in_plan(b, 2026, "2400")
    filed(a1, 2026, 3, "250")
    filed(a2, 2026, 3, "50.5")
    filed(b, 2026, 4, "80")
    filed(a1, 2025, 3, "100")
    assert year_row(cast.town, 2026)[2] == D("300.5")
    assert year_row(cast.other_town, 2026)[3] == D("80")
    assert year_row(cast.town, 2025)[2] == D("100")
    plan = plan_row(cast.town, 2026)
    assert (plan.lines, plan.planned, plan.plan_m6, plan.plan_m1) == (2, D("1800"), D("700"), D("100"))
    assert town_mismatches() == []
    # A correction and a deletion follow into the town's row.
    report = MonthlyReport.objects.get(project=a1, year=2026, month=3)
    report.amount = D("200")
    report.save()
    MonthlyReport.objects.get(project=a2, year=2026, month=3).delete()
    assert year_row(cast.town, 2026)[2] == D("200")
    figures = by_town(2026, 6)[cast.town.pk]
    assert (figures.ytd, figures.last_year_ytd, figures.annual_plan, figures.planned_to_date, figures.projects) == (
        D("200"), D("100"), D("1800"), D("1200"), 2)
    assert town_mismatches() == []


def test_a_project_moved_to_another_town_takes_its_figures_along(cast, make_project):
    project, stays = make_project(), make_project()
    in_plan(project, 2026, "1200")
    in_plan(stays, 2026, "600")
    filed(project, 2026, 2, "90")
    filed(project, 2025, 2, "40")
    filed(stays, 2026, 2, "10")
    before = by_town(2026, 2)
    assert before[cast.town.pk].ytd == D("100") and cast.other_town.pk not in before
    project_update(project=project, by=cast.office, town=cast.other_town)
    after = by_town(2026, 2)
    assert (after[cast.town.pk].ytd, after[cast.town.pk].annual_plan, after[cast.town.pk].projects) == (D("10"), D("600"), 1)
    moved = after[cast.other_town.pk]
    assert (moved.ytd, moved.last_year_ytd, moved.annual_plan, moved.projects) == (D("90"), D("40"), D("1200"), 1)
    assert town_mismatches() == []
    # The county is the same before and after.
    assert selectors.county_figures(2026, 2).ytd == D("100")


def test_projects_without_a_town_count_in_the_county_and_as_their_own_row(cast, make_project):
    townless = make_project()
    in_plan(townless, 2026, "500")
    filed(townless, 2026, 1, "30")
    project_update(project=townless, by=cast.office, town=None)
    other = make_project()
    in_plan(other, 2026, "700")
    filed(other, 2026, 1, "20")
    rows = by_town(2026, 1)
    assert (rows[None].ytd, rows[None].annual_plan, rows[None].projects) == (D("30"), D("500"), 1)
    county = selectors.county_figures(2026, 1)
    assert (county.ytd, county.annual_plan, county.projects) == (D("50"), D("1200"), 2)
    assert selectors.monthly_series(2026, 2026)[2026][0] == D("50")
    assert not TownYearInvestment.objects.filter(town__isnull=True).exists()


def test_plan_adjustments_and_the_frozen_plan_keep_their_own_town_totals(cast, make_project):
    from tests.projects.test_services_libraries import admit, annual_ready
    from tuijin.projects.choices import LibraryKind, PlanCategory

    project = make_project()
    annual_ready(project, cast)
    admit(project, LibraryKind.ANNUAL, cast.office,
          plan=PlanData(category=PlanCategory.NEW, planned_investment=D("1200"), months={5: D("1200")}))
    adopted = lib.plan_freeze(year=2026, by=cast.office)
    working = project.plan_entries.get(version__is_frozen=False)
    lib.plan_entry_update(plan_entry=working, by=cast.office,
                          plan=PlanData(category=PlanCategory.NEW, planned_investment=D("300"), months={7: D("300")}))
    frozen = TownPlanTotals.objects.get(version=adopted, town=cast.town)
    assert (frozen.planned, frozen.plan_m5) == (D("1200"), D("1200"))
    assert (plan_row(cast.town, 2026).planned, plan_row(cast.town, 2026).plan_m7) == (D("300"), D("300"))
    assert town_mismatches() == []


def test_freezing_the_plan_gives_the_new_working_version_every_towns_totals(cast, make_project):
    from tests.projects.test_services_libraries import admit, annual_ready
    from tuijin.projects.choices import LibraryKind, PlanCategory

    for town, amount in ((cast.town, "1200"), (cast.other_town, "500")):
        project = make_project(town=town)
        annual_ready(project, cast)
        admit(project, LibraryKind.ANNUAL, cast.office,
              plan=PlanData(category=PlanCategory.NEW, planned_investment=D(amount), months={5: D(amount)}))
    adopted = lib.plan_freeze(year=2026, by=cast.office)
    working = PlanVersion.objects.get(year=2026, is_frozen=False)
    assert working.entries.count() == adopted.entries.count() == 2
    for version in (adopted, working):
        totals = {t.town_id: (t.planned, t.plan_m5) for t in TownPlanTotals.objects.filter(version=version)}
        assert totals == {cast.town.pk: (D("1200"), D("1200")), cast.other_town.pk: (D("500"), D("500"))}
    assert town_mismatches() == []


def test_a_row_written_behind_the_services_back_is_found_and_rebuilt(cast, make_project):
    project = make_project()
    in_plan(project, 2026, "1200")
    filed(project, 2026, 5, "70")
    TownYearInvestment.objects.filter(town=cast.town, year=2026).update(m5=D("1"))
    TownPlanTotals.objects.all().delete()
    assert {kind for kind, _key in town_mismatches()} == {"year", "plan"}
    call_command("rebuild-totals", stdout=StringIO())
    assert town_mismatches() == []
    assert year_row(cast.town, 2026)[4] == D("70")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_reports_of_one_town_filed_at_the_same_moment_both_count(cast, make_project):
    """Eight projects of one town file at once, each in its own connection and transaction:
    the town's row is locked while recomputed, so none of the eight amounts is lost."""
    projects = [make_project() for _ in range(8)]
    for p in projects:
        in_plan(p, 2026, "1200")
    filed(projects[0], 2026, 1, "1")  # the town's 2026 row exists
    barrier = threading.Barrier(len(projects))
    errors = []

    def file(project, amount):
        try:
            with transaction.atomic():
                barrier.wait(timeout=20)
                filed(project, 2026, 4, amount)
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file, args=(p, str(10 + i))) for i, p in enumerate(projects)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert year_row(cast.town, 2026)[3] == sum(D(10 + i) for i in range(8))
    assert town_mismatches() == []


def test_rows_taken_unnamed_are_the_same_figures_and_named_on_demand(cast, make_project, django_assert_num_queries):
    a, b = make_project(), make_project(town=cast.other_town)
    in_plan(a, 2026, "1200")
    in_plan(b, 2026, "600")
    filed(a, 2026, 2, "30")
    named = {f.key: f for f in selectors.unit_figures(2026, 2, forecast=False)}
    bare = selectors.unit_figures(2026, 2, forecast=False, named=False)
    assert {f.name for f in bare} == {""} and {f.key for f in bare} == set(named)
    bare = [f for f in bare if f.key in (cast.town.pk, cast.other_town.pk)]
    assert [(f.ytd, f.annual_plan, f.planned_to_date) for f in bare] == [
        (named[f.key].ytd, named[f.key].annual_plan, named[f.key].planned_to_date) for f in bare]
    with django_assert_num_queries(1):
        selectors.name_rows("town", bare[:1])
    assert bare[0].name == named[bare[0].key].name and bare[1].name == ""
