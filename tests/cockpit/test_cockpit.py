import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.breakthroughs.helpers import plan_entry, set_node
from tuijin.breakthroughs.services.attraction import lead_advance, lead_create
from tuijin.breakthroughs.services.funds import fund_source_create
from tuijin.breakthroughs.services.resources import allocation_create, demand_set, quota_set
from tuijin.cockpit import selectors
from tuijin.orgs.choices import Role
from tuijin.orgs.models import User

D = Decimal
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 7, 15, 10, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def other_leader(cast):
    return User.objects.create_user(username="leader2", password="x" * 12, role=Role.LEADER, unit=cast.leader.unit,
                                    full_name="另一位领导")


def _county(cast, make_project, n: int, leader=None):
    """``n`` new-start projects (every other one started), funds, resource and lead data."""
    quota_set(kind="land", year=2026, amount=D(1000), by=cast.office)
    for i in range(n):
        project = make_project(name=f"驾驶舱项目{i}", leader=leader)
        plan_entry(project, year=2026, month=3)
        if i % 2 == 0:
            set_node(project, "start", planned=dt.date(2026, 3, 1), done=dt.date(2026, 3, 20))
        fund_source_create(project=project, by=cast.office, kind="special_bond", year=2026, applied=D(100),
                           approved=D(100), received=D(80), spent=D(40))
        demand_set(project=project, kind="land", amount=D(10), by=cast.office)
        allocation_create(project=project, kind="land", year=2026, amount=D(5), allocated_on=dt.date(2026, 3, 1),
                          by=cast.office)
        lead = lead_create(by=cast.office, name=f"线索{i}", investor="测试投资", source="fair",
                           intended_amount=D(12000), town=cast.town, responsible_unit=cast.town,
                           first_contact_on=dt.date(2026, 1, 5))
        lead_advance(lead=lead, to_stage="signed", on=dt.date(2026, 2, 1), by=cast.office)


def test_a_leader_sees_their_own_linked_projects_first(cast, make_project, other_leader):
    make_project(name="我联系的项目", leader=cast.leader)
    make_project(name="别人联系的项目", leader=other_leader)
    text = cast.client("leader").get("/cockpit/").content.decode()
    assert "我联系的项目" in text
    assert "别人联系的项目" not in text
    assert text.index("我联系的项目") < text.index("chart-starts")
    office = cast.client("office").get("/cockpit/").content.decode()
    assert "我联系的项目" in office and "别人联系的项目" in office


@pytest.mark.parametrize(("who", "status"), [("leader", 200), ("office", 200), ("town", 403), ("other_town", 403),
                                             ("department", 403), ("owner", 403), ("anonymous", 302)])
def test_who_may_open_the_cockpit(cast, who, status):
    assert cast.client(who).get("/cockpit/").status_code == status


def test_the_panels_show_hand_computed_figures(cast, make_project):
    _county(cast, make_project, 4, leader=cast.leader)
    data = selectors.cockpit(cast.leader, dt.date(2026, 7, 15))
    assert data["starts"]["total"] == 4 and data["starts"]["started"] == 2 and data["starts"]["overdue"] == 2
    assert data["funds"]["bonds"]["sources"] == 4
    assert data["funds"]["strive_total"]["approved"] == D(400)
    assert data["funds"]["total"]["spent"] == D(160)
    land = next(k for k in data["resources"]["kinds"] if k["kind"] == "land")
    assert land["quota"].balance == D(980)
    assert land["cover_rate"] == D("50.0")
    assert data["attraction"]["signed_year"] == 4
    assert data["attraction"]["big_year"] == 4
    page = cast.client("leader").get("/cockpit/").content.decode()
    assert "50.0%" in page  # the start rate
    assert "/breakthroughs/starts/?status=overdue" in page  # drill-down to the list behind the figure
    assert "/breakthroughs/funds/bonds/?behind=1" in page


def test_the_cockpit_runs_the_same_small_number_of_queries_for_any_number_of_projects(
    cast, make_project, django_assert_max_num_queries, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = cast.client("leader")
    _county(cast, make_project, 2, leader=cast.leader)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/cockpit/").status_code == 200
    _county(cast, make_project, 6, leader=cast.leader)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get("/cockpit/").status_code == 200
    with django_assert_max_num_queries(40):
        client.get("/cockpit/")


def test_the_red_light_figure_counts_projects_under_an_open_red_light(cast, make_project):
    """Two open red lights on one project count once; a cleared red light and an open yellow
    one do not count; a deleted project's open red light still counts, as it always has."""
    from tuijin.projects.services.registry import project_soft_delete
    from tuijin.supervision.models import Light

    today = dt.date(2026, 7, 15)
    twice, cleared, yellow, deleted = (make_project() for _ in range(4))

    def light(project, rule, colour, cleared_on=None):
        Light.objects.create(project=project, town=cast.town, rule=rule, colour=colour, reason="落后序时进度",
                             first_seen=dt.date(2026, 7, 1), last_seen=today, cleared_on=cleared_on)

    light(twice, "behind_schedule", "red")
    light(twice, "node_overdue", "red")
    light(cleared, "behind_schedule", "red", cleared_on=dt.date(2026, 7, 10))
    light(yellow, "behind_schedule", "yellow")
    light(deleted, "behind_schedule", "red")
    project_soft_delete(project=deleted, by=cast.office)
    panel = selectors.red_lights(today)
    assert panel["count"] == 2
    assert {row.project_id for row in panel["rows"]} == {twice.pk, deleted.pk}
    light(cleared, "node_overdue", "red")
    assert selectors.red_lights(today)["count"] == 3


def test_the_meeting_room_screen_is_dark_and_full_screen(cast):
    page = cast.client("leader").get("/cockpit/?screen=1").content.decode()
    assert 'class="cockpit screen"' in page
    assert "vendor/echarts/dist/echarts.min.js" in page


def test_a_panel_whose_app_has_not_landed_says_no_data_instead_of_inventing_figures(cast, monkeypatch):
    real = selectors.optional
    monkeypatch.setattr(selectors, "optional",
                        lambda module, name: None if module.startswith("tuijin.supervision") else real(module, name))
    page = cast.client("leader").get("/cockpit/")
    assert page.status_code == 200
    assert "暂无数据" in page.content.decode()


def test_the_county_investment_is_the_sum_of_the_towns_and_the_county_level_projects(cast, make_project):
    """The cockpit adds the towns' rows up instead of querying the county again: the result is
    the reporting app's county figures, projects without a town included."""
    from tests.reporting.factories import filed, in_plan
    from tuijin.reporting.selectors import county_figures

    in_town = make_project(name="镇里的项目")
    elsewhere = make_project(name="龙山的项目", town=cast.other_town)
    county_level = make_project(name="跨镇街项目", town=None)
    for project, planned in ((in_town, "1200"), (elsewhere, "2400"), (county_level, "600")):
        in_plan(project, 2026, planned)
        filed(project, 2025, 5, "50")
        for month in (5, 6):
            filed(project, 2026, month, "100")
    figures = selectors.investment(2026, 6)["county"]
    expected = county_figures(2026, 6)
    assert figures.ytd == expected.ytd == D(600)
    assert figures.annual_plan == expected.annual_plan == D(4200)
    assert figures.planned_to_date == expected.planned_to_date == D(2100)
    assert figures.last_year_ytd == expected.last_year_ytd == D(150)
    assert figures.forecast == expected.forecast
