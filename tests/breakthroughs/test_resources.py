import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction

from tuijin.breakthroughs.models import ResourceAllocation, ResourceQuota
from tuijin.breakthroughs.selectors import resources as selectors
from tuijin.breakthroughs.services.resources import (
    allocation_create,
    allocation_revoke,
    demand_set,
    quota_set,
)
from tuijin.lib.errors import PermissionDenied, ServiceError

from .helpers import plan_entry, set_node

D = Decimal
TODAY = dt.date(2026, 5, 10)


def _allocate(project, by, amount, kind="land", year=2026):
    return allocation_create(project=project, kind=kind, year=year, amount=D(amount), allocated_on=TODAY, by=by)


def test_it_refuses_an_allocation_that_would_overdraw_the_quota_and_states_the_shortfall(cast, make_project):
    quota_set(kind="land", year=2026, amount=D(100), by=cast.office)
    a, b = make_project(), make_project()
    _allocate(a, cast.office, 70)
    with pytest.raises(ServiceError) as exc:
        _allocate(b, cast.office, 45)
    message = exc.value.error_dict["amount"][0].messages[0]
    assert "30" in message and "15" in message  # 30 left, 15 short
    quota = ResourceQuota.objects.get(kind="land", year=2026)
    assert quota.allocated == D(70)
    assert quota.balance == D(30)
    assert ResourceAllocation.objects.count() == 1
    _allocate(b, cast.office, 30)  # exactly the balance is fine
    quota.refresh_from_db()
    assert quota.balance == D(0)


def test_the_database_refuses_a_negative_balance_whatever_the_caller(cast):
    quota = quota_set(kind="energy", year=2026, amount=D(10), by=cast.office)
    quota.allocated = D(11)
    with pytest.raises(IntegrityError), transaction.atomic():
        quota.save()


def test_revoking_returns_the_amount_to_the_balance(cast, make_project):
    quota_set(kind="land", year=2026, amount=D(100), by=cast.office)
    allocation = _allocate(make_project(), cast.office, 60)
    allocation_revoke(allocation=allocation, by=cast.office)
    assert ResourceQuota.objects.get().balance == D(100)
    with pytest.raises(ServiceError):
        allocation_revoke(allocation=allocation, by=cast.office)


def test_a_quota_cannot_be_cut_below_what_is_allocated(cast, make_project):
    quota_set(kind="land", year=2026, amount=D(100), by=cast.office)
    _allocate(make_project(), cast.office, 60)
    with pytest.raises(ServiceError):
        quota_set(kind="land", year=2026, amount=D(50), by=cast.office)
    assert quota_set(kind="land", year=2026, amount=D(60), by=cast.office).balance == D(0)


def test_there_is_nothing_to_allocate_without_a_quota(cast, make_project):
    with pytest.raises(ServiceError):
        _allocate(make_project(), cast.office, 1)


def test_the_allocating_department_allocates_its_own_quota_only(cast, make_project):
    quota_set(kind="land", year=2026, amount=D(100), by=cast.office, managing_unit=cast.department)
    quota_set(kind="energy", year=2026, amount=D(100), by=cast.office)
    project = make_project()
    assert _allocate(project, cast.department_officer, 10).pk
    with pytest.raises(PermissionDenied):
        _allocate(project, cast.department_officer, 10, kind="energy")
    for who in ("town", "owner", "leader"):
        with pytest.raises(PermissionDenied):
            _allocate(project, cast.members[who], 1)
    with pytest.raises(PermissionDenied):
        quota_set(kind="land", year=2027, amount=D(1), by=cast.department_officer)


def test_demand_against_secured_per_project_and_per_town(cast, make_project):
    quota_set(kind="land", year=2026, amount=D(500), by=cast.office)
    a = make_project()
    b = make_project()
    c = make_project(town=cast.other_town)
    for project, need in ((a, 100), (b, 50), (c, 80)):
        demand_set(project=project, kind="land", amount=D(need), by=cast.office)
    _allocate(a, cast.office, 100)
    _allocate(b, cast.office, 20)
    _allocate(c, cast.office, 30)
    rows = {r.project_id: r for r in selectors.demand_rows()}
    assert rows[b.pk].secured == D(20)
    towns = {t["name"]: t["kinds"]["land"] for t in selectors.by_town()}
    assert towns["匡堰镇"] == {"demand": D(150), "secured": D(120), "rate": D("80.0")}
    assert towns["龙山镇"]["rate"] == D("37.5")
    summary = selectors.summary(2026, TODAY)
    land = next(k for k in summary["kinds"] if k["kind"] == "land")
    assert land["demand"] == D(230)
    assert land["covered"] == D(150)


def test_demand_is_recorded_by_those_who_edit_the_project(cast, make_project):
    project = make_project()
    assert demand_set(project=project, kind="energy", amount=D(5), by=cast.owner)
    with pytest.raises(PermissionDenied):
        demand_set(project=project, kind="energy", amount=D(5), by=cast.other_town_officer)


@time_machine.travel(dt.datetime(2026, 5, 10, 10, tzinfo=dt.UTC))
def test_it_warns_when_demand_is_not_covered_three_months_before_the_planned_start(cast, make_project):
    soon = make_project(name="八月开工")        # plan: August, within three months of 10 May
    later = make_project(name="十月开工")       # plan: October, more than three months away
    by_node = make_project(name="节点七月开工")  # no plan entry: the 开工 node's planned date
    covered = make_project(name="已保障")
    plan_entry(soon, year=2026, month=8)
    plan_entry(later, year=2026, month=10)
    plan_entry(covered, year=2026, month=6)
    set_node(by_node, "start", planned=dt.date(2026, 7, 20))
    for project in (soon, later, by_node, covered):
        demand_set(project=project, kind="land", amount=D(10), by=cast.office)
    quota_set(kind="land", year=2026, amount=D(100), by=cast.office)
    _allocate(covered, cast.office, 10)
    _allocate(soon, cast.office, 4)
    names = {w.project.name for w in selectors.uncovered_warnings(dt.date(2026, 5, 10))}
    assert names == {"八月开工", "节点七月开工"}
    page = cast.client("office").get("/breakthroughs/resources/?view=warnings")
    assert "八月开工" in page.content.decode() and "十月开工" not in page.content.decode()


@time_machine.travel(dt.datetime(2026, 5, 10, 10, tzinfo=dt.UTC))
def test_a_started_project_raises_no_warning(cast, make_project):
    project = make_project()
    plan_entry(project, year=2026, month=6)
    demand_set(project=project, kind="land", amount=D(10), by=cast.office)
    set_node(project, "start", done=dt.date(2026, 5, 1))
    assert not selectors.uncovered_warnings(dt.date(2026, 5, 10)).exists()


def test_the_allocation_form_shows_the_refusal(cast, make_project):
    quota_set(kind="land", year=2026, amount=D(5), by=cast.office)
    project = make_project()
    page = cast.client("office").post(
        f"/breakthroughs/resources/allocate/?project={project.pk}",
        {"kind": "land", "year": 2026, "amount": "8", "allocated_on": "2026-05-10"},
    )
    assert page.status_code == 200
    assert "errorlist" in page.content.decode()
    assert not ResourceAllocation.objects.exists()


@pytest.mark.parametrize("who", ["office", "town", "other_town", "department", "owner", "leader"])
def test_every_view_of_the_resource_ledger_opens_for_the_cast(cast, make_project, who, django_assert_max_num_queries):
    quota_set(kind="land", year=2026, amount=D(100), by=cast.office)
    for _ in range(3):
        project = make_project()
        demand_set(project=project, kind="land", amount=D(10), by=cast.office)
        _allocate(project, cast.office, 5)
    client = cast.client(who)
    for view in ("projects", "towns", "allocations", "warnings"):
        with django_assert_max_num_queries(14):
            assert client.get(f"/breakthroughs/resources/?year=2026&view={view}").status_code == 200
