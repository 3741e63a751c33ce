"""Library boards, plan versions, submission through the pages and the review queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tuijin.projects.choices import EntryStatus, LibraryKind, NodeStatus
from tuijin.projects.models import EntryEvent, LibraryEntry, PlanEntry, PlanVersion
from tuijin.projects.services import libraries

pytestmark = pytest.mark.django_db

QUEUE = reverse("projects:review_queue")
BOARDS = reverse("projects:boards")


def _admit(cast, project, kind):
    entry = libraries.entry_submit(project=project, library=libraries.current_library(kind), by=cast.office)
    libraries.entry_first_review(entry=entry, by=cast.office)
    return libraries.entry_final_review(entry=entry, by=cast.office)


def _ready_for_annual(cast, project):
    _admit(cast, project, LibraryKind.RESERVE)
    _admit(cast, project, LibraryKind.ROLLING)
    project.nodes.filter(node_type__code__in=["signing", "approval"]).update(
        status=NodeStatus.DONE, actual_date=dt.date(2025, 1, 1), document_number="慈发改〔2025〕1号"
    )


def test_boards_show_counts_and_sums_per_library_to_every_role(cast, make_project):
    project = make_project(name="储备库项目", total_investment=Decimal("80000"))
    _admit(cast, project, LibraryKind.RESERVE)
    for who in ("office", "town", "other_town", "department", "owner", "leader"):
        response = cast.client(who).get(BOARDS)
        assert response.status_code == 200, who
        reserve = next(c for c in response.context["cards"] if c["kind"] == LibraryKind.RESERVE)
        assert reserve["count"] == 1 and reserve["total"] == Decimal("80000"), who
    other = make_project(owner=cast.other_enterprise)
    _admit(cast, other, LibraryKind.RESERVE)
    reserve = next(c for c in cast.client("owner").get(BOARDS).context["cards"] if c["kind"] == LibraryKind.RESERVE)
    assert reserve["count"] == 1  # the owner counts only its own projects


def test_boards_take_a_bounded_number_of_queries(cast, make_project, django_assert_max_num_queries):
    client = cast.client("office")
    for _ in range(6):
        _admit(cast, make_project(), LibraryKind.RESERVE)
    with django_assert_max_num_queries(14):
        assert client.get(BOARDS).status_code == 200


def test_submitting_to_the_reserve_through_the_page_shows_the_gate_and_queues_the_entry(cast, make_project):
    project = make_project(total_investment=Decimal("1000"))
    url = reverse("projects:submit", args=[project.pk, LibraryKind.RESERVE])
    client = cast.client("town")
    page = client.get(url).content.decode()
    assert "总投资 1,000 万元，低于产业的准入门槛 5,000 万元" in page
    response = client.post(url, {"source": "镇街道谋划"})
    assert response.status_code == 200
    assert "不符合五年储备库准入条件" in response.content.decode()
    assert not LibraryEntry.objects.filter(project=project).exists()
    project.total_investment = Decimal("9000")
    project.save()
    response = client.post(url, {"source": "镇街道谋划"})
    assert response.status_code == 302
    entry = LibraryEntry.objects.get(project=project)
    assert entry.status == EntryStatus.SUBMITTED and entry.source == "镇街道谋划"


def test_an_annual_submission_brings_its_plan_and_a_seasonal_split(cast, make_project):
    project = make_project(national_code="2509-330282-89-01-544070")
    _ready_for_annual(cast, project)
    url = reverse("projects:submit", args=[project.pk, LibraryKind.ANNUAL])
    response = cast.client("town").post(url, {
        "category": "new", "planned_investment": "1.2亿", "progress_target": "主体结顶", "planned_start_month": "3",
        "planned_completion": "2027-06", "split": "seasonal", "source": "",
    })
    assert response.status_code == 302
    plan = PlanEntry.objects.get(project=project)
    assert plan.planned_investment == Decimal("12000")
    months = plan.months()
    assert min(months) == 3 and sum(months.values()) == Decimal("12000")
    assert months[12] > months[4]  # the construction season's shape


def test_a_manual_split_that_does_not_add_up_is_refused_with_the_services_words(cast, make_project):
    project = make_project(national_code="2509-330282-89-01-544071")
    _ready_for_annual(cast, project)
    url = reverse("projects:submit", args=[project.pk, LibraryKind.ANNUAL])
    data = {"category": "new", "planned_investment": "1200", "split": "manual", "planned_completion": "2027-6"}
    response = cast.client("office").post(url, data | {"m1": "100"})
    assert "年-月" in response.content.decode()  # the month format
    response = cast.client("office").post(url, data | {"planned_completion": "2027-06", "m1": "100", "m2": "100"})
    assert "月度分解合计 200 万元，与年度计划 1,200 万元不一致" in response.content.decode()
    assert not PlanEntry.objects.filter(project=project).exists()


def test_an_annual_submission_after_the_plan_is_adopted_is_a_mid_year_addition(cast, make_project):
    first = make_project(national_code="2509-330282-89-01-544072")
    _ready_for_annual(cast, first)
    library = libraries.current_library(LibraryKind.ANNUAL)
    libraries.entry_submit(project=first, library=library, by=cast.office,
                           plan=libraries.PlanData(category="new", planned_investment=Decimal("100")))
    libraries.plan_freeze(year=library.start_year, by=cast.office)
    late = make_project(national_code="2509-330282-89-01-544073")
    _ready_for_annual(cast, late)
    url = reverse("projects:submit", args=[late.pk, LibraryKind.ANNUAL])
    assert "年中增补" in cast.client("town").get(url).content.decode()
    response = cast.client("town").post(url, {"category": "new", "planned_investment": "500", "split": "even",
                                               "planned_completion": ""}, follow=True)
    assert "已标记为年中增补" in response.content.decode()
    assert LibraryEntry.objects.get(project=late, library=library).is_addition


def test_the_review_queue_is_the_offices_alone(cast, make_project):
    libraries.entry_submit(project=make_project(), library=libraries.current_library(LibraryKind.RESERVE), by=cast.office)
    assert cast.client("office").get(QUEUE).status_code == 200
    for who in ("town", "other_town", "department", "owner", "leader"):
        assert cast.client(who).get(QUEUE).status_code == 403, who


def test_the_office_reviews_through_the_web_from_submission_to_admission(cast, make_project):
    project = make_project(name="待审项目")
    entry = libraries.entry_submit(project=project, library=libraries.current_library(LibraryKind.RESERVE), by=cast.town_officer)
    client = cast.client("office")
    assert "待审项目" in client.get(QUEUE).content.decode()
    client.post(reverse("projects:review_action", args=[entry.pk, "first_review"]))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.FIRST_REVIEWED
    # htmx: the row comes back in place, with the new state
    response = client.post(reverse("projects:review_action", args=[entry.pk, "final_review"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="entry-{entry.pk}"' in response.content.decode() and "已入库" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ADMITTED
    project.refresh_from_db()
    assert project.library == LibraryKind.RESERVE
    # reviewing again is refused: it is no longer in the queue
    response = client.post(reverse("projects:review_action", args=[entry.pk, "first_review"]), follow=True)
    assert "不在此环节的审核队列中" in response.content.decode()


def test_returning_needs_a_reason_and_the_reason_reaches_the_project_page(cast, make_project):
    project = make_project()
    entry = libraries.entry_submit(project=project, library=libraries.current_library(LibraryKind.RESERVE), by=cast.office)
    client = cast.client("office")
    response = client.post(reverse("projects:review_action", args=[entry.pk, "return"]), {"reason": ""}, HTTP_HX_REQUEST="true")
    assert "请说明退回理由" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    client.post(reverse("projects:review_action", args=[entry.pk, "return"]), {"reason": "请补充用地预审意见"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RETURNED
    page = cast.client("town").get(reverse("projects:tab", args=[project.pk, "plan"])).content.decode()
    assert "请补充用地预审意见" in page and "重新申报" in page


def test_withdrawal_is_requested_from_the_project_page_and_decided_in_the_queue(cast, make_project):
    project = make_project()
    entry = _admit(cast, project, LibraryKind.RESERVE)
    url = reverse("projects:withdrawal_request", args=[project.pk, entry.pk])
    # a 龙山 officer cannot ask for a 匡堰 project's withdrawal
    assert cast.client("other_town").post(url, {"reason": "不做了"}).status_code == 403
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ADMITTED
    cast.client("town").post(url, {"reason": "投资方撤资"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWAL_REQUESTED
    client = cast.client("office")
    assert "投资方撤资" in client.get(QUEUE, {"status": "withdrawal_requested"}).content.decode()
    client.post(reverse("projects:review_action", args=[entry.pk, "reject_withdrawal"]))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ADMITTED
    cast.client("town").post(url, {"reason": "投资方撤资"})
    client.post(reverse("projects:review_action", args=[entry.pk, "approve_withdrawal"]))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN
    client.post(reverse("projects:review_action", args=[entry.pk, "restore"]), {"reason": ""})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN  # a restore needs a reason
    client.post(reverse("projects:review_action", args=[entry.pk, "restore"]), {"reason": "投资方重新签约"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ADMITTED
    assert list(EntryEvent.objects.filter(entry=entry).values_list("action", flat=True))[-1] == "restore"


def test_only_the_office_posts_review_actions(cast, make_project):
    entry = libraries.entry_submit(project=make_project(), library=libraries.current_library(LibraryKind.RESERVE), by=cast.office)
    for who in ("town", "other_town", "department", "owner", "leader"):
        assert cast.client(who).post(reverse("projects:review_action", args=[entry.pk, "first_review"])).status_code == 403
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


def test_the_review_queue_takes_a_bounded_number_of_queries(cast, make_project, django_assert_max_num_queries):
    client = cast.client("office")
    for _ in range(8):
        libraries.entry_submit(project=make_project(), library=libraries.current_library(LibraryKind.RESERVE), by=cast.office)
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)
    assert len(response.context["page"].object_list) == 8


def test_plan_versions_are_frozen_by_the_office_after_confirmation_and_compared(cast, make_project):
    project = make_project(national_code="2509-330282-89-01-544074")
    _ready_for_annual(cast, project)
    library = libraries.current_library(LibraryKind.ANNUAL)
    year = library.start_year
    libraries.entry_submit(project=project, library=library, by=cast.office,
                           plan=libraries.PlanData(category="new", planned_investment=Decimal("1000")))
    url = reverse("projects:plan_freeze", args=[year])
    for who in ("town", "owner", "leader"):
        assert cast.client(who).post(url, {"confirm": "on"}).status_code == 403
    client = cast.client("office")
    client.post(url, {})  # no confirmation: nothing happens
    assert not PlanVersion.objects.filter(year=year, is_frozen=True).exists()
    response = client.post(url, {"confirm": "on", "label": ""})
    assert response.status_code == 302
    frozen = PlanVersion.objects.get(year=year, is_frozen=True)
    working = PlanVersion.objects.get(year=year, is_frozen=False)
    entry = working.entries.get()
    libraries.plan_entry_update(plan_entry=entry, by=cast.office,
                                plan=libraries.PlanData(category="new", planned_investment=Decimal("1500")))
    page = client.get(reverse("projects:plan_compare", args=[year]), {"left": frozen.number, "right": working.number})
    assert page.status_code == 200
    text = page.content.decode()
    assert "年初计划" in text and "+500" in text
    assert client.get(reverse("projects:plan_version", args=[year, frozen.number])).status_code == 200
