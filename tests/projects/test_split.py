"""A plan line's stored monthly split (plan_m1 … plan_m12) equals its month rows, whichever
way the months were written, and the schedule to date read from it is the one the months give."""

from decimal import Decimal

import pytest

from tuijin.projects.choices import LibraryKind, PlanCategory
from tuijin.projects.models import PlanEntry, PlanMonth
from tuijin.projects.services import libraries as lib
from tuijin.projects.services.libraries import PlanData
from tuijin.projects.services.split import split_mismatches, split_months_insert, split_refresh
from tuijin.reporting.selectors import project_figures, unit_figures

from .test_services_libraries import admit, annual_ready

pytestmark = pytest.mark.usefixtures("english")
D = Decimal


def stored(entry: PlanEntry) -> list[Decimal]:
    entry.refresh_from_db()
    return [getattr(entry, f"plan_m{m}") for m in range(1, 13)]


def rows(entry: PlanEntry) -> list[Decimal]:
    months = dict(PlanMonth.objects.filter(entry=entry).values_list("month", "amount"))
    return [months.get(m, D(0)) for m in range(1, 13)]


def test_the_services_write_adjust_and_copy_the_stored_split(cast, make_project):
    project = make_project()
    annual_ready(project, cast)
    split = {3: D("100"), 4: D("300"), 12: D("800")}
    admit(project, LibraryKind.ANNUAL, cast.office,
          plan=PlanData(category=PlanCategory.NEW, planned_investment=D("1200"), months=split, planned_start_month=3))
    line = PlanEntry.objects.get(project=project)
    assert stored(line) == rows(line) == [0, 0, 100, 300, 0, 0, 0, 0, 0, 0, 0, 800]

    adopted = lib.plan_freeze(year=2026, by=cast.office)
    working = PlanEntry.objects.get(version__year=2026, version__is_frozen=False, project=project)
    assert stored(working) == stored(PlanEntry.objects.get(version=adopted, project=project))

    lib.plan_entry_update(plan_entry=working, by=cast.office, plan=PlanData(
        category=PlanCategory.NEW, planned_investment=D("600"), months={6: D("200"), 7: D("400")}))
    assert stored(working) == rows(working) == [0, 0, 0, 0, 0, 200, 400, 0, 0, 0, 0, 0]
    assert stored(PlanEntry.objects.get(version=adopted, project=project))[11] == D("800")  # the frozen plan keeps its own
    assert split_mismatches() == []

    # The schedule to date read from the stored split is the months' sum.
    figures = project_figures(2026, 6, project_ids=[project.pk]).get()
    assert figures.planned_to_date == D("200")
    assert unit_figures(2026, 7, forecast=False)[0].planned_to_date == D("600")


def test_a_bulk_write_that_skips_the_refresh_is_found_and_repaired(cast, make_project):
    project = make_project()
    annual_ready(project, cast)
    admit(project, LibraryKind.ANNUAL, cast.office,
          plan=PlanData(category=PlanCategory.NEW, planned_investment=D("1200"), planned_start_month=1))
    line = PlanEntry.objects.get(project=project)
    PlanMonth.objects.filter(entry=line, month=1).update(amount=D("5"))
    PlanMonth.objects.filter(entry=line, month=12).delete()
    assert split_mismatches() == [line.pk]
    assert split_mismatches(version_id=line.version_id + 1) == []
    assert split_refresh(entry_ids=[line.pk]) == 1
    assert split_mismatches() == []
    assert stored(line)[0] == D("5") and stored(line)[11] == D(0)


def test_month_rows_written_from_the_stored_split_are_the_split(cast, make_project):
    lines = []
    for planned, start in ((D("1000"), 3), (D("0.0005"), 1)):
        project = make_project()
        annual_ready(project, cast)
        admit(project, LibraryKind.ANNUAL, cast.office,
              plan=PlanData(category=PlanCategory.NEW, planned_investment=planned, planned_start_month=start))
        lines.append(PlanEntry.objects.get(project=project))
    expected = [rows(line) for line in lines]
    assert expected[0][:2] == [0, 0] and expected[1] == [0] * 11 + [D("0.0005")]
    PlanMonth.objects.filter(entry__in=lines).delete()

    assert split_months_insert(entry_ids=[line.pk for line in lines]) == 10 + 1  # months before the start and months of 0: no row
    assert [rows(line) for line in lines] == expected
    assert sorted(PlanMonth.objects.filter(entry=lines[0]).values_list("month", flat=True)) == list(range(3, 13))
    assert split_mismatches() == []
