"""Investment attraction: the funnel, conversion rates per town and chain, big projects and
the ageing of signed leads that have not started."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from ..choices import SIGNED_NOT_STARTED, LeadStage
from ..models import Lead
from .common import ZERO, percent

#: 1亿元 in 万元: leads at or above this are "big projects".
BIG_PROJECT = Decimal(10000)
AGEING_BUCKETS = [(0, 90), (90, 180), (180, 365), (365, None)]


def _funnel_from_counts(at_stage: dict[str, int], amounts: dict[str, Decimal] | None = None) -> list[dict]:
    """``at_stage`` counts leads currently at each stage; a lead at a stage has passed all before it."""
    stages = list(LeadStage)
    rows = []
    reached = 0
    reached_amount = ZERO
    for stage in reversed(stages):
        reached += at_stage.get(stage.value, 0)
        if amounts is not None:
            reached_amount += amounts.get(stage.value) or ZERO
        rows.append({"stage": stage.value, "label": stage.label, "reached": reached, "amount": reached_amount,
                     "at": at_stage.get(stage.value, 0)})
    rows.reverse()
    for i, row in enumerate(rows):
        row["from_previous"] = percent(row["reached"], rows[i - 1]["reached"]) if i else None
        row["from_first"] = percent(row["reached"], rows[0]["reached"])
    return rows


def funnel(leads: QuerySet | None = None) -> list[dict]:
    """Leads that reached each stage, with amounts and conversion from the previous stage. One query."""
    leads = Lead.objects.all() if leads is None else leads
    rows = leads.order_by().values("stage").annotate(n=Count("pk"), amount=Sum("intended_amount"))
    return _funnel_from_counts({r["stage"]: r["n"] for r in rows}, {r["stage"]: r["amount"] for r in rows})


def _grouped(leads: QuerySet, key: str, name: str, order: str | None) -> list[dict]:
    fields = [key, name] + ([order] if order else [])
    rows = leads.order_by().values(*fields, "stage").annotate(n=Count("pk"))
    groups: dict = defaultdict(lambda: {"counts": {}})
    for r in rows:
        g = groups[r[key]]
        g["id"] = r[key]
        g["name"] = r[name] or "—"
        g["order"] = r[order] if order else 0
        g["counts"][r["stage"]] = r["n"]
    result = []
    signed = LeadStage.order(LeadStage.SIGNED)
    started = LeadStage.order(LeadStage.STARTED)
    for g in groups.values():
        stages = _funnel_from_counts(g["counts"])
        result.append({
            "id": g["id"], "name": g["name"], "order": g["order"], "stages": stages,
            "total": stages[0]["reached"], "signed": stages[signed]["reached"], "started": stages[started]["reached"],
            "sign_rate": percent(stages[signed]["reached"], stages[0]["reached"]),
            "start_rate": percent(stages[started]["reached"], stages[signed]["reached"]),
        })
    return sorted(result, key=lambda g: (g["order"] or 0, g["name"]))


def by_town(leads: QuerySet | None = None) -> list[dict]:
    leads = Lead.objects.all() if leads is None else leads
    return _grouped(leads, "town_id", "town__name", "town__order")


def by_chain(leads: QuerySet | None = None) -> list[dict]:
    leads = Lead.objects.all() if leads is None else leads
    return _grouped(leads, "industry_chain_id", "industry_chain__name", "industry_chain__order")


def big_leads(leads: QuerySet | None = None) -> QuerySet:
    leads = Lead.objects.all() if leads is None else leads
    return leads.filter(intended_amount__gte=BIG_PROJECT).select_related("town", "industry_chain", "project").order_by(
        "-intended_amount"
    )


def signed_not_started(leads: QuerySet | None = None) -> QuerySet:
    leads = Lead.objects.all() if leads is None else leads
    return leads.filter(stage__in=SIGNED_NOT_STARTED).select_related("town", "industry_chain", "project").order_by("signed_on")


def ageing(today: dt.date, leads: QuerySet | None = None) -> list[dict]:
    """Signed-but-not-started leads by days since signing. One query."""
    dates = list(signed_not_started(leads).values_list("signed_on", "intended_amount"))
    buckets = [{"low": lo, "high": hi, "count": 0, "amount": ZERO} for lo, hi in AGEING_BUCKETS]
    for signed_on, amount in dates:
        days = (today - signed_on).days if signed_on else 0
        for b in buckets:
            if days >= b["low"] and (b["high"] is None or days < b["high"]):
                b["count"] += 1
                b["amount"] += amount or ZERO
                break
    return buckets


def days_since_signed(lead: Lead, today: dt.date) -> int | None:
    return (today - lead.signed_on).days if lead.signed_on else None


def summary(today: dt.date) -> dict:
    """For the cockpit: funnel, signed this year (count, amount), big projects, converted. Two queries."""
    rows = funnel()
    year_agg = Lead.objects.filter(signed_on__year=today.year).aggregate(
        n=Count("pk"), amount=Sum("intended_amount"),
        big=Count("pk", filter=Q(intended_amount__gte=BIG_PROJECT)),
        converted=Count("project"),
    )
    signed = LeadStage.order(LeadStage.SIGNED)
    started = LeadStage.order(LeadStage.STARTED)
    return {
        "funnel": rows,
        "signed_year": year_agg["n"] or 0,
        "signed_year_amount": year_agg["amount"] or ZERO,
        "big_year": year_agg["big"] or 0,
        "converted_year": year_agg["converted"] or 0,
        "landing_rate": percent(rows[started]["reached"], rows[signed]["reached"]),
    }
