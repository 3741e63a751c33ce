"""The monthly supervision bulletin (督查通报) as a Word document laid out like an official
document: red masthead, document number, title, numbered headings, tables."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.db.models import Count
from django.utils import timezone, translation
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from tuijin.race.periods import Period, month_end

from .choices import Colour, OrderStatus
from .models import Bulletin, Light, Order
from .selectors import lights_on, order_counts, rule_names

RED = RGBColor(0xC0, 0x00, 0x00)


def _optional(path: str):
    module, _sep, attribute = path.partition(":")
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError):
        return None


def _wan(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


@dataclass
class BulletinData:
    """Every figure the bulletin prints, gathered first so tests can check them."""

    period: Period
    number: str
    county: object | None = None
    starts: object | None = None
    rankings: list[tuple[str, list]] = field(default_factory=list)
    red: list[Light] = field(default_factory=list)
    yellow: list[Light] = field(default_factory=list)
    overdue_starts: list[Light] = field(default_factory=list)
    overdue_completions: list[Light] = field(default_factory=list)
    problems: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)
    open_orders: list[Order] = field(default_factory=list)
    revisited: list[tuple[Light, str]] = field(default_factory=list)


def bulletin_number(period: Period) -> str:
    issued = Bulletin.objects.filter(number__startswith=f"慈发改督〔{period.year}〕").count()
    return f"慈发改督〔{period.year}〕{issued + 1}号"


def gather(period: Period, number: str | None = None) -> BulletinData:
    end = month_end(period.year, period.last_month)
    data = BulletinData(period=period, number=number or bulletin_number(period))
    county = _optional("tuijin.reporting.selectors:county_figures")
    starts = _optional("tuijin.reporting.selectors:start_figures")
    if county:
        data.county = county(period.year, period.last_month)
    if starts:
        data.starts = starts(period.year, period.last_month, by=None)[0]
    data.rankings = _rankings(end)
    on = lights_on(end).select_related("project", "project__town").order_by("project__town__order", "project__name")
    names = rule_names()
    for light in on:
        light.rule_name = names.get(light.rule, light.rule)
    data.red = [lt for lt in on if lt.colour == Colour.RED]
    data.yellow = [lt for lt in on if lt.colour == Colour.YELLOW]
    data.overdue_starts = [lt for lt in data.red + data.yellow if lt.rule == "start_missed"]
    data.overdue_completions = [lt for lt in data.red + data.yellow if lt.rule == "completion_missed"]
    counts = _optional("tuijin.consultation.selectors:problem_counts")
    if counts:
        rows = counts("level", today=end)
        data.problems = {"open": sum(r["open"] for r in rows), "closed": sum(r["closed"] for r in rows),
                         "overdue": sum(r["overdue"] for r in rows)}
    data.orders = order_counts(period.start, end)
    data.open_orders = list(Order.objects.filter(status__in=[OrderStatus.ISSUED, OrderStatus.REPLIED])
                            .select_related("unit").order_by("reply_due")[:30])
    data.revisited = _revisit(period, names)
    return data


def _rankings(end: dt.date) -> list[tuple[str, list]]:
    """The latest published race of each scheme ending by the bulletin's month."""
    try:
        from tuijin.race.models import Scheme, Snapshot
    except ImportError:
        return []
    out = []
    for scheme in Scheme.objects.filter(is_active=True).order_by("over", "pk"):
        snapshot = (Snapshot.objects.filter(scheme=scheme, status="published", period_end__lte=end)
                    .order_by("-period_end", "-revision").first())
        if snapshot:
            rows = list(snapshot.rows.select_related("unit").order_by("rank"))
            out.append((f"{scheme.name}（{snapshot.period}）", rows))
    return out


def _revisit(period: Period, names: dict) -> list[tuple[Light, str]]:
    """回头看: last month's yellow list and where each project stands now."""
    previous_end = period.start - dt.timedelta(days=1)
    end = month_end(period.year, period.last_month)
    then = list(lights_on(previous_end).filter(colour=Colour.YELLOW).select_related("project", "project__town")
                .order_by("project__town__order", "project__name"))
    now = {}
    for light in lights_on(end).filter(project_id__in=[lt.project_id for lt in then]):
        if now.get(light.project_id) != Colour.RED:
            now[light.project_id] = light.colour
    out = []
    for light in then:
        light.rule_name = names.get(light.rule, light.rule)
        state = now.get(light.project_id)
        out.append((light, "转为红灯" if state == Colour.RED else "仍为黄灯" if state == Colour.YELLOW else "已整改销号"))
    return out


# ---------------------------------------------------------------- the document


def _font(run, size=16, bold=False, name="仿宋_GB2312", colour=None):
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)
    if colour is not None:
        run.font.color.rgb = colour


def _para(doc, text="", *, size=16, bold=False, align=None, name="仿宋_GB2312", colour=None, indent=True):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent and align is None:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)
    _font(p.add_run(text), size, bold, name, colour)
    return p


def _heading(doc, text):
    return _para(doc, text, size=16, name="黑体", indent=False)


def _table(doc, header: list[str], rows: list[list[str]], widths: list[float] | None = None):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = widths is None
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), 11, True, "黑体")
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(text)), 10.5, False, "仿宋_GB2312")
    if widths:
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    doc.add_paragraph()
    return table


def by_project(lights: list[Light]) -> list[tuple[object, list[Light]]]:
    """Lights grouped by project, in the order given: one row per project in the lists."""
    grouped: dict[int, tuple[object, list[Light]]] = {}
    for light in lights:
        grouped.setdefault(light.project_id, (light.project, []))[1].append(light)
    return list(grouped.values())


LIST_WIDTHS = [1.2, 4.5, 1.8, 2.5, 5.6]


def render(data: BulletinData) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    county = settings.TUIJIN_COUNTY_NAME
    _para(doc, f"{county}重大项目推进工作领导小组办公室", size=22, align=WD_ALIGN_PARAGRAPH.CENTER, name="方正小标宋简体", colour=RED)
    _para(doc, data.number, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    rule = doc.add_paragraph()
    _font(rule.add_run("━" * 24), 14, colour=RED)
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = data.period
    title = f"关于{p.year}年{p.last_month}月全市重大项目推进情况的督查通报" if p.kind == "month" else f"关于{p.label}全市重大项目推进情况的督查通报"
    _para(doc, title, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, name="方正小标宋简体")
    _para(doc, "各镇（街道）、功能区，市级有关部门：", indent=False)
    _para(doc, f"现将{p.year}年1—{p.last_month}月全市重大项目推进情况及督查发现的问题通报如下。")

    _heading(doc, "一、总体情况")
    c = data.county
    if c is not None:
        gap = c.schedule_gap
        _para(doc, (f"1—{p.last_month}月，全市重大项目累计完成投资{_wan(c.ytd)}万元，完成年度计划{_wan(c.annual_plan)}万元的"
                    f"{_pct(c.completion_pct)}；按序时进度应完成{_wan(c.planned_to_date)}万元，"
                    + (f"欠目标进度{abs(gap):.1f}个百分点" if gap is not None and gap < 0 else "达到序时进度")
                    + f"；同比{c.growth_label}。"))
    s = data.starts
    if s is not None:
        _para(doc, (f"年度计划新开工项目{s.new_starts}个，已开工{s.started}个，开工率{_pct(s.start_rate)}；"
                    f"应开工未开工{s.overdue}个。"))
    _para(doc, f"截至{p.end.month}月底，红灯项目{len({lt.project_id for lt in data.red})}个、"
               f"黄灯项目{len({lt.project_id for lt in data.yellow} - {lt.project_id for lt in data.red})}个。")

    _heading(doc, "二、赛马比拼排名")
    if not data.rankings:
        _para(doc, "本期无已发布的赛马结果。")
    for name, rows in data.rankings:
        _para(doc, name, bold=True, indent=False)
        _table(doc, ["名次", "单位", "得分", "名次变化", "榜单"], [
            [r.rank, r.unit.name, f"{r.total:.2f}",
             "—" if r.rank_change is None else (f"↑{r.rank_change}" if r.rank_change > 0 else f"↓{-r.rank_change}" if r.rank_change < 0 else "持平"),
             "红榜" if r.flag == "red" else "黑榜" if r.flag == "black" else ""] for r in rows])

    _heading(doc, "三、红黄灯预警项目")
    red_ids = {lt.project_id for lt in data.red}
    for title, lights in (("（一）红灯项目", data.red), ("（二）黄灯项目", [lt for lt in data.yellow if lt.project_id not in red_ids])):
        groups = by_project(lights)
        _para(doc, f"{title}（{len(groups)}个）", bold=True, indent=False)
        _table(doc, ["序号", "项目名称", "属地", "预警规则", "原因"], [
            [i, project.name, project.town.display_short if project.town else "", "、".join(lt.rule_name for lt in group),
             "；".join(lt.reason for lt in group)]
            for i, (project, group) in enumerate(groups, 1)] or [["—", "无", "", "", ""]], LIST_WIDTHS)

    _heading(doc, "四、应开工未开工、应完工未完工项目")
    _table(doc, ["类别", "项目名称", "属地", "情况"], [
        ["应开工未开工", lt.project.name, lt.project.town.display_short if lt.project.town else "", lt.reason] for lt in data.overdue_starts
    ] + [
        ["应完工未完工", lt.project.name, lt.project.town.display_short if lt.project.town else "", lt.reason] for lt in data.overdue_completions
    ] or [["—", "无", "", ""]], [2.4, 5.0, 1.8, 6.4])

    _heading(doc, "五、问题协调与督办落实")
    if data.problems:
        _para(doc, f"项目堵点问题累计已销号{data.problems['closed']}个，在办{data.problems['open']}个，"
                   f"其中超期未办结{data.problems['overdue']}个。")
    o = data.orders
    _para(doc, f"本期发出督办函件{o['issued']}件；累计整改到位（办结）{o['accepted']}件，尚未办结{o['open']}件，"
               f"其中逾期未回复{o['overdue']}件。")
    if data.open_orders:
        _table(doc, ["文号", "责任单位", "事由", "回复期限", "状态"], [
            [order.number, order.unit.name, order.subject, order.reply_due.isoformat(), order.get_status_display()]
            for order in data.open_orders])

    _heading(doc, "六、上期黄灯项目“回头看”")
    _table(doc, ["序号", "项目名称", "属地", "上期预警原因", "本期情况"], [
        [i, lt.project.name, lt.project.town.display_short if lt.project.town else "", lt.reason, state]
        for i, (lt, state) in enumerate(data.revisited, 1)] or [["—", "上期无黄灯项目", "", "", ""]], [1.2, 4.5, 1.8, 5.9, 2.2])

    _heading(doc, "七、工作要求")
    _para(doc, "各责任单位要对照红黄灯预警清单，逐项目制定整改计划，明确责任人和完成时限；红灯项目由市领导约谈责任单位主要负责人，"
               "黄灯项目于收到督办函后按期回复整改计划。市项目办将持续跟踪督办，并纳入赛马比拼考核。")
    made = timezone.localdate()
    _para(doc, f"{county}重大项目推进工作领导小组办公室", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, f"{made.year}年{made.month}月{made.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def bulletin_build(period: Period, number: str | None = None) -> tuple[BulletinData, bytes]:
    with translation.override(settings.LANGUAGE_CODE):
        data = gather(period, number)
        return data, render(data)


def light_counts_by_rule(day: dt.date) -> dict[str, int]:
    return dict(lights_on(day).values_list("rule").annotate(n=Count("pk")))
