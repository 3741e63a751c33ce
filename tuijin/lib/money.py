"""Money in one canonical unit: 万元 (ten thousand yuan), as exact decimals.

Published tables mix 元, 万元 and 亿元, even in one column. Everything is stored in 万元
with four decimal places (exact to the yuan) and accepted in any of the three.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

#: Canonical unit is 万元; factor to convert one unit of each into 万元.
UNIT_FACTORS: dict[str, Decimal] = {
    "元": Decimal("0.0001"),
    "万元": Decimal("1"),
    "万": Decimal("1"),
    "亿元": Decimal("10000"),
    "亿": Decimal("10000"),
}
CANONICAL_UNIT = "万元"
QUANT = Decimal("0.0001")
#: The largest amount an amount field (16 digits, 4 places) holds; beyond it a value is refused.
MAX_AMOUNT = Decimal("999999999999.9999")

APPROX_PREFIXES = ("约", "超", "近", "逾", "超过", "大约", "预计", "左右")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class AmountError(ValueError):
    """A text that is not an amount of money; the message says why, in the user's words."""


@dataclass(frozen=True)
class Amount:
    value: Decimal  # in 万元
    approximate: bool = False


def normalise_text(text: str) -> str:
    """Full-width digits and punctuation to ASCII, thousands separators and spaces removed."""
    text = unicodedata.normalize("NFKC", str(text)).strip()
    return text.replace(",", "").replace(" ", "").replace("，", "")


def parse_amount(text: str | int | float | Decimal, unit: str = CANONICAL_UNIT, *, allow_approximate: bool = False) -> Amount:
    """Parse a ledger or form value into 万元.

    ``unit`` is the unit of a bare number (the column's unit); a unit written in the cell
    ("460万元" in an 亿元 column) wins. "约3.5亿" or "超60亿元" are approximate: refused unless
    ``allow_approximate``, and then flagged.
    """
    if isinstance(text, Decimal | int):
        return Amount(_checked(Decimal(text) * UNIT_FACTORS[unit], text))
    if isinstance(text, float):
        return Amount(_checked(Decimal(repr(text)) * UNIT_FACTORS[unit], text))
    original = str(text)
    cleaned = normalise_text(original)
    if not cleaned:
        raise AmountError(_("empty"))
    approximate = False
    for prefix in sorted(APPROX_PREFIXES, key=len, reverse=True):
        if cleaned.startswith(prefix):
            cleaned = cleaned[len(prefix) :]
            approximate = True
        if cleaned.endswith(prefix):
            cleaned = cleaned[: -len(prefix)]
            approximate = True
    cell_unit = unit
    for suffix in sorted(UNIT_FACTORS, key=len, reverse=True):
        if cleaned.endswith(suffix):
            cleaned = cleaned[: -len(suffix)]
            cell_unit = suffix
            break
    cleaned = cleaned.rstrip("余多")
    if not _NUMBER.match(cleaned):
        raise AmountError(_('"%(text)s" is not a number') % {"text": original})
    if approximate and not allow_approximate:
        raise AmountError(
            _('"%(text)s" is approximate; enter an exact amount (e.g. 35000 万元 or 3.5亿)') % {"text": original}
        )
    try:
        value = Decimal(cleaned) * UNIT_FACTORS[cell_unit]
    except InvalidOperation:
        raise AmountError(_('"%(text)s" is not a number') % {"text": original}) from None
    return Amount(_checked(value, original), approximate)


def _checked(value: Decimal, text) -> Decimal:
    """``value`` to four places; infinity, NaN and amounts no field can hold are refused
    (quantizing them would raise, and the database would overflow)."""
    if not value.is_finite():
        raise AmountError(_('"%(text)s" is not a number') % {"text": text})
    if abs(value) > MAX_AMOUNT:
        raise AmountError(_('"%(text)s" is too large for an amount (at most 999,999,999,999 万元)') % {"text": text})
    return _quantize(value)


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(QUANT)


def format_wan(value: Decimal | None, places: int = 2) -> str:
    """Format an amount in 万元 with thousands separators, e.g. 12,345.60."""
    if value is None:
        return "—"
    return f"{value:,.{places}f}"


#: Marks published tables use for "no amount" (a dash, a slash, 无).
EMPTY_MARKS = frozenset({"", "-", "—", "——", "/", "无", "暂无", "—/—"})

_UNIT_IN_TEXT = re.compile(r"(亿元|万元|亿|万|元)")


def unit_in_text(text: str) -> str | None:
    """The money unit a header or title names ("总投资（亿元）", "单位：万元"), or None.

    Only a unit written in brackets or after 单位 counts, so "万元以上项目" in a title does not.
    """
    cleaned = normalise_text(text)
    for pattern in (r"[(\[]([^()\[\]]*?)[)\]]", r"单位[:：]?(.*)$"):
        for inner in re.findall(pattern, cleaned):
            found = _UNIT_IN_TEXT.search(inner)
            if found:
                unit = found.group(1)
                return {"亿": "亿元", "万": "万元"}.get(unit, unit)
    return None


def is_empty_amount(text) -> bool:
    """True for an empty cell or a mark meaning "no amount" (—, /, 无)."""
    if text is None:
        return True
    if isinstance(text, int | float | Decimal):
        return False
    return normalise_text(text) in EMPTY_MARKS
