import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tuijin.breakthroughs.models import StartRateTarget
from tuijin.breakthroughs.selectors import panels

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
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == status
