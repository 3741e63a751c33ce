"""Tests of migrations: the test database is migrated back to an earlier state with Django's
MigrationExecutor, rows are written with that state's historical models, and it is migrated
forward again (tests/core/test_migrations_forward.py, tests/projects/test_migrations.py)."""

from __future__ import annotations

import pytest
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
