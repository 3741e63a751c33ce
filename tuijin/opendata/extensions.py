"""Facts of the higher apps (funds …) that the OC4IDS package publishes when those apps
have them. Each reader imports its app lazily and returns nothing when the app or its
model is missing, so the package never depends on them."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.apps import apps

#: Fund kind (tuijin.breakthroughs.choices.FundKind) → OC4IDS Finance.type
#: (financingArrangementType) and financingPartyType. Self-raised money has no arrangement.
FINANCE = {
    "budget": ("grant", "other"),
    "central_budget": ("grant", "other"),
    "special_bond": ("bond", "other"),
    "ultra_long_bond": ("bond", "other"),
    "policy_loan": ("loan", "institutional"),
    "bank_loan": ("loan", "commercial"),
    "self_raised": (None, None),
}


def _model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def finance_for(project_ids: list[int]) -> dict[int, list[dict]]:
    """OC4IDS budget.finance[] rows per project: each funding source with an approved
    amount (批复金额), in yuan. Empty when the breakthroughs app is not installed."""
    from .oc4ids import _year_period, _yuan

    out: dict[int, list[dict]] = defaultdict(list)
    model = _model("breakthroughs", "FundSource")
    if model is None or not project_ids:
        return out
    rows = model.objects.filter(project_id__in=project_ids, approved__gt=Decimal(0)).order_by("year", "kind", "pk")
    for row in rows:
        kind, party_type = FINANCE.get(row.kind, (None, None))
        label = row.get_kind_display()
        finance = {
            "id": f"fund-{row.pk}",
            "title": f"{row.year}年{label}",
            "description": row.title,
            "source": str(label),
            "value": _yuan(row.approved),
            "period": _year_period(row.year, row.year),
        }
        if kind:
            finance["type"] = kind
            finance["financingPartyType"] = party_type
        out[row.project_id].append({"finance": finance})
    return out
