"""/api/v1/projects/: the web list's rows and filters, and its permissions, for every role."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tuijin.projects.models import Category, Project

from .conftest import ROLES

DENIED = (401,)
WEB_ROW = re.compile(r'href="/projects/(\d+)/"')


def _ids(answer) -> list[int]:
    assert answer.status_code == 200, answer.content
    return [row["id"] for row in answer.json()["results"]]


@pytest.fixture
def county(cast, make_project):
    """Projects in two towns and one of another enterprise."""
    return {
        "mine": make_project(name="匡堰项目甲"),
        "mine2": make_project(name="匡堰项目乙", total_investment=Decimal("8000")),
        "longshan": make_project(name="龙山项目", town=cast.other_town, owner=cast.other_enterprise),
    }


@pytest.mark.parametrize("who", ROLES)
def test_each_role_lists_the_projects_the_web_list_shows(cast, api, county, who):
    answer = api(who).get("/api/v1/projects/")
    if who == "anonymous":
        assert answer.status_code == 401 and answer["WWW-Authenticate"] == "Token"
        return
    web = cast.client(who).get("/projects/")
    assert web.status_code == 200
    web_ids = [int(pk) for pk in WEB_ROW.findall(web.content.decode())]
    assert sorted(_ids(answer)) == sorted(set(web_ids))
    expected = {county["mine"].pk, county["mine2"].pk} if who == "owner" else {p.pk for p in county.values()}
    assert set(_ids(answer)) == expected


def test_a_token_client_filters_one_town_and_gets_the_web_rows(cast, api, county):
    """As a new user would: the office issues a token, the client lists 匡堰 projects."""
    client = api("leader")
    answer = client.get("/api/v1/projects/", {"town": cast.town.pk})
    api_ids = _ids(answer)
    web = cast.client("leader").get("/projects/", {"town": cast.town.pk})
    assert sorted(api_ids) == sorted(int(pk) for pk in set(WEB_ROW.findall(web.content.decode())))
    assert sorted(api_ids) == sorted([county["mine"].pk, county["mine2"].pk])
    assert answer.json()["count"] == 2
    row = answer.json()["results"][0]
    assert row["town"] == {"id": cast.town.pk, "name": cast.town.name}
    assert row["total_investment"] == "50000.0000"


@pytest.mark.parametrize(
    "query, names",
    [
        ({"q": "乙"}, ["匡堰项目乙"]),
        ({"stage": "idea"}, sorted(["匡堰项目甲", "匡堰项目乙", "龙山项目"])),
        ({"stage": "construction"}, []),
    ],
)
def test_it_applies_the_web_filters(api, county, query, names):
    answer = api("office").get("/api/v1/projects/", query)
    assert answer.status_code == 200
    assert sorted(r["name"] for r in answer.json()["results"]) == names


def test_a_bad_filter_value_is_a_clear_400(api, county):
    answer = api("office").get("/api/v1/projects/", {"town": 999999})
    assert answer.status_code == 400
    assert "town" in answer.json()


@pytest.mark.parametrize(
    "who, status", [("office", 200), ("town", 200), ("other_town", 200), ("department", 200), ("owner", 200),
                    ("leader", 200), ("anonymous", DENIED)],
)
def test_who_reads_a_project(cast, api, county, who, status):
    answer = api(who).get(f"/api/v1/projects/{county['mine'].pk}/")
    assert answer.status_code in (status if isinstance(status, tuple) else (status,))


def test_an_owner_cannot_read_another_owners_project(api, county):
    assert api("owner").get(f"/api/v1/projects/{county['longshan'].pk}/").status_code == 404


def _new_project(cast) -> dict:
    return {
        "name": "新登记的项目",
        "owner": cast.enterprise.pk,
        "town": cast.town.pk,
        "department": cast.department.pk,
        "category": Category.objects.get(name="产业").pk,
        "nature": "enterprise",
        "total_investment": "3.5亿",
        "start_year": 2026,
        "end_year": 2027,
    }


@pytest.mark.parametrize(
    "who, allowed",
    [("office", True), ("town", True), ("other_town", False), ("department", True), ("owner", False),
     ("leader", False), ("anonymous", False)],
)
def test_who_registers_a_project(cast, api, who, allowed):
    """In 匡堰镇: 龙山镇's officer registers in its own town only, as on the web form."""
    answer = api(who).post("/api/v1/projects/", _new_project(cast), format="json")
    if not allowed:
        assert answer.status_code == (401 if who == "anonymous" else 403)
        assert not Project.objects.filter(name="新登记的项目").exists()
        return
    assert answer.status_code == 201, answer.content
    project = Project.objects.get(name="新登记的项目")
    assert project.total_investment == Decimal("35000")  # 3.5亿 in 万元
    assert answer.json()["code"] == project.code
    assert project.created_by == cast.members[who]


def test_registration_errors_name_the_field(cast, api):
    client = api("office")
    answer = client.post("/api/v1/projects/", _new_project(cast) | {"total_investment": "约3亿"}, format="json")
    assert answer.status_code == 400
    assert "约3亿" in answer.json()["total_investment"][0]
    answer = client.post("/api/v1/projects/", _new_project(cast) | {"end_year": 2020}, format="json")
    assert answer.status_code == 400 and "end_year" in answer.json()
    answer = client.post("/api/v1/projects/", _new_project(cast) | {"national_code": "123"}, format="json")
    assert answer.status_code == 400 and "national_code" in answer.json()


def test_model_rules_come_back_as_field_errors(cast, api, make_project):
    make_project(national_code="2509-330282-89-01-544060")
    data = _new_project(cast) | {"national_code": "2509-330282-89-01-544060"}
    answer = api("office").post("/api/v1/projects/", data, format="json")
    assert answer.status_code == 400
    assert "national_code" in answer.json()


@pytest.mark.parametrize(
    "who, allowed",
    [("office", True), ("town", True), ("other_town", False), ("department", True), ("owner", True),
     ("leader", False), ("anonymous", False)],
)
def test_who_changes_a_project(api, county, who, allowed):
    project = county["mine"]
    answer = api(who).patch(f"/api/v1/projects/{project.pk}/", {"content": "扩建二期"}, format="json")
    project.refresh_from_db()
    if allowed:
        assert answer.status_code == 200, answer.content
        assert answer.json()["content"] == "扩建二期" and project.content == "扩建二期"
    else:
        assert answer.status_code == (401 if who == "anonymous" else 403)
        assert project.content == "新建厂房"


def test_the_api_has_no_delete(api, county):
    assert api("office").delete(f"/api/v1/projects/{county['mine'].pk}/").status_code == 405


def test_the_list_costs_a_constant_number_of_queries(api, make_project, django_assert_max_num_queries):
    for _ in range(15):
        make_project()
    client = api("office")
    with django_assert_max_num_queries(6):
        answer = client.get("/api/v1/projects/")
    assert answer.json()["count"] == 15


def test_session_clients_use_the_api_too(cast, county):
    answer = cast.client("town").get("/api/v1/projects/")
    assert answer.status_code == 200 and answer.json()["count"] == 3
