"""Tests of migrations: the test database is migrated back to an earlier state with Django's
MigrationExecutor, rows are written with that state's historical models, and it is migrated
forward again (tests/core/test_migrations_forward.py, tests/projects/test_migrations.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder


def migrate_to(targets):
    """Migrate to ``targets`` and return the historical apps of the state the database is in."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    applied = set(MigrationRecorder(connection).applied_migrations())
    nodes = [node for node in executor.loader.graph.nodes if node in applied]
    return executor.loader.project_state(nodes).apps


def latest():
    """Every app's last migration."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def back_to():
    """Migrate back to a state; whatever happens, the database ends at the latest state."""
    yield migrate_to
    migrate_to(latest())


@pytest.fixture
def empty_database(transactional_db):
    """The older release's database starts empty: the reference data every test database is
    given (tests/conftest.py) is written by the test, with that release's models."""
    call_command("flush", interactive=False, verbosity=0)


def a_project(apps, **fields):
    """The older release's project, written with the historical models ``apps``: 匡堰智能家电产业园项目
    in 匡堰镇, owned by an enterprise, in the category 产业."""
    Unit = apps.get_model("orgs", "Unit")
    town = Unit.objects.create(name="匡堰镇", short_name="匡堰", kind="town")
    owner = Unit.objects.create(name="宁波测试电器有限公司", short_name="测试电器", kind="enterprise")
    category = apps.get_model("projects", "Category").objects.create(name="产业", order=1)
    return apps.get_model("projects", "Project").objects.create(
        code="2026-0001", name="匡堰智能家电产业园项目", nature="enterprise", total_investment=Decimal("50000"),
        start_year=2026, end_year=2028, category=category, owner=owner, town=town, **fields,
    )
