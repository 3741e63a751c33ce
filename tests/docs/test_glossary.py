"""The glossary (docs/glossary.md) names only models and fields that exist, and lists every
state and category of the main apps."""

import importlib
import inspect
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = (REPO / "docs" / "glossary.md").read_text(encoding="utf-8")
APPS = {"orgs", "projects", "reporting", "consultation", "breakthroughs", "race", "supervision", "clusters", "ledger", "opendata"}
CHOICE_APPS = ["orgs", "projects", "consultation", "breakthroughs", "race", "supervision"]


def _model_references():
    for app, model, field in re.findall(r"`(\w+)\.([A-Z]\w+)(?:\.(\w+))?`", GLOSSARY):
        if app in APPS:
            yield app, model, field


def _choices():
    for app in CHOICE_APPS:
        module = importlib.import_module(f"tuijin.{app}.choices")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, models.TextChoices) and cls.__module__ == module.__name__:
                for member in cls:
                    yield app, name, member


def test_the_glossary_names_models_at_all():
    assert len(list(_model_references())) > 50


@pytest.mark.parametrize(("app", "model", "field"), sorted(set(_model_references())))
def test_every_model_and_field_the_glossary_names_exists(app, model, field):
    found = apps.get_model(app, model)
    if field:
        try:
            found._meta.get_field(field)
        except FieldDoesNotExist:
            pytest.fail(f"docs/glossary.md names {app}.{model}.{field}, which does not exist")


def test_every_choice_of_the_main_apps_is_in_the_glossary():
    missing = [f"{app}: {name}.{member.name}" for app, name, member in _choices() if f"`{name}.{member.name}`" not in GLOSSARY]
    assert missing == [], "add these to docs/glossary.md (中文 | English | choice | stored value)"
