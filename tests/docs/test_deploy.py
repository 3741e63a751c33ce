"""The deployment files name every configuration variable and run the real commands."""

import importlib
import re
from pathlib import Path

from tuijin.lib.config import REGISTRY

REPO = Path(__file__).resolve().parents[2]
_reference = importlib.import_module("tuijin.core.management.commands.config-reference")


def test_the_environment_file_example_lists_every_variable_the_settings_read():
    _reference.render()  # loads every app, so every variable is registered
    text = (REPO / "deploy" / "tuijin.env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.M))
    assert set(REGISTRY) - named == set(), "add these to deploy/tuijin.env.example"
    assert named - set(REGISTRY) == set(), "deploy/tuijin.env.example names variables nothing reads"


def test_the_systemd_units_run_tuijin_commands_that_exist():
    from django.core.management import get_commands

    commands = get_commands()
    for unit, command in [("tuijin-web", "serve"), ("tuijin-worker", "worker"), ("tuijin-scheduler", "scheduler")]:
        text = (REPO / "deploy" / "systemd" / f"{unit}.service").read_text(encoding="utf-8")
        assert f"/opt/tuijin/.venv/bin/tuijin {command}" in text
        assert "EnvironmentFile=/etc/tuijin/tuijin.env" in text
        assert command in commands


def test_the_nginx_site_proxies_with_tls_static_media_and_an_upload_limit():
    text = (REPO / "deploy" / "nginx" / "tuijin.conf").read_text(encoding="utf-8")
    for needle in ("listen 443 ssl", "ssl_certificate ", "location /static/", "location /media/",
                   "client_max_body_size", "X-Forwarded-Proto", "X-Forwarded-For", "proxy_pass http://tuijin_app"):
        assert needle in text, needle
