from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def arrow(change):
    """▲3 / ▼2 / — for a change in rank (positive = places gained)."""
    if change is None or change == "":
        return format_html('<span class="rk-new" title="{}">{}</span>', _("not ranked last period"), _("new"))
    if change > 0:
        return format_html('<span class="rk-up" title="{}">▲{}</span>', _("up %(n)s places") % {"n": change}, change)
    if change < 0:
        return format_html('<span class="rk-down" title="{}">▼{}</span>', _("down %(n)s places") % {"n": -change}, -change)
    return format_html('<span class="rk-same" title="{}">—</span>', _("no change"))


@register.filter
def num(value, places=2):
    if value in (None, ""):
        return "—"
    return f"{Decimal(str(value)):,.{int(places)}f}"


@register.filter
def share(score, weight):
    """Score as a percentage of the weight, for bars."""
    try:
        w = Decimal(str(weight))
        return 0 if not w else max(0, min(100, int(Decimal(str(score)) * 100 / w)))
    except (ArithmeticError, ValueError):
        return 0


@register.filter
def bar_class(pct):
    return "green" if pct >= 80 else "yellow" if pct >= 50 else "red"
