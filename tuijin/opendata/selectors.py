"""Reads of the open-data app: what the public may see."""

from __future__ import annotations

from django.db.models import QuerySet

from tuijin.projects.choices import DocumentKind
from tuijin.projects.models import Project

#: Document kinds published with a disclosed project. Contracts and "other" files may hold
#: personal or commercial details and stay internal.
PUBLIC_DOCUMENT_KINDS = (
    DocumentKind.PROPOSAL,
    DocumentKind.FEASIBILITY,
    DocumentKind.APPROVAL,
    DocumentKind.LAND,
    DocumentKind.PHOTO,
)


def disclosed_projects() -> QuerySet[Project]:
    """Projects on the public list: not deleted and marked for disclosure by the office."""
    return Project.objects.alive().filter(is_disclosed=True)
