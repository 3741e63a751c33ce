"""A town officer raises a problem on a project; it passes its deadline at the department, the
daily ladder run sends it up to the consultation meeting, and the project office puts it on the
agenda of the next 会商日."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tuijin.consultation.choices import EventKind, Level, ProblemStatus
from tuijin.consultation.models import Meeting, Problem

from .conftest import JOURNEY

pytestmark = JOURNEY
TITLE = "北区95亩用地预审意见迟迟未出，影响二期开工"


@pytest.fixture
def clock():
    """Monday 2 November 2026, 9 o'clock; the test moves the clock on."""
    with time_machine.travel("2026-11-02 09:00 +0800") as traveller:
        yield traveller


@pytest.fixture
def project(clock, make_project):
    return make_project(name="匡堰智能家电产业园项目")


def test_a_town_problem_passes_its_deadline_and_goes_on_a_meeting_agenda(browsing, cast, clock, project):
    # The town officer raises the problem from the project page, straight to the department.
    town = browsing.sign_in("town")
    browsing.menu(town, "项目库")
    town.get_by_role("link", name=project.name).click()
    town.locator(".tabs").get_by_role("link", name="问题").click()
    expect(town.get_by_role("heading", name="本项目问题清单")).to_be_visible()
    town.get_by_role("link", name="提出问题").click()
    town.get_by_label("标题").fill(TITLE)
    town.get_by_label("问题类别").select_option(label="审批")
    town.get_by_label("紧急程度").select_option(label="特急")
    town.get_by_label("提交层级").select_option(label="职能部门")
    town.get_by_label("部门", exact=True).select_option(label=str(cast.department))
    town.get_by_label("问题描述").fill("二期北区95亩用地预审材料10月已报送，至今未出具预审意见，需自然资源和规划局加快审查。")
    town.get_by_role("button", name="提交问题").click()

    expect(town.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(town.locator(".msg-success")).to_contain_text(str(cast.department))
    expect(town.locator(".stepper .step.current")).to_have_text("职能部门")
    problem = Problem.objects.get(title=TITLE)
    assert (problem.level, problem.responsible_unit, problem.raised_by) == (Level.DEPARTMENT, cast.department, cast.town_officer)
    assert problem.deadline == dt.date(2026, 11, 5)  # a critical approvals problem: 10 days / 3 at a department
    expect(town.locator("dl.facts")).to_contain_text("2026-11-05")

    # Nobody answers. On Friday the daily ladder run finds the deadline passed.
    clock.move_to("2026-11-06 01:00 +0800")
    out = io.StringIO()
    call_command("escalate-problems", stdout=out)
    assert "Escalated 1 problem(s)" in out.getvalue()
    problem.refresh_from_db()
    assert (problem.level, problem.status) == (Level.MEETING, ProblemStatus.OPEN)
    assert problem.events.filter(kind=EventKind.AUTO_ESCALATED, by=None, to_level=Level.MEETING).exists()

    # The project office schedules Monday's 会商日; the agenda picks the problem up.
    clock.move_to("2026-11-06 10:00 +0800")
    office = browsing.sign_in("office")
    browsing.menu(office, "会商会议")
    expect(office.locator("main .page-head")).to_contain_text("有 1 个提级问题等待会商")
    office.get_by_role("link", name="安排会商会议").click()
    office.get_by_label("类型").select_option(label="周会商日")
    office.get_by_label("时间").fill("2026-11-09T14:30")
    office.get_by_label(re.compile("^(地点|位置)$")).fill("第三会议室")  # the catalogue of reporting says 位置
    office.get_by_role("button", name="安排会议并生成议程").click()

    expect(office.locator(".msg-success")).to_contain_text("议程包含 1 个提级问题")
    agenda = office.locator("#agenda")
    expect(agenda.get_by_role("link", name=f"{project.name}：{TITLE}")).to_be_visible()
    meeting = Meeting.objects.get()
    assert f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}" == "2026-11-09 14:30"
    assert meeting.place == "第三会议室"
    assert list(meeting.agenda.values_list("problem", flat=True)) == [problem.pk]
    assert problem.events.filter(kind=EventKind.ON_AGENDA, by=cast.office).exists()

    # The town officer, signed in again that day, follows the problem to the meeting.
    town = browsing.sign_in("town")
    town.goto(browsing.url(problem.get_absolute_url()))
    expect(town.locator(".stepper .step.current")).to_have_text("会商会议")
    timeline = town.locator(".timeline")
    expect(timeline).to_contain_text("逾期自动提级")
    expect(timeline).to_contain_text("系统（逾期自动）")
    expect(timeline).to_contain_text("列入会商议题")
    expect(timeline).to_contain_text(meeting.title)
    browsing.shot(town, "problem-on-the-agenda")

