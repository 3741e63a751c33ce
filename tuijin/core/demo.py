"""The Cixi demo data set, built by every app in turn.

Each app that has demo data provides ``tuijin/<app>/demo.py`` with ``load(ctx: DemoContext)``.
`tuijin demo` calls them in INSTALLED_APPS order (lower layers first) inside one transaction,
with one seeded random generator, so the data set is the same on every machine for the
same day. Every demo row is marked (``is_demo``) where the model has the flag.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

DEMO_SEED = 1335
DEMO_PASSWORD = "tuijin-demo-2026"  # noqa: S105  (printed by `tuijin demo`; demo data only)


@dataclass
class DemoContext:
    rng: random.Random
    today: dt.date
    units: dict[str, Any] = field(default_factory=dict)  # by short name
    users: dict[str, Any] = field(default_factory=dict)  # by username
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, what to try)
    data: dict[str, Any] = field(default_factory=dict)  # anything an app leaves for the apps above it

    @property
    def year(self) -> int:
        return self.today.year


@cache
def demo_password_hash() -> str:
    """The demo password, hashed once for every demo login (a hash each took 0.4 s)."""
    from django.contrib.auth.hashers import make_password

    return make_password(DEMO_PASSWORD)


def demo_loaded() -> bool:
    from tuijin.projects.models import Project

    return Project.objects.filter(is_demo=True).exists()


def load_demo(*, today: dt.date | None = None, stdout=None) -> DemoContext:
    ctx = DemoContext(rng=random.Random(DEMO_SEED), today=today or timezone.localdate())
    from auditlog.context import disable_auditlog

    # Demo rows are generated, not edited: their creation is not part of anyone's history.
    # An app that writes rows in bulk rebuilds what is derived from them (totals) before it
    # returns: the apps loaded after it read them.
    with transaction.atomic(), disable_auditlog():
        for config in apps.get_app_configs():
            if not config.name.startswith("tuijin.") or config.name == "tuijin.core":
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            if stdout:
                stdout.write(f"  · {config.verbose_name}")
            module.load(ctx)
    return ctx
