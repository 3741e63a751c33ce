"""Synthetic monthly reports for `tuijin generate`: ``ctx.years`` years of reports for every
started project, with the seasonality of a county's investment (slow January–February,
a peak in December), written by COPY; the reporting periods; and the exact per-project totals
rebuilt from them in one statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tuijin.lib.bulk import bulk_insert

from .models import MonthlyReport, PeriodStatus, ReportingPeriod, ReportStatus
from .totals import totals_rebuild

#: share of a year's investment by month (per mille-ish weights), as in published county series
SEASON = (4, 3, 7, 8, 9, 11, 8, 8, 10, 9, 10, 13)
TENTH = Decimal("0.1")


def _months(ctx) -> list[tuple[int, int]]:
    """The reported months: ``ctx.years`` years up to last month (month M is filed in M+1)."""
    last = ctx.today.year * 12 + ctx.today.month - 2
    return [divmod(i, 12) for i in range(last - ctx.years * 12 + 1, last + 1)]


def generate(ctx) -> None:
    rng = ctx.rng
    months = [(y, m + 1) for y, m in _months(ctx)]
    latest = months[-1]
    tz = timezone.get_current_timezone()
    period_ids = {}
    for year, month in months:
        opens = dt.date(year + month // 12, month % 12 + 1, 1)
        period, _ = ReportingPeriod.objects.get_or_create(
            year=year, month=month,
            defaults={"opens_on": opens, "closes_on": opens.replace(day=5),
                      "status": PeriodStatus.OPEN if (year, month) == latest else PeriodStatus.LOCKED},
        )
        period_ids[(year, month)] = period.pk
    weight = sum(SEASON)
    # A project's yearly pace, drawn once: its total spread over its build years, ±40%.
    pace = {}
    for pid in ctx.started_ids:
        _town, total, start = ctx.facts[pid]
        pace[pid] = (total / Decimal(rng.randint(2, 5)) * Decimal(rng.uniform(0.6, 1.4)) / weight, start)

    def rows():
        for year, month in months:
            is_latest = (year, month) == latest
            closes = dt.datetime(year + month // 12, month % 12 + 1, 4, 10, tzinfo=tz)
            late = closes + dt.timedelta(days=3)
            for pid in ctx.started_ids:
                unit, start = pace[pid]
                if year < start:
                    continue
                amount = (unit * SEASON[month - 1] * Decimal(rng.uniform(0.5, 1.5))).quantize(TENTH)
                if is_latest:
                    status = rng.choices(
                        (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.VERIFIED, ReportStatus.CONFIRMED),
                        (15, 35, 30, 20),
                    )[0]
                else:
                    status = ReportStatus.CONFIRMED
                is_late = rng.random() < 0.06
                yield {
                    "period_id": period_ids[(year, month)], "project_id": pid, "year": year, "month": month,
                    "amount": amount, "is_registered": True, "status": status,
                    "submitted_at": None if status == ReportStatus.DRAFT else (late if is_late else closes),
                    "is_late": is_late and status != ReportStatus.DRAFT,
                }

    ctx.counts["monthly_reports"] = bulk_insert(MonthlyReport, rows())
    ctx.counts["reporting_periods"] = len(period_ids)
    ctx.counts["project_year_totals"] = totals_rebuild(project_ids=None)
