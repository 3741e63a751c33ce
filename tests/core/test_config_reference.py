"""The configuration reference in docs/ lists every variable the code reads."""

import importlib
import re
from pathlib import Path

from tuijin.lib.config import REGISTRY

REPO = Path(__file__).resolve().parents[2]
_reference = importlib.import_module("tuijin.core.management.commands.config-reference")


def test_the_committed_reference_is_what_the_settings_generate():
    committed = (REPO / "docs" / "admin" / "configuration.md").read_text(encoding="utf-8")
    assert committed == _reference.render(), "run: .venv/bin/tuijin config-reference -o docs/admin/configuration.md"


def test_no_code_reads_the_environment_behind_the_registrys_back():
    pattern = re.compile(r"os\.environ(?:\.get)?\s*[\[(]\s*[\"'](\w+)")
    unregistered = {}
    for path in (REPO / "tuijin").rglob("*.py"):
        for name in pattern.findall(path.read_text(encoding="utf-8")):
            if name not in REGISTRY and name not in {"DJANGO_SETTINGS_MODULE"}:
                unregistered.setdefault(name, []).append(str(path.relative_to(REPO)))
    assert unregistered == {}, "read these through tuijin.lib.config.env so they are documented"
