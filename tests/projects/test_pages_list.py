"""The project registry list: who sees what, filters, sorting, paging, constant queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tuijin.projects.models import Category

pytestmark = pytest.mark.django_db

URL = reverse("projects:list")


def test_every_signed_in_role_gets_the_list_and_anonymous_is_sent_to_sign_in(cast, make_project):
    make_project(name="匡堰智能家电基地")
    for who in ("office", "town", "other_town", "department", "owner", "leader"):
        response = cast.client(who).get(URL)
        assert response.status_code == 200, who
        assert "匡堰智能家电基地" in response.content.decode(), who
    response = cast.client("anonymous").get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_owner_sees_only_its_own_projects(cast, make_project):
    make_project(name="自己的项目")
    make_project(name="别人的项目", owner=cast.other_enterprise)
    page = cast.client("owner").get(URL).content.decode()
    assert "自己的项目" in page
    assert "别人的项目" not in page


def test_filters_narrow_the_list(cast, make_project):
    make_project(name="匡堰的项目")
    make_project(name="龙山的项目", town=cast.other_town)
    make_project(name="基础设施项目", category=Category.objects.get(name="基础设施"))
    client = cast.client("office")
    page = client.get(URL, {"town": cast.other_town.pk}).content.decode()
    assert "龙山的项目" in page and "匡堰的项目" not in page
    page = client.get(URL, {"q": "基础设施"}).content.decode()
    assert "基础设施项目" in page and "龙山的项目" not in page
    page = client.get(URL, {"category": Category.objects.get(name="基础设施").pk}).content.decode()
    assert "基础设施项目" in page and "匡堰的项目" not in page
    page = client.get(URL, {"stage": "construction"}).content.decode()
    assert "匡堰的项目" not in page


def test_it_sorts_by_total_investment_and_by_name(cast, make_project):
    make_project(name="乙项目", total_investment=Decimal("9000"))
    make_project(name="甲项目", total_investment=Decimal("90000"))
    client = cast.client("office")
    page = client.get(URL, {"sort": "investment"}).content.decode()
    assert page.index("乙项目") < page.index("甲项目")
    page = client.get(URL, {"sort": "-investment"}).content.decode()
    assert page.index("甲项目") < page.index("乙项目")
    page = client.get(URL, {"sort": "name"}).content.decode()
    assert page.index("甲项目") > 0 and page.index("乙项目") > 0


def test_it_pages_by_fifty(cast, make_project):
    for i in range(52):
        make_project(name=f"分页项目{i:02d}", total_investment=Decimal(10000 + i))
    client = cast.client("office")
    first = client.get(URL).context["page"]
    assert len(first.object_list) == 50
    second = client.get(URL, {"page": 2}).context["page"]
    assert len(second.object_list) == 2


def test_the_download_link_keeps_the_filters(cast, make_project):
    make_project()
    page = cast.client("office").get(URL, {"town": cast.town.pk}).content.decode()
    try:
        export = reverse("ledger:export_projects")
    except Exception:  # noqa: BLE001  (the ledger app may not provide it)
        pytest.skip("no Excel download in this installation")
    assert f'href="{export}?town={cast.town.pk}"' in page


def test_the_list_takes_the_same_number_of_queries_for_3_or_30_projects(cast, make_project, django_assert_max_num_queries):
    client = cast.client("office")
    for _ in range(3):
        make_project()
    with django_assert_max_num_queries(14):
        client.get(URL)
    for _ in range(27):
        make_project(leader=cast.leader)
    with django_assert_max_num_queries(14):
        response = client.get(URL, {"stage": "idea"})
    assert len(response.context["page"].object_list) == 30
