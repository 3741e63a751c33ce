"""Running totals of month columns: kept by the database on every write, whoever writes, and
read as one column (or the difference of two) for a window of months."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.reporting.factories import in_plan
from tuijin.lib.bulk import bulk_insert, bulk_update_rows
from tuijin.lib.months import window_sql
from tuijin.projects.models import PlanEntry
from tuijin.reporting.models import ProjectYearInvestment


def test_a_window_is_one_column_from_january_and_a_difference_after():
    assert window_sql("y", 1, 9) == "y.ytd_m9"
    assert window_sql("pe", 7, 9, "plan_") == "(pe.plan_ytd_m9 - pe.plan_ytd_m6)"
    assert window_sql("y", 12, 12) == "(y.ytd_m12 - y.ytd_m11)"
    for first, last in ((0, 3), (4, 3), (1, 13)):
        with pytest.raises(ValueError):
            window_sql("y", first, last)


def running(row, prefix: str = "") -> list[Decimal]:
    return [getattr(row, f"{prefix}ytd_m{m}") for m in range(1, 13)]


@pytest.mark.django_db
def test_the_totals_follow_the_months_on_insert_update_and_bulk_writes(make_project):
    project = make_project()
    months = {f"m{m}": Decimal(m) * Decimal("10.5") for m in range(1, 13)}
    row = ProjectYearInvestment.objects.create(project=project, year=2026, **months)
    row.refresh_from_db()
    assert running(row) == [Decimal("10.5") * m * (m + 1) / 2 for m in range(1, 13)]

    ProjectYearInvestment.objects.filter(pk=row.pk).update(m3=Decimal("100"))
    bulk_update_rows(ProjectYearInvestment, [{"id": row.pk, "m12": Decimal("0.0001")}], ["m12"])
    row.refresh_from_db()
    assert row.ytd_m2 == Decimal("31.5000") and row.ytd_m3 == Decimal("131.5000")
    assert row.ytd_m12 == sum(row.months()) == Decimal("100") + sum(
        Decimal(m) * Decimal("10.5") for m in range(1, 12) if m != 3) + Decimal("0.0001")
    # a window of months from the totals equals the sum of its months
    assert row.ytd_m9 - row.ytd_m6 == row.m7 + row.m8 + row.m9

    # the bulk writer (COPY on PostgreSQL) leaves the totals to the database too
    other = make_project()
    bulk_insert(ProjectYearInvestment, [{"project_id": other.pk, "year": 2026, "m2": Decimal("7"), "m5": Decimal("3")}])
    written = ProjectYearInvestment.objects.get(project=other, year=2026)
    assert running(written) == [Decimal(0)] + [Decimal(7)] * 3 + [Decimal(10)] * 8


@pytest.mark.django_db
def test_a_plan_lines_totals_follow_its_stored_split(make_project):
    entry = in_plan(make_project(), 2026, "1200", {1: "100", 6: "500", 12: "600"})
    entry = PlanEntry.objects.get(pk=entry.pk)
    assert running(entry, "plan_") == [Decimal(v) for v in
                                       ("100", "100", "100", "100", "100", "600", "600", "600", "600", "600", "600", "1200")]
