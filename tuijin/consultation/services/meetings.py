"""Meetings: schedule, build the agenda, record attendees and minutes, decide; action items
tracked to closure with evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.orgs.models import Unit, User

from .. import policy
from ..choices import ActionStatus, EventKind, Level, MeetingKind, MeetingStatus, NoticeKind, ProblemStatus
from ..models import ActionEvidence, ActionItem, AgendaItem, Meeting, Problem, ProblemEvent
from ..models.attachments import validate_attachment
from .notices import notify
from .problems import _move, problem_reply


def _require_office(by) -> None:
    if not policy.can_run_meetings(by):
        raise PermissionDenied(_("Only the project office runs consultation meetings."))


def default_title(kind: str, number: int, year: int) -> str:
    if kind == MeetingKind.WEEKLY:
        return _("Major projects consultation day, %(year)s no. %(number)s") % {"year": year, "number": number}
    return _("Special consultation on major projects, %(year)s no. %(number)s") % {"year": year, "number": number}


@transaction.atomic
def meeting_schedule(
    *,
    by: User,
    kind: str,
    starts_at: dt.datetime,
    title: str = "",
    place: str = "",
    chair: User | None = None,
    copy_to: str = "",
) -> Meeting:
    """Schedule a weekly 会商日 or a special meeting; it takes the next number of its year."""
    _require_office(by)
    year = timezone.localtime(starts_at).year
    number = (Meeting.objects.filter(year=year).aggregate(m=Max("number"))["m"] or 0) + 1
    meeting = Meeting.objects.create(
        kind=kind,
        year=year,
        number=number,
        title=title.strip() or default_title(kind, number, year),
        starts_at=starts_at,
        place=place,
        chair=chair,
        copy_to=copy_to or _("Members of the county major projects leading group; units concerned"),
        created_by=by,
    )
    return meeting


def agenda_candidates() -> list[Problem]:
    """Problems at the meeting level waiting for a decision: open, with no decision still being
    carried out, and not on the agenda of another meeting yet to be held."""
    return list(
        Problem.objects.filter(level=Level.MEETING, status=ProblemStatus.OPEN)
        .exclude(actions__status__in=[ActionStatus.OPEN, ActionStatus.REPORTED])
        .exclude(agenda_items__meeting__status=MeetingStatus.PLANNED)
        .select_related("project")
        .distinct()
        .order_by("deadline", "pk")
    )


def _next_order(meeting: Meeting) -> int:
    return (meeting.agenda.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def meeting_build_agenda(*, meeting: Meeting, by: User) -> list[AgendaItem]:
    """Put every escalated problem waiting for a meeting on this meeting's agenda."""
    _require_office(by)
    if meeting.is_held:
        raise ServiceError(_("The meeting has been held; its agenda is closed."))
    added = []
    order = _next_order(meeting)
    for problem in agenda_candidates():
        added.append(_put_on_agenda(meeting, problem, by, order))
        order += 1
    return added


def _put_on_agenda(meeting: Meeting, problem: Problem, by, order: int) -> AgendaItem:
    item = AgendaItem.objects.create(
        meeting=meeting, order=order, problem=problem, title=f"{problem.project.name}：{problem.title}"
    )
    ProblemEvent.objects.create(
        problem=problem, kind=EventKind.ON_AGENDA, by=by, from_level=problem.level, to_level=problem.level,
        text=f"{meeting.title}（{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}）",
    )
    return item


@transaction.atomic
def meeting_add_item(*, meeting: Meeting, by: User, problem: Problem | None = None, title: str = "") -> AgendaItem:
    """Add one item: a problem (raised to the meeting level if it is lower) or a free topic."""
    _require_office(by)
    if meeting.is_held:
        raise ServiceError(_("The meeting has been held; its agenda is closed."))
    if problem is None:
        if not title.strip():
            raise ServiceError(_("Give the item a title."))
        return AgendaItem.objects.create(meeting=meeting, order=_next_order(meeting), title=title.strip())
    if meeting.agenda.filter(problem=problem).exists():
        raise ServiceError(_("Problem %(number)s is already on the agenda.") % {"number": problem.number})
    if problem.status == ProblemStatus.CLOSED:
        raise ServiceError(_("Problem %(number)s is closed.") % {"number": problem.number})
    if problem.level in (Level.OWNER, Level.TOWN, Level.DEPARTMENT):
        problem = Problem.objects.select_for_update().select_related("project").get(pk=problem.pk)
        _move(
            problem, to_level=Level.MEETING, by=by, kind=EventKind.ESCALATED,
            reason=_("Put on the agenda of %(meeting)s by the project office.") % {"meeting": meeting.title},
        )
    return _put_on_agenda(meeting, problem, by, _next_order(meeting))


@transaction.atomic
def meeting_record(
    *,
    meeting: Meeting,
    by: User,
    units: Iterable[Unit] | None = None,
    leaders: Iterable[User] | None = None,
    other_attendees: str | None = None,
    minutes: str | None = None,
    chair: User | None = None,
    place: str | None = None,
    copy_to: str | None = None,
    notes: dict[int, str] | None = None,
) -> Meeting:
    """Record attendees (units, leaders), the chair, the minutes and each item's discussion."""
    _require_office(by)
    if units is not None:
        meeting.units.set(units)
    if leaders is not None:
        meeting.leaders.set(leaders)
    for field, value in (
        ("other_attendees", other_attendees), ("minutes", minutes), ("place", place), ("copy_to", copy_to),
    ):
        if value is not None:
            setattr(meeting, field, value.strip())
    if chair is not None:
        meeting.chair = chair
    meeting.save()
    for item_id, note in (notes or {}).items():
        meeting.agenda.filter(pk=item_id).update(note=note.strip())
    return meeting


@transaction.atomic
def meeting_hold(*, meeting: Meeting, by: User) -> Meeting:
    """Mark the meeting held: its minutes are recorded and its decisions are being carried out."""
    _require_office(by)
    if not meeting.minutes.strip():
        raise ServiceError(_("Record the minutes before marking the meeting held."))
    meeting.status = MeetingStatus.HELD
    meeting.held_at = timezone.now()
    meeting.save(update_fields=["status", "held_at"])
    return meeting


@transaction.atomic
def meeting_decide(
    *,
    meeting: Meeting,
    by: User,
    text: str,
    responsible_unit: Unit,
    deadline: dt.date,
    problem: Problem | None = None,
    cooperating: str = "",
) -> ActionItem:
    """Record a decision as an action item with its responsible unit and deadline. A decision on
    a problem holds the problem at the meeting level until the decision's deadline."""
    _require_office(by)
    if not text.strip():
        raise ServiceError(_("Write the decision."))
    if deadline < meeting.date:
        raise ServiceError(_("The deadline %(date)s is before the meeting.") % {"date": deadline.isoformat()})
    order = (meeting.actions.aggregate(m=Max("order"))["m"] or 0) + 1
    action = ActionItem.objects.create(
        meeting=meeting, order=order, problem=problem, text=text.strip(), responsible_unit=responsible_unit,
        deadline=deadline, cooperating=cooperating.strip(),
    )
    if problem is not None:
        problem = Problem.objects.select_for_update().get(pk=problem.pk)
        ProblemEvent.objects.create(
            problem=problem, kind=EventKind.DECIDED, by=by, from_level=problem.level, to_level=problem.level,
            to_unit=responsible_unit, deadline=deadline, text=action.text,
        )
        if problem.deadline < deadline:
            problem.deadline = deadline
            problem.save(update_fields=["deadline"])
    notify(NoticeKind.ACTION_ASSIGNED, action=action, units=[responsible_unit])
    return action


@transaction.atomic
def action_report(*, action: ActionItem, by: User, evidence: str, files: Iterable = ()) -> ActionItem:
    """The responsible unit reports the decision carried out, with evidence (text and files)."""
    action = ActionItem.objects.select_for_update().get(pk=action.pk)
    if not policy.can_report_action(by, action):
        raise PermissionDenied(_("Only the responsible unit reports on this decision."))
    files = list(files or ())
    for upload in files:
        validate_attachment(upload)
    if not evidence.strip() and not files and not action.evidence_files.exists():
        raise ServiceError(_("Give the evidence: say what was done, attach the documents."))
    action.evidence = evidence.strip() or action.evidence
    action.status = ActionStatus.REPORTED
    action.reported_at = timezone.now()
    action.reported_by = by
    action.save()
    for upload in files:
        ActionEvidence.objects.create(action=action, file=upload, name=upload.name[:200], size=upload.size, uploaded_by=by)
    return action


@transaction.atomic
def action_close(*, action: ActionItem, by: User) -> ActionItem:
    """The office confirms the decision carried out (销号). A decision on a problem becomes the
    problem's proposed resolution, for its raiser to confirm."""
    action = ActionItem.objects.select_for_update().select_related("meeting").get(pk=action.pk)
    if not policy.can_close_action(by, action):
        raise PermissionDenied(_("Only the project office closes meeting decisions."))
    if not action.evidence.strip() and not action.evidence_files.exists():
        raise ServiceError(_("A decision is closed on evidence: none has been given."))
    now = timezone.now()
    action.status = ActionStatus.CLOSED
    action.closed_at = now
    action.closed_by = by
    action.closed_on_time = timezone.localtime(action.reported_at or now).date() <= action.deadline
    action.save()
    notify(NoticeKind.ACTION_CLOSED, action=action, units=[action.responsible_unit])
    if action.problem_id and action.problem.status == ProblemStatus.OPEN:
        still_open = action.problem.actions.exclude(pk=action.pk).exclude(status=ActionStatus.CLOSED).exists()
        if not still_open:
            text = _("Decision of %(meeting)s: %(decision)s\nCarried out by %(unit)s: %(evidence)s") % {
                "meeting": action.meeting.title, "decision": action.text, "unit": action.responsible_unit,
                "evidence": action.evidence or _("see the evidence files"),
            }
            problem_reply(problem=action.problem, by=by, text=text, _system=True)
    return action


@transaction.atomic
def action_return(*, action: ActionItem, by: User, reason: str) -> ActionItem:
    """The office sends the report back: the evidence does not show the decision carried out."""
    action = ActionItem.objects.select_for_update().get(pk=action.pk)
    if not policy.can_close_action(by, action):
        raise PermissionDenied(_("Only the project office closes meeting decisions."))
    if not reason.strip():
        raise ServiceError(_("Say what is missing."))
    action.status = ActionStatus.OPEN
    action.returned_reason = reason.strip()
    action.save(update_fields=["status", "returned_reason"])
    notify(NoticeKind.ACTION_ASSIGNED, action=action, units=[action.responsible_unit])
    return action
