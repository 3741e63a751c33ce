"""The tuijin command: demo, serve, roll-year and settings that fail loudly."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


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


@pytest.mark.django_db
def test_serve_gives_a_worker_as_long_as_nginx_waits_for_it(settings, monkeypatch):
    """A province's project list as Excel takes longer than gunicorn's default 30 s."""
    import re
    from pathlib import Path

    from gunicorn.app import wsgiapp

    from tuijin.core.management.commands import serve

    settings.DATABASE_URL_SET, settings.DEBUG = True, False
    started = {}
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)
    monkeypatch.setattr(wsgiapp, "run", lambda: started.update(argv=list(sys.argv)))
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    call_command("serve", no_migrate=True)
    argv = started["argv"]
    nginx = (Path(__file__).parents[2] / "deploy" / "nginx" / "tuijin.conf").read_text()
    waits = re.search(r"proxy_read_timeout (\d+)s", nginx).group(1)
    assert argv[argv.index("--timeout") + 1] == waits == "120"
