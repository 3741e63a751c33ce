"""/api/v1/funds/: funding sources of projects (资金来源) — the fund ledger's rows
(tuijin.breakthroughs.policy: readers see all, owners their own projects)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from tuijin.breakthroughs import policy
from tuijin.breakthroughs.choices import FundKind
from tuijin.breakthroughs.models import FundSource

from .base import MAX_ID, ProjectRefSerializer, ReadResource


class FundFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(label=_("Project"), field_name="project_id", min_value=1, max_value=MAX_ID)
    town = django_filters.NumberFilter(label=_("Town"), field_name="project__town_id", min_value=1, max_value=MAX_ID)
    kind = django_filters.ChoiceFilter(label=_("Fund kind"), choices=FundKind.choices)
    year = django_filters.NumberFilter(label=_("Year"), min_value=1900, max_value=2100)

    class Meta:
        model = FundSource
        fields: list[str] = []


class FundSerializer(serializers.ModelSerializer):
    project = ProjectRefSerializer()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = FundSource
        fields = [
            "id", "project", "kind", "kind_display", "year", "title", "document_number", "applied", "approved",
            "received", "spent", "applied_on", "approved_on", "received_on", "spent_as_of", "note", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["funds"])
@extend_schema_view(list=extend_schema(summary="List funding sources"), retrieve=extend_schema(summary="A funding source"))
class FundViewSet(ReadResource):
    serializer_class = FundSerializer
    filterset_class = FundFilterSet
    allowed = staticmethod(policy.can_use_ledgers)

    def get_queryset(self):
        return (
            FundSource.objects.filter(policy.related_projects_filter(self.request.user), project__deleted_at__isnull=True)
            .select_related("project")
            .order_by("-year", "project_id", "kind", "pk")
        )


routes = [("funds", FundViewSet, "fund")]
