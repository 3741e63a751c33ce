"""The project page: header and tabs (its own and other apps')."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe

from tuijin.orgs import policy

from ..tabs import find_tab, project_tabs
from .common import visible_project


@login_required
def project_detail(request, pk: int, tab: str | None = None):
    project = visible_project(request, pk)
    current = find_tab(tab or request.GET.get("tab"))
    body = current.render(request, project)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "tabs": project_tabs(),
            "tab": current,
            "tab_body": mark_safe(body),  # noqa: S308  (rendered by the tab's own template)
            "can_edit": policy.can_edit_project(request.user, project),
        },
    )
