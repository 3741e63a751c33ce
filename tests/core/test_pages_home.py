"""The overview page per role, the sign-in page, error pages, the language switch and the
settings pages (Django admin) that only the project office may open."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tuijin.projects.choices import LibraryKind
from tuijin.projects.services import libraries

pytestmark = pytest.mark.django_db


def test_the_overview_shows_each_role_its_figures(cast, make_project):
    project = make_project(total_investment=Decimal("35000"), leader=cast.leader)
    entry = libraries.entry_submit(project=project, library=libraries.current_library(LibraryKind.RESERVE), by=cast.office)
    make_project(town=cast.other_town, owner=cast.other_enterprise)
    office = cast.client("office").get("/")
    assert office.status_code == 200
    page = office.content.decode()
    assert "待我审核" in page and "逾期节点" in page and "全市项目（按库）" in page
    assert f'href="{reverse("projects:review_queue")}"' in page
    town = cast.client("town").get("/").content.decode()
    assert "我的项目" in town and "待我审核" not in town
    assert f"?town={cast.town.pk}" in town and project.name in town
    owner = cast.client("owner").get("/").content.decode()
    assert project.name in owner and f"?owner={cast.enterprise.pk}" in owner
    leader = cast.client("leader").get("/").content.decode()
    assert project.name in leader
    assert cast.client("department").get("/").status_code == 200
    assert cast.client("other_town").get("/").status_code == 200
    libraries.entry_first_review(entry=entry, by=cast.office)


def test_the_overview_counts_the_library_sums_in_yi(cast, make_project):
    project = make_project(total_investment=Decimal("35000"))
    entry = libraries.entry_submit(project=project, library=libraries.current_library(LibraryKind.RESERVE), by=cast.office)
    libraries.entry_first_review(entry=entry, by=cast.office)
    libraries.entry_final_review(entry=entry, by=cast.office)
    page = cast.client("office").get("/").content.decode()
    assert "3.50" in page and "35,000" in page


def test_anonymous_visitors_are_sent_to_the_sign_in_page_which_is_in_chinese(cast):
    response = cast.client("anonymous").get("/")
    assert response.status_code == 302
    page = cast.client("anonymous").get(reverse("login")).content.decode()
    assert "登录" in page and "重大项目推进" in page


def test_english_is_one_switch_away(cast):
    client = cast.client("office")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Overdue nodes" in page and "逾期节点" not in page


def test_error_pages_have_the_sites_look(cast, make_project):
    project = make_project(town=cast.other_town)
    response = cast.client("town").get(reverse("projects:edit", args=[project.pk]))
    assert response.status_code == 403
    assert "您的角色无权打开此页面" in response.content.decode()
    response = cast.client("office").get("/projects/999999/")
    assert response.status_code == 404
    assert "您访问的页面不存在" in response.content.decode()


def test_only_the_project_office_opens_the_settings(cast):
    cast.office.is_staff = True
    cast.office.save()
    response = cast.client("office").get(reverse("admin:index"))
    assert response.status_code == 200
    assert "推进 · 重大项目管理系统设置" in response.content.decode()
    for who in ("town", "department", "owner", "leader"):
        user = cast.members[who]
        user.is_staff = True  # even a staff flag given by mistake does not open the settings
        user.save()
        assert cast.client(who).get(reverse("admin:index")).status_code == 302, who


def test_the_settings_pages_open_for_each_registered_model(cast):
    cast.office.is_staff = True
    cast.office.save()
    client = cast.client("office")
    for name in ("orgs_unit", "orgs_user", "projects_category", "projects_industrychain", "projects_nodetype",
                 "projects_nodetemplate", "projects_gatecriterion", "projects_library"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"admin:{name}_add")).status_code == 200, name
    from tuijin.projects.models import GateCriterion, NodeTemplate

    page = client.get(reverse("admin:projects_gatecriterion_change", args=[GateCriterion.objects.first().pk])).content.decode()
    assert 'type="checkbox" name="required_fields" value="national_code"' in page
    assert client.get(reverse("admin:projects_nodetemplate_change", args=[NodeTemplate.objects.first().pk])).status_code == 200
