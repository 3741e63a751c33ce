"""The official tables: layout, print set-up, formula escaping, and the round trip."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tuijin.ledger.choices import RowOutcome
from tuijin.ledger.hooks import MONTHLY_COMPLETION
from tuijin.ledger.services.exports import plan_table, project_list_table
from tuijin.ledger.services.imports import ImportOptions, ledger_import
from tuijin.projects.models import Project

from .workbooks import PLANNED, TOTAL, plan_workbook


@pytest.fixture
def imported(cast, tmp_path):
    report = ledger_import(path=plan_workbook(tmp_path / "plan.xlsx"), by=cast.office,
                           options=ImportOptions(year=2026, library="annual", dry_run=False))
    assert report.ok
    return report


def _sheet(content: bytes):
    return load_workbook(BytesIO(content)).active


def test_the_plan_table_looks_like_the_official_one(cast, imported):
    ws = _sheet(plan_table(year=2026))
    assert ws["A1"].value == "2026年慈溪市重大项目年度计划表" and "A1:O1" in {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(3, c).value for c in range(1, 9)] == [
        "序号", "项目名称", "项目代码", "项目类别", "建设内容及规模", "建设起止年限", "总投资（万元）", "截至上年底累计完成（万元）"]
    assert (ws["I3"].value, ws["I4"].value, ws["J4"].value) == ("2026年计划", "投资（万元）", "形象进度目标")
    assert ws["A5"].value == "一、新开工项目（1项）"
    texts = [ws.cell(r, 1).value for r in range(5, ws.max_row + 1)]
    assert "二、续建项目（3项）" in texts
    labels = [ws.cell(r, 2).value for r in range(5, ws.max_row + 1)]
    assert labels.count("小计") == 2 and "合计" in labels
    total_row = labels.index("合计") + 5
    assert Decimal(str(ws.cell(total_row, 7).value)) == Decimal(TOTAL)
    assert Decimal(str(ws.cell(total_row, 9).value)) == Decimal(str(PLANNED))
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$4"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws["B6"].font.name == "仿宋" and ws["A3"].font.name == "宋体" and ws["B6"].border.left.style == "thin"
    assert ws["G6"].number_format == "#,##0.00##"


def test_every_row_of_a_column_has_the_look_of_its_kind(cast, imported):
    """The looks are composed once per sheet and copied to each cell: a later row, a subtotal
    and the total look as the first row does."""
    ws = _sheet(plan_table(year=2026))
    labels = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)]
    sums = {i + 1 for i, label in enumerate(labels) if label in ("小计", "合计")}
    data = [r for r in range(6, ws.max_row + 1) if r not in sums and isinstance(ws.cell(r, 1).value, int)]
    assert len(data) >= 3

    def look(cell):
        return (cell.font.name, cell.font.b, cell.border.left.style, cell.alignment.horizontal, cell.number_format)

    for col in range(1, 11):
        assert {look(ws.cell(r, col)) for r in data} == {look(ws.cell(data[0], col))}
    assert look(ws.cell(data[0], 7)) == ("仿宋", False, "thin", "right", "#,##0.00##")
    assert look(ws.cell(data[0], 2))[:4] == ("仿宋", False, "thin", "left")
    for r in sums:
        assert ws.cell(r, 2).font.b and ws.cell(r, 7).font.b and ws.cell(r, 7).number_format == "#,##0.00##"


def test_the_progress_table_adds_the_monthly_completion(cast, imported):
    park = Project.objects.get(name="智能家电产业园一期")
    MONTHLY_COMPLETION.append(lambda ids, year: {park.pk: {1: Decimal(300), 2: Decimal(500)}})
    try:
        ws = _sheet(plan_table(year=2026, kind="progress"))
    finally:
        MONTHLY_COMPLETION.pop()
    heads = [ws.cell(4, c).value for c in range(1, ws.max_column + 1)]
    assert heads[14:16] == ["1月", "2月"] and "本年合计" in heads and "完成率" in heads
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value == "智能家电产业园一期")
    assert ws.cell(row, heads.index("本年合计") + 1).value == 800
    assert ws.cell(row, heads.index("完成率") + 1).value == pytest.approx(0.2)


def test_the_progress_table_reads_monthly_reports_without_a_hook(cast, imported):
    from tuijin.reporting.models import MonthlyReport, ReportingPeriod

    park = Project.objects.get(name="智能家电产业园一期")
    period = ReportingPeriod.objects.create(year=2026, month=3, opens_on="2026-04-01", closes_on="2026-04-05")
    MonthlyReport.objects.create(period=period, project=park, year=2026, month=3, amount=Decimal("1234.5"), status="confirmed")
    ws = _sheet(plan_table(year=2026, kind="progress"))
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value == "智能家电产业园一期")
    assert ws.cell(row, 17).value == 1234.5


def test_text_that_excel_would_run_as_a_formula_is_written_as_text(cast, make_project):
    make_project(name="=HYPERLINK(\"http://evil\")", content="+1-2", address="@SUM(A1)")
    ws = _sheet(project_list_table(Project.objects.with_related(), title="清单"))
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(("=", "+"))]
    assert {c.value for c in cells} == {"=HYPERLINK(\"http://evil\")", "+1-2"}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_exporting_the_plan_and_importing_it_changes_nothing(cast, imported, tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(plan_table(year=2026))
    before = list(Project.objects.order_by("pk").values())
    report = ledger_import(path=path, by=cast.office, options=ImportOptions(year=2026, library="annual", dry_run=False))
    assert report.ok and [r.outcome for r in report.rows] == [RowOutcome.UNCHANGED] * 4, [r.changes for r in report.rows]
    assert not report.failed_checks
    assert list(Project.objects.order_by("pk").values()) == before


def test_exporting_the_list_and_importing_it_changes_nothing(cast, imported, make_project, tmp_path):
    make_project(name="列表项目", national_code="2501-330282-89-01-000777")
    path = tmp_path / "list.xlsx"
    path.write_bytes(project_list_table(Project.objects.with_related().order_by("category__order"), title="清单"))
    report = ledger_import(path=path, by=cast.office, options=ImportOptions(dry_run=False))
    assert report.ok and [r.outcome for r in report.rows] == [RowOutcome.UNCHANGED] * 5, [r.changes for r in report.rows]
    assert not report.failed_checks
