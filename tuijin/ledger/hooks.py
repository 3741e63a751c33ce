"""Hooks the apps above the ledger fill (the ledger never imports them at module level).

``MONTHLY_COMPLETION`` holds functions ``(project_ids, year) -> {project_id: {month: 万元}}``
giving the investment completed each month. The reporting app appends its source in its
``AppConfig.ready()``. Until one is registered, :func:`monthly_completion` falls back to
reading ``tuijin.reporting.models.MonthlyReport`` directly, importing it inside the function
(reporting sits above the ledger in the dependency order; see docs/ledger.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

MonthlySource = Callable[[list[int], int], dict[int, dict[int, Decimal]]]
MONTHLY_COMPLETION: list[MonthlySource] = []

#: Report statuses that count as filed (drafts and returned reports do not).
FILED_STATUSES = ("submitted", "verified", "confirmed")


def monthly_completion(project_ids: Iterable[int], year: int) -> dict[int, dict[int, Decimal]]:
    ids = list(project_ids)
    sources = MONTHLY_COMPLETION or [_from_monthly_reports]
    totals: dict[int, dict[int, Decimal]] = {}
    for source in sources:
        for pid, months in source(ids, year).items():
            target = totals.setdefault(pid, {})
            for month, amount in months.items():
                target[month] = target.get(month, Decimal(0)) + amount
    return totals


def _from_monthly_reports(project_ids: list[int], year: int) -> dict[int, dict[int, Decimal]]:
    try:
        from tuijin.reporting.models import MonthlyReport  # lazy: reporting is above the ledger
    except ImportError:  # pragma: no cover - an installation without reporting
        return {}
    found: dict[int, dict[int, Decimal]] = {}
    rows = MonthlyReport.objects.filter(project_id__in=project_ids, year=year, status__in=FILED_STATUSES).values_list(
        "project_id", "month", "amount"
    )
    for pid, month, amount in rows:
        found.setdefault(pid, {})[month] = amount
    return found
