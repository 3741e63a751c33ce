"""/api/v1/library-entries/: each project's place in the three libraries."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from tuijin.orgs import policy
from tuijin.projects.choices import EntryStatus, LibraryKind
from tuijin.projects.models import Library, LibraryEntry, Project

from .base import MAX_ID, Pagination, ProjectRefSerializer, ServiceErrorsMixin


class LibraryEntryFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Library"), field_name="library__kind", choices=LibraryKind.choices)
    library = django_filters.NumberFilter(label=_("Library id"), field_name="library_id", min_value=1, max_value=MAX_ID)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EntryStatus.choices)
    project = django_filters.NumberFilter(label=_("Project"), field_name="project_id", min_value=1, max_value=MAX_ID)
    town = django_filters.NumberFilter(label=_("Town"), field_name="project__town_id", min_value=1, max_value=MAX_ID)
    current = django_filters.BooleanFilter(label=_("Current libraries only"), field_name="library__is_current")

    class Meta:
        model = LibraryEntry
        fields: list[str] = []


class LibrarySerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Library
        fields = ["id", "kind", "kind_display", "name", "start_year", "end_year", "is_current"]
        read_only_fields = fields


class LibraryEntrySerializer(serializers.ModelSerializer):
    project = ProjectRefSerializer()
    library = LibrarySerializer()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = LibraryEntry
        fields = [
            "id", "project", "library", "status", "status_display", "is_addition", "source", "reason",
            "submitted_at", "admitted_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["libraries"])
@extend_schema_view(
    list=extend_schema(summary="List library entries"), retrieve=extend_schema(summary="A library entry")
)
class LibraryEntryViewSet(ServiceErrorsMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = LibraryEntrySerializer
    filterset_class = LibraryEntryFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        projects = policy.scope_projects(self.request.user, Project.objects.alive())
        return (
            LibraryEntry.objects.filter(project__in=projects)
            .select_related("project", "library")
            .order_by("library__kind", "-library__start_year", "-updated_at", "pk")
        )


routes = [("library-entries", LibraryEntryViewSet, "library-entry")]
