import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tuijin.breakthroughs.models import StartRateTarget
from tuijin.breakthroughs.selectors import panels
from tuijin.projects.choices import NodeStatus
from tuijin.projects.models import Node, NodeType
from tuijin.projects.services.registry import project_soft_delete

from .helpers import plan_entry, set_node

D = Decimal
TODAY = dt.date(2026, 7, 15)


@pytest.fixture
def starts(make_project):
    """Five new starts of 2026: two started (one 10 days late), one planned for May not started
    (overdue), one planned for July (due this month), one for September; one continuing project."""
    rows = {}
    for name, month in (("A", 3), ("B", 4), ("C", 5), ("D", 7), ("E", 9)):
        rows[name] = make_project(name=f"新开工{name}")
        plan_entry(rows[name], year=2026, month=month)
    plan_entry(make_project(name="续建"), year=2026, category="continuing")
    set_node(rows["A"], "start", planned=dt.date(2026, 3, 10), done=dt.date(2026, 3, 8))
    set_node(rows["B"], "start", planned=dt.date(2026, 4, 10), done=dt.date(2026, 4, 20))
    return rows


@time_machine.travel(dt.datetime(2026, 7, 15, 10, tzinfo=dt.UTC))
def test_the_starts_panel_on_hand_computed_data(starts):
    panel = panels.starts_panel(2026, TODAY)
    assert panel["total"] == 5
    assert panel["started"] == 2
    assert panel["rate"] == D("40.0")
    assert (panel["checkpoint"], panel["target"]) == (9, D(85))  # July: the September checkpoint applies
    assert panel["overdue"] == 1          # C: May passed
    assert panel["due_this_month"] == 1   # D: July
    assert panel["avg_delay_days"] == 4.0  # (−2 + 10) / 2
    assert panel["late_starts"] == 1
    assert panel["cumulative_rates"][2:4] == [D("20.0"), D("40.0")]


@time_machine.travel(dt.datetime(2026, 7, 15, 10, tzinfo=dt.UTC))
def test_start_targets_are_configurable(starts):
    StartRateTarget.objects.create(month=6, rate=D(50))
    StartRateTarget.objects.create(month=12, rate=D(100))
    panel = panels.starts_panel(2026, TODAY)
    assert (panel["checkpoint"], panel["target"]) == (12, D(100))


@time_machine.travel(dt.datetime(2026, 7, 15, 10, tzinfo=dt.UTC))
def test_the_overdue_list_shows_the_projects_behind_the_figure(cast, starts):
    page = cast.client("leader").get("/breakthroughs/starts/?year=2026&status=overdue")
    text = page.content.decode()
    assert "新开工C" in text
    assert "新开工A" not in text and "新开工D" not in text


def test_the_approvals_panel_on_hand_computed_data(make_project):
    project = make_project()
    # approval (立项/备案) after signing: 10 days, on time; land-pre after signing: 40 days, late.
    set_node(project, "signing", done=dt.date(2026, 2, 1))
    set_node(project, "approval", done=dt.date(2026, 2, 11), due=dt.date(2026, 2, 20))
    set_node(project, "land-pre", done=dt.date(2026, 3, 13), due=dt.date(2026, 3, 1))
    set_node(project, "eia", due=dt.date(2026, 7, 1))               # open and overdue on 15 July
    set_node(project, "energy", due=dt.date(2026, 8, 1))            # due within 30 days
    panel = panels.approvals_panel(2026, TODAY)
    assert panel["done"] == 2
    assert panel["on_time"] == 1
    assert panel["late"] == 1
    assert panel["on_time_rate"] == D("50.0")
    assert panel["overdue"] >= 1
    items = {i["name"]: i for i in panel["items"]}
    assert items["立项/备案"]["avg_days"] == 10.0
    assert items["用地预审与选址"]["avg_days"] == 40.0
    assert panel["avg_days"] == 25.0


@pytest.mark.parametrize(("who", "status"), [("office", 200), ("leader", 200), ("town", 200), ("department", 200),
                                             ("owner", 403), ("anonymous", 302)])
def test_the_panel_pages_for_the_cast(cast, make_project, who, status, django_assert_max_num_queries):
    for _ in range(3):
        plan_entry(make_project(), year=2026, month=3)
    client = cast.client(who)
    for path in ("/breakthroughs/", "/breakthroughs/starts/?year=2026", "/breakthroughs/approvals/?status=open"):
        with django_assert_max_num_queries(13):
            assert client.get(path).status_code == status


def test_open_approval_items_are_counted_exactly(cast, make_project):
    """On 15 July: due 14 July is overdue, due today and due 14 August (today + 30) are due
    soon, due 15 August is neither; skipped and done items are not open; a node that is not an
    approval item is not counted; a deleted project's items are not counted."""
    live, other, gone = make_project(), make_project(), make_project()
    Node.objects.update(due_date=None)
    set_node(live, "eia", due=dt.date(2026, 7, 14))                                   # overdue
    set_node(live, "approval", due=TODAY)                                             # due soon, not overdue
    set_node(live, "energy", due=dt.date(2026, 8, 14))                                # due soon (the 30th day)
    set_node(live, "land-pre", due=dt.date(2026, 8, 15))                              # the 31st day: neither
    set_node(live, "planning", due=dt.date(2026, 7, 1), status=NodeStatus.SKIPPED)    # not open
    set_node(live, "construction-permit", due=dt.date(2026, 7, 1), done=dt.date(2026, 7, 10))  # done
    set_node(live, "start", due=dt.date(2026, 7, 1))                                  # not an approval item
    set_node(other, "eia", due=dt.date(2026, 1, 5), status=NodeStatus.IN_PROGRESS)    # overdue, in progress
    set_node(gone, "eia", due=dt.date(2026, 7, 1))
    set_node(gone, "approval", due=dt.date(2026, 7, 20))
    project_soft_delete(project=gone, by=cast.office)

    panel = panels.approvals_panel(2026, TODAY)
    assert (panel["overdue"], panel["due_soon"]) == (2, 2)
    # The figures are the lengths of the lists behind them.
    open_items = panels.approval_nodes().exclude(status__in=panels.FINISHED)
    assert panel["overdue"] == open_items.filter(due_date__lt=TODAY).count()
    assert panel["due_soon"] == open_items.filter(due_date__gte=TODAY, due_date__lte=dt.date(2026, 8, 14)).count()
    # The day after, the item due today is overdue and the one due on 15 August comes due.
    tomorrow = panels.approvals_panel(2026, TODAY + dt.timedelta(days=1))
    assert (tomorrow["overdue"], tomorrow["due_soon"]) == (3, 2)


def test_approval_items_done_in_the_year_are_counted_exactly(cast, make_project):
    """Done between 1 January and 31 December, both included; on time when done on or before
    the time limit or when there is none; days counted from the last done predecessor.
    Done last year, skipped, not an approval item or in a deleted project: not counted."""
    p, q, gone = make_project(), make_project(), make_project()
    set_node(p, "signing", done=dt.date(2026, 2, 1))
    set_node(p, "approval", done=dt.date(2026, 2, 12), due=dt.date(2026, 2, 20))   # on time, 11 days
    set_node(p, "land-pre", done=dt.date(2026, 3, 13), due=dt.date(2026, 3, 1))   # late, 40 days
    set_node(p, "eia", done=dt.date(2026, 12, 31), due=dt.date(2026, 12, 31))     # on the limit: on time, 322 days
    set_node(p, "energy", done=dt.date(2025, 12, 31))                             # last year
    set_node(p, "start", done=dt.date(2026, 4, 1))                                # not an approval item
    Node.objects.filter(project=q).update(due_date=None)
    set_node(q, "approval", done=dt.date(2026, 1, 1))          # no time limit: on time; signing not done: no days
    Node.objects.filter(project=q, node_type__code="planning").update(status=NodeStatus.SKIPPED,
                                                                      actual_date=dt.date(2026, 5, 1))
    set_node(gone, "signing", done=dt.date(2026, 1, 1))
    set_node(gone, "approval", done=dt.date(2026, 3, 1), due=dt.date(2026, 2, 1))
    project_soft_delete(project=gone, by=cast.office)

    panel = panels.approvals_panel(2026, TODAY)
    names = dict(NodeType.objects.values_list("code", "name"))
    items = {i["name"]: (i["done"], i["on_time"], i["avg_days"]) for i in panel["items"]}
    assert items == {names["approval"]: (2, 2, 11.0), names["land-pre"]: (1, 0, 40.0), names["eia"]: (1, 1, 322.0)}
    assert [i["name"] for i in panel["items"]] == [
        n for n in NodeType.objects.filter(is_approval=True).order_by("order", "code").values_list("name", flat=True)
        if n in items
    ]
    assert (panel["done"], panel["on_time"], panel["late"]) == (4, 3, 1)
    assert panel["on_time_rate"] == D("75.0")
    assert panel["avg_days"] == 96.0  # (11 × 2 + 40 + 322) / 4, weighted by items done
    assert panels.approvals_panel(2025, TODAY)["done"] == 1  # energy, 31 December 2025


def test_the_approvals_panel_reads_the_same_number_of_queries_with_or_without_done_items(
    make_project, django_assert_num_queries
):
    project = make_project()
    with django_assert_num_queries(3):
        panels.approvals_panel(2026, TODAY)
    set_node(project, "approval", done=dt.date(2026, 2, 1))
    with django_assert_num_queries(3):
        assert panels.approvals_panel(2026, TODAY)["done"] == 1
