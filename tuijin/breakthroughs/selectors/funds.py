"""Funds: totals by kind, per project, and special-bond use against its plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ..choices import FundKind
from ..models import BondUseMonth, FundSource
from .common import ZERO, percent

#: A special bond more than this share behind its use plan is flagged.
BOND_BEHIND_LIMIT = Decimal("30")
_MONEY = DecimalField(max_digits=18, decimal_places=4)


def totals_by_kind(sources: QuerySet | None = None) -> list[dict]:
    """Applied, approved, received and spent per fund kind, every kind listed; one query."""
    sources = FundSource.objects.all() if sources is None else sources
    rows = {
        r["kind"]: r
        for r in sources.order_by().values("kind").annotate(
            applied_sum=Sum("applied"), approved_sum=Sum("approved"), received_sum=Sum("received"),
            spent_sum=Sum("spent"), count=Count("pk"),
        )
    }
    result = []
    for kind in FundKind:
        r = rows.get(kind.value, {})
        result.append({
            "kind": kind.value, "label": kind.label, "count": r.get("count") or 0,
            "applied": r.get("applied_sum") or ZERO, "approved": r.get("approved_sum") or ZERO,
            "received": r.get("received_sum") or ZERO, "spent": r.get("spent_sum") or ZERO,
        })
    return result


def grand_total(rows: list[dict]) -> dict:
    total = {k: sum((r[k] for r in rows), ZERO) for k in ("applied", "approved", "received", "spent")}
    total["count"] = sum(r["count"] for r in rows)
    total["received_rate"] = percent(total["received"], total["approved"])
    total["spent_rate"] = percent(total["spent"], total["received"])
    return total


def with_bond_plan(sources: QuerySet, today: dt.date) -> QuerySet:
    """Annotate special-bond sources with ``planned_to_date`` (use planned up to the end of
    this month) and ``plan_total``; a correlated subquery each, so still one query."""
    up_to = Q(year__lt=today.year) | Q(year=today.year, month__lte=today.month)
    to_date = (
        BondUseMonth.objects.filter(up_to, source=OuterRef("pk")).order_by().values("source")
        .annotate(s=Sum("amount")).values("s")
    )
    total = BondUseMonth.objects.filter(source=OuterRef("pk")).order_by().values("source").annotate(s=Sum("amount")).values("s")
    return sources.annotate(
        planned_to_date=Coalesce(Subquery(to_date, output_field=_MONEY), Value(ZERO, output_field=_MONEY)),
        plan_total=Coalesce(Subquery(total, output_field=_MONEY), Value(ZERO, output_field=_MONEY)),
    )


def behind_filter() -> Q:
    """Spent below 70% of the plan to date: more than 30% behind."""
    factor = (100 - BOND_BEHIND_LIMIT) / 100
    return Q(planned_to_date__gt=0, spent__lt=F("planned_to_date") * factor)


def bond_rows(today: dt.date, sources: QuerySet | None = None, *, behind_only: bool = False) -> QuerySet:
    sources = FundSource.objects.all() if sources is None else sources
    qs = with_bond_plan(sources.filter(kind=FundKind.SPECIAL_BOND), today).select_related("project", "project__town")
    if behind_only:
        qs = qs.filter(behind_filter())
    return qs.order_by("project__town__order", "project__name", "year")


def behind_percent(source) -> Decimal | None:
    """How far use lags its plan to date, in percent of that plan (0 when on or ahead)."""
    planned = getattr(source, "planned_to_date", None)
    if not planned:
        return None
    lag = (planned - source.spent) / planned * 100
    return max(Decimal(0), lag.quantize(Decimal("0.1")))


def bond_summary(today: dt.date) -> dict:
    """Special bonds: how many sources, planned use to date, spent, and how many are more than
    30% behind their plan. One statement (joins, no per-row subquery)."""
    from .sql import bond_totals

    n, planned, spent, behind = bond_totals(today, (100 - BOND_BEHIND_LIMIT) / 100)
    return {"sources": n, "planned": planned, "spent": spent, "behind": behind, "use_rate": percent(spent, planned)}
