"""The project page's own tabs: basic facts, plan, nodes and approvals, history.
Each is ``render(request, project) -> str``, the contract every app's tab follows."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from tuijin.orgs import policy

from .. import selectors
from ..choices import EntryStatus, LibraryKind, NodeStatus, Stage
from ..forms import DocumentForm, StageChangeForm, TaskForceForm
from ..models import EntryEvent, Node, PlanEntry
from ..services.libraries import LIVE_STATUSES


def _nodes(project) -> list[Node]:
    nodes = list(
        project.nodes.select_related("node_type", "responsible_unit").prefetch_related(
            Prefetch("predecessors", queryset=Node.objects.select_related("node_type"))
        )
    )
    for node in nodes:
        node.project = project  # the policy looks at the project: no query per node
    return nodes


def _current_plan_entry(project) -> PlanEntry | None:
    year = timezone.localdate().year
    return (
        project.plan_entries.filter(version__year=year)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )


def basic(request, project) -> str:
    user = request.user
    nodes = list(project.nodes.select_related("node_type").order_by("order"))
    done = [n for n in nodes if n.is_finished]
    overdue = [n for n in nodes if n.is_overdue]
    upcoming = next((n for n in nodes if not n.is_finished), None)
    task_force = list(project.task_force.select_related("unit"))
    documents = list(project.documents.filter(deleted_at__isnull=True).select_related("uploaded_by"))
    can_edit = policy.can_edit_project(user, project)
    context = {
        "project": project,
        "can_edit": can_edit,
        "nodes_total": len(nodes),
        "nodes_done": len(done),
        "overdue": overdue,
        "upcoming": upcoming,
        "plan_entry": _current_plan_entry(project),
        "task_force": task_force,
        "documents": documents,
        "extras": selectors.four_list_extras(project),
        "task_force_form": TaskForceForm(project=project, prefix="tf") if can_edit else None,
        "document_form": DocumentForm(prefix="doc") if can_edit else None,
    }
    return render_to_string("projects/tabs/basic.html", context, request=request)


def _next_library(project, entries) -> str | None:
    """The library the project can be put forward to next, if any."""
    live = {e.library.kind for e in entries if e.status in LIVE_STATUSES and e.library.is_current}
    pending = {e.library.kind for e in entries if e.status in (EntryStatus.SUBMITTED, EntryStatus.FIRST_REVIEWED)}
    if pending:
        return None
    if LibraryKind.ANNUAL in live:
        return None
    if LibraryKind.ROLLING in live:
        return LibraryKind.ANNUAL
    if LibraryKind.RESERVE in live:
        return LibraryKind.ROLLING
    promoted = {e.library.kind for e in entries if e.status == EntryStatus.PROMOTED}
    if not promoted and not any(e.status == EntryStatus.WITHDRAWN for e in entries):
        return LibraryKind.RESERVE
    return None


def plan(request, project) -> str:
    user = request.user
    entries = list(
        project.library_entries.select_related("library")
        .prefetch_related(Prefetch("events", queryset=EntryEvent.objects.select_related("by")))
        .order_by("library__kind", "-library__start_year")
    )
    entries.sort(key=lambda e: (LibraryKind.rank(e.library.kind), -e.library.start_year))
    plan_entries = list(
        project.plan_entries.select_related("version", "version__frozen_by")
        .order_by("-version__year", "version__number")
    )
    for pe in plan_entries:
        amounts = pe.months()
        pe.month_amounts = [amounts.get(m) for m in range(1, 13)]
    chart = None
    if plan_entries:
        year = plan_entries[0].version.year
        series = [
            {"name": pe.version.title, "data": [float(a or 0) for a in pe.month_amounts]}
            for pe in plan_entries
            if pe.version.year == year
        ]
        chart = {"kind": "bar", "categories": [f"{m}月" for m in range(1, 13)], "series": series, "unit": "万元"}
    can_submit = policy.can_submit_to_library(user, project)
    context = {
        "project": project,
        "entries": entries,
        "plan_entries": plan_entries,
        "chart": chart,
        "can_submit": can_submit,
        "can_adjust_plan": policy.can_review(user) or policy.can_edit_project(user, project),
        "next_library": _next_library(project, entries) if can_submit else None,
        "returned": [e for e in entries if e.status == EntryStatus.RETURNED] if can_submit else [],
        "months": range(1, 13),
        "statuses": EntryStatus,
    }
    return render_to_string("projects/tabs/plan.html", context, request=request)


def nodes(request, project) -> str:
    user = request.user
    node_list = _nodes(project)
    today = timezone.localdate()
    for node in node_list:
        node.can_edit = policy.can_edit_node(user, node)
        node.late_days = (today - node.due_date).days if node.is_overdue and node.due_date else 0
        node.soon = (
            not node.is_finished and node.due_date and today <= node.due_date <= today + dt.timedelta(days=15)
        )
    blockers = selectors.blockers_by_stage(project, node_list)
    current = Stage.order(project.stage)
    steps = [
        {"value": s, "label": label, "state": "done" if i < current else "current" if i == current else ""}
        for i, (s, label) in enumerate(Stage.choices)
    ]
    next_stage = Stage.values[current + 1] if current + 1 < len(Stage.values) else None
    can_change = policy.can_edit_project(user, project) or policy.can_override_stage(user)
    form = StageChangeForm(can_override=policy.can_override_stage(user), initial={"to_stage": next_stage})
    forward = [
        {"value": s, "label": label, "blockers": blockers[s]}
        for s, label in Stage.choices
        if Stage.order(s) > current
    ]
    context = {
        "project": project,
        "nodes": node_list,
        "steps": steps,
        "forward": forward,
        "next_stage": next_stage,
        "can_change": can_change,
        "stage_form": form,
        "stage_changes": list(project.stage_changes.select_related("by").order_by("-at", "-pk")),
        "done_count": sum(1 for n in node_list if n.status == NodeStatus.DONE),
    }
    return render_to_string("projects/tabs/nodes.html", context, request=request)


def history(request, project) -> str:
    rows = selectors.project_history(project)
    return render_to_string("projects/tabs/history.html", {"project": project, "rows": rows}, request=request)
