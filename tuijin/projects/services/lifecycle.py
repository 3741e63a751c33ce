"""The lifecycle: node chains from templates, node progress, stage changes and overdue nodes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.orgs import policy

from ..choices import NodeStatus, Stage
from ..models import Node, NodeType, Project, StageChange
from ..models.lifecycle import ResponsibleParty


def _responsible_unit(project: Project, party: str):
    if party == ResponsibleParty.TOWN:
        return project.town or project.owner
    if party == ResponsibleParty.DEPARTMENT:
        return project.department or project.owner
    return project.owner


@transaction.atomic
def nodes_instantiate(*, project: Project, start: dt.date | None = None) -> list[Node]:
    """Create the project's node chain from its template. Planned dates follow the chain:
    a node starts when all its predecessors end and takes its time limit."""
    if project.nodes.exists():
        return list(project.nodes.all())
    start = start or dt.date(project.start_year, 1, 1)
    items = list(project.template.items.select_related("node_type").prefetch_related("predecessors"))
    by_item: dict[int, Node] = {}
    planned: dict[int, dt.date] = {}
    for item in items:  # items are ordered so predecessors come first
        begin = max((planned[p.pk] for p in item.predecessors.all() if p.pk in planned), default=start)
        planned[item.pk] = begin + dt.timedelta(days=item.time_limit_days)
        by_item[item.pk] = Node(
            project=project,
            node_type=item.node_type,
            order=item.order,
            planned_date=planned[item.pk],
            due_date=planned[item.pk],
            responsible_unit=_responsible_unit(project, item.responsible),
        )
    Node.objects.bulk_create(by_item.values())
    through = Node.predecessors.through
    links = [
        through(from_node_id=by_item[item.pk].pk, to_node_id=by_item[p.pk].pk)
        for item in items
        for p in item.predecessors.all()
    ]
    through.objects.bulk_create(links)
    return list(by_item.values())


@transaction.atomic
def node_update(
    *,
    node: Node,
    by,
    status: str | None = None,
    planned_date: dt.date | None = None,
    actual_date: dt.date | None = None,
    document_number: str | None = None,
    note: str | None = None,
) -> Node:
    """Record progress on a node. A node is done only with its actual date, and an approval
    item only with its document number; a node cannot be done before its predecessors."""
    if not policy.can_edit_node(by, node):
        raise PermissionDenied(_("You may not change the node %(node)s of %(project)s.") % {
            "node": node.node_type, "project": node.project})
    if status is not None:
        node.status = status
    if planned_date is not None:
        node.planned_date = planned_date
    if actual_date is not None:
        node.actual_date = actual_date
    if document_number is not None:
        node.document_number = document_number
    if note is not None:
        node.note = note
    if node.status == NodeStatus.DONE:
        if not node.actual_date:
            raise ServiceError(_("Give the date %(node)s was done.") % {"node": node.node_type})
        if node.node_type.is_approval and not node.document_number:
            raise ServiceError(_("%(node)s is an approval item: give its document number.") % {"node": node.node_type})
        waiting = [p.node_type.name for p in node.predecessors.select_related("node_type") if not p.is_finished]
        if waiting:
            raise ServiceError(
                _("%(node)s cannot be done before %(waiting)s.") % {"node": node.node_type, "waiting": "、".join(waiting)}
            )
        if node.actual_date > timezone.localdate():
            raise ServiceError(_("The actual date %(date)s is in the future.") % {"date": node.actual_date})
    node.is_overdue = _is_overdue(node, timezone.localdate())
    node.save()
    return node


def _is_overdue(node: Node, today: dt.date) -> bool:
    return not node.is_finished and node.due_date is not None and node.due_date < today


def stage_blockers(project: Project, target: str) -> list[Node]:
    """Nodes not yet done that gate ``target`` or any stage before it."""
    order = Stage.order(target)
    gated = [s for s in Stage.values if Stage.order(s) <= order]
    return list(
        project.nodes.filter(node_type__gates_stage__in=gated)
        .exclude(status__in=[NodeStatus.DONE, NodeStatus.SKIPPED])
        .select_related("node_type")
    )


@transaction.atomic
def project_change_stage(*, project: Project, to_stage: str, by, reason: str = "", override: bool = False) -> StageChange:
    """Move a project to another stage. Forward moves need every gating node done, unless the
    project office overrides with a reason (recorded)."""
    if to_stage not in Stage.values:
        raise ServiceError(_("Unknown stage %(stage)s.") % {"stage": to_stage})
    if to_stage == project.stage:
        raise ServiceError(_("The project is already in this stage."))
    if override:
        if not policy.can_override_stage(by):
            raise PermissionDenied(_("Only the project office can override a stage gate."))
        if not reason.strip():
            raise ServiceError(_("An override needs a reason."))
    elif not policy.can_edit_project(by, project):
        raise PermissionDenied(_("You may not change the stage of %(project)s.") % {"project": project})
    if not override:
        blockers = stage_blockers(project, to_stage)
        if blockers:
            raise ServiceError(
                _("%(stage)s needs these nodes done first: %(nodes)s.")
                % {"stage": Stage(to_stage).label, "nodes": "、".join(n.node_type.name for n in blockers)}
            )
    change = StageChange.objects.create(
        project=project, from_stage=project.stage, to_stage=to_stage, by=by, reason=reason, is_override=override
    )
    project.stage = to_stage
    project.save(update_fields=["stage", "updated_at"])
    return change


def mark_overdue_nodes(today: dt.date | None = None) -> tuple[int, int]:
    """Flag nodes past their time limit and clear the flag on nodes no longer overdue.
    Returns (newly flagged, cleared). Runs nightly (tuijin.schedule)."""
    today = today or timezone.localdate()
    finished = [NodeStatus.DONE, NodeStatus.SKIPPED]
    flagged = (
        Node.objects.filter(is_overdue=False, due_date__lt=today).exclude(status__in=finished).update(is_overdue=True)
    )
    cleared = Node.objects.filter(is_overdue=True).filter(Q(status__in=finished) | Q(due_date__gte=today)).update(
        is_overdue=False
    )
    return flagged, cleared


def approval_node_types():
    return NodeType.objects.filter(is_approval=True)
