"""Synthetic investment leads (招商线索) for `tuijin generate`: one lead for about every
twenty projects, spread over the funnel from first contact to production, each with its
stage history. Written by COPY."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tuijin.lib.bulk import bulk_insert, next_id, reset_sequence
from tuijin.orgs.models import Unit
from tuijin.projects.models import IndustryChain

from .choices import LeadSource, LeadStage
from .models import Lead, LeadStageChange

ORIGINS = ("上海", "深圳", "杭州", "苏州", "宁波", "德国", "日本", "新加坡", "香港")
FUNNEL = (40, 25, 12, 8, 6, 5, 4)  # how many of 100 leads stand at each stage


def generate(ctx) -> None:
    rng = ctx.rng
    stages = list(LeadStage)
    chains = list(IndustryChain.objects.values_list("pk", flat=True)) or [None]
    departments = list(Unit.objects.departments().values_list("pk", flat=True))
    now = timezone.now()
    first = next_id(Lead)
    leads, changes = [], []
    for i in range(max(10, len(ctx.project_ids) // 20)):
        lid = first + i
        rank = rng.choices(range(len(stages)), FUNNEL)[0]
        contact = ctx.today - dt.timedelta(days=rng.randint(30 + 60 * rank, 90 + 90 * rank))
        days = sorted(rng.sample(range(1, max(2, (ctx.today - contact).days)), k=min(rank, max(1, (ctx.today - contact).days - 1))))
        on = [contact] + [contact + dt.timedelta(days=d) for d in days]
        signed = on[stages.index(LeadStage.SIGNED)] if rank >= stages.index(LeadStage.SIGNED) else None
        started = on[stages.index(LeadStage.STARTED)] if rank >= stages.index(LeadStage.STARTED) else None
        leads.append({
            "id": lid, "name": f"合成招商项目{lid:06d}", "investor": f"合成投资{lid % 997:03d}有限公司",
            "investor_origin": rng.choice(ORIGINS), "source": rng.choice(list(LeadSource)),
            "industry_chain_id": rng.choice(chains), "intended_amount": Decimal(rng.randint(5, 500) * 1000),
            "responsible_unit_id": rng.choice(departments), "town_id": rng.choice(ctx.towns), "stage": stages[rank],
            "stage_since": on[rank], "first_contact_on": contact, "signed_on": signed, "started_on": started,
            "created_by_id": ctx.office_id, "created_at": now, "updated_at": now, "is_demo": True,
        })
        for step in range(rank + 1):
            changes.append({"lead_id": lid, "from_stage": stages[step - 1] if step else "", "to_stage": stages[step],
                            "on": on[step], "by_id": ctx.office_id})
    bulk_insert(Lead, leads, with_pk=True)
    reset_sequence(Lead)
    bulk_insert(LeadStageChange, changes)
    ctx.counts["leads"] = len(leads)
