"""A plan line's monthly split lives in its month columns (plan_m1 … plan_m12): the services
write, adjust and copy them, ``PlanEntry.months()`` reads them back, and the schedule to date is
read from them."""

from decimal import Decimal

import pytest

from tuijin.projects.choices import LibraryKind, PlanCategory
from tuijin.projects.models import PlanEntry
from tuijin.projects.services import libraries as lib
from tuijin.projects.services.libraries import PlanData
from tuijin.projects.services.split import split_values
from tuijin.reporting.selectors import project_figures, unit_figures

from .test_services_libraries import admit, annual_ready

pytestmark = pytest.mark.usefixtures("english")
D = Decimal


def stored(entry: PlanEntry) -> list[Decimal]:
    entry.refresh_from_db()
    return [getattr(entry, f"plan_m{m}") for m in range(1, 13)]


def test_the_services_write_adjust_and_copy_the_stored_split(cast, make_project):
    project = make_project()
    annual_ready(project, cast)
    split = {3: D("100"), 4: D("300"), 12: D("800")}
    admit(project, LibraryKind.ANNUAL, cast.office,
          plan=PlanData(category=PlanCategory.NEW, planned_investment=D("1200"), months=split, planned_start_month=3))
    line = PlanEntry.objects.get(project=project)
    assert stored(line) == [0, 0, 100, 300, 0, 0, 0, 0, 0, 0, 0, 800]
    assert line.months() == split and list(line.months()) == [3, 4, 12]
    assert (line.plan_ytd_m3, line.plan_ytd_m11, line.plan_ytd_m12) == (D("100"), D("400"), D("1200"))

    adopted = lib.plan_freeze(year=2026, by=cast.office)
    working = PlanEntry.objects.get(version__year=2026, version__is_frozen=False, project=project)
    assert stored(working) == stored(PlanEntry.objects.get(version=adopted, project=project))

    lib.plan_entry_update(plan_entry=working, by=cast.office, plan=PlanData(
        category=PlanCategory.NEW, planned_investment=D("600"), months={6: D("200"), 7: D("400")}))
    assert stored(working) == [0, 0, 0, 0, 0, 200, 400, 0, 0, 0, 0, 0]  # the months not given are 0 again
    assert working.months() == {6: D("200"), 7: D("400")}
    assert stored(PlanEntry.objects.get(version=adopted, project=project))[11] == D("800")  # the frozen plan keeps its own

    # The schedule to date read from the stored split is the months' sum.
    figures = project_figures(2026, 6, project_ids=[project.pk]).get()
    assert figures.planned_to_date == D("200")
    assert unit_figures(2026, 7, forecast=False)[0].planned_to_date == D("600")


def test_an_automatic_split_is_stored_from_the_start_month(cast, make_project):
    lines = []
    for planned, start in ((D("1000"), 3), (D("0.0005"), 1)):
        project = make_project()
        annual_ready(project, cast)
        admit(project, LibraryKind.ANNUAL, cast.office,
              plan=PlanData(category=PlanCategory.NEW, planned_investment=planned, planned_start_month=start))
        lines.append(PlanEntry.objects.get(project=project))
    months, tiny = stored(lines[0]), stored(lines[1])
    assert months[:2] == [0, 0] and all(months[2:]) and sum(months) == D("1000")
    assert list(lines[0].months()) == list(range(3, 13))
    assert tiny == [0] * 11 + [D("0.0005")] and lines[1].months() == {12: D("0.0005")}


def test_split_values_gives_every_month_a_column():
    columns = split_values({2: D("5"), 12: D("7.5")})
    assert list(columns) == [f"plan_m{m}" for m in range(1, 13)]
    assert (columns["plan_m2"], columns["plan_m12"], sum(columns.values())) == (D("5"), D("7.5"), D("12.5"))
    assert PlanEntry(**split_values({})).months() == {}
