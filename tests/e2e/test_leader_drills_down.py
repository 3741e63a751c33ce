"""A county leader opens the cockpit, clicks the figure of overdue starts and lands on the list of
projects behind it, takes that list away as Excel and opens one of the projects."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.breakthroughs.helpers import plan_entry, set_node
from tuijin.orgs.security import SecurityEvent, SecurityEventKind

from .conftest import JOURNEY

pytestmark = JOURNEY


@pytest.fixture
def county(cast, make_project):
    """15 July 2026: four new starts planned for March, linked to the leader; two started in March."""
    with time_machine.travel("2026-07-15 10:00 +0800"):
        projects = {}
        for i, name in enumerate(["匡堰智能家电产业园二期", "匡堰新材料研发中心", "匡堰轴承扩产项目", "匡堰冷链物流中心"]):
            project = make_project(name=name, leader=cast.leader)
            plan_entry(project, year=2026, month=3)
            if i % 2 == 0:
                set_node(project, "start", planned=dt.date(2026, 3, 1), done=dt.date(2026, 3, 20))
            projects[name] = project
        yield projects


def test_a_leader_goes_from_the_overdue_starts_figure_to_the_projects_behind_it(browsing, cast, county, tmp_path):
    not_started = ["匡堰新材料研发中心", "匡堰冷链物流中心"]

    leader = browsing.sign_in("leader")
    browsing.menu(leader, "驾驶舱")
    expect(leader.get_by_role("heading", level=1)).to_contain_text("重大项目")
    linked = leader.locator(".cp-linked")
    expect(linked.get_by_role("heading", name="我联系的项目")).to_be_visible()
    expect(linked.locator("tbody tr")).to_have_count(4)
    expect(leader.locator(".cp-kpis .kpi", has_text="新开工率").locator(".value")).to_have_text("50.0%")
    starts = leader.locator(".cp-five section", has=leader.get_by_role("heading", name="开工"))
    expect(starts.locator("dd").first).to_have_text("2 / 4")
    figure = starts.locator("dt", has_text="应开工未开工").locator("xpath=following-sibling::dd[1]").get_by_role("link")
    expect(figure).to_have_text("2")
    browsing.shot(leader, "leader-cockpit")
    figure.click()

    expect(leader.get_by_role("heading", level=1)).to_contain_text("2026")
    expect(leader.locator("nav.tabs a.active")).to_have_text("应开工未开工")
    rows = leader.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    assert sorted(rows.locator("td:first-child a").all_inner_texts()) == sorted(not_started)
    for row in rows.all():
        expect(row).to_contain_text("未开工")
        expect(row).to_contain_text("3")  # planned for March

    with leader.expect_download() as download:
        leader.locator(".page-head").get_by_role("link", name=re.compile("Excel")).click()
    saved = tmp_path / "starts.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    names = [row[0] for row in sheet.iter_rows(values_only=True) if row[0] in county]
    assert sorted(names) == sorted(not_started)

    rows.get_by_role("link", name=not_started[0]).click()
    expect(leader.get_by_role("heading", name=not_started[0], level=1)).to_be_visible()
    assert leader.url.endswith(county[not_started[0]].get_absolute_url())
    browsing.shot(leader, "leader-project")

    events = SecurityEvent.objects.filter(
        username="leader", kind__in=[SecurityEventKind.LOGIN, SecurityEventKind.EXPORT]).order_by("pk")
    assert [e.kind for e in events] == [SecurityEventKind.LOGIN, SecurityEventKind.EXPORT]
    assert events[1].detail["what"] == "starts.xlsx"
