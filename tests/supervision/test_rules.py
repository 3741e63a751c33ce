"""Every rule at its thresholds, just inside and just outside, with a frozen clock."""

import datetime as dt
from decimal import Decimal

import time_machine

from tuijin.consultation.models import Problem
from tuijin.projects.choices import PlanCategory, Stage
from tuijin.projects.models import Node
from tuijin.reporting.models import MonthlyReport
from tuijin.supervision.models import Light
from tuijin.supervision.services.scan import scan_run

from .conftest import colour_of, light_of, start

OCT_10 = "2026-10-10 09:00 +0800"  # reports due up to September: schedule 900 of 1,200 = 75%


def reports_totalling(total: str) -> dict[int, str]:
    """Nine monthly reports adding up to ``total``."""
    amount = Decimal(total)
    per = (amount / 9).quantize(Decimal("0.0001"))
    months = dict.fromkeys(range(1, 9), str(per))
    months[9] = str(amount - per * 8)
    return months


@time_machine.travel(OCT_10, tick=False)
def test_behind_schedule_is_yellow_from_10_points_and_red_beyond_30(plan_project):
    cases = {"781.2": None, "780": "yellow", "540": "yellow", "538.8": "red"}  # 9.9, 10, 30, 30.1 points behind
    projects = {done: plan_project(reports=reports_totalling(done)) for done in cases}
    scan_run()
    for done, colour in cases.items():
        assert colour_of(projects[done], "behind_schedule") == colour, done
    light = light_of(projects["538.8"], "behind_schedule")
    assert "44.9%" in light.reason and "75.0%" in light.reason and "30.1" in light.reason


@time_machine.travel(OCT_10, tick=False)
def test_a_missed_start_is_yellow_in_the_first_month_and_red_after_three(plan_project):
    cases = {10: None, 9: "yellow", 8: "yellow", 7: "red"}
    projects = {m: plan_project(planned=0, category=PlanCategory.NEW, start_month=m, monthly=None) for m in cases}
    started = plan_project(planned=0, category=PlanCategory.NEW, start_month=7, monthly=None)
    start(started, dt.date(2026, 9, 1))
    scan_run()
    for month, colour in cases.items():
        assert colour_of(projects[month], "start_missed") == colour, month
    assert colour_of(started, "start_missed") is None
    assert "3" in light_of(projects[7], "start_missed").reason


@time_machine.travel(OCT_10, tick=False)
def test_a_missed_completion_is_yellow_then_red_after_three_months(plan_project):
    cases = {"2026-10": None, "2026-09": "yellow", "2026-08": "yellow", "2026-07": "red"}
    projects = {c: plan_project(completion=c, monthly=None) for c in cases}
    for project in projects.values():
        project.stage = Stage.CONSTRUCTION
        project.save()
    scan_run()
    for when, colour in cases.items():
        assert colour_of(projects[when], "completion_missed") == colour, when


@time_machine.travel(OCT_10, tick=False)
def test_a_node_past_its_time_limit_is_yellow_and_red_after_thirty_days(plan_project):
    today = dt.date(2026, 10, 10)
    cases = {0: None, 1: "yellow", 30: "yellow", 31: "red"}
    projects = {}
    for days, _colour in cases.items():
        project = plan_project(monthly=None)
        Node.objects.filter(project=project, node_type__code="eia").update(due_date=today - dt.timedelta(days=days))
        projects[days] = project
    scan_run()
    for days, colour in cases.items():
        assert colour_of(projects[days], "node_overdue") == colour, days
    assert "31" in light_of(projects[31], "node_overdue").reason


@time_machine.travel(OCT_10, tick=False)
def test_no_monthly_report_is_yellow_for_one_month_and_red_for_two(plan_project):
    both = plan_project(reports={8: "100", 9: "100"})
    one = plan_project(reports={8: "100"})
    none = plan_project(reports={7: "100"})
    scan_run()
    assert colour_of(both, "no_report") is None
    assert colour_of(one, "no_report") == "yellow"
    assert colour_of(none, "no_report") == "red"


@time_machine.travel("2026-10-05 09:00 +0800", tick=False)
def test_a_report_is_not_missing_before_its_filing_deadline(plan_project):
    project = plan_project(reports={7: "100", 8: "100"})  # September's report is due by 5 October
    scan_run()
    assert colour_of(project, "no_report") is None


def test_started_but_not_registered_turns_yellow_after_one_month_and_red_after_two(plan_project):
    project = plan_project(monthly=None)
    registered = plan_project(monthly=None)
    small = plan_project(monthly=None, total_investment=Decimal("400"))
    for p in (project, registered, small):
        start(p, dt.date(2026, 9, 10))
    MonthlyReport.objects.filter(project=registered).delete()
    from tests.race.conftest import add_reports

    add_reports(registered, 2026, {9: "10"})
    MonthlyReport.objects.filter(project=registered).update(is_registered=True)
    for day, colour in (("2026-10-09", None), ("2026-10-10", "yellow"), ("2026-11-09", "yellow"), ("2026-11-10", "red")):
        with time_machine.travel(f"{day} 09:00 +0800", tick=False):
            scan_run()
        assert colour_of(project, "not_registered") == colour, day
    assert colour_of(registered, "not_registered") is None
    assert colour_of(small, "not_registered") is None


@time_machine.travel(OCT_10, tick=False)
def test_a_problem_past_its_deadline_is_yellow_and_red_after_thirty_days(plan_project, cast):
    today = dt.date(2026, 10, 10)
    projects = {}
    for days in (0, 1, 30, 31):
        project = plan_project(monthly=None)
        Problem.objects.create(
            number=f"WT{days}", project=project, title=f"用地问题{days}", category="land", description="缺用地指标",
            raised_by=cast.town_officer, raiser_unit=cast.town, raiser_kind="town", level="town",
            responsible_unit=cast.town, deadline=today - dt.timedelta(days=days))
        projects[days] = project
    scan_run()
    assert [colour_of(projects[d], "problem_overdue") for d in (0, 1, 30, 31)] == [None, "yellow", "yellow", "red"]
    assert "用地问题31" in light_of(projects[31], "problem_overdue").reason


def test_two_yellows_in_a_row_make_red_and_a_light_clears_itself_when_its_cause_goes(plan_project):
    project = plan_project(monthly=None)
    Node.objects.filter(project=project, node_type__code="eia").update(due_date=dt.date(2026, 9, 25))
    with time_machine.travel("2026-09-30 20:00 +0800", tick=False):
        scan_run()
    assert colour_of(project, "node_overdue") == "yellow"
    assert colour_of(project, "two_yellows") is None
    with time_machine.travel("2026-10-02 20:00 +0800", tick=False):
        scan_run()  # yellow at the end of September and still yellow in October
    assert colour_of(project, "node_overdue") == "yellow"
    two = light_of(project, "two_yellows")
    assert two.colour == "red" and "2026-09-30" in two.reason
    Node.objects.filter(project=project, node_type__code="eia").update(status="done", actual_date=dt.date(2026, 10, 3))
    with time_machine.travel("2026-10-04 20:00 +0800", tick=False):
        run = scan_run()
    watched = Light.objects.filter(project=project, rule__in=["node_overdue", "two_yellows"])
    assert watched.filter(cleared_on__isnull=True).count() == 0
    history = watched.order_by("first_seen", "pk")
    assert [(h.rule, h.cleared_on.isoformat()) for h in history] == [("node_overdue", "2026-10-04"), ("two_yellows", "2026-10-04")]
    assert run.cleared == 2


def test_a_colour_change_closes_the_yellow_light_and_opens_a_red_one(plan_project):
    project = plan_project(monthly=None)
    Node.objects.filter(project=project, node_type__code="eia").update(due_date=dt.date(2026, 10, 1))
    with time_machine.travel("2026-10-10 09:00 +0800", tick=False):
        scan_run()
    with time_machine.travel("2026-11-05 09:00 +0800", tick=False):
        scan_run()
    lights = list(Light.objects.filter(project=project, rule="node_overdue").order_by("pk"))
    assert [(lt.colour, lt.cleared_on is None) for lt in lights] == [("yellow", False), ("red", True)]
    assert lights[0].cleared_reason


def test_an_inactive_rule_raises_nothing(plan_project):
    from tuijin.supervision.models import LightRule

    project = plan_project(monthly=None)
    Node.objects.filter(project=project, node_type__code="eia").update(due_date=dt.date(2026, 9, 1))
    LightRule.objects.filter(code="node_overdue").update(is_active=False)
    with time_machine.travel(OCT_10, tick=False):
        scan_run()
    assert colour_of(project, "node_overdue") is None


def test_thresholds_are_configurable(plan_project):
    from tuijin.supervision.models import LightRule

    project = plan_project(reports=reports_totalling("780"))  # 10 points behind
    LightRule.objects.filter(code="behind_schedule").update(yellow_at=Decimal(5), red_at=Decimal(8))
    with time_machine.travel(OCT_10, tick=False):
        scan_run()
    assert colour_of(project, "behind_schedule") == "red"
