"""Starts and approvals: the two panels and the lists behind their figures."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.orgs.security import log_export
from tuijin.projects.choices import NodeStatus

from .. import policy
from ..exports import xlsx_response
from ..selectors import panels as selectors
from ..selectors.common import current_version_id
from .common import deny_unless, int_param, paginate, this_year

START_STATUSES = ("all", "started", "not_started", "overdue", "due")
APPROVAL_STATUSES = ("overdue", "due_soon", "done", "late", "open")


@login_required
def panels(request):
    deny_unless(policy.can_view_panels(request.user))
    year = int_param(request, "year", this_year())
    today = timezone.localdate()
    starts = selectors.starts_panel(year, today)
    return render(request, "breakthroughs/panels.html", {
        "year": year, "starts": starts, "approvals": selectors.approvals_panel(year, today),
        "starts_targets_json": json.dumps({m: float(r) for m, r in starts["targets"]}),
    })


@login_required
def start_list(request):
    deny_unless(policy.can_view_panels(request.user))
    year = int_param(request, "year", this_year())
    today = timezone.localdate()
    status = request.GET.get("status", "all")
    status = status if status in START_STATUSES else "all"
    qs = selectors.new_start_entries(year, current_version_id(year)).select_related("project", "project__town", "project__owner")
    if status == "started":
        qs = qs.filter(start_actual__isnull=False)
    elif status == "not_started":
        qs = qs.filter(start_actual__isnull=True)
    elif status == "overdue":
        qs = qs.filter(selectors.overdue_filter(year, today))
    elif status == "due":
        qs = qs.filter(start_actual__isnull=True, planned_start_month=today.month)
    town = int_param(request, "town")
    if town:
        qs = qs.filter(project__town_id=town)
    qs = qs.order_by("planned_start_month", "project__name")
    if request.GET.get("format") == "xlsx":
        log_export(request, "starts.xlsx")
        headers = [_("Project"), _("Project number"), _("Town"), _("Owner"), _("Planned start month"),
                   _("Planned start (node)"), _("Actual start")]
        data = ([e.project.name, e.project.code, e.project.town.name if e.project.town else "", e.project.owner.name,
                 e.planned_start_month, e.start_planned, e.start_actual] for e in qs)
        return xlsx_response(_("New-start projects"), headers, data, "starts")
    page, query = paginate(request, qs)
    for entry in page:
        entry.delay = (entry.start_actual - entry.start_planned).days if entry.start_actual and entry.start_planned else None
    return render(request, "breakthroughs/start_list.html", {
        "page": page, "query": query, "status": status, "year": year, "statuses": START_STATUSES, "today": today,
    })


@login_required
def approval_list(request):
    deny_unless(policy.can_view_panels(request.user))
    year = int_param(request, "year", this_year())
    today = timezone.localdate()
    status = request.GET.get("status", "overdue")
    status = status if status in APPROVAL_STATUSES else "overdue"
    qs = selectors.approval_nodes().select_related("project", "project__town", "node_type", "responsible_unit")
    unfinished = ~Q(status__in=selectors.FINISHED)
    if status == "overdue":
        qs = qs.filter(unfinished, due_date__lt=today)
    elif status == "due_soon":
        qs = qs.filter(unfinished, due_date__gte=today, due_date__lte=today + dt.timedelta(days=selectors.SOON_DAYS))
    elif status == "open":
        qs = qs.filter(unfinished)
    elif status == "done":
        qs = qs.filter(status=NodeStatus.DONE, actual_date__year=year)
    else:
        qs = qs.filter(status=NodeStatus.DONE, actual_date__year=year, actual_date__gt=F("due_date"))
    node_type = int_param(request, "node_type")
    if node_type:
        qs = qs.filter(node_type_id=node_type)
    qs = qs.order_by("due_date", "project__name")
    if request.GET.get("format") == "xlsx":
        log_export(request, "approvals.xlsx")
        headers = [_("Project"), _("Town"), _("Approval item"), _("Responsible unit"), _("Time limit"),
                   _("Actual date"), _("Document number")]
        data = ([n.project.name, n.project.town.name if n.project.town else "", n.node_type.name,
                 n.responsible_unit.name if n.responsible_unit else "", n.due_date, n.actual_date, n.document_number]
                for n in qs)
        return xlsx_response(_("Approval items"), headers, data, "approvals")
    page, query = paginate(request, qs)
    for node in page:
        end = node.actual_date or today
        node.days_over = (end - node.due_date).days if node.due_date and end > node.due_date else 0
    return render(request, "breakthroughs/approval_list.html", {
        "page": page, "query": query, "status": status, "year": year, "statuses": APPROVAL_STATUSES, "today": today,
    })
