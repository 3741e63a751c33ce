"""The columns a county ledger carries, and the header words that name them.

Published tables name the same column many ways ("总投资", "计划总投资", "总投资（万元）"). A
header is first normalised (full-width to ASCII, spaces, units in brackets and years removed)
and looked up among the synonyms; failing that, the first rule whose words it contains wins.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.lib.money import normalise_text


class LedgerField(models.TextChoices):
    SEQ = "seq", _("No.")
    NAME = "name", _("Project name")
    NATIONAL_CODE = "national_code", _("National project code")
    CATEGORY = "category", _("Category")
    PLAN_CATEGORY = "plan_category", _("Plan category")
    CONTENT = "content", _("Construction content and scale")
    YEARS = "years", _("Construction period")
    START_YEAR = "start_year", _("Start year")
    END_YEAR = "end_year", _("End year")
    TOTAL = "total_investment", _("Total investment")
    OPENING = "opening_cumulative", _("Completed to last year-end")
    PLANNED = "planned_investment", _("Annual planned investment")
    PROGRESS_TARGET = "progress_target", _("Physical-progress target")
    OWNER = "owner", _("Owner")
    RESPONSIBLE = "responsible", _("Responsible unit")
    TOWN = "town", _("Location (town)")
    LEADER = "leader", _("Linked leader")
    ADDRESS = "address", _("Address")
    NOTE = "note", _("Remarks")
    IGNORE = "ignore", _("(not imported)")


#: Columns holding money: they take the unit of their header, or of the table.
AMOUNT_FIELDS = (LedgerField.TOTAL, LedgerField.OPENING, LedgerField.PLANNED)
#: Without these a table is not a project ledger.
REQUIRED_FIELDS = (LedgerField.NAME, LedgerField.TOTAL)

SYNONYMS: dict[str, tuple[str, ...]] = {
    LedgerField.SEQ: ("序号", "编号", "序"),
    LedgerField.NAME: ("项目名称", "项目名", "名称", "项目"),
    LedgerField.NATIONAL_CODE: ("项目代码", "项目编码", "项目赋码", "赋码", "代码"),
    LedgerField.CATEGORY: ("项目类别", "类别", "项目分类", "行业类别"),
    LedgerField.PLAN_CATEGORY: ("建设性质", "项目性质", "计划类别"),
    LedgerField.CONTENT: ("建设内容及规模", "建设内容", "建设规模", "主要建设内容", "建设内容和规模", "主要建设内容及规模"),
    LedgerField.YEARS: ("建设起止年限", "建设年限", "起止年限", "建设期限", "起止年份", "建设起止年份", "建设周期"),
    LedgerField.START_YEAR: ("开工年份", "开工年度", "开始年份"),
    LedgerField.END_YEAR: ("竣工年份", "完工年份", "竣工年度"),
    LedgerField.TOTAL: ("总投资", "计划总投资", "项目总投资", "估算总投资"),
    LedgerField.OPENING: (
        "截至上年底累计完成",
        "截至上年底累计完成投资",
        "截止上年底累计完成",
        "至上年底累计完成投资",
        "上年底累计完成投资",
    ),
    LedgerField.PLANNED: ("年度计划投资", "本年计划投资", "计划投资", "本年度计划投资", "年度计划", "年计划投资"),
    LedgerField.PROGRESS_TARGET: ("形象进度目标", "年度形象进度", "形象进度", "年度目标", "形象进度计划", "年度形象进度目标"),
    LedgerField.OWNER: ("业主单位", "实施主体", "建设单位", "项目单位", "项目业主"),
    LedgerField.RESPONSIBLE: ("责任单位", "责任部门", "牵头单位", "主管部门", "责任主体"),
    LedgerField.TOWN: ("所在地", "建设地点", "属地", "所在镇街道", "所属镇街", "属地镇街", "镇街道", "镇(街道)", "所在镇(街道)"),
    LedgerField.LEADER: ("联系领导", "联系市领导", "责任领导", "市领导"),
    LedgerField.ADDRESS: ("详细地址", "项目地址", "地址"),
    LedgerField.NOTE: ("备注", "说明"),
}

#: Fallback: a header containing these words (in this order of precedence).
RULES: tuple[tuple[str, str], ...] = (
    (r"累计.*(上年|年底)|(上年|年底).*累计", LedgerField.OPENING),
    (r"形象进度|进度目标", LedgerField.PROGRESS_TARGET),
    (r"计划投资|年度计划|年计划", LedgerField.PLANNED),
    (r"总投资", LedgerField.TOTAL),
    (r"起止|年限|建设期", LedgerField.YEARS),
    (r"建设内容|建设规模", LedgerField.CONTENT),
    (r"项目代码|赋码", LedgerField.NATIONAL_CODE),
    (r"项目名", LedgerField.NAME),
    (r"业主|实施主体|建设单位", LedgerField.OWNER),
    (r"责任单位|责任部门|牵头", LedgerField.RESPONSIBLE),
    (r"属地|所在地|建设地点|镇街|镇\(街道\)", LedgerField.TOWN),
    (r"领导", LedgerField.LEADER),
    (r"类别", LedgerField.CATEGORY),
    (r"建设性质", LedgerField.PLAN_CATEGORY),
    (r"备注", LedgerField.NOTE),
)

_BRACKETS = re.compile(r"[(\[][^()\[\]]*[)\]]")
_YEAR_WORDS = re.compile(r"(19|20)\d{2}年?(度)?")


def normalise_header(text) -> str:
    """"2026年计划投资（万元）" → "计划投资"; full-width, spaces and line breaks removed."""
    if text is None:
        return ""
    cleaned = normalise_text(str(text)).replace("\n", "").replace("\r", "").replace("\t", "")
    cleaned = _BRACKETS.sub("", cleaned)
    return _YEAR_WORDS.sub("", cleaned).strip(":：")


_LOOKUP = {normalise_header(word): field for field, words in SYNONYMS.items() for word in words}


def field_for_header(text) -> str | None:
    """The ledger field a header names, or None."""
    key = normalise_header(text)
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    if key.endswith("万元") or key.endswith("亿元"):
        key = key[:-2]
        if key in _LOOKUP:
            return _LOOKUP[key]
    for pattern, field in RULES:
        if re.search(pattern, key):
            return field
    return None


def year_in_header(text) -> int | None:
    match = re.search(r"((?:19|20)\d{2})年", normalise_text(str(text or "")))
    return int(match.group(1)) if match else None
