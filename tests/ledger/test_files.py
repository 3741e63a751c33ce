"""Bad files are refused with a clear message and write nothing; CSV in GB18030/UTF-8."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from tuijin.ledger.choices import RowOutcome
from tuijin.ledger.services.imports import ImportOptions, ledger_import
from tuijin.projects.models import Project

from .workbooks import PROJECTS, csv_bytes, plan_rows, plan_workbook


def run(path, by, **options):
    options.setdefault("dry_run", False)
    return ledger_import(path=path, by=by, options=ImportOptions(**options))


CSV_ROWS = [
    ["2026年重大项目表"],
    ["序号", "项目名", "建设年限", "计划总投资（万元）", "实施主体", "建设地点"],
    ["一、社会民生项目（2项）"],
    ["1", "匡堰镇中心小学扩建", "2025年-2027年", "8,000", "宁波测试电器有限公司", "匡堰镇"],
    ["2", "龙山卫生院迁建", "2026", "约1.2亿元", "宁波测试电器有限公司", "龙山"],
    ["", "合计", "", "20000", "", ""],
]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
def test_it_imports_csv_in_gb18030_and_utf8(cast, tmp_path, encoding):
    path = tmp_path / "ledger.csv"
    path.write_bytes(csv_bytes(CSV_ROWS, encoding))
    report = run(path, cast.office)
    assert report.ok and report.file_kind == "csv"
    assert {p.name: p.total_investment for p in Project.objects.all()} == {
        "匡堰镇中心小学扩建": Decimal("8000"), "龙山卫生院迁建": Decimal("12000")}
    assert {p.category.name for p in Project.objects.all()} == {"社会民生"}
    assert [c.ok for c in report.checks] == [True, True]


def test_it_refuses_a_file_that_is_not_excel(cast, tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    report = run(path, cast.office)
    assert "不是 Excel" in report.file_error and Project.objects.count() == 0


def test_it_refuses_an_encrypted_workbook(cast, tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 2000)
    report = run(path, cast.office)
    assert "密码" in report.file_error and Project.objects.count() == 0


def test_it_refuses_a_zip_bomb_before_parsing(cast, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"\x00" * (1 << 20)
            for _ in range(320):
                part.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    report = run(path, cast.office)
    assert "zip bomb" in report.file_error and Project.objects.count() == 0


def test_it_refuses_a_sheet_padded_with_a_million_empty_rows(cast, tmp_path):
    path = tmp_path / "padded.xlsx"
    plan_workbook(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    padding = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t> </t></is></c></row>' for r in range(100, 1_000_001))
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", padding + "</sheetData>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    report = run(path, cast.office)
    assert "empty rows" in report.file_error and Project.objects.count() == 0


def test_it_stops_reading_after_a_long_run_of_empty_rows(cast, tmp_path):
    rows = plan_rows()[:-3] + [[""] * 14] * 250 + [["", "孤立项目", "", "", "2026", 1, "", "", "", "测试电器", "匡堰镇", "", "", ""]]
    report = run(plan_workbook(tmp_path / "gap.xlsx", rows), cast.office)
    assert report.ok and Project.objects.count() == 4
    assert any("行为空" in note for note in report.notes)


def test_it_refuses_formulas_without_a_computed_value(cast, tmp_path):
    rows = plan_rows()
    rows[8][5] = "=SUM(F7:F8)"
    report = run(plan_workbook(tmp_path / "formula.xlsx", rows), cast.office)
    assert "F9 =SUM(F7:F8)" in report.file_error and Project.objects.count() == 0


def test_it_refuses_cells_merged_across_data_rows(cast, tmp_path):
    path = tmp_path / "merged.xlsx"
    rows = [list(r) for r in PROJECTS]
    rows[1][9] = ""
    plan_workbook(path, plan_rows(rows))
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active.merge_cells("J7:J8")
    wb.save(path)
    report = run(path, cast.office)
    assert "J7:J8" in report.file_error and Project.objects.count() == 0


def test_it_says_when_no_header_is_found(cast, tmp_path):
    wb = Workbook()
    for i in range(40):
        wb.active.append([f"说明{i}", i])
    wb.save(tmp_path / "noheader.xlsx")
    report = run(tmp_path / "noheader.xlsx", cast.office)
    assert "未找到表头" in report.file_error


def test_it_reads_libreoffice_ods_and_xls_copies(cast, tmp_path):
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed")
    source = plan_workbook(tmp_path / "plan.xlsx")
    for suffix in ("ods", "xls"):
        subprocess.run([soffice, "--headless", "--convert-to", suffix, "--outdir", str(tmp_path), str(source)],
                       check=True, capture_output=True, timeout=120)  # noqa: S603
        report = run(tmp_path / f"plan.{suffix}", cast.office, year=2026, library="annual", dry_run=True)
        assert report.ok and report.file_kind == suffix
        assert [r.outcome for r in report.rows] == [RowOutcome.CREATED] * 4
        assert report.parsed_totals["total_investment"] == Decimal(97000)
