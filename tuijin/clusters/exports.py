"""Documents for the villages' shareholders' meeting: the share register (Excel) and the
allocation statement (Word, laid out after the official document format GB/T 9704)."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from . import selectors, services
from .choices import UNITS, ContributionKind, DistributionMethod


def disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def _rounding_note(rule) -> str:
    places = rule.rounding_places if rule else 4
    return _(
        "Shares are computed as exact fractions. Published percentages keep %(places)s decimal places, rounded by "
        "the largest remainder method: each share is cut to %(places)s places and the missing last-place units go, "
        "one each, to the largest remainders (ties to the earlier shareholder), so the shares add up to exactly 100%%."
    ) % {"places": places}


def _rule_sentence(rule) -> str:
    if rule is None:
        return _("No allocation rule has been recorded.")
    text = _("Version %(v)s of the allocation rule, %(method)s, approved by %(body)s%(on)s%(doc)s, "
             "effective from %(from)s.") % {
        "v": rule.version, "method": rule.get_method_display(), "body": rule.approved_by,
        "on": _(" on %(d)s") % {"d": rule.approved_on} if rule.approved_on else "",
        "doc": f"（{rule.document_number}）" if rule.document_number else "", "from": rule.effective_from,
    }
    if rule.weights:
        weights = "、".join(f"{ContributionKind(k).label} {w}" for k, w in rule.weights.items())
        text += _(" Weights: %(w)s.") % {"w": weights}
    if rule.population_pool is not None:
        text += _(" %(pool)s (10k yuan) is apportioned by population.") % {"pool": format(rule.population_pool.normalize(), "f")}
    if rule.guaranteed_rate is not None:
        text += _(" Guaranteed yearly dividend: %(rate)s%% of the valued contribution.") % {
            "rate": format(rule.guaranteed_rate.normalize(), "f")}
    return text


# --- Excel ---------------------------------------------------------------------------------

THIN = Side(style="thin", color="8FA3BF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="1D4E89")
TOTAL_FILL = PatternFill("solid", fgColor="E8F0FA")
FONT = "宋体"


def share_register(company) -> bytes:
    holders, kinds, cells = selectors.contribution_matrix(company)
    allocation = selectors.latest_allocation(company)
    rule = allocation.rule if allocation else company.rules.order_by("-version").first()
    lines = {line.shareholder_id: line for line in allocation.lines.all()} if allocation else {}

    wb = Workbook()
    ws = wb.active
    ws.title = _("Share register")
    columns = [(_("No."), 6), (_("Shareholder"), 30), (_("Shareholder kind"), 14), (_("Village"), 10)]
    kind_columns = []
    for k in kinds:
        kind = ContributionKind(k)
        columns.append((f"{kind.label}（{UNITS[kind]}）", 14))
        kind_columns.append((k, "quantity"))
        if k == ContributionKind.LAND:
            columns.append((_("Land valuation (10k yuan)"), 16))
            kind_columns.append((k, "valuation"))
    columns += [(_("Share (%)"), 14), (_("Exact share"), 26)]
    width = len(columns)
    last = get_column_letter(width)

    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = _("%(company)s — share register") % {"company": company.name}
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = _rule_sentence(rule)
    ws["A2"].font = Font(name=FONT, size=10)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[2].height = 36

    for col, (title, col_width) in enumerate(columns, start=1):
        cell = ws.cell(row=3, column=col, value=title)
        cell.font = Font(name=FONT, bold=True, color="FFFFFF", size=10)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(col)].width = col_width
    ws.row_dimensions[3].height = 30

    row = 4
    sums = [Decimal(0)] * len(kind_columns)
    for n, holder in enumerate(holders, start=1):
        values = [n, holder.name, holder.get_kind_display(), holder.village.name if holder.village else ""]
        for i, (k, attr) in enumerate(kind_columns):
            c = cells.get((holder.pk, k))
            value = getattr(c, attr) if c else None
            values.append(float(value) if value is not None else None)
            sums[i] += value or 0
        line = lines.get(holder.pk)
        values += [float(line.percent) if line else None, line.exact if line else ""]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.font = Font(name=FONT, size=10)
            cell.border = BORDER
            if isinstance(value, float):
                cell.alignment = Alignment(horizontal="right")
        _number_formats(ws, row, kind_columns, rule)
        row += 1
    totals = ["", _("Total"), "", ""] + [float(s) for s in sums] + [float(sum(line.percent for line in lines.values())) if lines else None, ""]
    for col, value in enumerate(totals, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font = Font(name=FONT, size=10, bold=True)
        cell.fill = TOTAL_FILL
        cell.border = BORDER
    _number_formats(ws, row, kind_columns, rule)
    row += 2
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    note = ws.cell(row=row, column=1, value=_rounding_note(rule))
    note.font = Font(name=FONT, size=9, color="555555")
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[row].height = 42
    row += 1
    ws.cell(row=row, column=1, value=_("Exported %(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}).font = Font(
        name=FONT, size=9, color="555555")
    ws.freeze_panes = "C4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1

    if allocation:
        _explanation_sheet(wb, allocation)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _number_formats(ws, row, kind_columns, rule) -> None:
    for i, (_k, attr) in enumerate(kind_columns):
        ws.cell(row=row, column=5 + i).number_format = "#,##0.0000" if attr == "valuation" else "#,##0.####"
    places = rule.rounding_places if rule else 4
    ws.cell(row=row, column=5 + len(kind_columns)).number_format = "0." + "0" * places if places else "0"


def _explanation_sheet(wb, allocation) -> None:
    ws = wb.create_sheet(_("How each share is computed"))
    heads = [(_("Shareholder"), 30), (_("Term"), 40), ("x_ik", 14), ("Σ_j x_jk", 14), ("w_k", 12),
             (_("w·x/Σx (percentage points)"), 20), (_("Published share (%)"), 16)]
    for col, (title, col_width) in enumerate(heads, start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font = Font(name=FONT, bold=True, color="FFFFFF", size=10)
        cell.fill = HEAD_FILL
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(col)].width = col_width
    row = 2
    services.explained(allocation.lines.all())
    for line in allocation.lines.all():
        for col, value in enumerate([line.shareholder.name, _("Share"), None, None, None, None, float(line.percent)], start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.font = Font(name=FONT, size=10, bold=True)
            cell.fill = TOTAL_FILL
            cell.border = BORDER
        row += 1
        for term in line.explanation:
            values = ["", f"{term['label']}（{term['unit']}）", term["x"], term["total"], term["weight"], term["percent"], None]
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col, value=value)
                cell.font = Font(name=FONT, size=10)
                cell.border = BORDER
            row += 1
    ws.freeze_panes = "A2"


# --- Word ----------------------------------------------------------------------------------

TITLE_FONT, HEADING_FONT, BODY_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(doc, text: str, *, font=BODY_FONT, size=16, bold=False, align=None, indent=True, space_after=0):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    p.paragraph_format.line_spacing = Pt(28) if size >= 14 else None
    p.paragraph_format.space_after = Pt(space_after)
    _font(p.add_run(text), font, size, bold)
    return p


def _table(doc, heads: list[str], rows: list[list], *, bold_rows: set[int] = frozenset()):
    table = doc.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, head in enumerate(heads):
        cell = table.rows[0].cells[i]
        cell.text = ""
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(head), HEADING_FONT, 10.5)
    for r, values in enumerate(rows):
        cells = table.add_row().cells
        for i, value in enumerate(values):
            p = cells[i].paragraphs[0]
            text = "" if value is None else str(value)
            if i > 0 and text[:1].isdigit():
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(p.add_run(text), "宋体", 10.5, bold=r in bold_rows)
    return table


def _pct(value, places: int) -> str:
    return f"{value:.{places}f}"


def allocation_statement(company) -> bytes:
    cluster = company.cluster
    holders, _kinds, _cells = selectors.contribution_matrix(company)
    allocation = selectors.latest_allocation(company)
    rule = allocation.rule if allocation else company.rules.order_by("-version").first()
    places = rule.rounding_places if rule else 4
    distributions = selectors.company_distributions(company)

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    title = _para(doc, _("Statement on the share allocation of %(company)s") % {"company": company.name},
                  font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=6)
    title.paragraph_format.line_spacing = Pt(34)
    _para(doc, _("(for deliberation by the shareholders' meeting)"), font="楷体_GB2312", size=16,
          align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=12)
    _para(doc, _("To all shareholders:"), indent=False)

    _para(doc, _("1. Background"), font=HEADING_FONT)
    capital = (_("registered capital %(c)s (10k yuan)") % {"c": format(company.registered_capital.normalize(), ",f")}
               if company.registered_capital is not None else "")
    _para(doc, _("%(company)s was set up by %(n)s shareholders of %(cluster)s (%(committee)s)%(capital)s. "
                 "Its shareholders are: %(names)s.") % {
        "company": company.name, "n": len(holders), "cluster": cluster, "committee": cluster.party_committee,
        "capital": f"，{capital}" if capital else "", "names": "、".join(h.name for h in holders)})
    if company.business_scope:
        _para(doc, company.business_scope)

    _para(doc, _("2. Allocation rule"), font=HEADING_FONT)
    _para(doc, _rule_sentence(rule))
    _para(doc, _("Each shareholder's share is share_i = Σ_k w_k · x_ik / Σ_j x_jk, where x_ik is what shareholder i "
                 "put in of kind k, Σ_j x_jk what all put in of that kind, and w_k the weight of that kind."))
    _para(doc, _rounding_note(rule))

    _para(doc, _("3. Shares"), font=HEADING_FONT)
    if allocation:
        lines = list(allocation.lines.all())
        services.explained(lines)
        _table(doc, [_("No."), _("Shareholder"), _("Share (%)")],
               [[n, line.shareholder.name, _pct(line.percent, places)] for n, line in enumerate(lines, start=1)]
               + [["", _("Total"), _pct(sum(line.percent for line in lines), places)]],
               bold_rows={len(lines)})
        _para(doc, _("How each share is computed:"), indent=True)
        rows, bold = [], set()
        for line in lines:
            bold.add(len(rows))
            rows.append([line.shareholder.name, _("Share"), "", "", "", _pct(line.percent, places)])
            for term in line.explanation:
                rows.append(["", f"{term['label']}（{term['unit']}）", term["x"], term["total"], term["weight"], term["percent"]])
        _table(doc, [_("Shareholder"), _("Term"), "x_ik", "Σ_j x_jk", "w_k", _("w·x/Σx (percentage points)")], rows,
               bold_rows=bold)
    else:
        _para(doc, _("The shares have not been computed yet."))

    _para(doc, _("4. Distribution of income"), font=HEADING_FONT)
    if distributions:
        d = distributions[0]
        method = d.get_method_display()
        if d.method == DistributionMethod.GUARANTEED_FIRST:
            method += _(" (guaranteed %(rate)s%%)") % {"rate": format(d.guaranteed_rate.normalize(), "f")}
        _para(doc, _("For %(year)s the distributable amount is %(amount)s (10k yuan), shared out %(method)s; the amounts "
                     "are rounded to the yuan by the largest remainder method and add up exactly.") % {
            "year": d.year, "amount": format(d.amount, ",f"), "method": method})
        lines = list(d.lines.all())
        _table(doc, [_("Shareholder"), _("Share (%)"), _("Guaranteed (10k yuan)"), _("By share (10k yuan)"),
                     _("Paid (10k yuan)")],
               [[line.shareholder.name, _pct(line.percent, places) if line.percent is not None else "—",
                 format(line.guaranteed, ",f"), format(line.by_share, ",f"), format(line.total, ",f")] for line in lines]
               + [[_("Total"), "", "", "", format(sum(line.total for line in lines), ",f")]],
               bold_rows={len(lines)})
    else:
        _para(doc, _("No income has been distributed yet."))

    _para(doc, _("The above is submitted to the shareholders' meeting for deliberation."), space_after=24)
    _para(doc, company.name, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    today = timezone.localdate()
    _para(doc, f"{today.year}年{today.month}月{today.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run(_("Generated by Tuijin from the share register; figures in 10k yuan."))
    _font(run, "宋体", 9)
    run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
