"""/api/v1/resource-allocations/: land, energy and emission quotas allocated to projects
(tuijin.breakthroughs.policy: readers see all, owners their own projects)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from tuijin.breakthroughs import policy
from tuijin.breakthroughs.choices import AllocationStatus, ResourceKind
from tuijin.breakthroughs.models import ResourceAllocation

from .base import MAX_ID, ProjectRefSerializer, ReadResource


class AllocationFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), field_name="quota__year", min_value=1900, max_value=2100)
    kind = django_filters.ChoiceFilter(label=_("Resource"), choices=ResourceKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AllocationStatus.choices)
    project = django_filters.NumberFilter(label=_("Project"), field_name="project_id", min_value=1, max_value=MAX_ID)
    town = django_filters.NumberFilter(label=_("Town"), field_name="project__town_id", min_value=1, max_value=MAX_ID)

    class Meta:
        model = ResourceAllocation
        fields: list[str] = []


class AllocationSerializer(serializers.ModelSerializer):
    project = ProjectRefSerializer()
    year = serializers.IntegerField(source="quota.year", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ResourceAllocation
        fields = [
            "id", "project", "year", "kind", "kind_display", "amount", "allocated_on", "document_number", "status",
            "status_display", "note",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["resources"])
@extend_schema_view(
    list=extend_schema(summary="List resource allocations"), retrieve=extend_schema(summary="A resource allocation")
)
class AllocationViewSet(ReadResource):
    serializer_class = AllocationSerializer
    filterset_class = AllocationFilterSet
    allowed = staticmethod(policy.can_use_ledgers)

    def get_queryset(self):
        return (
            ResourceAllocation.objects.filter(
                policy.related_projects_filter(self.request.user), project__deleted_at__isnull=True
            )
            .select_related("project", "quota")
            .order_by("-quota__year", "kind", "project_id", "pk")
        )


routes = [("resource-allocations", AllocationViewSet, "resource-allocation")]
