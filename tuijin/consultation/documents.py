"""Word documents of a meeting: its agenda and its minutes, laid out as a government
meeting minute (会议纪要): red masthead, 〔year〕number, body in 仿宋, headings in 黑体,
attendees, the 销号 report, items and decisions, 抄送 and the issuing line (GB/T 9704 style)."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .models import Meeting
from .selectors import closure_report

RED = RGBColor(0xC0, 0x00, 0x00)
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
NUMERALS = "一二三四五六七八九十"


def _date_cn(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _time_cn(moment) -> str:
    local = timezone.localtime(moment)
    half = "上午" if local.hour < 12 else "下午"
    return f"{_date_cn(local)}{half}"


def _run(paragraph, text: str, *, font: str = BODY_FONT, size: float = 16, bold: bool = False, color=None):
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)
    return run


def _para(doc, text: str = "", *, align=None, indent: bool = True, **run_kwargs):
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)
    if align is not None:
        paragraph.alignment = align
    if text:
        _run(paragraph, text, **run_kwargs)
    return paragraph


def _heading(doc, text: str):
    return _para(doc, text, font=HEADING_FONT)


def _rule(doc, color: str = "C00000"):
    """A horizontal line under the masthead (a paragraph bottom border)."""
    paragraph = doc.add_paragraph()
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "1"), ("w:color", color)):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)
    return paragraph


def _new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    return doc


def _masthead(doc, meeting: Meeting, kind: str):
    county = settings.TUIJIN_COUNTY_NAME
    _para(doc, f"{county}重大项目会商会议{kind}", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
          font=TITLE_FONT, size=26, color=RED)
    _para(doc, meeting.doc_number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _rule(doc)


def _attendees(meeting: Meeting) -> list[str]:
    leaders = "、".join(f"{u}{('（' + u.title + '）') if u.title else ''}" for u in meeting.leaders.all())
    units = "、".join(u.name for u in meeting.units.all())
    lines = []
    if leaders:
        lines.append(f"出席领导：{leaders}")
    if units:
        lines.append(f"参会单位：{units}")
    if meeting.other_attendees:
        lines.append(f"其他参会人员：{meeting.other_attendees}")
    return lines


def _closure_section(doc, meeting: Meeting, number: str):
    report = closure_report(meeting)
    _heading(doc, f"{number}、前期议定事项销号情况")
    if not report.total:
        _para(doc, "前期会议无待销号事项。")
        return
    _para(doc, (
        f"前期会议议定事项中，自上次会议以来已销号{len(report.closed_since)}项，尚未销号{len(report.still_open)}项"
        f"（其中逾期{len(report.overdue)}项）。"
    ))
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ["序号", "议定事项", "责任单位", "完成时限", "销号情况"], strict=True):
        _run(cell.paragraphs[0], text, font=HEADING_FONT, size=12)
    rows = [(a, "已销号") for a in report.closed_since] + [
        (a, "逾期未销号" if a.deadline < report.as_of else "推进中") for a in report.still_open
    ]
    for i, (action, state) in enumerate(rows, 1):
        cells = table.add_row().cells
        values = [str(i), action.text, action.responsible_unit.name, _date_cn(action.deadline), state]
        for cell, text in zip(cells, values, strict=True):
            _run(cell.paragraphs[0], text, size=12)


def _footer(doc, meeting: Meeting):
    _para(doc)
    if meeting.copy_to:
        paragraph = _para(doc, indent=False)
        _run(paragraph, f"抄送：{meeting.copy_to}。", size=14)
    _rule(doc, color="000000")
    issued = timezone.localtime(meeting.held_at or meeting.starts_at)
    paragraph = _para(doc, indent=False)
    _run(paragraph, f"{settings.TUIJIN_COUNTY_NAME}重大项目推进工作领导小组办公室", size=14)
    _run(paragraph, f"        {_date_cn(issued)}印发", size=14)


def _save(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def agenda_document(meeting: Meeting) -> bytes:
    """The agenda sent before the meeting: the 销号 report first, then the problems to settle."""
    doc = _new_document()
    _masthead(doc, meeting, "议程")
    _para(doc, meeting.title, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, font=TITLE_FONT, size=20)
    _para(doc, f"时间：{_time_cn(meeting.starts_at)}{timezone.localtime(meeting.starts_at):%H:%M}")
    if meeting.place:
        _para(doc, f"地点：{meeting.place}")
    if meeting.chair:
        _para(doc, f"主持：{meeting.chair}{meeting.chair.title and '（' + meeting.chair.title + '）'}")
    for line in _attendees(meeting):
        _para(doc, line)
    _closure_section(doc, meeting, "一")
    _heading(doc, "二、会商议题")
    items = list(meeting.agenda.select_related("problem", "problem__project", "problem__raiser_unit", "problem__responsible_unit"))
    if not items:
        _para(doc, "本次会议暂无议题。")
    for i, item in enumerate(items, 1):
        _para(doc, f"（{NUMERALS[i - 1] if i <= 10 else i}）{item.title}", font=HEADING_FONT, size=16)
        if item.problem:
            p = item.problem
            _para(doc, (
                f"问题编号{p.number}，{p.get_category_display()}类，由{p.raiser_unit.name}于"
                f"{_date_cn(timezone.localtime(p.raised_at))}提出，现处{p.get_level_display()}层级。"
            ))
            _para(doc, p.description)
    _footer(doc, meeting)
    return _save(doc)


def minutes_document(meeting: Meeting) -> bytes:
    """The minutes (会议纪要): who met, what was reported, what was decided, by whom, by when."""
    doc = _new_document()
    _masthead(doc, meeting, "纪要")
    chair = f"{meeting.chair.title or ''}{meeting.chair}" if meeting.chair else "市重大项目推进办"
    place = f"在{meeting.place}" if meeting.place else ""
    _para(doc, (
        f"{_time_cn(meeting.starts_at)}，{chair}{place}主持召开{meeting.title}，"
        f"听取前期议定事项落实情况汇报，研究协调{meeting.agenda.count()}个重大项目推进中的堵点问题。"
        "现将会议议定事项纪要如下："
    ))
    _closure_section(doc, meeting, "一")
    _heading(doc, "二、会议议定事项")
    actions = list(meeting.actions.select_related("responsible_unit", "problem", "problem__project"))
    if not actions:
        _para(doc, "本次会议无议定事项。")
    for i, action in enumerate(actions, 1):
        subject = f"关于{action.problem.project.name}{action.problem.title}问题。" if action.problem else ""
        paragraph = _para(doc)
        _run(paragraph, f"{i}. ", bold=True)
        _run(paragraph, f"{subject}{action.text}")
        tail = f"责任单位：{action.responsible_unit.name}"
        if action.cooperating:
            tail += f"；配合单位：{action.cooperating}"
        tail += f"；完成时限：{_date_cn(action.deadline)}前。"
        _para(doc, tail)
    if meeting.minutes:
        _heading(doc, "三、会议要求")
        for line in meeting.minutes.splitlines():
            if line.strip():
                _para(doc, line.strip())
    _para(doc)
    for line in _attendees(meeting):
        _para(doc, line, indent=False)
    _footer(doc, meeting)
    return _save(doc)
