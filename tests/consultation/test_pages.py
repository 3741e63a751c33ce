import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from tuijin.consultation.choices import ActionStatus, Level, ProblemStatus
from tuijin.consultation.models import ActionItem, Meeting, Notice, Problem
from tuijin.consultation.services.problems import problem_escalate

pytestmark = pytest.mark.django_db
INTERNAL = ["office", "leader", "town", "other_town", "department"]


@pytest.fixture
def three(cast, make_project, raise_problem):
    """A: raised by 匡堰 on its project; B: raised by the department on a 龙山 project;
    C: raised by 龙山 on its project and sent to 住建局."""
    other = make_project(name="龙山滨海新材料项目", town=cast.other_town, owner=cast.other_enterprise)
    a = raise_problem(title="甲问题")
    b = raise_problem(by=cast.department_officer, project=other, title="乙问题")
    c = raise_problem(by=cast.other_town_officer, project=other, title="丙问题")
    problem_escalate(problem=c, by=cast.other_town_officer, reason="需住建局", department=cast.units["住建局"])
    return {"A": a, "B": b, "C": c}


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("office", "ABC"), ("leader", "ABC"), ("town", "A"), ("other_town", "BC"),
        ("department", "B"), ("owner", "A"),
    ],
)
def test_each_role_sees_its_own_problems(cast, three, who, seen):
    page = cast.client(who).get("/consultation/")
    assert page.status_code == 200
    shown = "".join(k for k, p in three.items() if f">{p.title}<" in page.content.decode())
    assert shown == seen
    for key, problem in three.items():
        detail = cast.client(who).get(f"/consultation/problems/{problem.pk}/")
        assert detail.status_code == (200 if key in seen else 403)


def test_a_department_sees_what_was_ever_assigned_to_it(cast, three):
    problem_escalate(problem=three["A"], by=cast.town_officer, reason="用地")
    problem_escalate(problem=three["A"], by=cast.office, reason="会商")
    page = cast.client("department").get("/consultation/")
    assert ">甲问题<" in page.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(cast, three):
    for url in ["/consultation/", f"/consultation/problems/{three['A'].pk}/", "/consultation/meetings/",
                "/consultation/statistics/", "/consultation/inbox/", "/consultation/actions/"]:
        response = cast.client("anonymous").get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_problem_list_filters_and_keeps_its_query_count(cast, make_project, raise_problem, django_assert_max_num_queries):
    for i in range(12):
        raise_problem(title=f"问题{i}", project=make_project())
    client = cast.client("office")
    with django_assert_max_num_queries(12):
        page = client.get("/consultation/")
    assert page.content.decode().count('href="/consultation/problems/') >= 24
    page = client.get("/consultation/?level=department")
    assert "问题3" not in page.content.decode()
    page = client.get(f"/consultation/?level=town&unit={cast.town.pk}&category=land&status=open")
    assert ">问题3<" in page.content.decode()


def test_a_town_raises_a_problem_in_the_browser_and_it_goes_to_a_meeting_and_is_closed_with_evidence(cast, project):
    town, office, dept = cast.client("town"), cast.client("office"), cast.client("department")
    form = town.get(f"/consultation/projects/{project.pk}/raise/")
    assert "提出问题" in form.content.decode()
    bad = town.post(f"/consultation/projects/{project.pk}/raise/", {
        "title": "", "category": "land", "urgency": "normal", "level": "town", "description": "x",
        "files": SimpleUploadedFile("virus.exe", b"MZ"),
    })
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "不支持 .exe 类型的文件" in body and "has-error" in body
    response = town.post(f"/consultation/projects/{project.pk}/raise/", {
        "title": "征迁协议未签", "category": "demolition", "urgency": "urgent", "level": "town",
        "description": "红线内3户未签约。", "files": SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff", content_type="image/jpeg"),
    })
    problem = Problem.objects.get(title="征迁协议未签")
    assert response.status_code == 302 and response["Location"] == f"/consultation/problems/{problem.pk}/"
    assert problem.attachments.get().name == "现场照片.jpg"
    page = town.get(response["Location"]).content.decode()
    assert "现场照片.jpg" in page and "属地镇街" in page
    assert town.post(f"/consultation/problems/{problem.pk}/escalate/", {"reason": ""}).status_code == 400
    town.post(f"/consultation/problems/{problem.pk}/escalate/", {"reason": "需部门协调", "department": cast.department.pk})
    dept.post(f"/consultation/problems/{problem.pk}/escalate/", {"reason": "需会商"})
    problem.refresh_from_db()
    assert problem.level == Level.MEETING
    office.post("/consultation/meetings/new/", {"kind": "weekly", "starts_at": "2030-03-04T14:30", "title": "", "place": "第三会议室"})
    meeting = Meeting.objects.get()
    assert list(meeting.agenda.values_list("problem", flat=True)) == [problem.pk]
    office.post(f"/consultation/meetings/{meeting.pk}/record/", {
        "leaders": [cast.leader.pk], "units": [cast.department.pk, cast.town.pk], "minutes": "限期完成征迁。",
        "copy_to": "市府办", "chair": cast.leader.pk, "place": "第三会议室",
    })
    office.post(f"/consultation/meetings/{meeting.pk}/decide/", {
        "text": "匡堰镇牵头完成征迁", "responsible_unit": cast.town.pk, "deadline": "2030-03-20", "problem": str(problem.pk),
    })
    office.post(f"/consultation/meetings/{meeting.pk}/hold/")
    action = ActionItem.objects.get()
    assert dept.post(f"/consultation/actions/{action.pk}/report/", {"evidence": "x"}).status_code == 403
    town.post(f"/consultation/actions/{action.pk}/report/", {
        "evidence": "3户均已签约", "files": SimpleUploadedFile("协议.pdf", b"%PDF-1.4", content_type="application/pdf"),
    })
    office.post(f"/consultation/actions/{action.pk}/close/")
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED and action.evidence_files.get().name == "协议.pdf"
    page = town.get(f"/consultation/problems/{problem.pk}/").content.decode()
    assert "3户均已签约" in page and "确认销号" in page
    town.post(f"/consultation/problems/{problem.pk}/close/", {"text": "同意销号"})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    minutes = Document(io.BytesIO(office.get(f"/consultation/meetings/{meeting.pk}/minutes.docx").content))
    assert any("匡堰镇牵头完成征迁" in p.text for p in minutes.paragraphs)


def test_only_the_responsible_unit_replies_and_only_the_raiser_closes(cast, three):
    a = three["A"]
    for who in ("other_town", "department", "owner", "leader"):
        assert cast.client(who).post(f"/consultation/problems/{a.pk}/reply/", {"text": "x"}).status_code in (403, 400)
    assert Problem.objects.get(pk=a.pk).status == ProblemStatus.OPEN
    cast.client("town").post(f"/consultation/problems/{a.pk}/reply/", {"text": "已协调"})
    assert cast.client("owner").post(f"/consultation/problems/{a.pk}/close/", {}).status_code in (403, 400)
    cast.client("town").post(f"/consultation/problems/{a.pk}/close/", {})
    assert Problem.objects.get(pk=a.pk).status == ProblemStatus.CLOSED


@pytest.mark.parametrize("who", ["office", "leader", "town", "other_town", "department", "owner"])
def test_meeting_pages_by_role(cast, who, three):
    from tuijin.consultation.choices import MeetingKind
    from tuijin.consultation.services.meetings import meeting_schedule

    meeting = meeting_schedule(by=cast.office, kind=MeetingKind.WEEKLY, starts_at=dt.datetime(2026, 3, 4, 6, 30, tzinfo=dt.UTC))
    client = cast.client(who)
    expected = 403 if who == "owner" else 200
    assert client.get("/consultation/meetings/").status_code == expected
    page = client.get(f"/consultation/meetings/{meeting.pk}/")
    assert page.status_code == expected
    assert client.get(f"/consultation/meetings/{meeting.pk}/agenda.docx").status_code == expected
    if expected == 200:
        assert ("新增议定事项" in page.content.decode()) == (who == "office")
    assert client.get("/consultation/meetings/new/").status_code == (200 if who == "office" else 403)
    assert client.get("/consultation/statistics/").status_code == expected
    assert client.get("/consultation/settings/deadlines/").status_code == (200 if who == "office" else 403)


def test_the_inbox_shows_the_units_notices_and_marks_them_read(cast, three):
    client = cast.client("department")
    page = client.get("/consultation/inbox/").content.decode()
    assert "丙问题" not in page  # that one went to 住建局
    problem_escalate(problem=three["A"], by=cast.town_officer, reason="用地")
    page = client.get("/consultation/inbox/").content.decode()
    assert "已提级至职能部门：甲问题" in page
    notice = Notice.objects.get(unit=cast.department)
    response = client.post(f"/consultation/inbox/{notice.pk}/open/")
    assert response["Location"] == f"/consultation/problems/{three['A'].pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert cast.client("town").post(f"/consultation/inbox/{notice.pk}/open/").status_code == 404


def test_the_project_page_has_a_problems_tab(cast, three):
    project = three["A"].project
    page = cast.client("town").get(f"/projects/{project.pk}/problems/").content.decode()
    assert "甲问题" in page and f"/consultation/projects/{project.pk}/raise/" in page
    page = cast.client("other_town").get(f"/projects/{project.pk}/problems/").content.decode()
    assert "甲问题" in page or "本项目尚未提出问题" in page
    assert f"/consultation/projects/{project.pk}/raise/" not in page


def test_the_office_edits_the_ladder_deadlines(cast):
    client = cast.client("office")
    page = client.get("/consultation/settings/deadlines/")
    data = {i["name"]: i["value"] for i in _inputs(page.content.decode())}
    data["d-land-urgent-town"] = "2"
    assert client.post("/consultation/settings/deadlines/", data).status_code == 302
    from tuijin.consultation.models import DeadlineRule

    assert DeadlineRule.days_for("land", "urgent", "town") == 2
    data["d-land-urgent-town"] = "0"
    assert client.post("/consultation/settings/deadlines/", data).status_code == 400


def _inputs(html):
    import re

    return [{"name": m[0], "value": m[1]} for m in re.findall(r'name="(d-[^"]+)" value="(\d+)"', html)]


def test_statistics_count_closures_on_time_per_unit(cast, make_project, raise_problem):
    from tuijin.consultation import selectors
    from tuijin.consultation.services.problems import problem_close, problem_reply, problems_escalate_overdue

    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(start, tick=False):
        quick = raise_problem(title="快")
        slow = raise_problem(title="慢")
        raise_problem(title="拖")
        problem_reply(problem=quick, by=cast.town_officer, text="已解决")
        problem_close(problem=quick, by=cast.town_officer)
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        problems_escalate_overdue()  # 慢 and 拖 leave the town on deadline
    slow.refresh_from_db()
    with time_machine.travel(start + dt.timedelta(days=12), tick=False):
        problem_reply(problem=slow, by=cast.department_officer, text="已调剂")
        problem_close(problem=slow, by=cast.town_officer)
    rows = {r.unit.short_name: r for r in selectors.closure_by_unit(dt.date(2026, 3, 1), dt.date(2026, 3, 31))}
    town, dept = rows["匡堰"], rows["自然资源和规划局"]
    assert (town.closed, town.closed_on_time, town.escalated_on_deadline, town.on_time_rate) == (1, 1, 2, Decimal("33.3"))
    assert (dept.closed, dept.closed_on_time, dept.overdue_open, dept.open) == (1, 1, 0, 1)
    assert dept.on_time_rate == 100
    assert (town.average_days, dept.average_days) == (Decimal("0.0"), Decimal("12.0"))  # local days, raised to closed
    assert selectors.average_days_to_close(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == 6
    assert list(selectors.overdue_problems(dt.date(2026, 4, 30))) == list(Problem.objects.filter(title="拖"))
    by_level = {r["key"]: r for r in selectors.problem_counts("level")}
    assert by_level["department"]["open"] == 1 and by_level["town"]["closed"] == 1
    page = cast.client("leader").get("/consultation/statistics/?start=2026-03-01&end=2026-03-31").content.decode()
    assert "33.3%" in page and "匡堰镇" in page


def test_the_problems_list_of_the_four_lists_counts_the_projects_problems(cast, three):
    from tuijin.projects.selectors import four_list_extras

    lines = four_list_extras(three["A"].project)["problems"]
    assert [(label, value) for label, value, _url in lines] == [("在办问题", "1 项（逾期 0 项）"), ("已销号问题", "0")]
