"""Horse race writes: scheme versions, computing snapshots, publishing them."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tuijin.lib.bulk import bulk_insert, sort_memory, tune_sorts
from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.lib.i18n import phrasebook
from tuijin.lib.snapshots import map_in_snapshot
from tuijin.orgs.models import Unit

from . import policy
from .choices import Flag, RaceOver, SnapshotStatus
from .indicators import REGISTRY, RaceContext, load_catalogue
from .models import IndicatorSetting, Scheme, SchemeVersion, Snapshot, SnapshotRow
from .periods import Period
from .scoring import ZERO, competition_ranks, fmt, q, score_all

#: Worker threads computing a race's indicators (PostgreSQL; see tuijin.lib.snapshots).
RACE_THREADS = 3


def version_in_force(scheme: Scheme, period: Period) -> SchemeVersion:
    """The version in force at the period's end: a period is always scored with it."""
    version = (
        scheme.versions.filter(effective_from__lte=period.end).order_by("-effective_from", "-number").first()
    )
    if version is None:
        raise ServiceError(
            _("%(scheme)s has no version in force on %(day)s.") % {"scheme": scheme, "day": period.end.isoformat()}
        )
    return version


def competing_units(scheme: Scheme) -> list[Unit]:
    chosen = list(scheme.units.order_by("kind", "order", "name"))
    if chosen:
        return chosen
    units = Unit.objects.active()
    units = units.territorial() if scheme.over == RaceOver.TOWNS else units.departments()
    return list(units.order_by("kind", "order", "name"))


@dataclass
class RowResult:
    unit: Unit
    total: Decimal
    scores: list[dict]
    rank: int = 0
    previous_rank: int | None = None
    flag: str = ""

    @property
    def rank_change(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank


@dataclass
class RaceResult:
    scheme: Scheme
    version: SchemeVersion
    period: Period
    rows: list[RowResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _display(value, measure, _=_) -> str:
    if value is None:
        return _("no data")
    if measure == "%":
        return f"{fmt(value)}%"
    places = 0 if value == value.to_integral_value() else 2
    return f"{fmt(value, places)} {measure}"


def _explain(unit: Unit, setting: dict, raw, scored, _=_) -> tuple[str, str]:
    """The score in words (summary), and the same followed by the projects behind it."""
    figure = raw.text if raw.value is not None else raw.missing_reason
    text = _("%(unit)s scored %(score)s of %(weight)s on %(label)s: %(figure)s; %(how)s.") % {
        "unit": unit.display_short,
        "score": fmt(scored.score, 2),
        "weight": setting["weight_text"],
        "label": setting["label"],
        "figure": figure,
        "how": scored.how,
    }
    summary = text
    if raw.projects and setting["heading"]:
        listed = "、".join(p["name"] + (f"（{p['note']}）" if p.get("note") else "") for p in raw.projects)
        text += " " + _("%(heading)s: %(projects)s.") % {"heading": setting["heading"], "projects": listed}
    return summary, text


def race_compute(
    *, scheme: Scheme, period: Period, weights: dict[str, Decimal] | None = None, version: SchemeVersion | None = None
) -> RaceResult:
    """Score every competing unit on every indicator of the version in force. Reads only;
    ``weights`` re-weights indicators for a what-if view."""
    load_catalogue()
    said = phrasebook()  # the explanations of every unit repeat a few messages
    version = version or version_in_force(scheme, period)
    units = competing_units(scheme)
    unit_ids = [u.pk for u in units]
    base = RaceContext(period=period, over=scheme.over, unit_ids=unit_ids)
    result = RaceResult(scheme=scheme, version=version, period=period)
    keyed = [(u, u.pk) for u in units]
    per_unit: dict[int, list[dict]] = {pk: [] for _u, pk in keyed}
    totals: dict[int, Decimal] = dict.fromkeys(per_unit, ZERO)  # each unit's scores summed as they come
    indicators = [(item, REGISTRY.get(item.code)) for item in version.indicators.all()]
    computable = [(item, indicator) for item, indicator in indicators if indicator is not None and indicator.available()]
    computed_pks = {item.pk for item, _indicator in computable}
    # Every indicator's queries in one transaction with room to sort (sort_memory), on worker
    # threads sharing its snapshot: each indicator is scored here as soon as its figures are in,
    # while the workers wait for the next ones' queries (tuijin.lib.snapshots).
    with sort_memory(), closing(map_in_snapshot(lambda pair: pair[1].compute(base.with_window(pair[0].window)),
                                                computable, workers=RACE_THREADS, prepare=tune_sorts)) as computed:
        for item, indicator in indicators:
            label = item.label or (str(indicator.label) if indicator else item.code)
            if item.pk not in computed_pks:  # unknown, or its app is not there
                result.skipped.append(label)
                continue
            weight = Decimal(str(weights[item.code])) if weights and item.code in weights else item.weight
            raws = next(computed)
            _score(item, indicator, weight, label, raws, keyed, per_unit, totals, said)
    for unit, unit_id in keyed:
        result.rows.append(RowResult(unit=unit, total=q(totals[unit_id]), scores=per_unit[unit_id]))
    ranks = competition_ranks({r.unit.pk: r.total for r in result.rows}, True)
    for row in result.rows:
        row.rank = ranks[row.unit.pk]
    result.rows.sort(key=lambda r: (r.rank, r.unit.order, r.unit.name))
    previous = latest_snapshot(scheme, period.previous(), published_only=True) or latest_snapshot(scheme, period.previous())
    if previous:
        before = dict(previous.rows.values_list("unit_id", "rank"))
        for row in result.rows:
            row.previous_rank = before.get(row.unit.pk)
    _flag(version, result.rows)
    return result


def _score(item: IndicatorSetting, indicator, weight: Decimal, label: str, raws: dict, keyed: list,
           per_unit: dict[int, list[dict]], totals: dict[int, Decimal], said) -> None:
    """One indicator's scores, explained, added to every unit's list and total."""
    scored = score_all(item.method, item.direction, weight, item.params, raws)
    heading = str(indicator.projects_heading).capitalize() if indicator.projects_heading else ""
    setting = {"weight": weight, "weight_text": fmt(weight, 2), "label": label, "heading": heading}
    measure = str(indicator.measure)
    for unit, unit_id in keyed:
        raw, s = raws[unit_id], scored[unit_id]
        summary, explanation = _explain(unit, setting, raw, s, said)
        totals[unit_id] += s.score
        per_unit[unit_id].append(
            {
                "code": item.code,
                "label": label,
                "weight": str(weight),
                "measure": measure,
                "method": item.method,
                "window": item.window,
                "value": None if raw.value is None else str(raw.value),
                "target": None if raw.target is None else str(raw.target),
                "score": str(s.score),
                "figure": raw.text if raw.value is not None else raw.missing_reason,
                "how": s.how,
                "display": _display(raw.value, measure, said),
                "summary": summary,
                "explanation": explanation,
                "projects": raw.projects,
            }
        )


def _flag(version: SchemeVersion, rows: list[RowResult]) -> None:
    """Red list: the top N, or a total at least the threshold; black list: the bottom N,
    or a total below the threshold. The red list wins where both apply."""
    count = len(rows)
    for row in rows:
        red = row.rank <= version.red_top_n or (version.red_min_total is not None and row.total >= version.red_min_total)
        black = (version.black_bottom_n and row.rank > count - version.black_bottom_n) or (
            version.black_max_total is not None and row.total < version.black_max_total
        )
        row.flag = Flag.RED if red else Flag.BLACK if black else Flag.NONE


def latest_snapshot(scheme: Scheme, period: Period, *, published_only: bool = False) -> Snapshot | None:
    snapshots = Snapshot.objects.filter(scheme=scheme, period=period.key)
    if published_only:
        snapshots = snapshots.filter(status=SnapshotStatus.PUBLISHED)
    return snapshots.order_by("-revision").first()


@transaction.atomic
def snapshot_compute(*, scheme: Scheme, period: Period, by, note: str = "") -> Snapshot:
    """Compute and store a snapshot. A draft of the period is replaced; a published one is
    never touched: the result becomes a new revision beside it."""
    if not policy.can_compute(by):
        raise PermissionDenied(_("Only the project office computes the horse race."))
    # Explanations are stored as published, in the county's language.
    with translation.override(settings.LANGUAGE_CODE):
        result = race_compute(scheme=scheme, period=period)
    latest = Snapshot.objects.select_for_update().filter(scheme=scheme, period=period.key).order_by("-revision").first()
    now = timezone.now()
    if latest is not None and latest.status == SnapshotStatus.DRAFT:
        snapshot = latest
        snapshot.rows.all().delete()
        snapshot.version = result.version
        snapshot.computed_at, snapshot.computed_by, snapshot.skipped = now, by, result.skipped
        snapshot.note = note or snapshot.note
        snapshot.save()
    else:
        revision = (Snapshot.objects.filter(scheme=scheme, period=period.key).aggregate(m=Max("revision"))["m"] or 0) + 1
        snapshot = Snapshot.objects.create(
            scheme=scheme, version=result.version, period=period.key, period_end=period.end, revision=revision,
            computed_at=now, computed_by=by, skipped=result.skipped, note=note,
        )
    # Plain rows (COPY on PostgreSQL): each row's scores carry every indicator's explanation,
    # and bound as one statement's parameters 2,000 towns' scores took seconds to quote.
    bulk_insert(
        SnapshotRow,
        ({"snapshot_id": snapshot.pk, "unit_id": r.unit.pk, "total": r.total, "rank": r.rank,
          "previous_rank": r.previous_rank, "flag": r.flag, "scores": r.scores} for r in result.rows),
    )
    return snapshot


@transaction.atomic
def snapshot_publish(*, snapshot: Snapshot, by) -> Snapshot:
    """Publish (and so freeze) a snapshot; an earlier published revision of the same period
    stays as it was, marked as superseded."""
    if not policy.can_publish(by):
        raise PermissionDenied(_("Only the project office publishes the horse race."))
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.status != SnapshotStatus.DRAFT:
        raise ServiceError(_("Revision %(r)s of %(period)s is already published.") % {"r": snapshot.revision, "period": snapshot.period})
    Snapshot.objects.filter(scheme=snapshot.scheme, period=snapshot.period, status=SnapshotStatus.PUBLISHED).update(
        status=SnapshotStatus.SUPERSEDED
    )
    snapshot.status = SnapshotStatus.PUBLISHED
    snapshot.published_at = timezone.now()
    snapshot.published_by = by
    snapshot.save(update_fields=["status", "published_at", "published_by"])
    return snapshot


@transaction.atomic
def scheme_version_create(*, scheme: Scheme, by, effective_from, indicators: list[dict], note: str = "",
                          red_top_n: int = 3, black_bottom_n: int = 3) -> SchemeVersion:
    """A new version of a scheme's indicator set, in force from ``effective_from``.
    Earlier periods keep being scored with the version that was in force then."""
    if not policy.can_manage_schemes(by):
        raise PermissionDenied(_("Only the project office changes race schemes."))
    load_catalogue()
    unknown = [i["code"] for i in indicators if i["code"] not in REGISTRY]
    if unknown:
        raise ServiceError(_("Unknown indicators: %(codes)s.") % {"codes": ", ".join(unknown)})
    number = (scheme.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = SchemeVersion.objects.create(
        scheme=scheme, number=number, effective_from=effective_from, note=note, created_by=by,
        red_top_n=red_top_n, black_bottom_n=black_bottom_n,
    )
    settings = []
    for order, item in enumerate(indicators):
        indicator = REGISTRY[item["code"]]
        settings.append(
            IndicatorSetting(
                version=version,
                code=item["code"],
                label=item.get("label", ""),
                weight=Decimal(str(item["weight"])),
                direction=item.get("direction", indicator.default_direction),
                method=item.get("method", indicator.default_method),
                params=item.get("params", dict(indicator.default_params)),
                window=item.get("window", indicator.default_window),
                order=order,
            )
        )
    IndicatorSetting.objects.bulk_create(settings)
    return version
