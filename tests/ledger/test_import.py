"""Importing published ledgers: every quirk of a real table, exact totals, per-row errors,
idempotent re-import, the annual plan, units and permissions of the service."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tuijin.ledger.choices import RowOutcome
from tuijin.ledger.services.imports import ImportOptions, ledger_import
from tuijin.lib.errors import PermissionDenied
from tuijin.orgs.models import Unit
from tuijin.projects.choices import LibraryKind, PlanCategory
from tuijin.projects.models import LibraryEntry, PlanEntry, Project

from .workbooks import OPENING, PLANNED, PROJECTS, TOTAL, plan_rows, plan_workbook, simple_workbook


def run(path, by, **options):
    options.setdefault("dry_run", False)
    return ledger_import(path=path, by=by, options=ImportOptions(**options))


@pytest.fixture
def plan_file(tmp_path):
    return plan_workbook(tmp_path / "2026年重大项目计划表.xlsx")


def test_it_imports_a_published_plan_table_with_every_quirk(cast, plan_file):
    report = run(plan_file, cast.office, year=2026, library="annual")
    assert report.ok, [r.errors for r in report.rows]
    assert [r.outcome for r in report.rows] == [RowOutcome.CREATED] * 4
    assert report.header.first_row == 3 and report.header.last_row == 4
    projects = {p.name: p for p in Project.objects.all()}
    assert set(projects) == {row[1] for row in PROJECTS}
    assert sum(p.total_investment for p in projects.values()) == Decimal(TOTAL)
    bearing = projects["高端轴承扩产项目"]
    assert (bearing.start_year, bearing.end_year) == (2024, 2028)
    assert bearing.total_investment == Decimal("60000")
    assert bearing.owner.name == "慈溪工贸集团有限公司" and bearing.town == cast.town
    assert bearing.category.name == "产业"
    road = projects["滨海大道改造工程"]
    assert road.town is None and road.category.name == "基础设施"
    assert road.department.short_name == "住建局" and road.national_code == "2309-330282-04-01-100004"
    plan = PlanEntry.objects.filter(version__year=2026)
    assert sum(e.planned_investment for e in plan) == Decimal(str(PLANNED))
    assert sum(e.opening_cumulative for e in plan) == Decimal(str(OPENING))
    assert {e.project.name: e.category for e in plan} == {
        "智能家电产业园一期": PlanCategory.CONTINUING,
        "高端轴承扩产项目": PlanCategory.CONTINUING,
        "新材料研发中心": PlanCategory.NEW,
        "滨海大道改造工程": PlanCategory.CONTINUING,
    }
    centre = plan.get(project__name="新材料研发中心")
    assert centre.planned_start_month == 3 and centre.planned_completion == "2027-12"
    assert sum(centre.months().values()) == Decimal("1200")
    assert min(centre.months()) == 3, "the split starts in the planned start month"
    assert LibraryEntry.objects.filter(library__kind=LibraryKind.ANNUAL, status="admitted").count() == 4
    assert set(Project.objects.values_list("library", flat=True)) == {"annual"}


def test_it_flags_approximate_values_and_the_total_that_does_not_add_up(cast, plan_file):
    report = run(plan_file, cast.office, year=2026, library="annual")
    bearing = next(r for r in report.rows if r.name == "高端轴承扩产项目")
    assert set(bearing.approximate) == {"total_investment", "planned_investment"}
    failed = [(c.row, c.measure, c.claimed, c.parsed) for c in report.failed_checks]
    assert failed == [(16, "total_investment", Decimal("999999"), Decimal(TOTAL))]
    passed = {(c.row, c.measure) for c in report.checks if c.ok}
    assert {(5, "count"), (5, "total_investment"), (5, "planned_investment"), (9, "total_investment"),
            (9, "opening_cumulative"), (9, "planned_investment"), (6, "count"), (10, "count"), (12, "count")} <= passed
    assert report.parsed_totals["total_investment"] == Decimal(TOTAL)
    assert report.skipped == {"blank": 1, "note": 1, "section": 5, "total": 2}


def test_reimporting_the_same_file_changes_nothing(cast, plan_file):
    run(plan_file, cast.office, year=2026, library="annual")
    before = list(Project.objects.order_by("pk").values())
    lines = list(PlanEntry.objects.order_by("pk").values())
    again = run(plan_file, cast.office, year=2026, library="annual")
    assert [r.outcome for r in again.rows] == [RowOutcome.UNCHANGED] * 4, [r.changes for r in again.rows]
    assert list(Project.objects.order_by("pk").values()) == before
    assert list(PlanEntry.objects.order_by("pk").values()) == lines


def test_a_changed_row_is_updated_and_recorded_in_the_history(cast, plan_file, tmp_path):
    from auditlog.models import LogEntry

    run(plan_file, cast.office, year=2026, library="annual")
    changed = [list(r) for r in PROJECTS]
    changed[0][5] = "13,000"
    rows = plan_rows(changed)
    report = run(plan_workbook(tmp_path / "v2.xlsx", rows), cast.office, year=2026, library="annual")
    outcomes = {r.name: r.outcome for r in report.rows}
    assert outcomes["智能家电产业园一期"] == RowOutcome.UPDATED, [r.errors for r in report.rows]
    assert list(outcomes.values()).count(RowOutcome.UNCHANGED) == 3
    park = Project.objects.get(name="智能家电产业园一期")
    assert park.total_investment == Decimal("13000")
    entry = LogEntry.objects.get_for_object(park).order_by("-timestamp").first()
    assert entry.changes == {"total_investment": ["12000", "13000"]} and entry.actor == cast.office


def test_a_file_with_an_error_writes_nothing_and_names_row_column_value_reason(cast, tmp_path):
    rows = plan_rows([list(r) for r in PROJECTS])
    rows[7][4] = "明年开工"
    rows[10][9] = "月亮电器有限公司"
    report = run(plan_workbook(tmp_path / "bad.xlsx", rows), cast.office, year=2026, library="annual")
    assert not report.ok
    errors = [e for r in report.rows for e in r.errors]
    assert {(e["row"], e["column"], e["value"]) for e in errors} == {(8, "E", "明年开工"), (11, "J", "月亮电器有限公司")}
    assert "2024-2027" in next(e["reason"] for e in errors if e["row"] == 8)
    assert "月亮电器有限公司" in next(e["reason"] for e in errors if e["row"] == 11)
    assert Project.objects.count() == 0 and PlanEntry.objects.count() == 0


def test_skip_bad_rows_writes_the_good_rows_only(cast, tmp_path):
    rows = plan_rows([list(r) for r in PROJECTS])
    rows[10][9] = "月亮电器有限公司"
    report = run(plan_workbook(tmp_path / "bad.xlsx", rows), cast.office, year=2026, library="annual", skip_bad_rows=True)
    assert report.count(RowOutcome.SKIPPED) == 1 and report.count(RowOutcome.CREATED) == 3
    assert Project.objects.count() == 3


def test_unknown_owners_are_created_as_enterprises_only_when_allowed(cast, tmp_path):
    path = simple_workbook(tmp_path / "o.xlsx", [[1, "月亮湾项目", "2026-2027", 1.5, "月亮电器有限公司", "龙山镇"]])
    assert not run(path, cast.office).ok
    report = run(path, cast.office, create_owners=True)
    assert report.ok and report.new_owners == ["月亮电器有限公司"]
    project = Project.objects.get()
    assert project.owner.kind == "enterprise" and project.owner.name == "月亮电器有限公司"
    assert project.total_investment == Decimal("15000")


def test_units_match_by_short_name_and_aliases_and_the_county(cast, tmp_path):
    Unit.objects.filter(pk=cast.other_town.pk).update(aliases=["龙山片"])
    path = simple_workbook(
        tmp_path / "u.xlsx",
        [
            [1, "甲项目", "2026", "460万元", "测试电器", "龙山片"],
            [2, "乙项目", "2026", "约0.3", "宁波测试电器有限公司", "慈溪市"],
            [3, "丙项目", "2026", 1, "宁波测试电器有限公司", "月亮镇"],
        ],
    )
    report = run(path, cast.office, dry_run=True)
    first, second, third = report.rows
    assert first.project.town_id == cast.other_town.pk and first.project.total_investment == Decimal("460")
    assert second.project.town_id is None and second.approximate == ["total_investment"]
    assert second.project.total_investment == Decimal("3000")
    assert third.outcome == RowOutcome.ERROR and third.errors[0]["column"] == "F"
    assert "月亮镇" in third.errors[0]["reason"]
    assert Project.objects.count() == 0


def test_a_town_officer_imports_only_its_own_town(cast, tmp_path):
    path = simple_workbook(
        tmp_path / "t.xlsx",
        [[1, "本镇项目", "2026", 1, "测试电器", "匡堰镇"], [2, "外镇项目", "2026", 1, "测试电器", "龙山镇"]],
    )
    report = run(path, cast.town_officer)
    assert [r.outcome for r in report.rows] == [RowOutcome.CREATED, RowOutcome.ERROR]
    assert "龙山镇" in report.rows[1].errors[0]["reason"]
    assert Project.objects.count() == 0
    for who in (cast.department_officer, cast.owner, cast.leader):
        with pytest.raises(PermissionDenied):
            run(path, who)


def test_dry_run_reports_without_writing(cast, plan_file):
    report = run(plan_file, cast.office, year=2026, library="annual", dry_run=True)
    assert report.ok and report.count(RowOutcome.CREATED) == 4 and not report.written
    assert Project.objects.count() == 0


def test_a_reimport_that_moves_a_project_and_changes_its_plan_keeps_the_town_totals(cast, plan_file, tmp_path):
    from tuijin.reporting.models import TownPlanTotals
    from tuijin.reporting.towns import town_mismatches

    run(plan_file, cast.office, year=2026, library="annual")
    assert town_mismatches() == []
    changed = [list(r) for r in PROJECTS]
    changed[0][10] = cast.other_town.name  # 智能家电产业园一期 moves town
    changed[0][7] = "5000"  # and its 2026 plan rises
    changed[2][6] = "100"  # 新材料研发中心: only the opening balance changes
    report = run(plan_workbook(tmp_path / "v2.xlsx", plan_rows(changed)), cast.office, year=2026, library="annual")
    assert [r.errors for r in report.rows if r.errors] == []
    assert town_mismatches() == []
    moved = TownPlanTotals.objects.get(town=cast.other_town, version__year=2026)
    assert (moved.lines, moved.planned) == (1, Decimal("5000"))
    assert sum(getattr(moved, f"plan_m{m}") for m in range(1, 13)) == Decimal("5000")  # re-split with the new plan
