"""The project page and its tabs: who may open it, what each tab shows, bounded queries,
and the tab registry other apps plug into."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from tuijin.projects import tabs as tab_registry
from tuijin.projects.choices import LibraryKind, NodeStatus
from tuijin.projects.services import libraries, registry

pytestmark = pytest.mark.django_db

TABS = ("basic", "plan", "nodes", "history")


def _url(project, tab=None):
    return reverse("projects:tab", args=[project.pk, tab]) if tab else project.get_absolute_url()


def test_every_role_that_may_see_the_project_opens_every_tab(cast, make_project):
    project = make_project(name="匡堰轴承项目")
    for who in ("office", "town", "other_town", "department", "owner", "leader"):
        client = cast.client(who)
        for tab in TABS:
            response = client.get(_url(project, tab))
            assert response.status_code == 200, (who, tab)
            assert "匡堰轴承项目" in response.content.decode()


def test_an_owner_cannot_open_another_owners_project(cast, make_project):
    project = make_project(owner=cast.other_enterprise)
    assert cast.client("owner").get(_url(project)).status_code == 403
    assert cast.client("anonymous").get(_url(project)).status_code == 302


def test_an_unknown_project_is_a_404_in_the_sites_look(cast):
    response = cast.client("office").get(reverse("projects:detail", args=[99999]))
    assert response.status_code == 404


def test_the_basic_tab_shows_the_four_lists_the_registry_and_the_task_force(cast, make_project):
    project = make_project(national_code="2509-330282-89-01-544060", leader=cast.leader)
    registry.task_force_add(project=project, by=cast.office, name="李专班", duty="专班组长", phone="13800000001")
    page = cast.client("town").get(_url(project)).content.decode()
    for text in ("任务清单", "进度清单", "问题清单", "责任清单", "2509-330282-89-01-544060",
                 "李专班", "13800000001", "50,000"):
        assert text in page, text


def test_the_nodes_tab_marks_overdue_nodes_and_shows_the_blockers(cast, make_project):
    project = make_project()
    node = project.nodes.get(node_type__code="signing")
    node.due_date = dt.date(2020, 1, 1)
    node.is_overdue = True
    node.save()
    page = cast.client("office").get(_url(project, "nodes")).content.decode()
    assert 'class="overdue"' in page
    assert "逾期" in page
    assert "施工许可" in page  # a gating node still to be done before 开工
    assert 'name="override"' in page  # the office may override
    page = cast.client("town").get(_url(project, "nodes")).content.decode()
    assert 'name="override"' not in page


def test_the_plan_tab_shows_entries_and_the_monthly_split(cast, make_project):
    project = make_project(national_code="2509-330282-89-01-544061")
    _admit_up_to_rolling(cast, project)
    project.nodes.filter(node_type__code__in=["signing", "approval"]).update(
        status=NodeStatus.DONE, actual_date=dt.date(2025, 1, 1), document_number="慈发改〔2025〕1号"
    )
    libraries.entry_submit(
        project=project, library=libraries.current_library(LibraryKind.ANNUAL), by=cast.office,
        plan=libraries.PlanData(category="new", planned_investment=Decimal("1200"), planned_start_month=1),
    )
    response = cast.client("office").get(_url(project, "plan"))
    page = response.content.decode()
    assert "1,200" in page and "plan-chart" in page
    assert "已申报" in page


def test_the_history_tab_lists_who_changed_what_from_what_to_what(cast, make_project):
    project = make_project(name="旧名称")
    registry.project_update(project=project, by=cast.office, name="新名称", total_investment=Decimal("60000"))
    registry.task_force_add(project=project, by=cast.office, name="王五", duty="联络员")
    member = project.task_force.get(name="王五")
    registry.task_force_remove(member=member, by=cast.office)
    page = cast.client("office").get(_url(project, "history")).content.decode()
    assert "旧名称" in page and "新名称" in page
    assert "王五" in page  # the removed member stays in the history
    assert "office" in page  # who


def test_the_project_page_takes_a_bounded_number_of_queries(cast, make_project, django_assert_max_num_queries):
    project = make_project()
    for i in range(5):
        registry.task_force_add(project=project, by=cast.office, name=f"成员{i}", duty="成员")
        registry.project_update(project=project, by=cast.office, total_investment=Decimal(50000 + i))
    client = cast.client("office")
    bounds = {"basic": 20, "plan": 16, "nodes": 16, "history": 16}
    for tab, bound in bounds.items():
        with django_assert_max_num_queries(bound):
            assert client.get(_url(project, tab)).status_code == 200


def test_another_app_adds_a_tab_through_its_app_config(cast, make_project, monkeypatch):
    config = apps.get_app_config("core")
    monkeypatch.setattr(config, "project_tabs", [(50, "extra", "附加页", "tests.projects.test_pages_detail.extra_tab")], raising=False)
    tab_registry._declared.cache_clear()
    try:
        project = make_project()
        page = cast.client("office").get(_url(project, "extra")).content.decode()
        assert "附加页" in page
        assert f"extra tab of {project.pk}" in page
    finally:
        monkeypatch.undo()
        tab_registry._declared.cache_clear()


def extra_tab(request, project) -> str:
    return f"<p>extra tab of {project.pk}</p>"


def _admit_up_to_rolling(cast, project):
    for kind in (LibraryKind.RESERVE, LibraryKind.ROLLING):
        entry = libraries.entry_submit(project=project, library=libraries.current_library(kind), by=cast.office)
        libraries.entry_first_review(entry=entry, by=cast.office)
        libraries.entry_final_review(entry=entry, by=cast.office)
