"""The fixed cast every permission test uses, and the county's reference data.

Roles: the project office, a town officer of 匡堰镇 (this town) and of 龙山镇 (another town),
a department officer (自然资源和规划局), an owner (an enterprise), a county leader, and an
anonymous visitor. Projects made by :func:`make_project` lie in 匡堰镇, owned by the owner's
enterprise, assigned to the department.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client, override_settings
from pytest_django.plugin import blocking_manager_key

from tuijin.orgs.choices import Role, UnitKind
from tuijin.orgs.models import Unit, User
from tuijin.orgs.reference import COUNTY, DEPARTMENTS, SOES, TERRITORIES, load_units
from tuijin.projects.models import Category, NodeTemplate
from tuijin.projects.reference import load_reference_data

PASSWORD = "correct-horse-battery-staple"


def _reference() -> dict[str, Unit]:
    """Cixi's units by short name, with the project catalogue; loaded if the database lacks them."""
    shorts = [COUNTY[1], *(t[1] for t in TERRITORIES), *(d[1] for d in DEPARTMENTS), *(s[1] for s in SOES)]
    units = {u.short_name: u for u in Unit.objects.filter(short_name__in=shorts)}
    if len(units) == len(shorts) and NodeTemplate.objects.exists():
        return units
    units = load_units()
    load_reference_data()
    return units


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Each test database holds the county's reference data from the start, as every installed
    one does: loading it in each test took 509 queries (a sixth of the suite's time)."""
    with django_db_blocker.unblock():
        _reference()


@pytest.fixture(scope="session", autouse=True)
def _files_in_tmp(tmp_path_factory):
    """Files the tests store (uploads, the published OC4IDS package) go to a temporary folder
    of the session, not the data directory of the machine running the tests."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table: the reference data is put back for
    the tests after it (after the last one the test database is already gone)."""
    result = yield
    if nextitem is None:
        return result
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if transactional or {"transactional_db", "live_server"} & set(item.fixturenames):
        with item.config.stash[blocking_manager_key].unblock():
            _reference()
    return result


class Cast:
    """Named users, their units and logged-in clients."""

    def __init__(self):
        self.units = _reference()
        self.enterprise = Unit.objects.create(name="宁波测试电器有限公司", short_name="测试电器", kind=UnitKind.ENTERPRISE)
        self.other_enterprise = Unit.objects.create(name="慈溪另一家有限公司", short_name="另一家", kind=UnitKind.ENTERPRISE)
        self.town = self.units["匡堰"]
        self.other_town = self.units["龙山"]
        self.department = self.units["自然资源和规划局"]
        self.office = self._user("office", Role.OFFICE, self.units["发改局"])
        self.town_officer = self._user("kuangyan", Role.TOWN, self.town)
        self.other_town_officer = self._user("longshan", Role.TOWN, self.other_town)
        self.department_officer = self._user("zrzy", Role.DEPARTMENT, self.department)
        self.owner = self._user("owner", Role.OWNER, self.enterprise)
        self.leader = self._user("leader", Role.LEADER, self.units["慈溪"])

    def _user(self, username, role, unit):
        return User.objects.create_user(username=username, password=PASSWORD, role=role, unit=unit, full_name=username)

    @property
    def members(self) -> dict[str, User | None]:
        return {
            "office": self.office,
            "town": self.town_officer,
            "other_town": self.other_town_officer,
            "department": self.department_officer,
            "owner": self.owner,
            "leader": self.leader,
            "anonymous": None,
        }

    def client(self, who: str) -> Client:
        client = Client()
        user = self.members[who]
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def cast(db) -> Cast:
    return Cast()


@pytest.fixture
def make_project(cast):
    """A project in 匡堰镇 owned by the cast's enterprise, with its node chain."""
    from tuijin.projects.services.registry import project_create

    counter = {"n": 0}

    def make(**overrides):
        counter["n"] += 1
        fields = {
            "name": f"测试项目{counter['n']}",
            "owner": cast.enterprise,
            "town": cast.town,
            "department": cast.department,
            "category": Category.objects.get(name="产业"),
            "nature": "enterprise",
            "total_investment": Decimal("50000"),
            "start_year": 2026,
            "end_year": 2028,
            "content": "新建厂房",
            "address": "匡堰镇工业园区",
            "land_area": Decimal("50"),
            "template": NodeTemplate.objects.get(name="企业投资项目"),
        }
        fields.update(overrides)
        return project_create(by=cast.office, **fields)

    return make


@pytest.fixture
def english():
    """Service messages in English, so assertions read the source text (pages are tested in Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield
