"""Helpers shared by the project pages: fetching a project the user may see, refusing what
the user may not do, and turning a service refusal into messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from tuijin.orgs import policy

from ..models import Project


def visible_project(request, pk: int) -> Project:
    """The project, or 404 if it does not exist, 403 if the user may not see it."""
    project = get_object_or_404(Project.objects.alive().with_related().select_related("template"), pk=pk)
    if not policy.can_view_project(request.user, project):
        raise PermissionDenied
    return project


def require(allowed: bool) -> None:
    """Refuse with 403 unless ``allowed`` (every POST re-checks on the server)."""
    if not allowed:
        raise PermissionDenied


def messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def url_or_none(name: str, *args) -> str | None:
    """A URL of another app's page, if that app provides it."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))
