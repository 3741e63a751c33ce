"""The tabs of the project page, gathered from every app.

An app adds a tab by declaring on its AppConfig
``project_tabs = [(order, slug, label, "dotted.path.to.render")]``; ``render(request, project)``
returns the tab's HTML and must check the user may see it (the project page has already
checked the user may see the project). See docs/development/README.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Tab:
    order: int
    slug: str
    label: str
    path: str

    @property
    def render(self) -> Callable:
        return import_string(self.path)


@cache
def _declared() -> tuple[Tab, ...]:
    tabs = []
    for config in apps.get_app_configs():
        for order, slug, label, path in getattr(config, "project_tabs", ()):
            tabs.append(Tab(order, slug, label, path))
    tabs.sort(key=lambda t: (t.order, t.slug))
    return tuple(tabs)


def project_tabs() -> list[Tab]:
    return list(_declared())


def find_tab(slug: str | None) -> Tab:
    tabs = _declared()
    for tab in tabs:
        if tab.slug == slug:
            return tab
    return tabs[0]
