"""Facts of the higher apps (funds …) that the OC4IDS package publishes when those apps
have them. Each reader imports its app lazily and returns nothing when the app or its
model is missing, so the package never depends on them."""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps


def _model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def finance_for(project_ids: list[int]) -> dict[int, list[dict]]:
    """OC4IDS budget.finance[] rows (and funder parties) per project; empty until the
    breakthroughs app records funding sources."""
    return defaultdict(list)
