"""Problems on the ladder: raise, escalate (by decision or by deadline), reply, close, reopen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.orgs.choices import Role, UnitKind
from tuijin.orgs.models import Unit, User

from .. import policy
from ..choices import (
    CATEGORY_DEPARTMENT,
    LADDER,
    NEAR_DEADLINE_DAYS,
    EventKind,
    Level,
    NoticeKind,
    ProblemStatus,
    RaiserKind,
    level_rank,
    next_level,
)
from ..models import DeadlineRule, Problem, ProblemAttachment, ProblemEvent
from ..models.attachments import validate_attachment
from .notices import notify

#: The level a raiser's problem starts at, unless the raiser chooses a higher one.
START_LEVEL = {
    RaiserKind.OWNER: Level.OWNER,
    RaiserKind.TOWN: Level.TOWN,
    RaiserKind.DEPARTMENT: Level.DEPARTMENT,
    RaiserKind.OFFICE: Level.DEPARTMENT,
}


def office_unit() -> Unit:
    """The unit of the project office (发改局), which stands for the consultation meeting."""
    unit = Unit.objects.filter(users__role=Role.OFFICE).order_by("pk").first()
    return unit or Unit.objects.filter(short_name="发改局").first() or county_unit()


def county_unit() -> Unit:
    unit = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("pk").first()
    if unit is None:
        raise ServiceError(_("The county itself is not among the units; load the reference units first."))
    return unit


def default_department(project, category: str) -> Unit:
    if project.department_id:
        return project.department
    unit = Unit.objects.filter(kind=UnitKind.DEPARTMENT, short_name=CATEGORY_DEPARTMENT[category]).first()
    return unit or office_unit()


def responsible_for(project, level: str, category: str, *, department: Unit | None = None):
    """(unit, leader) responsible for a problem of ``project`` at ``level``."""
    if level == Level.OWNER:
        return project.owner, None
    if level == Level.TOWN:
        if not project.town_id:
            raise ServiceError(_("%(project)s lies in no town; the problem goes to a department.") % {"project": project})
        return project.town, None
    if level == Level.DEPARTMENT:
        if department is not None and department.kind != UnitKind.DEPARTMENT:
            raise ServiceError(_("%(unit)s is not a department.") % {"unit": department})
        return department or default_department(project, category), None
    if level == Level.MEETING:
        return office_unit(), None
    return county_unit(), project.leader


def deadline_for(category: str, urgency: str, level: str, start: dt.date) -> dt.date:
    return start + dt.timedelta(days=DeadlineRule.days_for(category, urgency, level))


def _save_files(problem: Problem, event: ProblemEvent | None, files: Iterable, by) -> None:
    for upload in files or ():
        validate_attachment(upload)
        ProblemAttachment.objects.create(
            problem=problem, event=event, file=upload, name=upload.name[:200], size=upload.size, uploaded_by=by
        )


def next_problem_number(year: int) -> str:
    prefix = f"{year}-"
    # Longest first, then by text: "2026-10000" comes after "2026-9999" (a province files more
    # than 9,999 problems a year; by text alone the next number would repeat 2026-10000).
    last = (
        Problem.objects.filter(number__startswith=prefix)
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) + 1) if last else 1:04d}"


def allowed_start_levels(user) -> list[str]:
    kind = policy.raiser_kind_for(user)
    if kind == RaiserKind.OFFICE:
        return list(LADDER)
    if kind is None:
        return []
    start = level_rank(START_LEVEL[kind])
    return [lvl for lvl in LADDER if start <= level_rank(lvl) <= level_rank(Level.DEPARTMENT)]


@transaction.atomic
def problem_raise(
    *,
    project,
    by: User,
    title: str,
    category: str,
    description: str,
    urgency: str,
    level: str | None = None,
    department: Unit | None = None,
    files: Iterable = (),
) -> Problem:
    """Raise a problem on a project. It starts at the raiser's own level (or a higher one the
    raiser chooses, up to a department) with that level's deadline."""
    if not policy.can_raise(by, project):
        raise PermissionDenied(_("You may not raise problems on %(project)s.") % {"project": project})
    kind = policy.raiser_kind_for(by)
    level = level or START_LEVEL[kind]
    if level not in allowed_start_levels(by):
        raise ServiceError(_("A problem you raise cannot start at the level %(level)s.") % {"level": Level(level).label})
    if level == Level.TOWN and not project.town_id:
        level = Level.DEPARTMENT
    if not title.strip() or not description.strip():
        raise ServiceError(_("Give the problem a title and a description."))
    unit, leader = responsible_for(project, level, category, department=department)
    now = timezone.now()
    problem = Problem(
        number=next_problem_number(timezone.localdate().year),
        project=project,
        title=title.strip(),
        category=category,
        description=description.strip(),
        urgency=urgency,
        raised_by=by,
        raiser_unit=by.unit or office_unit(),
        raiser_kind=kind,
        raised_at=now,
        level=level,
        responsible_unit=unit,
        responsible_leader=leader,
        level_since=now,
        deadline=deadline_for(category, urgency, level, timezone.localdate()),
    )
    problem.full_clean(exclude=["number"])
    problem.save()
    event = ProblemEvent.objects.create(
        problem=problem, kind=EventKind.RAISED, at=now, by=by, to_level=level, to_unit=unit, deadline=problem.deadline
    )
    _save_files(problem, event, files, by)
    if unit.pk != problem.raiser_unit_id:
        notify(NoticeKind.ASSIGNED, problem=problem, units=[unit])
    return problem


def _move(problem: Problem, *, to_level: str, by, kind: str, reason: str, department=None, today=None) -> ProblemEvent:
    today = today or timezone.localdate()
    if to_level == Level.TOWN and not problem.project.town_id:
        to_level = Level.DEPARTMENT
    unit, leader = responsible_for(problem.project, to_level, problem.category, department=department)
    event = ProblemEvent.objects.create(
        problem=problem,
        kind=kind,
        by=by,
        from_level=problem.level,
        to_level=to_level,
        from_unit=problem.responsible_unit,
        to_unit=unit,
        text=reason,
    )
    problem.level = to_level
    problem.responsible_unit = unit
    problem.responsible_leader = leader
    problem.level_since = event.at
    problem.deadline = deadline_for(problem.category, problem.urgency, to_level, today)
    event.deadline = problem.deadline
    event.save(update_fields=["deadline"])
    problem.status = ProblemStatus.OPEN
    problem.save()
    notify(NoticeKind.ESCALATED, problem=problem, units=[unit, problem.raiser_unit])
    return event


@transaction.atomic
def problem_escalate(
    *, problem: Problem, by: User, reason: str, department: Unit | None = None, files: Iterable = ()
) -> Problem:
    """Send the problem one level up by a user's decision, with a reason."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if not policy.can_escalate(by, problem):
        raise PermissionDenied(_("You may not escalate problem %(number)s.") % {"number": problem.number})
    if not reason.strip():
        raise ServiceError(_("Say why the problem goes up."))
    target = next_level(problem.level)
    event = _move(problem, to_level=target, by=by, kind=EventKind.ESCALATED, reason=reason.strip(), department=department)
    _save_files(problem, event, files, by)
    return problem


def problems_escalate_overdue(*, today: dt.date | None = None) -> list[Problem]:
    """Every open problem whose deadline has passed goes one level up by itself (one level per
    run; the new level gets a fresh deadline). A problem waiting for the raiser's confirmation
    stays where it is. Runs daily (`tuijin escalate-problems`, tuijin.schedule)."""
    today = today or timezone.localdate()
    moved = []
    candidates = (
        Problem.objects.filter(status=ProblemStatus.OPEN, deadline__lt=today)
        .exclude(level=Level.LEADER)
        .values_list("pk", flat=True)
    )
    for pk in list(candidates):
        with transaction.atomic():
            problem = Problem.objects.select_for_update().select_related("project").get(pk=pk)
            if problem.status != ProblemStatus.OPEN or problem.deadline >= today or problem.level == Level.LEADER:
                continue
            reason = _("The deadline %(date)s at the level %(level)s passed without a resolution.") % {
                "date": problem.deadline.isoformat(),
                "level": problem.get_level_display(),
            }
            _move(problem, to_level=next_level(problem.level), by=None, kind=EventKind.AUTO_ESCALATED, reason=reason, today=today)
            moved.append(problem)
    return moved


def problems_remind_near_deadline(*, today: dt.date | None = None) -> list[Problem]:
    """Notify the responsible unit once per deadline when it is NEAR_DEADLINE_DAYS away or less."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=NEAR_DEADLINE_DAYS)
    due = list(
        Problem.objects.filter(status=ProblemStatus.OPEN, deadline__gte=today, deadline__lte=horizon)
        .exclude(reminded_for=F("deadline"))
        .select_related("responsible_unit", "project")
    )
    for problem in due:
        with transaction.atomic():
            notify(NoticeKind.NEAR_DEADLINE, problem=problem, units=[problem.responsible_unit])
            Problem.objects.filter(pk=problem.pk).update(reminded_for=problem.deadline)
    return due


@transaction.atomic
def problem_reply(*, problem: Problem, by: User, text: str, files: Iterable = (), _system: bool = False) -> Problem:
    """The responsible unit replies with a proposed resolution; the raiser then confirms or reopens."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if not _system and not policy.can_reply(by, problem):
        raise PermissionDenied(_("You may not reply to problem %(number)s.") % {"number": problem.number})
    if problem.status != ProblemStatus.OPEN:
        raise ServiceError(_("Problem %(number)s is not waiting for a reply.") % {"number": problem.number})
    if not text.strip():
        raise ServiceError(_("Write the proposed resolution."))
    now = timezone.now()
    problem.status = ProblemStatus.REPLIED
    problem.resolution = text.strip()
    problem.replied_at = now
    problem.replied_by = by
    problem.save()
    event = ProblemEvent.objects.create(
        problem=problem, kind=EventKind.REPLIED, at=now, by=by, from_level=problem.level, from_unit=problem.responsible_unit,
        text=problem.resolution,
    )
    _save_files(problem, event, files, by)
    notify(NoticeKind.REPLIED, problem=problem, units=[problem.raiser_unit])
    return problem


@transaction.atomic
def problem_close(*, problem: Problem, by: User, text: str = "") -> Problem:
    """The raiser confirms the resolution: the problem is closed (销号). On time when the
    resolution came on or before the deadline of its level."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if not policy.can_close(by, problem):
        raise PermissionDenied(_("Only the raising unit confirms the closure of a problem with a proposed resolution."))
    now = timezone.now()
    problem.status = ProblemStatus.CLOSED
    problem.closed_at = now
    problem.closed_by = by
    problem.closed_on_time = timezone.localtime(problem.replied_at or now).date() <= problem.deadline
    problem.save()
    ProblemEvent.objects.create(
        problem=problem, kind=EventKind.CLOSED, at=now, by=by, from_level=problem.level, from_unit=problem.responsible_unit,
        text=text.strip(),
    )
    notify(NoticeKind.CLOSED, problem=problem, units=[problem.responsible_unit])
    return problem


@transaction.atomic
def problem_reopen(*, problem: Problem, by: User, reason: str) -> Problem:
    """The raiser refuses the proposed resolution, or reopens a closed problem. A reopened
    closed problem gets a fresh deadline at its level."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if not policy.can_reopen(by, problem):
        raise PermissionDenied(_("Only the raising unit may reopen problem %(number)s.") % {"number": problem.number})
    if not reason.strip():
        raise ServiceError(_("Say why the problem is not solved."))
    was_closed = problem.status == ProblemStatus.CLOSED
    problem.status = ProblemStatus.OPEN
    problem.closed_at = None
    problem.closed_by = None
    problem.closed_on_time = None
    if was_closed:
        problem.deadline = deadline_for(problem.category, problem.urgency, problem.level, timezone.localdate())
    problem.save()
    ProblemEvent.objects.create(
        problem=problem, kind=EventKind.REOPENED, by=by, from_level=problem.level, to_level=problem.level,
        to_unit=problem.responsible_unit, deadline=problem.deadline, text=reason.strip(),
    )
    notify(NoticeKind.REOPENED, problem=problem, units=[problem.responsible_unit])
    return problem


@transaction.atomic
def deadline_rules_save(*, by: User, values: dict[tuple[str, str, str], int]) -> int:
    """Store the office's deadline table (category × urgency × level → days). Returns rows changed.
    Problems keep the deadline they have; the new days apply from the next level they reach."""
    if not policy.can_manage_settings(by):
        raise PermissionDenied(_("Only the project office sets the ladder deadlines."))
    existing = {(r.category, r.urgency, r.level): r for r in DeadlineRule.objects.all()}
    changed = 0
    for (category, urgency, level), days in values.items():
        if not 1 <= int(days) <= 365:
            raise ServiceError(_("Each deadline is a whole number of days from 1 to 365."))
        rule = existing.get((category, urgency, level))
        if rule is None:
            DeadlineRule.objects.create(category=category, urgency=urgency, level=level, days=days)
            changed += 1
        elif rule.days != days:
            rule.days = days
            rule.save(update_fields=["days"])
            changed += 1
    return changed
