"""The API router: every resource module listed here contributes its routes."""

from __future__ import annotations

import importlib

from rest_framework.routers import DefaultRouter

#: Resource modules of tuijin.opendata.api, in the order the API root lists them.
RESOURCES = [
    "projects", "library", "plan", "nodes", "reports", "problems", "lights", "race", "funds", "resources", "leads",
    "clusters",
]

router = DefaultRouter()
for _name in RESOURCES:
    _module = importlib.import_module(f"{__package__}.{_name}")
    for prefix, viewset, basename in _module.routes:
        router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
