"""The overview page and the error pages.

The overview is made of panels that apps declare on their AppConfig:
``home_panels = [(order, "dotted.path.to.render")]`` with ``render(request) -> str``, so that
core, the lowest app, never imports the apps above it.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe


@cache
def _panels() -> tuple:
    found = []
    for config in apps.get_app_configs():
        for order, path in getattr(config, "home_panels", ()):
            found.append((order, path))
    return tuple(import_string(path) for _order, path in sorted(found))


@login_required
def home(request):
    from tuijin.orgs.policy import admin_role_of

    if admin_role_of(request.user):
        return redirect("orgs:console")  # the three administrators see no project data
    panels = [mark_safe(render_panel(request)) for render_panel in _panels()]  # noqa: S308  (app templates)
    return render(request, "core/home.html", {"panels": panels, "today": timezone.localdate()})
