"""Horse race pages: board, scorecard, side by side, what-if, revisions, export, 大屏."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from tuijin.lib.errors import ServiceError
from tuijin.orgs.models import Unit
from tuijin.orgs.security import log_export

from . import policy, selectors
from .choices import Flag, SnapshotStatus
from .exports import board_workbook
from .forms import ComputeForm, WhatIfForm
from .models import Scheme, Snapshot
from .periods import Period
from .services import race_compute, snapshot_compute, snapshot_publish, version_in_force


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _scheme(code: str | None) -> Scheme:
    schemes = Scheme.objects.filter(is_active=True)
    scheme = schemes.filter(code=code).first() if code else schemes.order_by("over", "pk").first()
    if scheme is None:
        raise Http404(_("No race scheme yet."))
    return scheme


def _snapshot(request, scheme: Scheme) -> Snapshot | None:
    period = request.GET.get("period") or None
    revision = request.GET.get("rev")
    if revision and period:
        snapshot = selectors.visible_snapshots(request.user, scheme).filter(period=period, revision=revision).first()
        if snapshot:
            return snapshot
    return selectors.board_snapshot(request.user, scheme, period)


def _periods(user, scheme: Scheme) -> list[str]:
    return list(dict.fromkeys(selectors.visible_snapshots(user, scheme).values_list("period", flat=True)))


@login_required
def board(request, code: str | None = None):
    _require(policy.can_view(request.user))
    scheme = _scheme(code)
    snapshot = _snapshot(request, scheme)
    rows = selectors.rows_of(snapshot) if snapshot else []
    revisions = list(selectors.visible_snapshots(request.user, scheme).filter(period=snapshot.period)) if snapshot else []
    published = next((s for s in revisions if s.status == SnapshotStatus.PUBLISHED), None)
    context = {
        "scheme": scheme,
        "schemes": Scheme.objects.filter(is_active=True),
        "snapshot": snapshot,
        "rows": rows,
        "columns": rows[0].scores if rows else [],
        "red": [r for r in rows if r.flag == Flag.RED],
        "black": [r for r in rows if r.flag == Flag.BLACK],
        "periods": _periods(request.user, scheme),
        "revisions": revisions,
        "published": published,
        "form": ComputeForm(initial={"period": snapshot.period if snapshot else ""}),
        "can_compute": policy.can_compute(request.user),
        "can_publish": policy.can_publish(request.user),
        "can_what_if": policy.can_what_if(request.user),
    }
    return render(request, "race/board.html", context)


@login_required
def screen(request, code: str):
    """The board for the meeting-room screen (大屏): full screen, large type, dark."""
    _require(policy.can_view(request.user))
    scheme = _scheme(code)
    snapshot = _snapshot(request, scheme)
    rows = selectors.rows_of(snapshot) if snapshot else []
    return render(request, "race/screen.html", {
        "scheme": scheme, "snapshot": snapshot, "rows": rows, "columns": rows[0].scores if rows else [],
        "red": [r for r in rows if r.flag == Flag.RED], "black": [r for r in rows if r.flag == Flag.BLACK],
    })


@login_required
@require_POST
def compute(request, code: str):
    _require(policy.can_compute(request.user))
    scheme = _scheme(code)
    form = ComputeForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("period", []):
            messages.error(request, error)
        return redirect("race:scheme_board", code=scheme.code)
    period = form.cleaned_data["period"]
    try:
        snapshot = snapshot_compute(scheme=scheme, period=period, by=request.user, note=form.cleaned_data["note"])
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("race:scheme_board", code=scheme.code)
    messages.success(request, _("Computed %(period)s, revision %(r)s (draft). Check it, then publish.") % {
        "period": snapshot.period, "r": snapshot.revision})
    return redirect(f"{_board_url(scheme)}?period={snapshot.period}&rev={snapshot.revision}")


def _board_url(scheme):
    from django.urls import reverse

    return reverse("race:scheme_board", args=[scheme.code])


@login_required
@require_POST
def publish(request, pk: int):
    _require(policy.can_publish(request.user))
    snapshot = get_object_or_404(Snapshot, pk=pk)
    try:
        snapshot_publish(snapshot=snapshot, by=request.user)
        messages.success(request, _("Published %(period)s revision %(r)s; it is now frozen.") % {
            "period": snapshot.period, "r": snapshot.revision})
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{_board_url(snapshot.scheme)}?period={snapshot.period}&rev={snapshot.revision}")


@login_required
def diff(request, pk: int):
    _require(policy.can_view(request.user))
    snapshot = get_object_or_404(selectors.visible_snapshots(request.user, get_object_or_404(Snapshot, pk=pk).scheme), pk=pk)
    others = selectors.visible_snapshots(request.user, snapshot.scheme).filter(period=snapshot.period).exclude(pk=pk)
    other_rev = request.GET.get("against")
    other = others.filter(revision=other_rev).first() if other_rev else (
        others.filter(status=SnapshotStatus.PUBLISHED).first() or others.first())
    changes = selectors.snapshot_diff(other, snapshot) if other else []
    return render(request, "race/diff.html", {"snapshot": snapshot, "other": other, "changes": changes, "scheme": snapshot.scheme})


@login_required
def scorecard(request, code: str, unit_id: int):
    _require(policy.can_view(request.user))
    scheme = _scheme(code)
    unit = get_object_or_404(Unit, pk=unit_id)
    snapshot = _snapshot(request, scheme)
    row = snapshot.rows.filter(unit=unit).first() if snapshot else None
    if snapshot and row is None:
        raise Http404
    trend = selectors.unit_trend(request.user, scheme, unit.pk)
    chart = {
        "periods": [t["period"] for t in trend],
        "totals": [float(t["total"]) for t in trend],
        "ranks": [t["rank"] for t in trend],
        "total_label": pgettext("score", "Total"),
        "rank_label": _("Rank"),
        "points_label": _("points"),
    }
    others = [r.unit for r in selectors.rows_of(snapshot)] if snapshot else []
    return render(request, "race/scorecard.html", {
        "scheme": scheme, "unit": unit, "snapshot": snapshot, "row": row, "trend": trend,
        "chart": chart, "others": others,
        "explained_total": selectors.explanation_total(row) if row else None,
    })


@login_required
def compare(request, code: str):
    _require(policy.can_view(request.user))
    scheme = _scheme(code)
    snapshot = _snapshot(request, scheme)
    rows = selectors.rows_of(snapshot) if snapshot else []
    by_unit = {str(r.unit_id): r for r in rows}
    a = by_unit.get(request.GET.get("a", "")) or (rows[0] if rows else None)
    b = by_unit.get(request.GET.get("b", "")) or (rows[1] if len(rows) > 1 else None)
    pairs = []
    if a and b:
        b_scores = {s["code"]: s for s in b.scores}
        pairs = [(s, b_scores.get(s["code"])) for s in a.scores]
    return render(request, "race/compare.html", {"scheme": scheme, "snapshot": snapshot, "rows": rows, "a": a, "b": b, "pairs": pairs})


@login_required
def what_if(request, code: str):
    """Re-weight the scheme on current data; nothing is stored or published."""
    _require(policy.can_what_if(request.user))
    scheme = _scheme(code)
    try:
        period = Period.parse(request.GET.get("period", "")) if request.GET.get("period") else None
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
        period = None
    snapshot = selectors.board_snapshot(request.user, scheme)
    period = period or (Period.parse(snapshot.period) if snapshot else None)
    if period is None:
        raise Http404(_("Compute a period first."))
    version = version_in_force(scheme, period)
    settings = list(version.indicators.all())
    form = WhatIfForm(request.GET if "apply" in request.GET else None, settings=settings)
    weights = form.cleaned_data if form.is_bound and form.is_valid() else None
    result = race_compute(scheme=scheme, period=period, weights=weights)
    baseline = race_compute(scheme=scheme, period=period) if weights else result
    base_rank = {r.unit.pk: r.rank for r in baseline.rows}
    for row in result.rows:
        row.base_rank = base_rank.get(row.unit.pk)
        row.shift = None if row.base_rank is None else row.base_rank - row.rank
    return render(request, "race/what_if.html", {
        "scheme": scheme, "period": period, "version": version, "form": form, "result": result,
        "total_weight": sum((weights or {s.code: s.weight for s in settings}).values()),
    })


@login_required
def export(request, code: str):
    _require(policy.can_view(request.user))
    scheme = _scheme(code)
    snapshot = _snapshot(request, scheme)
    if snapshot is None:
        raise Http404
    data = board_workbook(snapshot, selectors.rows_of(snapshot))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"race-{scheme.code}-{snapshot.period}-r{snapshot.revision}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    log_export(request, filename)
    return response
