"""Supervision pages for the whole cast."""

import datetime as dt

import pytest
import time_machine

from tuijin.projects.models import Node
from tuijin.supervision.choices import OrderKind, OrderStatus
from tuijin.supervision.models import Bulletin, Order
from tuijin.supervision.services.orders import order_issue
from tuijin.supervision.services.scan import scan_run
from tuijin.supervision.views import project_tab


@pytest.fixture
def lit(plan_project, cast):
    project = plan_project(name="亮灯工程", monthly=None, category="preparation")
    Node.objects.filter(project=project, node_type__code="eia").update(due_date=dt.date(2026, 9, 1))
    with time_machine.travel("2026-10-10 09:00 +0800", tick=False):
        scan_run()
    return project


@pytest.mark.parametrize("who,status", [("office", 200), ("leader", 200), ("town", 200), ("other_town", 200),
                                        ("department", 200), ("owner", 403), ("anonymous", 302)])
def test_the_warning_board_by_role(cast, lit, who, status):
    response = cast.client(who).get("/supervision/")
    assert response.status_code == status
    if status == 200:
        assert "亮灯工程" in response.content.decode()


def test_the_board_filters_by_colour_and_rule_with_constant_queries(cast, lit, plan_project, django_assert_max_num_queries):
    client = cast.client("office")
    assert "亮灯工程" not in client.get("/supervision/?colour=yellow&rule=node_overdue").content.decode()
    assert "亮灯工程" in client.get("/supervision/?colour=red&rule=node_overdue").content.decode()
    with django_assert_max_num_queries(16):
        client.get("/supervision/")


def test_only_the_office_runs_the_scan(cast, lit):
    assert cast.client("town").post("/supervision/scan/").status_code == 403
    assert cast.client("office").post("/supervision/scan/").status_code == 302


def test_the_project_tab_shows_reasons_to_who_may_see_the_project(cast, lit, rf):
    request = rf.get("/")
    request.user = cast.owner
    assert "亮灯工程" not in project_tab(request, lit) or "天" in project_tab(request, lit)
    html = project_tab(request, lit)
    assert "环评" in html  # the owner's own project: reason with the node and days
    other = cast.client("other_town").get(f"/supervision/project/{lit.pk}/")
    assert other.status_code == 200 and "环评" in other.content.decode()
    from tuijin.orgs.models import User

    stranger = User.objects.create_user(username="stranger", password="x" * 12, role="owner", unit=cast.other_enterprise)
    request.user = stranger
    assert project_tab(request, lit) == ""


def test_the_order_inbox_is_per_unit_and_the_unit_answers_in_the_browser(cast, lit):
    order = order_issue(kind=OrderKind.REMINDER, unit=cast.town, projects=[lit], by=cast.office,
                        subject="关于亮灯工程的提醒函", body="请整改")
    assert "关于亮灯工程的提醒函" in cast.client("town").get("/supervision/orders/").content.decode()
    assert "关于亮灯工程的提醒函" not in cast.client("other_town").get("/supervision/orders/").content.decode()
    assert cast.client("other_town").get(f"/supervision/orders/{order.pk}/").status_code == 403
    response = cast.client("town").post(f"/supervision/orders/{order.pk}/", {"step": "reply", "plan": "倒排工期",
                                                                            "rectify_by": "2099-01-01"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.REPLIED
    response = cast.client("office").post(f"/supervision/orders/{order.pk}/", {"step": "decide", "decision": "escalate",
                                                                             "comment": ""})
    assert "请说明理由" in response.content.decode() or "Say why" in response.content.decode()
    cast.client("office").post(f"/supervision/orders/{order.pk}/", {"step": "decide", "decision": "accept", "comment": "同意"})
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED


def test_issuing_an_order_from_a_light(cast, lit):
    client = cast.client("office")
    form = client.get(f"/supervision/orders/new/?project={lit.pk}").content.decode()
    assert "亮灯工程" in form
    response = client.post("/supervision/orders/new/", {"kind": "assignment", "unit": cast.town.pk, "projects": [lit.pk],
                                                        "subject": "关于亮灯工程的交办函", "body": "请整改", "reply_due": "2099-01-01"})
    assert response.status_code == 302
    assert Order.objects.get().kind == OrderKind.ASSIGNMENT
    assert cast.client("town").get("/supervision/orders/new/").status_code == 403


def test_the_bulletin_button_makes_a_word_file_everyone_on_the_board_can_download(cast, lit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert cast.client("town").post("/supervision/bulletins/", {"period": "2026-10"}).status_code == 403
    assert cast.client("office").post("/supervision/bulletins/", {"period": "2026-Q3"}).status_code == 200  # a month only
    assert cast.client("office").post("/supervision/bulletins/", {"period": "2026-10"}).status_code == 302
    bulletin = Bulletin.objects.get()
    response = cast.client("leader").get(f"/supervision/bulletins/{bulletin.pk}/download/")
    assert response.status_code == 200 and response["Content-Disposition"].endswith(".docx")
