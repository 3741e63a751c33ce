"""Reads of consultation, for its pages and for the apps above it (race, supervision, cockpit).

See docs/development/consultation.md for the meaning of every figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.orgs.choices import TERRITORIAL_KINDS, UnitKind
from tuijin.orgs.models import Unit

from .choices import LADDER, ActionStatus, EventKind, Level, ProblemCategory, ProblemStatus
from .models import ActionItem, Meeting, Problem, ProblemEvent
from .policy import visible_problems_filter

RACE_UNIT_KINDS = (*TERRITORIAL_KINDS, UnitKind.DEPARTMENT)


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def visible_problems(user) -> QuerySet[Problem]:
    return Problem.objects.filter(visible_problems_filter(user))


def overdue_problems(today: dt.date | None = None) -> QuerySet[Problem]:
    """Open problems (not closed) whose deadline at their current level is before ``today``."""
    today = today or timezone.localdate()
    return Problem.objects.overdue(today).with_related().order_by("deadline", "pk")


def overdue_actions(today: dt.date | None = None) -> QuerySet[ActionItem]:
    """Meeting decisions not closed whose deadline is before ``today``."""
    today = today or timezone.localdate()
    return (
        ActionItem.objects.overdue(today)
        .select_related("meeting", "responsible_unit", "problem", "problem__project")
        .order_by("deadline", "pk")
    )


def _days_between(closed_at: dt.datetime, raised_at: dt.datetime) -> int:
    return (timezone.localtime(closed_at).date() - timezone.localtime(raised_at).date()).days


def average_days_to_close(start: dt.date, end: dt.date) -> Decimal | None:
    """Average calendar days from raising to closure (销号) of problems closed in [start, end]."""
    lo, hi = _day_bounds(start, end)
    rows = Problem.objects.filter(status=ProblemStatus.CLOSED, closed_at__gte=lo, closed_at__lt=hi).values_list(
        "raised_at", "closed_at"
    )
    days = [_days_between(c, r) for r, c in rows]
    if not days:
        return None
    return (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class UnitClosure:
    unit_id: int
    unit: Unit | None = None  # set by closure_by_unit, not by closure_counts
    closed: int = 0
    closed_on_time: int = 0
    escalated_on_deadline: int = 0
    overdue_open: int = 0
    open: int = 0
    total_days: int = 0

    @property
    def handled(self) -> int:
        """Problems that left the unit in the period: closed while it was responsible, or sent
        up by the system because its deadline passed."""
        return self.closed + self.escalated_on_deadline

    @property
    def on_time_rate(self) -> Decimal | None:
        return _rate(self.closed_on_time, self.handled)

    @property
    def average_days(self) -> Decimal | None:
        if not self.closed:
            return None
        return (Decimal(self.total_days) / self.closed).quantize(Decimal("0.1"), ROUND_HALF_UP)


def closure_counts(start: dt.date, end: dt.date) -> dict[int, UnitClosure]:
    """Per town, street, area and department id: problems closed in [start, end] while it was
    responsible, of those closed on time, problems the system escalated away from it because
    its deadline passed, and problems now open at it past a deadline before ``end``. Units with
    nothing to count are left out; the units themselves are not loaded (the horse race counts
    for thousands of them and needs only the figures)."""
    lo, hi = _day_bounds(start, end)
    rows: dict[int, UnitClosure] = {}
    # Filtered by the units' kind in SQL, not by an IN list of every unit (a province has thousands).

    def row(unit_id: int) -> UnitClosure:
        if unit_id not in rows:
            rows[unit_id] = UnitClosure(unit_id=unit_id)
        return rows[unit_id]

    # Counted and summed per unit in SQL; days between the local dates, as _days_between.
    closed = (
        Problem.objects.filter(
            status=ProblemStatus.CLOSED, closed_at__gte=lo, closed_at__lt=hi, responsible_unit__kind__in=RACE_UNIT_KINDS
        )
        .order_by()
        .values("responsible_unit_id")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(closed_on_time=True)),
            days=Sum(ExpressionWrapper(TruncDate("closed_at") - TruncDate("raised_at"), output_field=DurationField())),
        )
    )
    for item in closed:
        r = row(item["responsible_unit_id"])
        r.closed = item["n"]
        r.closed_on_time = item["on_time"]
        r.total_days = item["days"].days if item["days"] is not None else 0
    late = (
        ProblemEvent.objects.filter(kind=EventKind.AUTO_ESCALATED, at__gte=lo, at__lt=hi, from_unit__kind__in=RACE_UNIT_KINDS)
        .values("from_unit_id")
        .annotate(n=Count("pk"))
    )
    for item in late:
        row(item["from_unit_id"]).escalated_on_deadline = item["n"]
    open_rows = (
        Problem.objects.not_closed()
        .filter(responsible_unit__kind__in=RACE_UNIT_KINDS)
        .values("responsible_unit_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=end)))
    )
    for item in open_rows:
        r = row(item["responsible_unit_id"])
        r.open = item["n"]
        r.overdue_open = item["late"]
    return rows


def closure_by_unit(start: dt.date, end: dt.date) -> list[UnitClosure]:
    """:func:`closure_counts` with each row's unit, ordered by on-time rate (best first), then
    by closed count. The on-time rate is closed on time ÷ (closed + escalated on deadline)."""
    rows = closure_counts(start, end)
    units = Unit.objects.in_bulk(list(rows))
    for r in rows.values():
        r.unit = units[r.unit_id]
    return sorted(
        rows.values(),
        key=lambda r: (-(r.on_time_rate if r.on_time_rate is not None else Decimal(-1)), -r.handled, r.unit.order, r.unit.pk),
    )


def problem_counts(dimension: str, *, start: dt.date | None = None, end: dt.date | None = None, today=None) -> list[dict]:
    """Open, closed and overdue problems by ``level``, ``unit`` (responsible) or ``category``."""
    today = today or timezone.localdate()
    qs = Problem.objects.all()
    if start and end:
        lo, hi = _day_bounds(start, end)
        qs = qs.filter(raised_at__gte=lo, raised_at__lt=hi)
    key = {"level": "level", "unit": "responsible_unit_id", "category": "category"}[dimension]
    agg = qs.values(key).annotate(
        open=Count("pk", filter=~Q(status=ProblemStatus.CLOSED)),
        closed=Count("pk", filter=Q(status=ProblemStatus.CLOSED)),
        overdue=Count("pk", filter=~Q(status=ProblemStatus.CLOSED) & Q(deadline__lt=today)),
    )
    by_key = {row[key]: row for row in agg}
    if dimension == "level":
        labels = [(lvl, Level(lvl).label) for lvl in LADDER]
    elif dimension == "category":
        labels = list(ProblemCategory.choices)
    else:
        labels = [(u.pk, u.display_short) for u in Unit.objects.filter(pk__in=by_key.keys()).order_by("kind", "order")]
    out = []
    for k, label in labels:
        row = by_key.get(k, {})
        out.append({
            "key": k, "label": label, "open": row.get("open", 0), "closed": row.get("closed", 0),
            "overdue": row.get("overdue", 0),
        })
    return out


def problem_summary(queryset: QuerySet[Problem], today: dt.date) -> dict:
    return queryset.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=ProblemStatus.OPEN)),
        replied=Count("pk", filter=Q(status=ProblemStatus.REPLIED)),
        closed=Count("pk", filter=Q(status=ProblemStatus.CLOSED)),
        overdue=Count("pk", filter=~Q(status=ProblemStatus.CLOSED) & Q(deadline__lt=today)),
        on_time=Count("pk", filter=Q(status=ProblemStatus.CLOSED, closed_on_time=True)),
    )


@dataclass
class ClosureReport:
    """The 销号 report opening a meeting's agenda: earlier meetings' decisions as of this
    meeting's date, those closed since the previous meeting and those still open."""

    meeting: Meeting
    previous: Meeting | None
    closed_since: list[ActionItem] = field(default_factory=list)
    still_open: list[ActionItem] = field(default_factory=list)
    as_of: dt.date | None = None

    @property
    def overdue(self) -> list[ActionItem]:
        return [a for a in self.still_open if a.deadline < self.as_of]

    @property
    def total(self) -> int:
        return len(self.closed_since) + len(self.still_open)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(starts_at__lt=meeting.starts_at).exclude(pk=meeting.pk).order_by("-starts_at", "-pk").first()
    )


def closure_report(meeting: Meeting) -> ClosureReport:
    """Decisions of meetings before this one, seen as of the meeting's time: closed since the
    previous meeting, or still open (not closed by then). Reads the same later on."""
    prev = previous_meeting(meeting)
    at = meeting.starts_at
    since = prev.starts_at if prev else None
    earlier = (
        ActionItem.objects.filter(meeting__starts_at__lt=at)
        .exclude(meeting=meeting)
        .select_related("meeting", "responsible_unit", "problem", "problem__project")
        .order_by("meeting__starts_at", "order", "pk")
    )
    closed_since = [a for a in earlier if a.closed_at and a.closed_at < at and (since is None or a.closed_at >= since)]
    still_open = [a for a in earlier if not a.closed_at or a.closed_at >= at]
    return ClosureReport(
        meeting=meeting, previous=prev, closed_since=closed_since, still_open=still_open, as_of=timezone.localtime(at).date()
    )


def action_summary(queryset: QuerySet[ActionItem], today: dt.date) -> dict:
    return queryset.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=ActionStatus.OPEN)),
        reported=Count("pk", filter=Q(status=ActionStatus.REPORTED)),
        closed=Count("pk", filter=Q(status=ActionStatus.CLOSED)),
        overdue=Count("pk", filter=~Q(status=ActionStatus.CLOSED) & Q(deadline__lt=today)),
        on_time=Count("pk", filter=Q(status=ActionStatus.CLOSED, closed_on_time=True)),
    )


def four_list_problems(project) -> list[tuple[str, str, str]]:
    """The "problems" list of the project's four lists (四张清单): counts only, because the
    hook has no user; the 问题 tab lists the problems the user may see."""
    today = timezone.localdate()
    counts = Problem.objects.filter(project=project).aggregate(
        open=Count("pk", filter=~Q(status=ProblemStatus.CLOSED)),
        overdue=Count("pk", filter=~Q(status=ProblemStatus.CLOSED) & Q(deadline__lt=today)),
        closed=Count("pk", filter=Q(status=ProblemStatus.CLOSED)),
    )
    if not counts["open"] and not counts["closed"]:
        return []
    url = reverse("projects:tab", args=[project.pk, "problems"])
    return [
        (_("Problems being handled"), _("%(n)s (%(late)s overdue)") % {"n": counts["open"], "late": counts["overdue"]}, url),
        (_("Problems closed"), str(counts["closed"]), url),
    ]


def problems_at_meeting_level_waiting() -> int:
    return Problem.objects.filter(level=Level.MEETING, status=ProblemStatus.OPEN).count()


__all__ = [
    "ClosureReport",
    "UnitClosure",
    "action_summary",
    "average_days_to_close",
    "closure_by_unit",
    "closure_report",
    "overdue_actions",
    "overdue_problems",
    "problem_counts",
    "problem_summary",
    "visible_problems",
]
