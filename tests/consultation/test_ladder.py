import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from tuijin.consultation.choices import EventKind, Level, ProblemCategory, ProblemStatus, Urgency
from tuijin.consultation.models import DeadlineRule, Notice, Problem
from tuijin.consultation.services.problems import (
    problem_close,
    problem_escalate,
    problem_reopen,
    problem_reply,
    problems_escalate_overdue,
)
from tuijin.lib.errors import PermissionDenied, ServiceError

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@time_machine.travel(START, tick=False)
def test_a_town_problem_starts_at_the_town_with_the_default_deadline(cast, raise_problem):
    problem = raise_problem()
    assert problem.number == "2026-0001"
    assert problem.level == Level.TOWN
    assert problem.responsible_unit == cast.town
    assert problem.deadline == dt.date(2026, 3, 9)  # 7 days at the town
    assert [e.kind for e in problem.events.all()] == [EventKind.RAISED]


@time_machine.travel(START, tick=False)
def test_the_office_setting_decides_the_deadline_by_category_and_urgency(cast, raise_problem):
    DeadlineRule.objects.create(category=ProblemCategory.LAND, urgency=Urgency.URGENT, level=Level.TOWN, days=2)
    urgent = raise_problem(urgency=Urgency.URGENT)
    normal = raise_problem()
    funds = raise_problem(category=ProblemCategory.FUNDS, urgency=Urgency.CRITICAL)
    assert urgent.deadline == dt.date(2026, 3, 4)
    assert normal.deadline == dt.date(2026, 3, 9)
    assert funds.deadline == dt.date(2026, 3, 4)  # default: 7 days / 3, rounded


def test_an_owner_problem_climbs_every_rung_to_the_county_leader(cast, make_project, raise_problem):
    project = make_project(leader=cast.leader)
    problem = raise_problem(by=cast.owner, project=project)
    assert (problem.level, problem.responsible_unit) == (Level.OWNER, cast.enterprise)
    problem = problem_escalate(problem=problem, by=cast.owner, reason="需镇里协调村民")
    assert (problem.level, problem.responsible_unit) == (Level.TOWN, cast.town)
    problem = problem_escalate(problem=problem, by=cast.town_officer, reason="涉及用地指标")
    assert (problem.level, problem.responsible_unit) == (Level.DEPARTMENT, cast.department)
    problem = problem_escalate(problem=problem, by=cast.department_officer, reason="需多部门会商")
    assert problem.level == Level.MEETING
    assert problem.responsible_unit.short_name == "发改局"
    problem = problem_escalate(problem=problem, by=cast.office, reason="会商未果，提请领导协调")
    assert problem.level == Level.LEADER
    assert problem.responsible_leader == cast.leader
    with pytest.raises(PermissionDenied):
        problem_escalate(problem=problem, by=cast.office, reason="没有更高一级")
    ladder = [(e.from_level, e.to_level, e.by, e.text) for e in problem.events.filter(kind=EventKind.ESCALATED)]
    assert ladder[0] == (Level.OWNER, Level.TOWN, cast.owner, "需镇里协调村民")
    assert len(ladder) == 4


def test_escalation_needs_a_reason_and_a_party_to_the_problem(cast, raise_problem):
    problem = raise_problem()
    with pytest.raises(ServiceError):
        problem_escalate(problem=problem, by=cast.town_officer, reason="  ")
    with pytest.raises(PermissionDenied):
        problem_escalate(problem=problem, by=cast.other_town_officer, reason="不是我的")
    with pytest.raises(PermissionDenied):
        problem_escalate(problem=problem, by=cast.leader, reason="领导只读")


def test_a_department_can_be_chosen_on_escalation(cast, raise_problem):
    problem = raise_problem()
    zhujian = cast.units["住建局"]
    problem = problem_escalate(problem=problem, by=cast.town_officer, reason="涉及施工许可", department=zhujian)
    assert problem.responsible_unit == zhujian
    assert Notice.objects.filter(unit=zhujian, problem=problem, kind="escalated").exists()


def test_the_deadline_passing_escalates_the_problem_by_itself(cast, raise_problem):
    with time_machine.travel(START, tick=False):
        problem = raise_problem()
    with time_machine.travel(START + dt.timedelta(days=7), tick=False):  # deadline day: not yet
        assert problems_escalate_overdue() == []
    with time_machine.travel(START + dt.timedelta(days=8), tick=False):
        moved = problems_escalate_overdue()
    problem.refresh_from_db()
    assert moved == [problem]
    assert problem.level == Level.DEPARTMENT
    assert problem.responsible_unit == cast.department
    assert problem.deadline == dt.date(2026, 3, 10) + dt.timedelta(days=20)  # land: 10 + 10 at a department
    event = problem.events.get(kind=EventKind.AUTO_ESCALATED)
    assert event.by is None
    assert "2026-03-09" in event.text
    assert Notice.objects.filter(unit=cast.department, problem=problem, kind="escalated").exists()


def test_the_command_escalates_as_of_a_given_day_and_spares_problems_waiting_for_confirmation(cast, raise_problem, capsys):
    with time_machine.travel(START, tick=False):
        waiting = raise_problem(title="待确认")
        problem_reply(problem=waiting, by=cast.town_officer, text="已协调完毕")
        late = raise_problem(title="逾期")
    call_command("escalate-problems", "--today=2026-03-20")
    assert Problem.objects.get(pk=late.pk).level == Level.DEPARTMENT
    assert Problem.objects.get(pk=waiting.pk).level == Level.TOWN
    assert "Escalated 1 problem(s)" in capsys.readouterr().out


def test_the_raiser_confirms_the_resolution_and_it_counts_as_on_time(cast, raise_problem):
    with time_machine.travel(START, tick=False):
        problem = raise_problem(by=cast.owner)
        problem = problem_escalate(problem=problem, by=cast.owner, reason="需镇协调")
    with time_machine.travel(START + dt.timedelta(days=3), tick=False):
        with pytest.raises(PermissionDenied):
            problem_reply(problem=problem, by=cast.other_town_officer, text="不是我的")
        problem = problem_reply(problem=problem, by=cast.town_officer, text="已与村里协调，下周交地")
        with pytest.raises(PermissionDenied):
            problem_close(problem=problem, by=cast.town_officer)
    with time_machine.travel(START + dt.timedelta(days=30), tick=False):
        problem = problem_close(problem=problem, by=cast.owner)
    assert problem.status == ProblemStatus.CLOSED
    assert problem.closed_on_time is True
    assert Notice.objects.filter(unit=cast.town, problem=problem, kind="closed").exists()


def test_a_late_resolution_is_closed_but_not_on_time(cast, raise_problem):
    with time_machine.travel(START, tick=False):
        problem = raise_problem(by=cast.town_officer, level=Level.DEPARTMENT)
    with time_machine.travel(START + dt.timedelta(days=25), tick=False):
        problem = problem_reply(problem=problem, by=cast.department_officer, text="已调剂指标")
        problem = problem_close(problem=problem, by=cast.town_officer)
    assert problem.closed_on_time is False


def test_the_raiser_reopens_a_refused_or_closed_resolution(cast, raise_problem):
    with time_machine.travel(START, tick=False):
        problem = raise_problem(by=cast.owner)
        problem = problem_reply(problem=problem, by=cast.owner, text="自行解决")
        with pytest.raises(ServiceError):
            problem_reopen(problem=problem, by=cast.owner, reason="")
        problem = problem_reopen(problem=problem, by=cast.owner, reason="方案不可行")
        assert problem.status == ProblemStatus.OPEN
        problem = problem_reply(problem=problem, by=cast.owner, text="换方案")
        problem = problem_close(problem=problem, by=cast.owner)
    with time_machine.travel(START + dt.timedelta(days=40), tick=False):
        problem = problem_reopen(problem=problem, by=cast.owner, reason="问题复发")
    assert problem.status == ProblemStatus.OPEN
    assert problem.closed_at is None
    assert problem.deadline == dt.date(2026, 4, 11) + dt.timedelta(days=7)
    assert [e.kind for e in problem.events.all()] == [
        EventKind.RAISED, EventKind.REPLIED, EventKind.REOPENED, EventKind.REPLIED, EventKind.CLOSED, EventKind.REOPENED,
    ]


def test_who_may_raise_on_a_project(cast, raise_problem, make_project):
    other = make_project(town=cast.other_town, owner=cast.other_enterprise)
    assert raise_problem(by=cast.department_officer, project=other).level == Level.DEPARTMENT
    assert raise_problem(by=cast.office, project=other).level == Level.DEPARTMENT
    for who in (cast.town_officer, cast.owner, cast.leader):
        with pytest.raises(PermissionDenied):
            raise_problem(by=who, project=other)
    with pytest.raises(ServiceError):
        raise_problem(by=cast.town_officer, level=Level.MEETING)


def test_the_daily_task_is_scheduled_and_escalates(cast, raise_problem):
    from django.conf import settings

    from tuijin.consultation.tasks import escalate_problems

    entry = settings.CELERY_BEAT_SCHEDULE["escalate-problems"]
    assert entry["task"] == escalate_problems.name
    with time_machine.travel(START, tick=False):
        problem = raise_problem()
    with time_machine.travel(START + dt.timedelta(days=9), tick=False):
        assert escalate_problems.delay().get() == {"escalated": 1, "reminded": 0}
    problem.refresh_from_db()
    assert problem.level == Level.DEPARTMENT


def test_problem_numbers_keep_counting_past_9999(raise_problem):
    from tuijin.consultation.models import Problem

    first = raise_problem()
    year = first.number.split("-")[0]
    Problem.objects.filter(pk=first.pk).update(number=f"{year}-9999")
    assert raise_problem().number == f"{year}-10000"
    assert raise_problem().number == f"{year}-10001"
