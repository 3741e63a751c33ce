"""The official tables a bureau prints and files, written with openpyxl.

Layout as published: a merged title, a unit line, two header rows (a group such as
"2026年计划" over 投资 and 形象进度目标), section rows ("一、新开工项目（N项）"), a subtotal after
each section and a total at the end; landscape, header rows repeated on every page, fitted to
the page width, thin borders, 宋体 headings and 仿宋 body text. Every text cell that Excel
could take for a formula (= + - @ at the start) is written as text with a quote prefix.
Files written here import back without changes (the headers are the importer's synonyms).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from tuijin.projects.choices import LibraryKind, PlanCategory, Stage
from tuijin.projects.models import PlanEntry, PlanVersion, Project

from ..hooks import monthly_completion

NUMERALS = "一二三四五六七八九十"
AMOUNT_FORMAT = "#,##0.00##"
TITLE_FONT = Font(name="宋体", size=18, bold=True)
HEAD_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="仿宋", size=11)
BOLD_BODY = Font(name="仿宋", size=11, bold=True)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass
class Column:
    top: str
    sub: str = ""
    width: float = 10
    kind: str = "text"  # text | amount | center | percent | code


def safe_text(value) -> tuple[object, bool]:
    """(value, needs a quote prefix): text starting with = + - @ must not become a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return value, True
    return value, False


_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def excel_text(value: str) -> str:
    """Text as Excel stores it, so that it reads back as typed: a control character XML cannot
    hold (a vertical tab pasted from Word) as ``_xHHHH_``, and text that looks like such an
    escape with its underscore escaped (``_x005F_``)."""
    value = _ESCAPE_LIKE.sub("_x005F_", value)
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def _put(ws, row: int, col: int, value, column: Column | None = None, *, font=BODY_FONT, bold=False):
    """Write a cell with the look of its kind of column. ``font`` is one of this module's fonts.

    Each look is composed once per sheet and then copied to the cell: assigning a font, a
    border and an alignment makes openpyxl hash each of them to find it in the workbook, which
    was two fifths of the time of a province's 53,000-line plan table."""
    cell = ws.cell(row=row, column=col)
    value, quote = safe_text(value)
    if isinstance(value, str):
        value = excel_text(value)
    if isinstance(value, Decimal):
        value = float(value) if value == value.quantize(Decimal("0.0001")) else value
    cell.value = value
    if quote:
        cell.data_type = "s"
    kind = column.kind if column else "text"
    looks = ws.__dict__.setdefault("_tuijin_looks", {})
    key = (id(font), bold, kind, quote)
    look = looks.get(key)
    if look is not None:
        cell._style = copy(look)
        return cell
    if quote:
        cell.quotePrefix = True
    cell.font = BOLD_BODY if bold else font
    cell.border = BORDER
    if kind == "amount":
        cell.number_format = AMOUNT_FORMAT
        cell.alignment = RIGHT
    elif kind == "percent":
        cell.number_format = "0.0%"
        cell.alignment = RIGHT
    elif kind == "center":
        cell.alignment = CENTER
    elif kind == "code":
        cell.alignment = Alignment(horizontal="left", vertical="center")
    else:
        cell.alignment = LEFT
    looks[key] = copy(cell._style)
    return cell


def _years_text(project: Project, entry: PlanEntry | None, year: int | None) -> str:
    start = f"{project.start_year}"
    end = f"{project.end_year}"
    if entry is not None and entry.planned_start_month and project.start_year == year:
        start += f".{entry.planned_start_month}"
    if entry is not None and entry.planned_completion and entry.planned_completion.startswith(str(project.end_year)):
        end += f".{int(entry.planned_completion[5:7])}"
    return f"{start}-{end}"


def _setup_sheet(ws, title: str, columns: list[Column], subtitle: str) -> int:
    """Title, unit line and the header rows; returns the first data row."""
    width = len(columns)
    two_rows = any(c.sub for c in columns)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=1, column=1, value=title).font = TITLE_FONT
    ws.cell(row=1, column=1).alignment = CENTER
    ws.row_dimensions[1].height = 36
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(row=2, column=1, value=subtitle).font = BODY_FONT
    ws.cell(row=2, column=1).alignment = Alignment(horizontal="right")
    last_header = 4 if two_rows else 3
    col = 1
    while col <= width:
        column = columns[col - 1]
        span = 1
        if column.sub:
            while col + span <= width and columns[col + span - 1].top == column.top and columns[col + span - 1].sub:
                span += 1
        for c in range(col, col + span):
            for r in range(3, last_header + 1):
                cell = ws.cell(row=r, column=c)
                cell.font, cell.border, cell.alignment = HEAD_FONT, BORDER, CENTER
        ws.cell(row=3, column=col, value=column.top)
        if column.sub:
            if span > 1:
                ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + span - 1)
            for c in range(col, col + span):
                ws.cell(row=4, column=c, value=columns[c - 1].sub)
        elif two_rows:
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        col += span
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.row_dimensions[3].height = 30
    ws.print_title_rows = f"3:{last_header}"
    ws.freeze_panes = ws.cell(row=last_header + 1, column=3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return last_header + 1


def _text_width(text: str) -> int:
    """Display width in Excel character units: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _fit_height(ws, row: int, values: list, columns: list[Column]) -> None:
    """Excel and LibreOffice do not grow rows for wrapped text written by a program: set it."""
    lines = 1
    for value, column in zip(values, columns, strict=False):
        if isinstance(value, str) and value and column.kind in ("text", "center"):
            lines = max(lines, -(-_text_width(value) // max(int(column.width) - 1, 1)))
    ws.row_dimensions[row].height = 15 * min(lines, 8) + 3


def _section_row(ws, row: int, text: str, width: int) -> None:
    for col in range(1, width + 1):
        _put(ws, row, col, text if col == 1 else None, bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _sum_row(ws, row: int, label: str, sums: list, columns: list[Column]) -> None:
    for col, column in enumerate(columns, start=1):
        value = sums[col - 1]
        if col == 2:
            value = label
        _put(ws, row, col, value, column if column.kind in ("amount", "percent") else None, bold=True)
    ws.cell(row=row, column=2).alignment = CENTER


def _save(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- the annual plan


def plan_version_for(year: int) -> PlanVersion | None:
    """The plan as it stands: the working version, else the last adopted one."""
    return (
        PlanVersion.objects.filter(year=year, is_frozen=False).order_by("-number").first()
        or PlanVersion.objects.filter(year=year).order_by("-number").first()
    )


def plan_table(*, year: int, kind: str = "plan", projects: QuerySet | None = None) -> bytes:
    """The annual plan table (kind "plan") or the plan with monthly completion ("progress")."""
    version = plan_version_for(year)
    entries = []
    if version is not None:
        qs = (
            PlanEntry.objects.filter(version=version, project__deleted_at__isnull=True)
            .select_related("project", "project__owner", "project__town", "project__department", "project__leader", "project__category")
            .order_by("-planned_investment", "project__name")
        )
        if projects is not None:
            qs = qs.filter(project__in=projects)
        entries = list(qs)
    columns = [
        Column("序号", width=6, kind="center"),
        Column("项目名称", width=26),
        Column("项目代码", width=26, kind="code"),
        Column("项目类别", width=8, kind="center"),
        Column("建设内容及规模", width=30),
        Column("建设起止年限", width=15, kind="center"),
        Column("总投资（万元）", width=12, kind="amount"),
        Column("截至上年底累计完成（万元）", width=13, kind="amount"),
        Column(f"{year}年计划", "投资（万元）", width=12, kind="amount"),
        Column(f"{year}年计划", "形象进度目标", width=24),
        Column("业主单位", width=18),
        Column("属地", width=10, kind="center"),
        Column("责任单位", width=14),
        Column("联系领导", width=9, kind="center"),
    ]
    months: dict[int, dict[int, Decimal]] = {}
    if kind == "progress":
        months = monthly_completion([e.project_id for e in entries], year)
        for m in range(1, 13):
            columns.append(Column(f"{year}年完成情况（万元）", f"{m}月", width=9, kind="amount"))
        columns.append(Column(f"{year}年完成情况（万元）", "本年合计", width=11, kind="amount"))
        columns.append(Column(f"{year}年完成情况（万元）", "完成率", width=8, kind="percent"))
    columns.append(Column("备注", width=12))
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年计划" if kind == "plan" else f"{year}年进度"
    county = settings.TUIJIN_COUNTY_NAME
    title = f"{year}年{county}重大项目年度计划表" if kind == "plan" else f"{year}年{county}重大项目计划执行情况表"
    row = _setup_sheet(ws, title, columns, f"单位：万元    制表日期：{dt.date.today():%Y年%m月%d日}")
    amount_cols = [i for i, c in enumerate(columns) if c.kind == "amount"]
    grand = [Decimal(0) if i in amount_cols else None for i in range(len(columns))]
    groups = [(c, [e for e in entries if e.category == c]) for c in PlanCategory.values]
    groups = [(c, items) for c, items in groups if items]
    for number, (category, items) in enumerate(groups):
        _section_row(ws, row, f"{NUMERALS[number]}、{PlanCategory(category).label}项目（{len(items)}项）", len(columns))
        row += 1
        sums = [Decimal(0) if i in amount_cols else None for i in range(len(columns))]
        for seq, entry in enumerate(items, start=1):
            p = entry.project
            values = [
                seq, p.name, p.national_code, p.category.name, p.content, _years_text(p, entry, year),
                p.total_investment, entry.opening_cumulative, entry.planned_investment, entry.progress_target,
                p.owner.name, p.town.name if p.town else county, p.department.name if p.department else "",
                (p.leader.full_name or p.leader.username) if p.leader else "",
            ]
            if kind == "progress":
                done = months.get(p.pk, {})
                values += [done.get(m) for m in range(1, 13)]
                year_total = sum(done.values(), Decimal(0))
                values += [year_total, (year_total / entry.planned_investment) if entry.planned_investment else None]
            values.append(entry.note)
            for col, (value, column) in enumerate(zip(values, columns, strict=True), start=1):
                _put(ws, row, col, value, column)
                if col - 1 in amount_cols and value is not None:
                    sums[col - 1] += value
            _fit_height(ws, row, values, columns)
            row += 1
        _sum_row(ws, row, "小计", sums, columns)
        for i in amount_cols:
            grand[i] += sums[i]
        row += 1
    if kind == "progress":
        planned_i, total_i = 8, len(columns) - 3
        for target in (grand,):
            target[total_i + 1] = (target[total_i] / target[planned_i]) if target[planned_i] else None
    _sum_row(ws, row, "合计", grand, columns)
    row += 2
    ws.cell(row=row, column=1, value="注：项目按建设性质分类；金额单位为万元；“约”“超”数按原表估算数列示。").font = BODY_FONT
    return _save(wb)


# ---------------------------------------------------------------- a list of projects


def project_list_table(projects: Iterable[Project], *, title: str, year: int | None = None) -> bytes:
    """A filtered project list as a styled table, grouped by category, importable back."""
    columns = [
        Column("序号", width=6, kind="center"),
        Column("项目名称", width=26),
        Column("项目代码", width=26, kind="code"),
        Column("项目类别", width=8, kind="center"),
        Column("建设内容及规模", width=30),
        Column("建设起止年限", width=15, kind="center"),
        Column("总投资（万元）", width=13, kind="amount"),
        Column("业主单位", width=18),
        Column("属地", width=10, kind="center"),
        Column("责任单位", width=14),
        Column("联系领导", width=9, kind="center"),
        Column("所处阶段", width=9, kind="center"),
        Column("所在库", width=11, kind="center"),
    ]
    county = settings.TUIJIN_COUNTY_NAME
    # the choices' labels looked up once, not by get_FOO_display() for each of 100,000 rows
    stages = {value: str(label) for value, label in Stage.choices}
    libraries = {value: str(label) for value, label in LibraryKind.choices}
    wb = Workbook()
    ws = wb.active
    ws.title = "项目清单"
    row = _setup_sheet(ws, title, columns, f"单位：万元    导出日期：{dt.date.today():%Y年%m月%d日}")
    groups: dict[str, list[Project]] = {}
    order: dict[str, int] = {}
    for p in projects:
        groups.setdefault(p.category.name, []).append(p)
        order[p.category.name] = p.category.order
    amount_cols = [6]
    grand = [Decimal(0) if i in amount_cols else None for i in range(len(columns))]
    for number, name in enumerate(sorted(groups, key=lambda n: (order[n], n))):
        items = groups[name]
        _section_row(ws, row, f"{NUMERALS[number % 10]}、{name}（{len(items)}项）", len(columns))
        row += 1
        sums = [Decimal(0) if i in amount_cols else None for i in range(len(columns))]
        for seq, p in enumerate(items, start=1):
            values = [
                seq, p.name, p.national_code, name, p.content, f"{p.start_year}-{p.end_year}", p.total_investment,
                p.owner.name, p.town.name if p.town else county, p.department.name if p.department else "",
                (p.leader.full_name or p.leader.username) if p.leader else "",
                stages.get(p.stage, p.stage), libraries.get(p.library, p.library),
            ]
            for col, (value, column) in enumerate(zip(values, columns, strict=True), start=1):
                _put(ws, row, col, value, column)
            _fit_height(ws, row, values, columns)
            sums[6] += p.total_investment
            row += 1
        _sum_row(ws, row, "小计", sums, columns)
        grand[6] += sums[6]
        row += 1
    _sum_row(ws, row, "合计", grand, columns)
    return _save(wb)
