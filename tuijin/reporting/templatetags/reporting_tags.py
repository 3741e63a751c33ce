"""Formatting of figures on reporting pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from tuijin.lib.money import format_wan

from ..models import ReportStatus

register = template.Library()

STATUS_BADGES = {
    ReportStatus.DRAFT: "badge-grey",
    ReportStatus.SUBMITTED: "badge-blue",
    ReportStatus.VERIFIED: "badge-yellow",
    ReportStatus.CONFIRMED: "badge-green",
    ReportStatus.RETURNED: "badge-red",
}


@register.filter
def wan(value, places: int = 2) -> str:
    """12345.6 → 12,345.60 (万元); None → —."""
    if value is None or value == "":
        return "—"
    return format_wan(Decimal(value), int(places))


@register.filter
def yi(value) -> str:
    """An amount in 万元 shown in 亿元 with two decimals."""
    if value is None:
        return "—"
    return f"{Decimal(value) / 10000:,.2f}"


@register.filter
def pct(value, places: int = 1) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(places)}f}%"


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "badge-grey")


@register.filter
def schedule_class(value) -> str:
    """Colour of a schedule completion: green at or above 100%, yellow 70–100, red below 70."""
    if value is None:
        return "grey"
    value = float(value)
    return "green" if value >= 100 else "yellow" if value >= 70 else "red"


@register.filter
def bar_width(value) -> str:
    if value is None:
        return "0"
    return f"{max(0.0, min(100.0, float(value))):.0f}"


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    return f"{float(value):+.1f}"


@register.filter
def yoy(current, previous) -> str:
    """Year-on-year growth label: "16.8%", "新增" or "—"."""
    from ..selectors import growth_label

    return growth_label(Decimal(current or 0), Decimal(previous or 0))


@register.filter
def status_label(status: str) -> str:
    """This month's report status in a table: "未报" while a draft, else the status's label."""
    from django.utils.translation import gettext

    if not status:
        return "—"
    if status == ReportStatus.DRAFT:
        return gettext("not filed")
    return str(ReportStatus(status).label)
