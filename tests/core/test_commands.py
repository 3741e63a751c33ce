"""The tuijin command: demo, serve, roll-year and settings that fail loudly."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tuijin.orgs.models import User
from tuijin.projects.choices import LibraryKind
from tuijin.projects.models import PlanVersion, Project
from tuijin.projects.services.split import split_mismatches


@pytest.mark.django_db
def test_the_demo_loads_once_with_a_login_per_role_and_rolls_over():
    """One test, because the demo takes a while: what it holds, that a second run changes
    nothing, and that roll-year works on it."""
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    # 600 from the registry; investment leads converted into projects add a few more
    assert Project.objects.filter(is_demo=True, code__regex=r"^TJ\d{4}-\d{5}$").count() >= 600
    roles = set(User.objects.filter(is_demo=True).values_list("role", flat=True))
    assert {"office", "town", "department", "owner", "leader"} <= roles
    assert "tuijin-demo-2026" in out.getvalue() and "kuangyan" in out.getvalue()
    libraries = set(Project.objects.values_list("library", flat=True))
    assert {LibraryKind.RESERVE, LibraryKind.ROLLING, LibraryKind.ANNUAL} <= libraries
    year = PlanVersion.objects.order_by("-year").first().year
    assert PlanVersion.objects.get(year=year, number=1).is_frozen
    assert PlanVersion.objects.filter(year=year, is_frozen=False).exists()
    assert split_mismatches() == []  # the demo's plan lines (adjusted ones too) store their split

    count = Project.objects.count()
    again = StringIO()
    call_command("demo", "--no-serve", stdout=again)
    assert "already loaded" in again.getvalue()
    assert Project.objects.count() == count

    out = StringIO()
    call_command("roll-year", str(year + 1), "--dry-run", stdout=out)
    assert "DRY RUN" in out.getvalue() and "转入续建" in out.getvalue()
    assert not PlanVersion.objects.filter(year=year + 1).exists()
    call_command("roll-year", str(year + 1), stdout=StringIO())
    assert PlanVersion.objects.filter(year=year + 1).exists()
    assert split_mismatches() == []
    out = StringIO()
    call_command("roll-year", str(year + 1), stdout=out)
    assert "转入续建" not in out.getvalue().splitlines()[-1], "a second roll-over carries nothing"


def test_serve_refuses_to_start_without_a_database_url(settings):
    settings.DATABASE_URL_SET = False
    with pytest.raises(CommandError, match="DATABASE_URL is not set"):
        call_command("serve")


def _settings_in_subprocess(env):
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='tuijin.settings'; django.setup()"
    full = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TUIJIN_TESTING")} | env
    full.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=60)


def test_a_bad_database_url_stops_start_up_with_a_clear_message(tmp_path):
    result = _settings_in_subprocess({"DATABASE_URL": "mysql://x", "TUIJIN_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DATABASE_URL='mysql://x': expected postgres://" in result.stderr


def test_production_without_a_secret_key_stops_start_up(tmp_path):
    result = _settings_in_subprocess({"DATABASE_URL": "postgres://u@127.0.0.1/x", "TUIJIN_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "TUIJIN_SECRET_KEY is not set" in result.stderr


def test_a_bad_boolean_names_the_variable(tmp_path):
    result = _settings_in_subprocess({"TUIJIN_DEBUG": "maybe", "TUIJIN_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "TUIJIN_DEBUG='maybe'" in result.stderr
