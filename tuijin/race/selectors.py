"""Horse race reads: the board, a unit's trend, side-by-side, revision differences."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from . import policy
from .choices import SnapshotStatus
from .models import Scheme, Snapshot, SnapshotRow


def visible_snapshots(user, scheme: Scheme) -> QuerySet[Snapshot]:
    """Published (and superseded) snapshots for everyone who sees the board; drafts for
    the project office only."""
    snapshots = Snapshot.objects.filter(scheme=scheme)
    if not policy.can_view_draft(user):
        snapshots = snapshots.exclude(status=SnapshotStatus.DRAFT)
    return snapshots.order_by("-period_end", "-revision")


def board_snapshot(user, scheme: Scheme, period: str | None = None) -> Snapshot | None:
    """The snapshot a board shows: for a period, its current revision (the published one,
    else the office's draft); with no period, the latest."""
    snapshots = visible_snapshots(user, scheme)
    if period:
        snapshots = snapshots.filter(period=period)
    published = snapshots.filter(status=SnapshotStatus.PUBLISHED).first()
    latest = snapshots.first()
    if published and latest and latest.period_end > published.period_end:
        return latest
    return published or latest


def rows_of(snapshot: Snapshot) -> list[SnapshotRow]:
    return list(snapshot.rows.select_related("unit").order_by("rank", "unit__order", "unit__name"))


def unit_trend(user, scheme: Scheme, unit_id: int, limit: int = 12) -> list[dict]:
    """A unit's total and rank over the last periods (one current revision each)."""
    seen: dict[str, Snapshot] = {}
    for snapshot in visible_snapshots(user, scheme):
        current = seen.get(snapshot.period)
        if current is None or (snapshot.status == SnapshotStatus.PUBLISHED and current.status != SnapshotStatus.PUBLISHED):
            seen[snapshot.period] = snapshot
    chosen = sorted(seen.values(), key=lambda s: s.period_end)[-limit:]
    rows = {
        r.snapshot_id: r
        for r in SnapshotRow.objects.filter(snapshot__in=chosen, unit_id=unit_id).only("snapshot_id", "total", "rank", "scores")
    }
    return [
        {"period": s.period, "total": rows[s.pk].total, "rank": rows[s.pk].rank, "scores": rows[s.pk].scores}
        for s in chosen
        if s.pk in rows
    ]


def snapshot_diff(old: Snapshot, new: Snapshot) -> list[dict]:
    """Unit by unit, what changed between two revisions: total, rank and each indicator."""
    before = {r.unit_id: r for r in old.rows.select_related("unit")}
    changes = []
    for row in new.rows.select_related("unit").order_by("rank"):
        prior = before.get(row.unit_id)
        if prior is None:
            continue
        old_scores = {s["code"]: s for s in prior.scores}
        indicators = []
        for s in row.scores:
            o = old_scores.get(s["code"])
            if o is None or o["score"] != s["score"] or o["value"] != s["value"]:
                indicators.append({"label": s["label"], "old_value": o and o["value"], "new_value": s["value"],
                                   "old_score": o and o["score"], "new_score": s["score"]})
        if indicators or prior.total != row.total or prior.rank != row.rank:
            changes.append({"unit": row.unit, "old_total": prior.total, "new_total": row.total,
                            "delta": row.total - prior.total, "old_rank": prior.rank, "new_rank": row.rank,
                            "indicators": indicators})
    return changes


def explanation_total(row) -> Decimal:
    """The sum of a row's explained indicator scores (equals the row's total)."""
    return sum((Decimal(s["score"]) for s in row.scores), Decimal(0))
