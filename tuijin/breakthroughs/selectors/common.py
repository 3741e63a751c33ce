from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuijin.projects.models import PlanVersion

ZERO = Decimal(0)


def current_version_id(year: int) -> int | None:
    """The plan version in force for ``year``: the latest one (the adjusted plan once there is one)."""
    return PlanVersion.objects.filter(year=year).order_by("-number").values_list("pk", flat=True).first()


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return dt.date(year, month, min(day.day, last[month - 1]))


def percent(part, whole, places: str = "0.1") -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(places))
