"""Reading a ledger as the county publishes it: title rows, a one- or two-row header,
section rows that set the category of the rows under them, subtotal and total rows checked
against the rows they sum, note and blank rows, and the values in every form tables use.

:class:`LedgerParser` turns a :class:`~tuijin.ledger.reading.Sheet` into :class:`ParsedRow`
objects (one per project row) and keeps the totals checks; it knows nothing of the database.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils.translation import gettext as _

from tuijin.lib.money import Amount, AmountError, is_empty_amount, normalise_text, parse_amount, unit_in_text

from .fields import AMOUNT_FIELDS, REQUIRED_FIELDS, LedgerField, field_for_header, year_in_header
from .reading import MAX_EMPTY_RUN, LedgerFileError, Sheet

HEADER_SCAN_ROWS = 30

_NUMERAL = "一二三四五六七八九十百零〇"
SECTION_L1 = re.compile(rf"^([{_NUMERAL}]+)[、.,，．]\s*(.*)$")
SECTION_L2 = re.compile(rf"^[(（]([{_NUMERAL}]+)[)）][、.]?\s*(.*)$")
SECTION_NUMERAL_ONLY = re.compile(rf"^[(（]?[{_NUMERAL}]+[)）]?[、.]?$")
COUNT_IN_TITLE = re.compile(r"[(（]\s*(?:共)?\s*(\d+)\s*个?项\s*[)）]")
NOTE_START = re.compile(r"^(注|备注|说明|填报单位|填报人|制表|审核|联系人|资料来源|数据来源|附[:：件])")
TOTAL_WORDS = re.compile(r"(合计|总计|共计|小计|总合计)$|^(合计|总计|共计|小计)")

PLAN_CATEGORY_WORDS = (
    ("新开工", "new"),
    ("续建", "continuing"),
    ("竣工", "completing"),
    ("建成", "completing"),
    ("预备", "ready"),
    ("前期", "preparation"),
)


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return unicodedata.normalize("NFKC", str(value)).strip()


def plan_category_in(text: str) -> str | None:
    for word, value in PLAN_CATEGORY_WORDS:
        if word in text:
            return value
    return None


# ---------------------------------------------------------------- values

_DASHES = re.compile(r"[—–―~～至到－]+")
_YEAR_MONTH = re.compile(r"年(\d{1,2})月?")
_DASH_RUN = re.compile(r"-+")
_SPACES = re.compile(r"\s+")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_RANGE = re.compile(r"^((?:19|20)\d{2})(?:\.(\d{1,2}))?(?:-((?:19|20)?\d{2})(?:\.(\d{1,2}))?)?$")


@dataclass(frozen=True)
class YearRange:
    start: int
    end: int
    start_month: int | None = None
    end_month: int | None = None


def parse_year_range(value) -> YearRange:
    """"2024-2027", "2024—2027", "2024年-2027年", "2024.3-2026.12", "2024年3月至2026年12月", "2026"."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer() and 1900 < value < 2100:
        return YearRange(int(value), int(value))
    if isinstance(value, dt.date):
        return YearRange(value.year, value.year, value.month)
    text = normalise_text(cell_text(value))
    text = _DASHES.sub("-", text)
    text = _YEAR_MONTH.sub(r".\1", text)
    text = text.replace("年", "").replace("月", "").replace("/", ".").replace("-.", "-").strip("-")
    text = _DASH_RUN.sub("-", text)
    match = _RANGE.match(text)
    if not match:
        raise ValueError(_('"%(text)s" is not a construction period such as 2024-2027') % {"text": cell_text(value)})
    start = int(match.group(1))
    end_text = match.group(3)
    end = start if end_text is None else int(end_text) + (2000 if len(end_text) == 2 else 0)
    start_month = int(match.group(2)) if match.group(2) else None
    end_month = int(match.group(4)) if match.group(4) else None
    for month in (start_month, end_month):
        if month is not None and not 1 <= month <= 12:
            raise ValueError(_('"%(text)s": a month runs from 1 to 12') % {"text": cell_text(value)})
    if end < start:
        raise ValueError(_('"%(text)s": the end year comes before the start year') % {"text": cell_text(value)})
    return YearRange(start, end, start_month, end_month)


# ---------------------------------------------------------------- parsed rows


@dataclass
class RowError:
    row: int
    column: str  # Excel letter, "" for the row as a whole
    header: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "header": self.header, "value": self.value, "reason": self.reason}


@dataclass
class ParsedRow:
    """One project row of the ledger, its values parsed, not yet matched to the database."""

    row: int
    values: dict[str, object] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    approximate: list[str] = field(default_factory=list)  # fields given as 约/超 values
    notes: list[str] = field(default_factory=list)
    category: str = ""  # set by a section row (a Category name)
    plan_category: str = ""  # set by a section row or the 建设性质 column (PlanCategory value)

    def error(self, fld: str, reason: str, header: Header) -> None:
        col = header.column_of.get(fld)
        self.errors.append(
            RowError(
                self.row,
                column_letter(col) if col is not None else "",
                header.labels.get(col, "") if col is not None else "",
                self.raw.get(fld, ""),
                reason,
            )
        )


@dataclass
class TotalCheck:
    """A total the file states (a section's count or amount, a subtotal, the grand total)
    against what its rows add up to."""

    row: int
    label: str
    measure: str  # a LedgerField amount value, or "count"
    claimed: Decimal
    parsed: Decimal

    @property
    def ok(self) -> bool:
        return self.claimed == self.parsed

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "label": self.label,
            "measure": self.measure,
            "claimed": str(self.claimed),
            "parsed": str(self.parsed),
            "ok": self.ok,
        }


@dataclass
class Header:
    first_row: int
    last_row: int
    labels: dict[int, str]  # column index → header text as printed
    fields: dict[int, str]  # column index → LedgerField value
    units: dict[int, str]
    title: str = ""
    year: int | None = None

    @cached_property
    def column_of(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for col, fld in sorted(self.fields.items()):
            if fld != LedgerField.IGNORE:
                found.setdefault(fld, col)
        return found

    def signature(self) -> str:
        return "|".join(self.labels[c] for c in sorted(self.labels))


@dataclass
class _Section:
    level: int
    row: int
    title: str
    category: str = ""
    plan_category: str = ""
    claimed_count: int | None = None
    claimed: dict[str, Decimal] = field(default_factory=dict)
    count: int = 0
    sums: dict[str, Decimal] = field(default_factory=dict)


class LedgerParser:
    """Streams a sheet: ``parser.header`` after :meth:`read_header`, then :meth:`rows`."""

    def __init__(self, sheet: Sheet, *, mapping: dict[str, str] | None = None, year: int | None = None,
                 categories: list[str] | None = None):
        self.sheet = sheet
        self.mapping = mapping or {}
        self.year = year
        self.categories = sorted(categories or [], key=len, reverse=True)
        self.header: Header | None = None
        self.checks: list[TotalCheck] = []
        self.notes: list[str] = []
        self.rows_read = 0
        self.skipped = {"blank": 0, "note": 0, "section": 0, "total": 0}
        self._iter = iter(sheet.rows)
        self._pending: list[tuple[int, list]] = []
        self._multi_row_merges = {
            top[0]: (top, bottom) for top, bottom in sheet.merged if bottom[0] > top[0]
        }
        self._sections: list[_Section] = []
        self._grand_count = 0
        self._grand: dict[str, Decimal] = {}
        self._since_subtotal: dict[str, Decimal] = {}
        self._since_subtotal_count = 0
        # cell → what it parsed to (or the reason it did not): a ledger repeats its periods
        # and many of its amounts down the rows
        self._amounts_seen: dict[tuple, Amount | str] = {}
        self._years_seen: dict[tuple, YearRange | str] = {}

    # ------------------------------------------------------------ header

    def read_header(self) -> Header:
        title_parts: list[str] = []
        scanned: list[tuple[int, list]] = []
        for number, row in self._iter:
            self.rows_read += 1
            scanned.append((number, row))
            texts = [cell_text(v) for v in row]
            found = {field_for_header(t) for t in texts if t and len(t) <= 40 and not _is_number(t)} - {None}
            if LedgerField.NAME in found and len(found) >= 3:
                header = self._build_header(number, row, title_parts)
                self.header = header
                return header
            joined = " ".join(t for t in texts if t)
            if joined:
                title_parts.append(joined)
            if len(scanned) >= HEADER_SCAN_ROWS:
                break
        raise LedgerFileError(
            _("No header row was found in the first %(n)s rows: a ledger needs a row naming at least the columns "
              "项目名称 and 总投资 (or their usual synonyms). Check that the first sheet holds the table.")
            % {"n": HEADER_SCAN_ROWS}
        )

    def _build_header(self, number: int, row: list, title_parts: list[str]) -> Header:
        top = [cell_text(v) for v in row]
        sub: list[str] = []
        last = number
        nxt = next(self._iter, None)
        if nxt is not None:
            self.rows_read += 1
            n2, row2 = nxt
            cells = [cell_text(v) for v in row2]
            name_col = next((i for i, t in enumerate(top) if field_for_header(t) == LedgerField.NAME), None)
            vertical = any(a[0] == number and b[0] >= n2 for a, b in self.sheet.merged)
            is_sub = (
                n2 == number + 1
                and any(cells)
                and not any(_is_number(t) for t in cells if t)
                and (name_col is None or name_col >= len(cells) or not cells[name_col] or vertical)
                and not _section_match(" ".join(t for t in cells if t))
            )
            if is_sub:
                sub = cells
                last = n2
            else:
                self._pending.append(nxt)
        width = max(len(top), len(sub))
        top += [""] * (width - len(top))
        sub += [""] * (width - len(sub))
        # A group header ("2026年计划" over 投资 | 形象进度) is merged across its columns.
        group_of = {}
        for a, b in self.sheet.merged:
            if a[0] == number and b[0] == number and b[1] > a[1]:
                for col in range(a[1], b[1] + 1):
                    group_of[col - 1] = top[a[1] - 1]
        labels: dict[int, str] = {}
        for col in range(width):
            upper = top[col] or group_of.get(col, "")
            if not upper and sub[col] and not group_of:
                left = col - 1
                while left >= 0 and not top[left]:
                    left -= 1
                if left >= 0 and sub[left]:
                    upper = top[left]
            label = (upper + sub[col]) if sub[col] and upper != sub[col] else (upper or sub[col])
            if label:
                labels[col] = label
        fields: dict[int, str] = {}
        for col, label in labels.items():
            fld = self.mapping.get(label)
            if fld is None:
                fld = field_for_header(label) or field_for_header(sub[col]) or field_for_header(top[col])
            if fld and fld not in fields.values() or fld == LedgerField.IGNORE:
                fields[col] = fld
        title = " ".join(title_parts)
        table_unit = unit_in_text(title) or "万元"
        units = {col: unit_in_text(labels[col]) or table_unit for col in fields if fields[col] in AMOUNT_FIELDS}
        year = self.year
        if year is None:
            for col, fld in fields.items():
                if fld in (LedgerField.PLANNED, LedgerField.PROGRESS_TARGET) and year_in_header(labels[col]):
                    year = year_in_header(labels[col])
                    break
            else:
                year = year_in_header(title)
        header = Header(number, last, labels, fields, units, title, year)
        missing = [LedgerField(f).label for f in REQUIRED_FIELDS if f not in header.column_of]
        if missing:
            raise LedgerFileError(
                _("The header was found in row %(row)s, but no column could be read as %(missing)s. "
                  "Correct the column mapping.") % {"row": number, "missing": "、".join(str(m) for m in missing)}
            )
        return header

    # ------------------------------------------------------------ rows

    @property
    def grand_totals(self) -> dict[str, Decimal]:
        """What the project rows add up to, per amount column, and their number."""
        return {**self._grand, "count": Decimal(self._grand_count)}

    def _all_rows(self) -> Iterator[tuple[int, list]]:
        while self._pending:
            yield self._pending.pop(0)
        for item in self._iter:
            self.rows_read += 1
            yield item

    def rows(self) -> Iterator[ParsedRow]:
        header = self.header or self.read_header()
        cols = header.column_of
        name_col = cols[LedgerField.NAME]
        seq_col = cols.get(LedgerField.SEQ)
        empty_run = 0
        for number, row in self._all_rows():
            texts = [cell_text(v) for v in row]
            if not any(texts):
                empty_run += 1
                self.skipped["blank"] += 1
                if empty_run >= MAX_EMPTY_RUN:
                    self.notes.append(
                        _("Reading stopped at row %(row)s after %(n)s empty rows: the table has ended.")
                        % {"row": number, "n": MAX_EMPTY_RUN}
                    )
                    break
                continue
            empty_run = 0
            kind, text = self._classify(texts, name_col, seq_col)
            if number in self._multi_row_merges and kind != "note":
                (r1, c1), (r2, c2) = self._multi_row_merges[number]
                raise LedgerFileError(
                    _("Cells %(range)s are merged across several rows of data. Unmerge them and fill the value "
                      "into every row (选中 → 合并后居中 → 取消合并, then fill down), then upload again.")
                    % {"range": f"{column_letter(c1 - 1)}{r1}:{column_letter(c2 - 1)}{r2}"}
                )
            if kind == "note":
                self.skipped["note"] += 1
                continue
            if kind == "section":
                self.skipped["section"] += 1
                self._open_section(number, text, row, header)
                continue
            if kind == "total":
                self.skipped["total"] += 1
                self._check_total(number, text, row, header)
                continue
            yield self._parse(number, row, texts, header)
        self._close_sections(0)

    def _classify(self, texts: list[str], name_col: int, seq_col: int | None) -> tuple[str, str]:
        name = texts[name_col] if name_col < len(texts) else ""
        seq = texts[seq_col] if seq_col is not None and seq_col < len(texts) else ""
        first = next(t for t in texts if t)
        compact = _SPACES.sub("", name or first)
        if NOTE_START.match(first) and not (name and first == name and _has_amount(texts, self.header)):
            return "note", first
        if TOTAL_WORDS.search(compact) or TOTAL_WORDS.search(_SPACES.sub("", seq)):
            return "total", compact if TOTAL_WORDS.search(compact) else _SPACES.sub("", seq)
        if seq and SECTION_NUMERAL_ONLY.match(seq):
            return "section", f"{seq}{name}"
        if _section_match(name or first):
            return "section", name or first
        if not name:
            if sum(1 for t in texts if t) == 1 and not _has_amount(texts, self.header):
                return "note", first
            return "data", ""
        return "data", name

    def _open_section(self, number: int, text: str, row: list, header: Header) -> None:
        level = 2 if text.startswith(("(", "（")) else 1
        self._close_sections(level)
        count = COUNT_IN_TITLE.search(text)
        section = _Section(level=level, row=number, title=text, claimed_count=int(count.group(1)) if count else None)
        title = COUNT_IN_TITLE.sub("", text)
        section.plan_category = plan_category_in(title) or ""
        for name in self.categories:
            if name in title:
                section.category = name
                break
        section.claimed = self._amounts(row, header)
        self._sections.append(section)

    def _close_sections(self, level: int) -> None:
        """Close open sections of ``level`` and deeper (all with 0), checking their totals."""
        while self._sections and self._sections[-1].level >= max(level, 1):
            section = self._sections.pop()
            if section.claimed_count is not None:
                self.checks.append(
                    TotalCheck(section.row, section.title, "count", Decimal(section.claimed_count), Decimal(section.count))
                )
            for measure, claimed in section.claimed.items():
                self.checks.append(TotalCheck(section.row, section.title, measure, claimed, section.sums.get(measure, Decimal(0))))
            if level == 0 and not self._sections:
                break

    def _check_total(self, number: int, text: str, row: list, header: Header) -> None:
        claimed = self._amounts(row, header)
        is_subtotal = "小计" in text
        if is_subtotal and self._sections:
            section = self._sections[-1]
            sums, count = section.sums, section.count
        elif is_subtotal:
            sums, count = self._since_subtotal, self._since_subtotal_count
        else:
            sums, count = self._grand, self._grand_count
        for measure, value in claimed.items():
            self.checks.append(TotalCheck(number, text, measure, value, sums.get(measure, Decimal(0))))
        found = COUNT_IN_TITLE.search(text)
        if found:
            self.checks.append(TotalCheck(number, text, "count", Decimal(found.group(1)), Decimal(count)))
        if is_subtotal:
            self._since_subtotal, self._since_subtotal_count = {}, 0

    def _amounts(self, row: list, header: Header) -> dict[str, Decimal]:
        amounts = {}
        for fld in AMOUNT_FIELDS:
            col = header.column_of.get(fld)
            if col is None or col >= len(row) or is_empty_amount(row[col]):
                continue
            try:
                amounts[fld] = parse_amount(row[col], header.units[col], allow_approximate=True).value
            except AmountError:
                continue
        return amounts

    def _parse(self, number: int, row: list, texts: list[str], header: Header) -> ParsedRow:
        parsed = ParsedRow(row=number)
        for col, fld in header.fields.items():
            if fld == LedgerField.IGNORE or col >= len(row) or fld in parsed.raw:
                continue
            parsed.raw[fld] = texts[col]
        for section in self._sections:
            parsed.category = section.category or parsed.category
            parsed.plan_category = section.plan_category or parsed.plan_category
        values = parsed.values
        for fld in AMOUNT_FIELDS:
            col = header.column_of.get(fld)
            if col is None or col >= len(row) or is_empty_amount(row[col]):
                continue
            amount = self._amount(row[col], header.units[col])
            if isinstance(amount, str):
                parsed.error(fld, amount, header)
                continue
            if amount.value < 0:
                parsed.error(fld, _("an amount cannot be negative"), header)
                continue
            values[fld] = amount.value
            if amount.approximate:
                parsed.approximate.append(fld)
        if parsed.raw.get(LedgerField.YEARS):
            years = self._years(row[header.column_of[LedgerField.YEARS]])
            if isinstance(years, str):
                parsed.error(LedgerField.YEARS, years, header)
            else:
                values["years"] = years
        for fld in (LedgerField.START_YEAR, LedgerField.END_YEAR):
            if parsed.raw.get(fld):
                years = self._years(row[header.column_of[fld]])
                if isinstance(years, str):
                    parsed.error(fld, years, header)
                else:
                    values[fld] = years.start
        for fld in (
            LedgerField.NAME, LedgerField.NATIONAL_CODE, LedgerField.CONTENT, LedgerField.PROGRESS_TARGET,
            LedgerField.OWNER, LedgerField.RESPONSIBLE, LedgerField.TOWN, LedgerField.LEADER, LedgerField.ADDRESS,
            LedgerField.CATEGORY, LedgerField.NOTE,
        ):
            text = parsed.raw.get(fld, "")
            if text and not (fld != LedgerField.NAME and text in ("-", "—", "/", "无")):
                if fld in AS_WRITTEN:
                    text = _as_written(row[header.column_of[fld]])
                values[fld] = _single_line(text) if fld in (LedgerField.NAME, LedgerField.NATIONAL_CODE) else text
        if parsed.raw.get(LedgerField.PLAN_CATEGORY):
            found = plan_category_in(parsed.raw[LedgerField.PLAN_CATEGORY])
            if found:
                parsed.plan_category = found
            else:
                parsed.error(LedgerField.PLAN_CATEGORY, _("not one of 新开工, 续建, 竣工, 预备, 前期"), header)
        if values.get(LedgerField.CATEGORY):
            parsed.category = str(values[LedgerField.CATEGORY])
        if not values.get(LedgerField.NAME):
            parsed.error(LedgerField.NAME, _("the project name is empty"), header)
        if LedgerField.TOTAL not in values and not any(e.column == column_letter(header.column_of[LedgerField.TOTAL]) for e in parsed.errors):
            parsed.error(LedgerField.TOTAL, _("the total investment is empty"), header)
        self._count(values)
        return parsed

    def _amount(self, value, unit: str) -> Amount | str:
        """:func:`parse_amount` of a cell (approximate values allowed), or why it is not one."""
        key = (_cell_key(value), unit)
        found = self._amounts_seen.get(key)
        if found is None:
            try:
                found = parse_amount(value, unit, allow_approximate=True)
            except AmountError as exc:
                found = str(exc)
            self._amounts_seen[key] = found
        return found

    def _years(self, value) -> YearRange | str:
        """:func:`parse_year_range` of a cell, or why it is not a period."""
        key = _cell_key(value)
        found = self._years_seen.get(key)
        if found is None:
            try:
                found = parse_year_range(value)
            except ValueError as exc:
                found = str(exc)
            self._years_seen[key] = found
        return found

    def _count(self, values: dict) -> None:
        for target in [s.sums for s in self._sections] + [self._grand, self._since_subtotal]:
            for fld in AMOUNT_FIELDS:
                if fld in values:
                    target[fld] = target.get(fld, Decimal(0)) + values[fld]
        for section in self._sections:
            section.count += 1
        self._grand_count += 1
        self._since_subtotal_count += 1


#: Free text kept as the cell has it (not folded to half-width): a name registered as
#: "产业园（一期）" must come back from an exported table as the same name, or it is not found.
AS_WRITTEN = (LedgerField.NAME, LedgerField.CONTENT, LedgerField.PROGRESS_TARGET, LedgerField.ADDRESS, LedgerField.NOTE)


def _cell_key(value) -> tuple:
    """A cell as a dict key: its type too (True, 1 and 1.0 are equal keys), floats by their
    repr (0.0 and -0.0 are equal, but not the same amount when written)."""
    return (type(value), repr(value) if isinstance(value, float) else value)


def _as_written(value) -> str:
    return value.strip() if isinstance(value, str) else cell_text(value)


def _single_line(text: str) -> str:
    """The lines of a wrapped cell joined by a space; the rest as written."""
    return _LINE_BREAKS.sub(" ", text).strip()


def _is_number(text: str) -> bool:
    try:
        float(normalise_text(text))
    except ValueError:
        return False
    return True


def _has_amount(texts: list[str], header: Header | None) -> bool:
    if header is None:
        return False
    for fld in AMOUNT_FIELDS:
        col = header.column_of.get(fld)
        if col is not None and col < len(texts) and texts[col] and not is_empty_amount(texts[col]):
            return True
    return False


def _section_match(text: str):
    text = (text or "").strip()
    return SECTION_L1.match(text) or SECTION_L2.match(text)
