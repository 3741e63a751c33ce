"""Template filters every page uses: money in 万元 and 亿元, query strings for lists."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def wan(value, places=None) -> str:
    """An amount in 万元 as ledgers print it: 12,345 or 12,345.67."""
    number = _decimal(value)
    if number is None:
        return "—"
    if places is None:
        places = 0 if number == number.to_integral_value() else 2
    return f"{number:,.{int(places)}f}"


@register.filter
def yi(value, places=2) -> str:
    """An amount in 万元 shown in 亿元."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{number / 10000:,.{int(places)}f}"


@register.filter
def percent_of(part, whole) -> int:
    """Whole-number share of ``part`` in ``whole`` for bars (0–100)."""
    part, whole = _decimal(part) or Decimal(0), _decimal(whole) or Decimal(0)
    if not whole:
        return 0
    return max(0, min(100, int(part * 100 / whole)))


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes them)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
