"""/api/v1/nodes/, /api/v1/plan-entries/, /api/v1/library-entries/: the same visibility as
the project, node progress through the lifecycle service and its rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tuijin.projects.choices import EntryStatus, LibraryKind, NodeStatus, PlanCategory
from tuijin.projects.models import LibraryEntry, Node, PlanEntry, PlanVersion
from tuijin.projects.services.libraries import library_for

from .conftest import ROLES

DENIED = (401,)


@pytest.fixture
def two(cast, make_project):
    mine = make_project(name="匡堰项目")
    other = make_project(name="另一家的项目", owner=cast.other_enterprise, town=cast.other_town)
    library = library_for(LibraryKind.ANNUAL, 2026)
    version = PlanVersion.objects.create(year=2026, number=1)
    for project in (mine, other):
        entry = LibraryEntry.objects.create(library=library, project=project, status=EntryStatus.ADMITTED)
        PlanEntry.objects.create(version=version, library_entry=entry, project=project, category=PlanCategory.NEW,
                                 planned_investment=Decimal("1000"))
    return mine, other


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("resource", ["nodes", "plan-entries", "library-entries"])
def test_each_role_sees_rows_of_the_projects_it_may_see(api, two, who, resource):
    mine, other = two
    answer = api(who).get(f"/api/v1/{resource}/", {"page_size": 500})
    if who == "anonymous":
        assert answer.status_code == 401 and answer["WWW-Authenticate"] == "Token"
        return
    assert answer.status_code == 200
    projects = {row["project"]["id"] for row in answer.json()["results"]}
    assert projects == ({mine.pk} if who == "owner" else {mine.pk, other.pk})


@pytest.mark.parametrize("resource", ["plan-entries", "library-entries"])
def test_these_resources_are_read_only(api, two, resource):
    mine, _other = two
    row = PlanEntry.objects.get(project=mine) if resource == "plan-entries" else LibraryEntry.objects.get(project=mine)
    assert api("office").patch(f"/api/v1/{resource}/{row.pk}/", {"note": "x"}, format="json").status_code == 405


def test_plan_entries_carry_their_version_and_months(api, two):
    mine, _other = two
    answer = api("office").get("/api/v1/plan-entries/", {"project": mine.pk, "year": 2026})
    row = answer.json()["results"][0]
    assert row["version"]["year"] == 2026 and row["planned_investment"] == "1000.0000"
    assert row["category_display"]


def test_nodes_filter_by_project_and_status(api, two):
    mine, _other = two
    answer = api("office").get("/api/v1/nodes/", {"project": mine.pk, "status": "pending", "page_size": 100})
    assert answer.status_code == 200
    assert answer.json()["count"] == mine.nodes.count()


@pytest.mark.parametrize(
    "who, allowed",
    [("office", True), ("town", True), ("other_town", False), ("department", True), ("owner", True),
     ("leader", False), ("anonymous", False)],
)
def test_who_records_progress_on_a_node(api, two, who, allowed):
    """The node 用地预审与选址 is the department's; the town and the owner may also record it
    (tuijin.orgs.policy.can_edit_node)."""
    mine, _other = two
    node = Node.objects.get(project=mine, node_type__code="land-pre")
    answer = api(who).patch(f"/api/v1/nodes/{node.pk}/", {"status": "in_progress", "note": "材料已受理"}, format="json")
    node.refresh_from_db()
    if allowed:
        assert answer.status_code == 200, answer.content
        assert node.status == NodeStatus.IN_PROGRESS and answer.json()["note"] == "材料已受理"
    else:
        assert answer.status_code == (401 if who == "anonymous" else 403)
        assert node.status == NodeStatus.PENDING


def test_a_node_cannot_be_done_without_its_date_and_document(api, two):
    mine, _other = two
    node = Node.objects.get(project=mine, node_type__code="signing")
    answer = api("office").patch(f"/api/v1/nodes/{node.pk}/", {"status": "done"}, format="json")
    assert answer.status_code == 400
    assert "non_field_errors" in answer.json()
    approval = Node.objects.get(project=mine, node_type__code="approval")
    answer = api("office").patch(
        f"/api/v1/nodes/{approval.pk}/", {"status": "done", "actual_date": "2026-01-05"}, format="json"
    )
    assert answer.status_code == 400  # predecessor 签约 not done, and no document number


def test_a_node_is_done_through_the_api(api, two):
    mine, _other = two
    node = Node.objects.get(project=mine, node_type__code="signing")
    answer = api("town").patch(
        f"/api/v1/nodes/{node.pk}/", {"status": "done", "actual_date": str(dt.date(2026, 1, 5))}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "done" and answer.json()["actual_date"] == "2026-01-05"


def test_an_owner_cannot_reach_another_owners_node(api, two):
    _mine, other = two
    node = other.nodes.first()
    assert api("owner").patch(f"/api/v1/nodes/{node.pk}/", {"note": "x"}, format="json").status_code == 404
