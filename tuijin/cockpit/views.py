"""The cockpit page: one request, a fixed number of queries; ?screen=1 for the meeting-room screen."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import policy, selectors


def _url(name: str, *args, query: str = "") -> str | None:
    """The address of another app's page, or None while that page does not exist."""
    try:
        return reverse(name, args=args) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def _num(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


@login_required
def index(request):
    if not policy.can_view_cockpit(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    data = selectors.cockpit(request.user, today)
    charts = {
        "starts": {"rates": [_num(v) for v in data["starts"]["cumulative_rates"]],
                   "targets": {m: _num(r) for m, r in data["starts"]["targets"]}, "month": today.month},
        "funds": [{"name": str(r["label"]), "approved": _num(r["approved"]), "received": _num(r["received"]),
                   "spent": _num(r["spent"])} for r in data["funds"]["by_kind"] if r["count"]],
        "funnel": [{"name": str(s["label"]), "value": s["reached"]} for s in data["attraction"]["funnel"]],
        "resources": [{"name": str(k["label"]), "used": _num(k["quota"].used_percent) if k["quota"] else None,
                       "cover": _num(k["cover_rate"])} for k in data["resources"]["kinds"]],
    }
    if data["investment"]:
        charts["trend"] = {"this": [_num(v) for v in data["investment"]["series"]["this"]],
                           "last": [_num(v) for v in data["investment"]["series"]["last"]]}
    return render(request, "cockpit/index.html", {
        **data,
        "screen": request.GET.get("screen") == "1",
        "charts": charts,
        "links": {
            "investment": _url("reporting:overview"),
            "problems": _url("consultation:problems", query="overdue=1"),
            "projects": _url("projects:list"),
            "red_lights": _url("supervision:board", query="colour=red"),
        },
    })
