"""Endpoints of the other apps: monthly reports, problems, lights, race results, funds,
resource allocations, leads and clusters — each gated and scoped by its own app's policy,
for the whole cast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from .conftest import ROLES, body

ALL = {"office", "town", "other_town", "department", "owner", "leader"}


@pytest.fixture
def world(cast, make_project):
    """One row of every kind on a project of the cast's owner (匡堰) and one on another
    enterprise's project (龙山)."""
    from tuijin.breakthroughs.models import FundSource, Lead, ResourceAllocation, ResourceQuota
    from tuijin.clusters.models import Cluster, Village
    from tuijin.consultation.services.problems import problem_raise
    from tuijin.race.models import Scheme, SchemeVersion, Snapshot, SnapshotRow
    from tuijin.reporting.models import MonthlyReport, ReportingPeriod
    from tuijin.supervision.models import Light

    mine = make_project(name="匡堰项目")
    other = make_project(name="龙山项目", owner=cast.other_enterprise, town=cast.other_town)
    today = timezone.localdate()
    period = ReportingPeriod.objects.create(year=2026, month=5, opens_on=dt.date(2026, 6, 1), closes_on=dt.date(2026, 6, 5))
    quota = ResourceQuota.objects.create(kind="land", year=2026, amount=Decimal(100), managing_unit=cast.department)
    for project, town, officer in ((mine, cast.town, cast.town_officer), (other, cast.other_town, cast.other_town_officer)):
        MonthlyReport.objects.create(period=period, project=project, year=2026, month=5, amount=Decimal(10))
        problem_raise(project=project, by=officer, title=f"{project.name}的堵点", category="land",
                      description="用地指标未落实", urgency="normal")
        Light.objects.create(project=project, town=town, rule="behind_schedule", colour="red", reason="落后序时进度",
                             first_seen=today, last_seen=today)
        FundSource.objects.create(project=project, kind="special_bond", year=2026, applied=Decimal(500),
                                  approved=Decimal(400))
        ResourceAllocation.objects.create(quota=quota, project=project, kind="land", amount=Decimal(5),
                                          allocated_on=today)
        Lead.objects.create(name=f"{town.name}招商线索", investor="某投资公司", source="business",
                            intended_amount=Decimal(10000), responsible_unit=cast.department, town=town,
                            stage_since=today, first_contact_on=today)
        village = Village.objects.create(town=town, name=f"{town.name}一村")
        cluster = Cluster.objects.create(town=town, name=f"{town.name}片区", party_committee="联合党委")
        cluster.villages.add(village)
    scheme = Scheme.objects.create(code="towns", name="镇街道赛马", over="towns")
    version = SchemeVersion.objects.create(scheme=scheme, number=1, effective_from=dt.date(2026, 1, 1))
    for status, period_name in (("published", "2026-Q1"), ("draft", "2026-Q2")):
        snapshot = Snapshot.objects.create(scheme=scheme, version=version, period=period_name, status=status,
                                           period_end=dt.date(2026, 3, 31), computed_at=timezone.now())
        SnapshotRow.objects.create(snapshot=snapshot, unit=cast.town, total=Decimal("95.5"), rank=1, scores=[])
    return {"mine": mine, "other": other}


def _get(api, who, url):
    return api(who).get(url, {"page_size": 500})


def _projects(answer) -> set[int]:
    return {row["project"]["id"] for row in answer.json()["results"]}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("resource", ["monthly-reports", "lights", "funds", "resource-allocations"])
def test_project_rows_follow_project_visibility(api, world, who, resource):
    answer = _get(api, who, f"/api/v1/{resource}/")
    if who == "anonymous":
        assert answer.status_code == 401
        return
    assert answer.status_code == 200
    expected = {world["mine"].pk} if who == "owner" else {world["mine"].pk, world["other"].pk}
    assert _projects(answer) == expected


@pytest.mark.parametrize("who", ROLES)
def test_problems_are_those_the_web_list_shows(cast, api, world, who):
    from tuijin.consultation import selectors

    answer = _get(api, who, "/api/v1/problems/")
    if who == "anonymous":
        assert answer.status_code == 401
        return
    assert answer.status_code == 200
    web = set(selectors.visible_problems(cast.members[who]).values_list("pk", flat=True))
    assert {row["id"] for row in answer.json()["results"]} == web
    if who == "owner":
        assert _projects(answer) == {world["mine"].pk}
    if who in ("office", "leader"):
        assert len(web) == 2


@pytest.mark.parametrize(
    "who, status, periods",
    [("office", 200, {"2026-Q1", "2026-Q2"}), ("leader", 200, {"2026-Q1"}), ("town", 200, {"2026-Q1"}),
     ("other_town", 200, {"2026-Q1"}), ("department", 200, {"2026-Q1"}), ("owner", 403, None),
     ("anonymous", 401, None)],
)
def test_race_results_are_for_readers_and_drafts_for_the_office(api, world, who, status, periods):
    answer = _get(api, who, "/api/v1/race-results/")
    assert answer.status_code == status
    if periods is not None:
        results = answer.json()["results"]
        assert {r["period"] for r in results} == periods
        assert results[0]["rows"][0]["rank"] == 1


@pytest.mark.parametrize(
    "who, status", [("office", 200), ("leader", 200), ("town", 200), ("other_town", 200), ("department", 200),
                    ("owner", 403), ("anonymous", 401)],
)
def test_leads_are_not_for_owners(api, world, who, status):
    answer = _get(api, who, "/api/v1/leads/")
    assert answer.status_code == status
    if status == 200:
        assert answer.json()["count"] == 2


@pytest.mark.parametrize(
    "who, status, count", [("office", 200, 2), ("leader", 200, 2), ("town", 200, 1), ("other_town", 200, 1),
                           ("department", 403, None), ("owner", 403, None), ("anonymous", 401, None)],
)
def test_clusters_are_for_the_office_leaders_and_their_town(cast, api, world, who, status, count):
    answer = _get(api, who, "/api/v1/clusters/")
    assert answer.status_code == status
    if count is not None:
        rows = answer.json()["results"]
        assert len(rows) == count
        if who in ("town", "other_town"):
            assert rows[0]["town"]["id"] == cast.members[who].unit_id


@pytest.mark.parametrize(
    "resource", ["monthly-reports", "problems", "lights", "race-results", "funds", "resource-allocations", "leads",
                 "clusters"],
)
def test_these_resources_are_read_only_except_raising_problems(api, world, resource):
    client = api("office")
    row = client.get(f"/api/v1/{resource}/").json()["results"][0]
    assert client.patch(f"/api/v1/{resource}/{row['id']}/", {"note": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/{resource}/{row['id']}/").status_code == 405


@pytest.mark.parametrize("who", ["town", "owner"])
def test_a_problem_is_raised_through_the_api(api, world, who):
    answer = api(who).post(
        "/api/v1/problems/",
        {"project": world["mine"].pk, "title": "施工许可办理缓慢", "category": "approvals", "description": "材料已齐"},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["title"] == "施工许可办理缓慢" and answer.json()["status"] == "open"


def test_a_problem_on_an_unseen_project_is_refused(api, world):
    answer = api("owner").post(
        "/api/v1/problems/",
        {"project": world["other"].pk, "title": "x", "category": "approvals", "description": "y"},
        format="json",
    )
    assert answer.status_code in (400, 403)


def test_lights_filter_by_colour_and_town(cast, api, world):
    answer = api("office").get("/api/v1/lights/", {"colour": "red", "town": cast.town.pk, "open": "true"})
    assert [row["project"]["id"] for row in answer.json()["results"]] == [world["mine"].pk]


def test_approved_funds_appear_as_oc4ids_finance(world):
    from tuijin.opendata.oc4ids import build_package

    from .conftest import oc4ids_errors

    package = build_package(base_url="http://testserver")
    assert oc4ids_errors(package) == []
    release = next(p for p in package["projects"] if p["title"] == "匡堰项目")
    assert release["budget"]["finance"] == [
        {"id": release["budget"]["finance"][0]["id"], "title": "2026年地方政府专项债券", "source": "地方政府专项债券",
         "value": {"amount": 4_000_000, "currency": "CNY"}, "type": "bond", "financingPartyType": "other",
         "period": release["budget"]["finance"][0]["period"]}
    ]


def test_no_internal_app_data_reaches_the_public(cast, world):
    """Problems, lights, leads and funds' internal notes are not on the public page or package."""
    client = cast.client("anonymous")
    texts = [body(client.get("/public/oc4ids.json")),
             client.get(f"/public/projects/{world['mine'].pk}/").content.decode(),
             client.get("/public/").content.decode()]
    for text in texts:
        for secret in ("匡堰项目的堵点", "用地指标未落实", "落后序时进度", "招商线索", "某投资公司"):
            assert secret not in text


def test_the_new_lists_cost_a_constant_number_of_queries(api, world, make_project, django_assert_max_num_queries):
    client = api("office")
    for resource in ("monthly-reports", "problems", "lights", "race-results", "funds", "resource-allocations",
                     "leads", "clusters"):
        with django_assert_max_num_queries(8):
            assert client.get(f"/api/v1/{resource}/").status_code == 200
