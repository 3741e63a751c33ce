"""The board as an Excel workbook: the ranking sheet and the explanations sheet."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="DCE6F1")


def board_workbook(snapshot, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Ranking")
    labels = [(s["code"], s["label"], s["weight"]) for s in (rows[0].scores if rows else [])]
    header = [_("Rank"), _("Rank change"), _("Unit")]
    for _code, label, weight in labels:
        header += [f"{label}（{_('value')}）", f"{label}（{_('score')}/{Decimal(weight):g}）"]
    header += [pgettext("score", "Total"), _("List")]
    title = f"{snapshot.scheme.name} {snapshot.period} " + _("results (revision %(r)s, %(status)s)") % {
        "r": snapshot.revision, "status": snapshot.get_status_display()}
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(header)
    for cell in ws[2]:
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        line = [row.rank, row.rank_change if row.rank_change is not None else "", row.unit.name]
        for s in row.scores:
            line += [float(s["value"]) if s["value"] is not None else "", float(s["score"])]
        line += [float(row.total), row.get_flag_display() if row.flag else ""]
        ws.append(line)
        for cell in ws[ws.max_row]:
            cell.border = BOX
    ws.row_dimensions[2].height = 42
    for i in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 16 if i > 3 else (8 if i < 3 else 18)
    ws.freeze_panes = "D3"
    notes = wb.create_sheet(_("Explanations"))
    notes.append([_("Unit"), _("Indicator"), _("Score"), pgettext("score", "Explanation")])
    for cell in notes[1]:
        cell.font, cell.fill = Font(bold=True), HEAD
    for row in rows:
        for s in row.scores:
            notes.append([row.unit.name, s["label"], float(s["score"]), s["explanation"]])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 22
    notes.column_dimensions["D"].width = 120
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
