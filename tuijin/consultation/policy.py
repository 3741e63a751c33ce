"""Who may see and do what in consultation.

Raisers: the project's owner, the project's town, any department, the office. The
responsible unit acts (replies, proposes a resolution). The raiser's unit confirms closure or
reopens. A department sees what is assigned to it (now or before) and what it raised; a town
also sees the problems of its own projects; an owner those of its own projects. The office runs
meetings; leaders read and chair.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from tuijin.orgs.choices import Role
from tuijin.orgs.policy import can_view_project, role_of

from .choices import Level, ProblemStatus, RaiserKind

INTERNAL_ROLES = (Role.OFFICE, Role.LEADER, Role.TOWN, Role.DEPARTMENT)


def raiser_kind_for(user) -> str | None:
    return {
        Role.OWNER: RaiserKind.OWNER,
        Role.TOWN: RaiserKind.TOWN,
        Role.DEPARTMENT: RaiserKind.DEPARTMENT,
        Role.OFFICE: RaiserKind.OFFICE,
    }.get(role_of(user))


def can_raise(user, project) -> bool:
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if not getattr(user, "unit_id", None):
        return False
    if role == Role.DEPARTMENT:
        return True
    if role == Role.TOWN:
        return project.town_id == user.unit_id
    if role == Role.OWNER:
        return project.owner_id == user.unit_id
    return False


def visible_problems_filter(user) -> Q:
    """A Q object on Problem limiting problems to those the user may see."""
    from .models import ProblemEvent

    role = role_of(user)
    if role in (Role.OFFICE, Role.LEADER):
        return Q()
    unit_id = getattr(user, "unit_id", None)
    if not unit_id:
        return Q(pk__in=[])
    ever_assigned = Exists(ProblemEvent.objects.filter(problem=OuterRef("pk"), to_unit_id=unit_id))
    mine = Q(raiser_unit_id=unit_id) | Q(responsible_unit_id=unit_id) | Q(ever_assigned)
    if role == Role.DEPARTMENT:
        return mine
    if role == Role.TOWN:
        return mine | Q(project__town_id=unit_id)
    if role == Role.OWNER:
        return Q(project__owner_id=unit_id)
    return Q(pk__in=[])


def can_view_problem(user, problem) -> bool:
    from .models import Problem

    if role_of(user) in (Role.OFFICE, Role.LEADER):
        return True
    if role_of(user) is None:
        return False
    return Problem.objects.filter(visible_problems_filter(user), pk=problem.pk).exists()


def is_responsible(user, problem) -> bool:
    """The unit now responsible for the problem; the office stands for the meeting and the leader."""
    role = role_of(user)
    if role == Role.OFFICE:
        return problem.level in (Level.MEETING, Level.LEADER) or problem.responsible_unit_id == user.unit_id
    return bool(getattr(user, "unit_id", None)) and problem.responsible_unit_id == user.unit_id and role != Role.LEADER


def is_raiser(user, problem) -> bool:
    if role_of(user) == Role.OFFICE and problem.raiser_kind == RaiserKind.OFFICE:
        return True
    return bool(getattr(user, "unit_id", None)) and problem.raiser_unit_id == user.unit_id and role_of(user) != Role.LEADER


def can_reply(user, problem) -> bool:
    return problem.status == ProblemStatus.OPEN and is_responsible(user, problem)


def can_escalate(user, problem) -> bool:
    if problem.status == ProblemStatus.CLOSED or problem.level == Level.LEADER:
        return False
    return role_of(user) == Role.OFFICE or is_responsible(user, problem) or is_raiser(user, problem)


def can_close(user, problem) -> bool:
    return problem.status == ProblemStatus.REPLIED and is_raiser(user, problem)


def can_reopen(user, problem) -> bool:
    return problem.status in (ProblemStatus.REPLIED, ProblemStatus.CLOSED) and is_raiser(user, problem)


def can_view_meetings(user) -> bool:
    return role_of(user) in INTERNAL_ROLES


def can_run_meetings(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_report_action(user, action) -> bool:
    if action.is_closed:
        return False
    return role_of(user) == Role.OFFICE or (
        role_of(user) in (Role.TOWN, Role.DEPARTMENT, Role.OWNER) and action.responsible_unit_id == user.unit_id
    )


def can_close_action(user, action) -> bool:
    return not action.is_closed and role_of(user) == Role.OFFICE


def can_view_statistics(user) -> bool:
    return role_of(user) in INTERNAL_ROLES


def can_manage_settings(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_view_project_problems(user, project) -> bool:
    return can_view_project(user, project)
