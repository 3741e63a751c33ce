"""The project registry list: filters, sorting, pagination, download link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from tuijin.orgs import policy

from ..filtersets import ProjectFilterSet
from ..models import Node, Project
from .common import url_or_none

PAGE_SIZE = 50
SORTS = {
    "investment": ("total_investment", "code"),
    "-investment": ("-total_investment", "code"),
    "name": ("name", "code"),
    "-name": ("-name", "code"),
}
# Filters shown in the bar; the others (owner, leader, start year, chain, nature) still
# work from links such as the overview's "my projects".
BAR_FILTERS = ("q", "town", "department", "library", "category", "stage", "level", "status")


@login_required
def project_list(request):
    queryset = policy.scope_projects(request.user, Project.objects.alive().with_related())
    filterset = ProjectFilterSet(request.GET or None, queryset=queryset)
    projects = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    if request.GET.get("overdue") == "1":
        projects = projects.filter(pk__in=Node.objects.filter(is_overdue=True).values("project_id"))
    sort = request.GET.get("sort", "-investment")
    projects = projects.order_by(*SORTS.get(sort, SORTS["-investment"]))
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    export_url = url_or_none("ledger:export_projects")
    if export_url:
        export_url = f"{export_url}?{query.urlencode()}" if query else export_url
    form = filterset.form
    active = [name for name in form.fields if name not in BAR_FILTERS and request.GET.get(name)]
    return render(
        request,
        "projects/list.html",
        {
            "filterset": filterset,
            "bar_fields": [form[name] for name in BAR_FILTERS],
            "hidden_fields": [form[name] for name in active],
            "page": page,
            "sort": sort,
            "export_url": export_url,
            "can_create": policy.can_create_project(request.user),
            "filtered": any(request.GET.get(name) for name in form.fields),
        },
    )
