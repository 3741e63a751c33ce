"""The four scoring methods, as pure functions of raw values (domain-practice §3.2).

Every method turns ``{unit_id: Raw}`` into ``{unit_id: Scored}``. Scores are exact
decimals rounded to 0.01 point; a unit's total is the sum of its rounded indicator scores,
so the explanation always adds up to the total. Missing data (no value, or a zero
denominator) scores 0 points and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from tuijin.lib.i18n import phrasebook

from .choices import Direction, Method

POINT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass
class Raw:
    """An indicator's raw figure for one unit, with what explains it."""

    value: Decimal | None
    text: str = ""  # the figure in words, e.g. "72.1%（完成 3,210 万元 / 计划 4,450 万元）"
    target: Decimal | None = None  # a unit's own target (e.g. its time-proportional schedule)
    missing_reason: str = ""
    projects: list[dict] = field(default_factory=list)  # the projects behind: {id, name, note}


@dataclass
class Scored:
    score: Decimal
    how: str  # the method's reasoning in words
    rank: int | None = None


def q(value: Decimal) -> Decimal:
    return value.quantize(POINT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:,.{places}f}"


def _d(value, default: str) -> Decimal:
    return Decimal(str(value if value not in (None, "") else default))


def score_all(method: str, direction: str, weight: Decimal, params: dict, raws: dict[int, Raw]) -> dict[int, Scored]:
    scorer = {
        Method.TARGET: score_target,
        Method.RANK: score_rank,
        Method.LINEAR: score_linear,
        Method.PER_EVENT: score_per_event,
    }[method]
    return scorer(direction, Decimal(weight), params or {}, raws)


def _missing(_) -> Scored:
    return Scored(q(ZERO), _("missing data counts 0 points"))


def score_target(direction, weight, params, raws):
    """Reaching the target earns the full weight; below it, the share reached; capped.

    params: ``target`` (a number; default: each unit's own target, else 100) and ``cap``
    (the highest ratio counted, default 1 = no bonus beyond full points)."""
    _ = phrasebook()  # the same messages for every unit
    cap = _d(params.get("cap"), "1")
    cap_text = fmt(cap * HUNDRED, 0)
    out = {}
    for unit_id, raw in raws.items():
        if raw.value is None:
            out[unit_id] = _missing(_)
            continue
        target = raw.target if params.get("target") in (None, "", "unit") and raw.target is not None else _d(params.get("target"), "100")
        value = raw.value
        if direction == Direction.LOWER:
            ratio = cap if value <= 0 else target / value if target > 0 else ZERO
        elif target <= 0:
            ratio = cap if value >= target else ZERO
        else:
            ratio = value / target
        ratio = max(ZERO, min(cap, ratio))
        score = q(weight * ratio)
        out[unit_id] = Scored(
            score,
            _("target %(target)s, reached %(ratio)s%% of it (counted up to %(cap)s%%)")
            % {"target": fmt(target), "ratio": fmt(ratio * HUNDRED), "cap": cap_text},
        )
    return out


def competition_ranks(values: dict[int, Decimal], higher_is_better: bool) -> dict[int, int]:
    """1, 1, 3 …: tied units share the better rank."""
    ordered = sorted(values.items(), key=lambda kv: kv[1], reverse=higher_is_better)
    ranks, previous, rank = {}, None, 0
    for position, (unit_id, value) in enumerate(ordered, start=1):
        if value != previous:
            rank = position
            previous = value
        ranks[unit_id] = rank
    return ranks


def score_rank(direction, weight, params, raws):
    """First place earns 100% of the weight, each place below ``step`` points less
    (default 5: 100/95/90 …), never below ``floor`` (default 0). Ties share the place."""
    _ = phrasebook()  # the same messages for every unit
    step = _d(params.get("step"), "5")
    floor = _d(params.get("floor"), "0")
    present = {u: r.value for u, r in raws.items() if r.value is not None}
    ranks = competition_ranks(present, direction != Direction.LOWER)
    count = len(present)
    out = {}
    for unit_id, raw in raws.items():
        if raw.value is None:
            out[unit_id] = _missing(_)
            continue
        rank = ranks[unit_id]
        pct = max(floor, HUNDRED - step * (rank - 1))
        out[unit_id] = Scored(
            q(weight * pct / HUNDRED),
            _("place %(rank)s of %(count)s, %(pct)s%% of the points") % {"rank": rank, "count": count, "pct": fmt(pct, 0)},
            rank=rank,
        )
    return out


def score_linear(direction, weight, params, raws):
    """The best unit earns the full weight, the worst none, the others in proportion.
    ``best``/``worst`` in params fix the ends instead of taking them from the field."""
    _ = phrasebook()  # the same messages for every unit
    present = [r.value for r in raws.values() if r.value is not None]
    out = {}
    if not present:
        return {u: _missing(_) for u, r in raws.items()}
    lower = direction == Direction.LOWER
    best = _d(params["best"], "0") if params.get("best") not in (None, "") else (min(present) if lower else max(present))
    worst = _d(params["worst"], "0") if params.get("worst") not in (None, "") else (max(present) if lower else min(present))
    ends = {"best": fmt(best), "worst": fmt(worst)}
    for unit_id, raw in raws.items():
        if raw.value is None:
            out[unit_id] = _missing(_)
            continue
        share = Decimal(1) if best == worst else (raw.value - worst) / (best - worst)
        share = max(ZERO, min(Decimal(1), share))
        out[unit_id] = Scored(
            q(weight * share),
            _("best %(best)s, worst %(worst)s: %(share)s%% of the way") % {**ends, "share": fmt(share * HUNDRED)},
        )
    return out


def score_per_event(direction, weight, params, raws):
    """Points for each event (or each ``per`` units of the value), starting from ``base``:
    added when higher is better (from 0), deducted when lower is better (from the full
    weight); always between 0 and the weight (the cap)."""
    _ = phrasebook()  # the same messages for every unit
    points = _d(params.get("points"), "1")
    per = _d(params.get("per"), "1") or Decimal(1)
    lower = direction == Direction.LOWER
    base = _d(params.get("base"), str(weight) if lower else "0")
    said = {"base": fmt(base, 2), "points": fmt(points, 2)}
    out = {}
    for unit_id, raw in raws.items():
        if raw.value is None:
            out[unit_id] = _missing(_)
            continue
        events = raw.value / per
        delta = points * events
        value = base - delta if lower else base + delta
        score = q(max(ZERO, min(weight, value)))
        capped = value > weight or value < 0
        figures = {**said, "events": fmt(events, 2), "value": fmt(value, 2)}
        if lower:
            how = _("%(base)s less %(points)s points × %(events)s = %(value)s") % figures
        else:
            how = _("%(base)s plus %(points)s points × %(events)s = %(value)s") % figures
        if capped:
            how += _(", held between 0 and %(weight)s") % {"weight": fmt(weight, 2)}
        out[unit_id] = Scored(score, how)
    return out
