"""Property tests of the ledger importer: whatever a cell holds, whatever bytes are uploaded,
the import ends in a report (rows imported, or errors naming row and column), a file with an
error writes nothing, a dry run never writes, and an exported table imports back unchanged.

Every example runs inside a savepoint rolled back at its end, so examples do not see each
other's writes and a failing one replays the same way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.race.conftest import add_plan
from tuijin.ledger.choices import ImportStatus, RowOutcome
from tuijin.ledger.models import LedgerImport
from tuijin.ledger.services.exports import plan_table, project_list_table
from tuijin.ledger.services.imports import ImportOptions, ledger_import
from tuijin.projects.models import EntryEvent, LibraryEntry, PlanEntry, Project

from .workbooks import PROJECTS, csv_bytes, plan_rows, plan_workbook

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

#: 0-based indexes in :func:`plan_rows` of the four project rows, and the width of the table.
DATA_ROWS = (6, 7, 10, 13)
WIDTH = len(PROJECTS[0])
COLUMN_LETTER = re.compile(r"^[A-Z]{1,3}$")

# ---------------------------------------------------------------- what a cell may hold

#: Characters ledgers are made of, and the ones that break parsers.
SPECIAL = (
    "0123456789０１２３４５６７８９.．,，-—–－~～/ 　=+@%"
    "约超近逾余多亿万元年月日至到期（）()、一二三十合计小总共项注备说明续建新开工竣工"
    "匡堰龙山慈溪市镇局测试电器有限公司"
    "\t\n\r\x00\x01\x07\x0b\x0c\x1b\x1f\x7f\u0085\u200b\u202e\u3000\ufeff\ufffd"
)
texts = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters(codec="utf-8")), max_size=30)
long_texts = st.builds(lambda piece, n: (piece * n)[:40_000], st.text(alphabet=SPECIAL, min_size=1, max_size=5),
                       st.integers(100, 40_000))
numbers_as_text = st.builds(
    lambda prefix, number, suffix: f"{prefix}{number}{suffix}",
    st.sampled_from(["", "约", "超", "-", "=", "+", "１", "  "]),
    st.one_of(st.integers(-10**40, 10**40), st.decimals(allow_nan=True, allow_infinity=True), st.floats()),
    st.sampled_from(["", "万元", "亿元", "亿", "元", "万", "余", "%", "e5", "E-3", "年", "-2027"]),
)
cell_values = st.one_of(
    st.none(),
    texts,
    numbers_as_text,
    long_texts,
    st.integers(-10**30, 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
)
#: (row index in plan_rows, column, value): up to four cells of the project rows replaced.
replacements = st.lists(
    st.tuples(st.sampled_from(DATA_ROWS), st.integers(0, WIDTH - 1), cell_values), min_size=1, max_size=4
)


def _excel_text(value: str) -> str:
    """What Excel writes for characters XML cannot hold: ``_xHHHH_`` (read back by the parser)."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def fuzzed_workbook(path, changes):
    """The published plan table with cells replaced; text stays text (never a formula)."""
    rows = plan_rows([list(r) for r in PROJECTS])
    for index, col, value in changes:
        rows[index][col] = value
    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c)
            if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
                cell.value, cell.data_type = repr(value), "n"  # what a foreign writer may leave
            elif isinstance(value, str):
                cell.value = _excel_text(value)
                cell.data_type = "s"
            else:
                cell.value = value
    ws.merge_cells("A1:N1")
    for col in "ABCDEFGJKLMN":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("H3:I3")
    wb.save(path)
    return path


# ---------------------------------------------------------------- helpers


def run(path, by, **options):
    options.setdefault("dry_run", False)
    return ledger_import(path=path, by=by, options=ImportOptions(**options))


def fingerprint():
    """What an import may write: projects and their history, libraries, the plan, owners."""
    from auditlog.models import LogEntry

    from tuijin.orgs.models import Unit

    return (
        list(Project.objects.order_by("pk").values()),
        list(PlanEntry.objects.order_by("pk").values()),
        LibraryEntry.objects.count(),
        EntryEvent.objects.count(),
        LogEntry.objects.count(),
        Unit.objects.count(),
    )


@contextlib.contextmanager
def rolled_back():
    """One example's writes, undone at its end."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_errors_name_row_and_column(report):
    for r in report.rows:
        if r.outcome in (RowOutcome.ERROR, RowOutcome.SKIPPED):
            assert r.errors, f"row {r.row} is {r.outcome} without a reason"
        for e in r.errors:
            assert e["row"] == r.row, e
            assert isinstance(e["reason"], str) and e["reason"].strip(), e
            assert e["column"] == "" or COLUMN_LETTER.match(e["column"]), e
            # an error about a column says which column (the row as a whole has neither)
            assert bool(e["column"]) == bool(e["header"]), e


_names = itertools.count()


@pytest.fixture
def files(tmp_path):
    def path(suffix=".xlsx"):
        return tmp_path / f"f{next(_names)}{suffix}"

    return path


@pytest.fixture
def stored(cast, tmp_path):
    """The published plan imported once, so fuzzed rows meet existing projects (updates) too."""
    report = run(plan_workbook(tmp_path / "plan.xlsx"), cast.office, year=2026, library="annual")
    assert report.ok and report.written
    return report


# ---------------------------------------------------------------- (1) and (2): any cell, never a crash


@FUZZ
@given(changes=replacements)
@example(changes=[(6, 5, "9" * 30)])  # a total beyond any decimal field: was an InvalidOperation crash
@example(changes=[(6, 5, 1e30), (7, 7, float("inf"))])
@example(changes=[(6, 1, "项" * 300)])  # a name longer than the field
@example(changes=[(6, 1, "测试\x00项目")])  # NUL in a name (PostgreSQL refuses it in text)
def test_any_cell_value_ends_in_a_report_and_an_error_writes_nothing(cast, stored, files, changes):
    path = fuzzed_workbook(files(), changes)
    with rolled_back():
        before = fingerprint()
        report = run(path, cast.office, year=2026, library="annual")
        assert not report.file_error, report.file_error
        assert_errors_name_row_and_column(report)
        if report.ok:
            assert report.written
            created = Project.objects.count() - len(before[0])
            assert created == report.count(RowOutcome.CREATED)
        else:
            assert not report.written and fingerprint() == before


@FUZZ
@given(changes=replacements)
@example(changes=[(6, 1, "项" * 300), (7, 9, "月亮电器有限公司")])
def test_skipping_bad_rows_writes_exactly_the_good_ones(cast, stored, files, changes):
    path = fuzzed_workbook(files(), changes)
    with rolled_back():
        count = Project.objects.count()
        report = run(path, cast.office, year=2026, library="annual", skip_bad_rows=True)
        assert not report.file_error and report.ok and report.written
        assert_errors_name_row_and_column(report)
        assert Project.objects.count() - count == report.count(RowOutcome.CREATED)


# ---------------------------------------------------------------- control characters and odd text: CSV


csv_cells = st.one_of(texts, long_texts.map(lambda t: t[:5000]), numbers_as_text)


@FUZZ
@given(name=csv_cells, period=csv_cells, total=csv_cells, owner=csv_cells, town=csv_cells,
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
@example(name="龙山\x01卫生院", period="2026", total="1", owner="测试电器", town="龙山镇", encoding="utf-8")
def test_any_csv_cell_ends_in_a_report(cast, files, name, period, total, owner, town, encoding):
    rows = [["序号", "项目名称", "建设年限", "总投资（万元）", "业主单位", "属地"], ["1", name, period, total, owner, town]]
    try:
        content = csv_bytes(rows, encoding)
    except UnicodeEncodeError:
        content = csv_bytes(rows, "utf-8")
    path = files(".csv")
    path.write_bytes(content)
    with rolled_back():
        before = fingerprint()
        report = run(path, cast.office)
        assert_errors_name_row_and_column(report)
        if report.file_error or not report.ok:
            assert not report.written and fingerprint() == before
        else:
            assert report.written


# ---------------------------------------------------------------- (3) a dry run never writes


@FUZZ
@given(changes=replacements, library=st.sampled_from(["", "annual", "rolling", "reserve"]),
       create_owners=st.booleans(), skip_bad_rows=st.booleans())
def test_a_dry_run_never_writes(cast, stored, files, changes, library, create_owners, skip_bad_rows):
    path = fuzzed_workbook(files(), changes)
    with rolled_back():
        before = fingerprint()
        report = run(path, cast.office, year=2026, library=library, dry_run=True,
                     create_owners=create_owners, skip_bad_rows=skip_bad_rows)
        assert not report.written
        assert fingerprint() == before


# ---------------------------------------------------------------- (4) files that are not ledgers


def _plan_bytes(tmp_path) -> bytes:
    return plan_workbook(tmp_path / "source.xlsx").read_bytes()


damage = st.one_of(
    st.tuples(st.just("bytes"), st.binary(min_size=1, max_size=4096)),
    st.tuples(st.just("cut"), st.floats(0, 0.999)),
    st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(0, 0.999), st.integers(0, 255)), min_size=1, max_size=8)),
    st.tuples(st.just("ole"), st.binary(max_size=2048)),
    st.tuples(st.just("zip"), st.binary(max_size=512)),
)


def damaged(original: bytes, how) -> bytes:
    kind, arg = how
    if kind == "bytes":
        return arg
    if kind == "cut":
        return original[: int(len(original) * arg)] or b"P"
    if kind == "flip":
        data = bytearray(original)
        for where, byte in arg:
            data[int(len(data) * where)] = byte
        return bytes(data)
    if kind == "ole":
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + arg
    from io import BytesIO

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", arg)
        archive.writestr("xl/worksheets/sheet1.xml", arg[::-1])
    return buffer.getvalue()


#: The messages of a refused file, in the Chinese the user reads.
REFUSALS = re.compile(r"不是 Excel|已损坏|无法作为电子表格读取|压缩包|压缩炸弹|不是项目台账|未找到表头|没有识别出|没有工作表|文件为空|"
                      r"CSV 文件|密码|跨多行数据合并|公式|空行|拆分")


@FUZZ
@given(how=damage)
@example(how=("flip", [(0.5, 0)]))
@example(how=("cut", 0.5))
@example(how=("bytes", b"\x89PNG\r\n\x1a\n"))
def test_a_damaged_or_foreign_file_is_refused_clearly_and_writes_nothing(cast, stored, files, tmp_path, how):
    content = damaged(_plan_bytes(tmp_path), how)
    path = files()
    path.write_bytes(content)
    with rolled_back():
        before = fingerprint()
        report = run(path, cast.office, year=2026, library="annual")
        assert not report.written and fingerprint() == before
        if report.file_error:
            assert not report.rows
            assert REFUSALS.search(report.file_error), report.file_error
        else:
            # a byte changed where it does not matter (a style, a date): still a good ledger
            assert report.ok or any(r.errors for r in report.rows)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"


@settings(parent=FUZZ, max_examples=15)
@given(how=damage)
@example(how=("flip", [(0.5, 0)]))
def test_an_uploaded_damaged_file_ends_in_a_clear_message_and_writes_nothing(cast, media, tmp_path, how):
    content = damaged(_plan_bytes(tmp_path), how)
    client = cast.client("office")
    with rolled_back():
        before = fingerprint()
        response = client.post(reverse("ledger:import_start"), {
            "file": SimpleUploadedFile("台账.xlsx", content), "year": 2026, "library": "annual"})
        assert response.status_code == 302
        record = LedgerImport.objects.order_by("-pk").first()
        assert record.status in (ImportStatus.FAILED, ImportStatus.PREVIEWED), record.status
        if record.status == ImportStatus.FAILED:
            assert REFUSALS.search(record.message), record.message
            page = client.get(reverse("ledger:import_detail", args=[record.pk]))
            assert page.status_code == 200
        assert fingerprint() == before


@settings(parent=FUZZ, max_examples=10)
@given(changes=replacements)
@example(changes=[(6, 1, "项" * 300), (7, 5, "9" * 30), (10, 9, "<script>alert(1)</script>")])
def test_an_uploaded_ledger_with_any_cell_is_previewed_and_writes_nothing(cast, media, stored, files, changes):
    path = fuzzed_workbook(files(), changes)
    client = cast.client("office")
    with rolled_back():
        before = fingerprint()
        response = client.post(reverse("ledger:import_start"), {
            "file": SimpleUploadedFile("台账.xlsx", path.read_bytes()), "year": 2026, "library": "annual"})
        assert response.status_code == 302
        record = LedgerImport.objects.order_by("-pk").first()
        assert record.status == ImportStatus.PREVIEWED, (record.status, record.message)
        for show in ("", "error", "flagged"):
            page = client.get(reverse("ledger:import_detail", args=[record.pk]), {"show": show})
            assert page.status_code == 200
            assert b"<script>alert(1)</script>" not in page.content
        assert fingerprint() == before


# ---------------------------------------------------------------- (5) export, import: nothing changes

#: Text as a form takes it (stripped, no NUL; a vertical tab pasted from Word), with the
#: characters the importer folds when it reads numbers and the escapes Excel uses.
FORM_SPECIAL = "（）()０１２３ＡＢ　  -—_x0041_x005F_=+@约亿项目园区工程一期二期\x0b\x01\u2028"
names = st.text(
    alphabet=st.one_of(st.sampled_from(FORM_SPECIAL), st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"])),
    min_size=1, max_size=60,
).map(str.strip).filter(bool)
contents = st.text(alphabet=st.one_of(st.sampled_from(FORM_SPECIAL + "\r\n\t"), st.characters(codec="utf-8", exclude_categories=["Cs"])),
                   max_size=80).map(str.strip).map(lambda t: t.replace("\x00", ""))
amounts = st.decimals(min_value=0, max_value=Decimal("9999999999.9999"), places=4, allow_nan=False, allow_infinity=False)


@pytest.fixture
def make(cast, make_project):
    from tuijin.projects.models import Category

    categories = list(Category.objects.order_by("order"))

    def build(specs):
        made = []
        for n, (name, total, category, content, years) in enumerate(specs):
            made.append(make_project(name=name, total_investment=total, category=categories[category % len(categories)],
                                     content=content, start_year=years[0], end_year=years[0] + years[1],
                                     town=[cast.town, cast.other_town, None][n % 3]))
        return made

    return build


project_specs = st.lists(
    st.tuples(names, amounts, st.integers(0, 10), contents, st.tuples(st.integers(2000, 2090), st.integers(0, 9))),
    min_size=1, max_size=5, unique_by=lambda spec: spec[0],
)


@settings(parent=FUZZ, max_examples=30)
@given(specs=project_specs)
@example(specs=[("智能家电产业园（一期）", Decimal("12000"), 0, "", (2026, 2))])
@example(specs=[("项目  二期", Decimal("1.0001"), 0, "新建\n厂房", (2026, 0))])
@example(specs=[("产业园_x0041_\x0b一期", Decimal("1"), 0, "新建\x0b厂房\r\n二期", (2026, 1))])  # export crashed
def test_exporting_the_list_and_importing_it_changes_nothing(cast, make, files, specs):
    with rolled_back():
        make(specs)
        before = fingerprint()
        path = files()
        path.write_bytes(project_list_table(Project.objects.with_related().order_by("category__order", "pk"), title="清单"))
        report = run(path, cast.office)
        assert report.ok, [(r.row, r.errors) for r in report.rows if r.errors]
        assert [r.outcome for r in report.rows] == [RowOutcome.UNCHANGED] * len(specs), [r.changes for r in report.rows]
        assert not report.failed_checks, report.failed_checks
        assert fingerprint()[0] == before[0]


@settings(parent=FUZZ, max_examples=20)
@given(specs=project_specs, planned=st.lists(amounts, min_size=5, max_size=5))
@example(specs=[("轴承扩产（二期）", Decimal("60000"), 0, "", (2025, 3))], planned=[Decimal("3500")] * 5)
def test_exporting_the_plan_and_importing_it_changes_nothing(cast, make, files, specs, planned):
    with rolled_back():
        for project, amount in zip(make(specs), planned, strict=False):
            add_plan(project, amount)
        Project.objects.update(library="annual")
        before = fingerprint()
        path = files()
        path.write_bytes(plan_table(year=2026))
        report = run(path, cast.office, year=2026, library="annual")
        assert report.ok, [(r.row, r.errors) for r in report.rows if r.errors]
        assert [r.outcome for r in report.rows] == [RowOutcome.UNCHANGED] * len(specs), [r.changes for r in report.rows]
        assert fingerprint()[:2] == before[:2]
