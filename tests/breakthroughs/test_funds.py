import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from tuijin.breakthroughs.models import FundSource
from tuijin.breakthroughs.selectors import funds as selectors
from tuijin.breakthroughs.services.funds import bond_plan_set, fund_source_create, fund_source_update
from tuijin.lib.errors import PermissionDenied, ServiceError

D = Decimal


def _source(project, by, **kw):
    fields = {"kind": "special_bond", "year": 2026, "applied": D(1000), "approved": D(800), "received": D(600),
              "spent": D(300)}
    fields.update(kw)
    return fund_source_create(project=project, by=by, **fields)


def test_it_refuses_spending_more_than_received(cast, make_project):
    project = make_project()
    with pytest.raises(ServiceError) as exc:
        _source(project, cast.office, spent=D(700))
    assert "spent" in exc.value.error_dict
    assert "700" in str(exc.value.error_dict["spent"][0].messages[0])
    assert not FundSource.objects.exists()


def test_it_refuses_receiving_more_than_approved(cast, make_project):
    project = make_project()
    with pytest.raises(ServiceError) as exc:
        _source(project, cast.office, received=D(900), spent=D(0))
    assert "received" in exc.value.error_dict


def test_it_allows_approval_above_the_application_and_flags_it(cast, make_project):
    source = _source(make_project(), cast.office, applied=D(500))
    assert source.approved_above_applied


def test_the_database_refuses_spent_above_received_whatever_the_caller(cast, make_project):
    project = make_project()
    with pytest.raises(IntegrityError), transaction.atomic():
        FundSource.objects.create(project=project, kind="budget", year=2026, approved=D(10), received=D(5), spent=D(6))


def test_an_update_is_held_to_the_same_rules(cast, make_project):
    source = _source(make_project(), cast.office)
    with pytest.raises(ServiceError):
        fund_source_update(source=source, by=cast.office, received=D(200))  # below the 300 already spent
    source.refresh_from_db()
    assert source.received == D(600)


def test_totals_by_kind_add_up(cast, make_project):
    a, b = make_project(), make_project()
    _source(a, cast.office)
    _source(b, cast.office, applied=D(100), approved=D(100), received=D(50), spent=D(50))
    _source(a, cast.office, kind="self_raised", applied=D(2000), approved=D(2000), received=D(2000), spent=D(1500))
    rows = {r["kind"]: r for r in selectors.totals_by_kind()}
    assert rows["special_bond"]["applied"] == D(1100)
    assert rows["special_bond"]["spent"] == D(350)
    assert rows["special_bond"]["count"] == 2
    assert rows["central_budget"]["count"] == 0
    total = selectors.grand_total(list(rows.values()))
    assert total["approved"] == D(2900)
    assert total["spent"] == D(1850)
    assert total["spent_rate"] == D("69.8")  # 1850 / 2650


@time_machine.travel(dt.datetime(2026, 6, 20, 10, tzinfo=dt.UTC))
def test_a_special_bond_more_than_30_percent_behind_its_plan_is_flagged(cast, make_project):
    behind = _source(make_project(), cast.office, approved=D(1200), received=D(1200), spent=D(250))
    on_plan = _source(make_project(), cast.office, approved=D(1200), received=D(1200), spent=D(300))
    for source in (behind, on_plan):
        # 100 a month from January: 600 planned by the end of June, 1200 by December.
        bond_plan_set(source=source, months={(2026, m): D(100) for m in range(1, 13)}, by=cast.office)
    rows = {r.pk: r for r in selectors.bond_rows(dt.date(2026, 6, 20))}
    assert rows[behind.pk].planned_to_date == D(600)
    assert selectors.behind_percent(rows[behind.pk]) == D("58.3")
    assert selectors.behind_percent(rows[on_plan.pk]) == D("50.0")
    summary = selectors.bond_summary(dt.date(2026, 6, 20))
    assert summary["behind"] == 2
    # 30% behind is the limit: 420 spent of 600 planned is not flagged, 419 is.
    fund_source_update(source=on_plan, by=cast.office, spent=D(420))
    assert selectors.bond_summary(dt.date(2026, 6, 20))["behind"] == 1
    fund_source_update(source=on_plan, by=cast.office, spent=D(419))
    assert selectors.bond_summary(dt.date(2026, 6, 20))["behind"] == 2


def test_a_use_plan_cannot_promise_more_than_approved(cast, make_project):
    source = _source(make_project(), cast.office)
    with pytest.raises(ServiceError):
        bond_plan_set(source=source, months={(2026, 1): D(900)}, by=cast.office)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("office", True), ("town", True), ("department", True), ("owner", True),
     ("other_town", False), ("leader", False)],
)
def test_who_may_record_funds(cast, make_project, who, allowed):
    project = make_project()
    user = cast.members[who]
    if allowed:
        assert _source(project, user).pk
    else:
        with pytest.raises(PermissionDenied):
            _source(project, user)


def test_an_owner_may_not_record_funds_of_another_owners_project(cast, make_project):
    project = make_project(owner=cast.other_enterprise)
    with pytest.raises(PermissionDenied):
        _source(project, cast.owner)


@pytest.mark.parametrize("who", ["office", "town", "other_town", "department", "owner", "leader"])
def test_the_fund_ledger_lists_what_each_role_may_see(cast, make_project, who):
    mine = make_project(name="本企业项目")
    theirs = make_project(name="别家企业项目", owner=cast.other_enterprise)
    _source(mine, cast.office)
    _source(theirs, cast.office)
    page = cast.client(who).get("/breakthroughs/funds/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "本企业项目" in text
    assert ("别家企业项目" in text) == (who != "owner")


def test_anonymous_visitors_are_sent_to_log_in(cast):
    assert cast.client("anonymous").get("/breakthroughs/funds/").status_code == 302


def test_the_fund_form_shows_the_refusal_on_the_field(cast, make_project):
    project = make_project()
    page = cast.client("town").post(
        f"/breakthroughs/funds/new/?project={project.pk}",
        {"kind": "budget", "year": 2026, "applied": "100", "approved": "100", "received": "50", "spent": "80"},
    )
    assert page.status_code == 200
    assert "errorlist" in page.content.decode()
    assert "80" in page.content.decode()
    assert not FundSource.objects.exists()


def test_amounts_are_accepted_in_yi(cast, make_project):
    project = make_project()
    page = cast.client("office").post(
        f"/breakthroughs/funds/new/?project={project.pk}",
        {"kind": "central_budget", "year": 2026, "applied": "1.2亿", "approved": "8000", "received": "0", "spent": ""},
    )
    assert page.status_code == 302
    assert FundSource.objects.get().applied == D(12000)


def test_the_ledger_downloads_as_excel(cast, make_project):
    _source(make_project(name="下载项目"), cast.office)
    response = cast.client("leader").get("/breakthroughs/funds/?format=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[3][0] == "下载项目"
    assert rows[3][6] == 1000


def test_the_fund_ledger_runs_a_constant_number_of_queries(cast, make_project, django_assert_max_num_queries):
    for _ in range(6):
        _source(make_project(), cast.office)
    client = cast.client("office")
    with django_assert_max_num_queries(12):
        assert client.get("/breakthroughs/funds/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/breakthroughs/funds/bonds/").status_code == 200
