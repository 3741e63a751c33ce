"""Filters that show OC4IDS values to a reader: codes as labels, yuan as 万元, ISO dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

LABELS = {
    "status": {
        "identification": _("Identification (idea)"),
        "preparation": _("Preparation"),
        "implementation": _("Implementation"),
        "completion": _("Completion"),
        "maintenance": _("In operation"),
        "cancelled": _("Cancelled"),
    },
    "role": {
        "publicAuthority": _("Project owner"),
        "administrativeEntity": _("Town (territorial unit)"),
        "reviewBody": _("Responsible department"),
        "funder": _("Funder"),
    },
    "milestone": {
        "met": _("Done"),
        "notMet": _("Not met by the due date"),
        "scheduled": _("Scheduled"),
        "partiallyMet": _("Partly met"),
    },
    "period": {
        "identificationPeriod": _("Identification (idea)"),
        "preparationPeriod": _("Preparation"),
        "implementationPeriod": _("Implementation"),
        "completionPeriod": _("Completion"),
        "maintenancePeriod": _("In operation"),
    },
    "document": {
        "projectPlan": _("Project proposal"),
        "feasibilityStudy": _("Feasibility study"),
        "budgetApproval": _("Approval reply"),
        "landAndSettlementImpact": _("Land document"),
        "physicalProgressReport": _("Site photo"),
    },
    "sector": {
        "economy": _("Industry and economy"),
        "transport": _("Transport"),
        "transport.road": _("Roads and bridges"),
        "transport.rail": _("Rail"),
        "education": _("Education"),
        "health": _("Health"),
        "energy": _("Energy"),
        "energy.solar": _("Solar and storage"),
        "waterAndWaste": _("Water and waste"),
        "naturalResources": _("Ecology and natural resources"),
        "naturalResources.floodProtection": _("Flood protection"),
        "cultureSportsAndRecreation": _("Culture and sports"),
        "socialHousing": _("Housing and urban renewal"),
        "governance": _("Public services"),
        "communications": _("Communications"),
    },
}


@register.filter
def oc4ids_label(code, kind):
    return LABELS.get(kind, {}).get(code, code)


@register.filter
def wan(value) -> str:
    """An OC4IDS Value (yuan) or a yuan amount as 万元 with two decimals."""
    if isinstance(value, dict):
        value = value.get("amount")
    if value in (None, ""):
        return "—"
    return f"{Decimal(value) / 10000:,.2f}"


@register.filter
def money(value) -> str:
    """A Decimal amount with thousands separators and two decimals."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def event_label(name) -> str:
    from ..events import EVENTS

    return EVENTS.get(name, name)


@register.filter
def isodate(value) -> str:
    if not value:
        return "—"
    try:
        return dt.datetime.fromisoformat(value).date().isoformat()
    except (TypeError, ValueError):
        return str(value)


@register.filter
def isomonth(value) -> str:
    if not value:
        return "—"
    try:
        day = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{day.year}年{day.month}月"


@register.filter
def get(mapping, key):
    return mapping.get(key) if isinstance(mapping, dict) else None
