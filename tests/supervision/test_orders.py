"""Three-colour orders: issue, reply, accept, return, escalate by decision and by time."""

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry

from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.supervision.choices import OrderAction, OrderKind, OrderStatus
from tuijin.supervision.models import Order
from tuijin.supervision.services.orders import (
    order_accept,
    order_escalate,
    order_issue,
    order_reply,
    order_return,
    orders_escalate_overdue,
)

NOV_2 = "2026-11-02 10:00 +0800"


@pytest.fixture
def order(cast, make_project):
    with time_machine.travel(NOV_2, tick=False):
        return order_issue(kind=OrderKind.REMINDER, unit=cast.town, projects=[make_project()], by=cast.office,
                           subject="关于测试项目进度滞后的提醒函", body="请报送整改计划", reply_due=dt.date(2026, 11, 12))


def test_the_office_issues_numbered_orders_and_nobody_else_may(cast, make_project, order):
    assert order.number == "慈发改提醒〔2026〕1号" and order.status == OrderStatus.ISSUED
    for who in ("town", "department", "leader", "owner"):
        with pytest.raises(PermissionDenied):
            order_issue(kind=OrderKind.REMINDER, unit=cast.town, projects=[make_project()], by=cast.members[who],
                        subject="x", body="y")


def test_the_unit_replies_and_the_office_accepts(cast, order):
    with pytest.raises(PermissionDenied):
        order_reply(order=order, by=cast.other_town_officer, plan="计划", rectify_by=dt.date(2026, 12, 1))
    order_reply(order=order, by=cast.town_officer, plan="倒排工期，月底完成", rectify_by=dt.date(2026, 12, 1))
    with pytest.raises(PermissionDenied):
        order_accept(order=order, by=cast.town_officer)
    order = order_accept(order=order, by=cast.office, comment="同意")
    assert order.status == OrderStatus.ACCEPTED
    assert [e.action for e in order.events.all()] == [OrderAction.ISSUE, OrderAction.REPLY, OrderAction.ACCEPT]
    assert LogEntry.objects.get_for_object(order).exists()


def test_a_returned_plan_waits_for_a_new_reply(cast, order):
    order_reply(order=order, by=cast.town_officer, plan="计划", rectify_by=dt.date(2026, 12, 1))
    with pytest.raises(ServiceError):
        order_return(order=order, by=cast.office, reason="")
    order = order_return(order=order, by=cast.office, reason="措施不具体")
    assert order.status == OrderStatus.ISSUED


def test_escalation_goes_blue_yellow_red_and_stops_there(cast, order):
    yellow = order_escalate(order=order, by=cast.office, reason="整改不力")
    red = order_escalate(order=yellow, by=cast.office, reason="仍未整改")
    order.refresh_from_db()
    assert (order.status, yellow.kind, red.kind) == (OrderStatus.ESCALATED, OrderKind.ASSIGNMENT, OrderKind.SUPERVISION)
    assert red.parent == yellow and list(red.projects.all()) == list(order.projects.all())
    assert red.number == "慈发改督办〔2026〕1号"
    with pytest.raises(ServiceError):
        order_escalate(order=red, by=cast.office, reason="再升级")


def test_an_order_not_answered_by_its_deadline_escalates_by_rule_the_day_after(cast, order):
    with time_machine.travel("2026-11-12 23:00 +0800", tick=False):
        assert orders_escalate_overdue() == []  # the deadline day itself still counts
    with time_machine.travel("2026-11-13 01:00 +0800", tick=False):
        escalated = orders_escalate_overdue()
    assert len(escalated) == 1 and escalated[0].kind == OrderKind.ASSIGNMENT
    order.refresh_from_db()
    assert order.status == OrderStatus.ESCALATED
    assert order.events.last().action == OrderAction.AUTO_ESCALATE
    assert "2026-11-12" in order.events.last().text


def test_a_replied_order_does_not_escalate_by_time(cast, order):
    order_reply(order=order, by=cast.town_officer, plan="计划", rectify_by=dt.date(2026, 12, 1))
    with time_machine.travel("2026-11-20 01:00 +0800", tick=False):
        assert orders_escalate_overdue() == []
    assert Order.objects.count() == 1
