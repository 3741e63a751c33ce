"""The monthly progress table (月度重大项目推进情况表) in the official layout: title, unit,
two-row header, a section per project category with its subtotal, and the county total."""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Subquery
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from . import selectors
from .models import MonthlyReport

CN_NUMBERS = "一二三四五六七八九十"
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F2")
SECTION_FILL = PatternFill("solid", fgColor="EEF3FA")


def progress_workbook(year: int, month: int) -> bytes:
    """The table for month ``month`` of ``year`` as .xlsx bytes. Two queries for the rows."""
    progress = MonthlyReport.objects.filter(project_id=OuterRef("project_id"), year=year, month=month)
    rows = list(
        selectors.project_figures(year, month)
        .annotate(month_progress=Subquery(progress.values("progress")[:1]))
        .order_by("project__category__order", "project__category__name", "-planned_investment", "project__name")
    )
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}-{month:02d}"
    columns = [
        ("序号", 6), ("项目名称", 38), ("属地", 10), ("业主单位", 20), ("计划类别", 9), ("总投资", 12),
        ("年度计划投资", 12), ("本月完成", 11), (f"1-{month}月累计完成", 12), ("自开工累计完成", 13),
        ("年度计划完成率(%)", 11), ("序时进度完成率(%)", 11), ("形象进度", 36), ("是否入统", 8),
    ]
    last = get_column_letter(len(columns))
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = f"{settings.TUIJIN_COUNTY_NAME}{year}年{month}月重大项目推进情况表"
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = "单位：万元"
    ws["A2"].alignment = Alignment(horizontal="right")
    # two-row header: money columns grouped under 投资完成情况
    for i, (title, width) in enumerate(columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = width
        if 8 <= i <= 12:
            ws.cell(row=4, column=i, value=title)
        else:
            ws.merge_cells(f"{letter}3:{letter}4")
            ws.cell(row=3, column=i, value=title)
    ws.merge_cells("H3:L3")
    ws["H3"] = "投资完成情况"
    for row in ws.iter_rows(min_row=3, max_row=4, max_col=len(columns)):
        for cell in row:
            cell.font = Font(bold=True)
            cell.fill = HEAD_FILL
            cell.border = BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    line = 5
    sections: dict[str, list] = {}
    for entry in rows:
        sections.setdefault(entry.project.category.name, []).append(entry)
    grand = _Totals()
    for s, (name, entries) in enumerate(sections.items()):
        totals = _Totals()
        for entry in entries:
            totals.add(entry)
        grand.merge(totals)
        _money_row(ws, line, [f"{CN_NUMBERS[s % 10]}、{name}项目（{len(entries)}项）", "", "", "", ""], totals,
                   fill=SECTION_FILL, bold=True)
        line += 1
        for n, entry in enumerate(entries, start=1):
            p = entry.project
            values = [
                n, p.name, p.town.short_name if p.town else "", p.owner.name,
                entry.get_category_display(), p.total_investment, entry.planned_investment, entry.month_amount,
                entry.ytd, entry.since_start, _pct(entry.completion_pct), _pct(entry.schedule_pct),
                entry.month_progress or "", "是" if entry.is_registered else "否",
            ]
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=line, column=col, value=float(value) if isinstance(value, Decimal) else value)
                cell.border = BOX
                if isinstance(value, Decimal):
                    cell.number_format = "#,##0.00"
                if col in (2, 4, 13):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            line += 1
    _money_row(ws, line, ["", "合计", "", "", ""], grand, bold=True, fill=HEAD_FILL)
    ws.freeze_panes = "C5"
    ws.print_title_rows = "3:4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _pct(value) -> float | None:
    return None if value is None else round(float(value), 1)


class _Totals:
    def __init__(self):
        self.total = self.plan = self.month = self.ytd = self.since = self.due = Decimal(0)

    def add(self, e) -> None:
        self.total += e.project.total_investment
        self.plan += e.planned_investment
        self.month += e.month_amount
        self.ytd += e.ytd
        self.since += e.since_start
        self.due += e.planned_to_date

    def merge(self, other: _Totals) -> None:
        for name in ("total", "plan", "month", "ytd", "since", "due"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _money_row(ws, line: int, labels: list, t: _Totals, *, fill=None, bold=False) -> None:
    values = labels + [t.total, t.plan, t.month, t.ytd, t.since,
                       _pct(selectors.pct(t.ytd, t.plan)), _pct(selectors.pct(t.ytd, t.due)), "", ""]
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=line, column=col, value=float(value) if isinstance(value, Decimal) else value)
        cell.border = BOX
        cell.font = Font(bold=bold)
        if fill:
            cell.fill = fill
        if isinstance(value, Decimal):
            cell.number_format = "#,##0.00"
    if labels[0]:
        ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=5)
