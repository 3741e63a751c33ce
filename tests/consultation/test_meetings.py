import datetime as dt
import io

import pytest
import time_machine
from docx import Document

from tuijin.consultation import selectors
from tuijin.consultation.choices import ActionStatus, EventKind, Level, MeetingKind, ProblemStatus
from tuijin.consultation.documents import agenda_document, minutes_document
from tuijin.consultation.models import Notice
from tuijin.consultation.services.meetings import (
    action_close,
    action_report,
    action_return,
    meeting_add_item,
    meeting_build_agenda,
    meeting_decide,
    meeting_hold,
    meeting_record,
    meeting_schedule,
)
from tuijin.consultation.services.problems import problem_close, problem_escalate
from tuijin.lib.errors import PermissionDenied, ServiceError

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def _at(day, hour=14):
    return dt.datetime(2026, 3, day, hour, 30, tzinfo=TZ)


def _to_meeting(problem, cast):
    problem = problem_escalate(problem=problem, by=cast.town_officer, reason="涉及部门")
    return problem_escalate(problem=problem, by=cast.department_officer, reason="需会商")


def test_a_problem_goes_from_a_meeting_decision_to_closure_with_evidence(cast, raise_problem):
    with time_machine.travel(_at(2, 9), tick=False):
        problem = _to_meeting(raise_problem(), cast)
        meeting = meeting_schedule(by=cast.office, kind=MeetingKind.WEEKLY, starts_at=_at(4), chair=cast.leader)
        assert meeting.doc_number == "〔2026〕1号"
        added = meeting_build_agenda(meeting=meeting, by=cast.office)
        assert [i.problem for i in added] == [problem]
        assert meeting_build_agenda(meeting=meeting, by=cast.office) == []  # not twice
    with time_machine.travel(_at(4, 16), tick=False):
        meeting_record(meeting=meeting, by=cast.office, units=[cast.department, cast.town], leaders=[cast.leader],
                       minutes="各单位抓紧落实。")
        action = meeting_decide(meeting=meeting, by=cast.office, problem=problem, text="由自然资源和规划局统筹调剂用地指标",
                                responsible_unit=cast.department, deadline=dt.date(2026, 3, 31))
        meeting_hold(meeting=meeting, by=cast.office)
    problem.refresh_from_db()
    assert problem.deadline == dt.date(2026, 3, 31)  # held at the meeting until the decision is due
    assert Notice.objects.filter(unit=cast.department, action=action, kind="action_assigned").exists()
    with time_machine.travel(_at(20), tick=False):
        with pytest.raises(PermissionDenied):
            action_report(action=action, by=cast.other_town_officer, evidence="不是我的")
        with pytest.raises(ServiceError):
            action_report(action=action, by=cast.department_officer, evidence="")
        action = action_report(action=action, by=cast.department_officer, evidence="已下达用地指标调剂通知")
        with pytest.raises(PermissionDenied):
            action_close(action=action, by=cast.department_officer)
        action = action_return(action=action, by=cast.office, reason="缺少调剂文件")
        assert action.status == ActionStatus.OPEN
        action = action_report(action=action, by=cast.department_officer, evidence="慈自然资规〔2026〕12号已下达")
        action = action_close(action=action, by=cast.office)
    assert action.status == ActionStatus.CLOSED and action.closed_on_time
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.REPLIED
    assert "慈自然资规〔2026〕12号" in problem.resolution
    problem = problem_close(problem=problem, by=cast.town_officer)
    assert problem.status == ProblemStatus.CLOSED and problem.closed_on_time
    kinds = [e.kind for e in problem.events.all()]
    assert kinds[-4:] == [EventKind.ON_AGENDA, EventKind.DECIDED, EventKind.REPLIED, EventKind.CLOSED]


def test_the_next_agenda_opens_with_the_closure_report_of_earlier_decisions(cast, raise_problem):
    with time_machine.travel(_at(2, 9), tick=False):
        first = meeting_schedule(by=cast.office, kind=MeetingKind.WEEKLY, starts_at=_at(4))
        done = meeting_decide(meeting=first, by=cast.office, text="甲事项", responsible_unit=cast.town, deadline=dt.date(2026, 3, 8))
        late = meeting_decide(meeting=first, by=cast.office, text="乙事项", responsible_unit=cast.department,
                              deadline=dt.date(2026, 3, 9))
        pending = meeting_decide(meeting=first, by=cast.office, text="丙事项", responsible_unit=cast.department,
                                 deadline=dt.date(2026, 3, 30))
        second = meeting_schedule(by=cast.office, kind=MeetingKind.WEEKLY, starts_at=_at(11))
    with time_machine.travel(_at(6), tick=False):
        action_report(action=done, by=cast.town_officer, evidence="已完成")
        action_close(action=done, by=cast.office)
    with time_machine.travel(_at(12), tick=False):  # after the second meeting: not in its report
        action_report(action=late, by=cast.department_officer, evidence="已完成")
        action_close(action=late, by=cast.office)
    report = selectors.closure_report(second)
    assert report.previous == first
    assert report.closed_since == [done]
    assert report.still_open == [late, pending]
    assert report.overdue == [late]
    assert selectors.closure_report(first).total == 0
    third = meeting_schedule(by=cast.office, kind=MeetingKind.SPECIAL, starts_at=_at(18))
    report = selectors.closure_report(third)
    assert report.closed_since == [late]
    assert report.still_open == [pending]


def test_the_minutes_read_back_as_a_government_meeting_minute(cast, raise_problem, settings):
    with time_machine.travel(_at(2, 9), tick=False):
        problem = _to_meeting(raise_problem(), cast)
        earlier = meeting_schedule(by=cast.office, kind=MeetingKind.WEEKLY, starts_at=_at(1, 9))
        meeting_decide(meeting=earlier, by=cast.office, text="上期遗留事项", responsible_unit=cast.town, deadline=dt.date(2026, 3, 3))
        meeting = meeting_schedule(by=cast.office, kind=MeetingKind.WEEKLY, starts_at=_at(4), chair=cast.leader,
                                   place="市行政中心第三会议室")
        meeting_build_agenda(meeting=meeting, by=cast.office)
        meeting_record(meeting=meeting, by=cast.office, units=[cast.department], leaders=[cast.leader], minutes="倒排工期，逐项销号。",
                       copy_to="市委办、市府办")
        meeting_decide(meeting=meeting, by=cast.office, problem=problem, text="统筹调剂用地指标", responsible_unit=cast.department,
                       cooperating="匡堰镇", deadline=dt.date(2026, 3, 31))
    doc = Document(io.BytesIO(minutes_document(meeting)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "慈溪市重大项目会商会议纪要"
    assert doc.paragraphs[0].runs[0].font.color.rgb == (0xC0, 0x00, 0x00)
    assert "〔2026〕2号" in text
    assert "一、前期议定事项销号情况" in text and "二、会议议定事项" in text
    assert "1. 关于匡堰智能家电产业园项目用地指标缺口12亩问题。统筹调剂用地指标" in text
    assert "责任单位：慈溪市自然资源和规划局；配合单位：匡堰镇；完成时限：2026年3月31日前。" in text
    assert "出席领导：leader" in text and "参会单位：慈溪市自然资源和规划局" in text
    assert "抄送：市委办、市府办。" in text
    table = doc.tables[0]
    assert [c.text for c in table.rows[1].cells] == ["1", "上期遗留事项", "匡堰镇", "2026年3月3日", "逾期未销号"]
    agenda = Document(io.BytesIO(agenda_document(meeting)))
    agenda_text = "\n".join(p.text for p in agenda.paragraphs)
    assert agenda.paragraphs[0].text == "慈溪市重大项目会商会议议程"
    assert "（一）匡堰智能家电产业园项目：用地指标缺口12亩" in agenda_text
    assert "地点：市行政中心第三会议室" in agenda_text


def test_the_office_can_put_a_lower_problem_straight_on_the_agenda(cast, raise_problem):
    problem = raise_problem()
    meeting = meeting_schedule(by=cast.office, kind=MeetingKind.SPECIAL, starts_at=_at(4))
    item = meeting_add_item(meeting=meeting, by=cast.office, problem=problem)
    problem.refresh_from_db()
    assert item.problem == problem and problem.level == Level.MEETING
    with pytest.raises(ServiceError):
        meeting_add_item(meeting=meeting, by=cast.office, problem=problem)
    with pytest.raises(ServiceError):
        meeting_hold(meeting=meeting, by=cast.office)  # no minutes yet


@pytest.mark.parametrize("who", ["town", "department", "owner", "leader"])
def test_only_the_office_runs_meetings(cast, who):
    with pytest.raises(PermissionDenied):
        meeting_schedule(by=cast.members[who], kind=MeetingKind.WEEKLY, starts_at=_at(4))
