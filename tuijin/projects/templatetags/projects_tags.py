"""Badges for stages, libraries, entry and node states, in the colours of tuijin.css."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from ..choices import EntryStatus, LibraryKind, NodeStatus, ProjectStatus, Stage

register = template.Library()

STAGE_COLOURS = {
    Stage.IDEA: "grey",
    Stage.PREPARATION: "yellow",
    Stage.STARTED: "blue",
    Stage.CONSTRUCTION: "blue",
    Stage.COMPLETED: "green",
    Stage.OPERATING: "green",
    Stage.REVIEW: "grey",
}
LIBRARY_COLOURS = {LibraryKind.RESERVE: "grey", LibraryKind.ROLLING: "blue", LibraryKind.ANNUAL: "green"}
ENTRY_COLOURS = {
    EntryStatus.SUBMITTED: "blue",
    EntryStatus.FIRST_REVIEWED: "blue",
    EntryStatus.ADMITTED: "green",
    EntryStatus.RETURNED: "red",
    EntryStatus.WITHDRAWAL_REQUESTED: "yellow",
    EntryStatus.WITHDRAWN: "grey",
    EntryStatus.PROMOTED: "grey",
}
NODE_COLOURS = {
    NodeStatus.PENDING: "grey",
    NodeStatus.IN_PROGRESS: "blue",
    NodeStatus.DONE: "green",
    NodeStatus.SKIPPED: "grey",
}
STATUS_COLOURS = {
    ProjectStatus.ACTIVE: "green",
    ProjectStatus.SUSPENDED: "yellow",
    ProjectStatus.WITHDRAWN: "grey",
    ProjectStatus.CLOSED: "grey",
}


def _badge(colour: str, label) -> str:
    return format_html('<span class="badge badge-{}">{}</span>', colour, label)


@register.filter
def stage_badge(value: str) -> str:
    if not value:
        return ""
    return _badge(STAGE_COLOURS.get(value, "grey"), Stage(value).label)


@register.filter
def library_badge(value: str) -> str:
    if not value:
        return format_html('<span class="muted">{}</span>', "—")
    return _badge(LIBRARY_COLOURS.get(value, "grey"), LibraryKind(value).label)


@register.filter
def entry_badge(value: str) -> str:
    return _badge(ENTRY_COLOURS.get(value, "grey"), EntryStatus(value).label) if value else ""


@register.filter
def node_badge(value: str) -> str:
    return _badge(NODE_COLOURS.get(value, "grey"), NodeStatus(value).label) if value else ""


@register.filter
def status_badge(value: str) -> str:
    return _badge(STATUS_COLOURS.get(value, "grey"), ProjectStatus(value).label) if value else ""
