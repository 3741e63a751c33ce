"""/api/v1/plan-entries/: lines of the annual plan (each version) of visible projects."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from tuijin.orgs import policy
from tuijin.projects.choices import PlanCategory
from tuijin.projects.models import PlanEntry, PlanVersion, Project

from .base import MAX_ID, Pagination, ProjectRefSerializer, ServiceErrorsMixin


class PlanEntryFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), field_name="version__year", min_value=1900, max_value=2100)
    version = django_filters.NumberFilter(label=_("Plan version"), field_name="version_id", min_value=1, max_value=MAX_ID)
    project = django_filters.NumberFilter(label=_("Project"), field_name="project_id", min_value=1, max_value=MAX_ID)
    town = django_filters.NumberFilter(label=_("Town"), field_name="project__town_id", min_value=1, max_value=MAX_ID)
    category = django_filters.ChoiceFilter(label=_("Plan category"), choices=PlanCategory.choices)
    current = django_filters.BooleanFilter(label=_("Working version only"), method="filter_current")

    class Meta:
        model = PlanEntry
        fields: list[str] = []

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(version__is_frozen=not value)


class PlanVersionSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = PlanVersion
        fields = ["id", "year", "number", "title", "is_frozen", "frozen_at"]
        read_only_fields = fields


class PlannedMonthSerializer(serializers.Serializer):
    """A month of a line's split (the months with an amount, in month order)."""

    month = serializers.IntegerField(label=_("month"), read_only=True)
    amount = serializers.DecimalField(label=_("planned (10k yuan)"), max_digits=16, decimal_places=4, read_only=True)


class PlanEntrySerializer(serializers.ModelSerializer):
    project = ProjectRefSerializer()
    version = PlanVersionSerializer()
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    months = serializers.SerializerMethodField()

    class Meta:
        model = PlanEntry
        fields = [
            "id", "project", "version", "library_entry", "category", "category_display", "planned_investment",
            "opening_cumulative", "progress_target", "planned_start_month", "planned_completion", "note", "months",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(PlannedMonthSerializer(many=True))
    def get_months(self, entry: PlanEntry) -> list:
        return PlannedMonthSerializer([{"month": m, "amount": a} for m, a in entry.months().items()], many=True).data


@extend_schema(tags=["annual plan"])
@extend_schema_view(list=extend_schema(summary="List annual plan entries"), retrieve=extend_schema(summary="A plan entry"))
class PlanEntryViewSet(ServiceErrorsMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanEntrySerializer
    filterset_class = PlanEntryFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        projects = policy.scope_projects(self.request.user, Project.objects.alive())
        return (
            PlanEntry.objects.filter(project__in=projects)
            .select_related("project", "version")
            .order_by("-version__year", "version__number", "category", "-planned_investment", "pk")
        )


routes = [("plan-entries", PlanEntryViewSet, "plan-entry")]
