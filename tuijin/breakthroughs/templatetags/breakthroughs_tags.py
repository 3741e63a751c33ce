"""Number formats of the breakthrough pages: 万元, 亿元, quantities and percentages."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def wan(value, places: int = 0) -> str:
    """12345.6 → 12,346 (万元)."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):,.{int(places)}f}"


@register.filter
def yi(value, places: int = 2) -> str:
    """万元 → 亿元: 123456 → 12.35."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value) / 10000:,.{int(places)}f}"


@register.filter
def qty(value) -> str:
    """A quantity without trailing zeros: 120.5000 → 120.5."""
    if value in (None, ""):
        return "—"
    text = f"{Decimal(value):,.4f}".rstrip("0").rstrip(".")
    return text


@register.filter
def pct(value, places: int = 1) -> str:
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):.{int(places)}f}%"


@register.filter
def bar_width(value) -> str:
    """A percentage clipped to 0–100 for a bar's width."""
    if value in (None, ""):
        return "0"
    return f"{max(Decimal(0), min(Decimal(100), Decimal(value))):.1f}"


@register.filter
def ratio(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def query_with(query: str, **params) -> str:
    """The current filters with some parameters replaced."""
    from django.http import QueryDict

    q = QueryDict(query, mutable=True)
    for name, value in params.items():
        if value in (None, ""):
            q.pop(name, None)
        else:
            q[name] = value
    return q.urlencode()
