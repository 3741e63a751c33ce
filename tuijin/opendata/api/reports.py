"""/api/v1/monthly-reports/: monthly investment reports of the projects the user may see
(tuijin.reporting.policy.can_view_report = the project is visible)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from tuijin.orgs import policy
from tuijin.projects.models import Project
from tuijin.reporting.models import MonthlyReport, ReportStatus

from .base import MAX_ID, ProjectRefSerializer, ReadResource


class MonthlyReportFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), min_value=1900, max_value=2100)
    month = django_filters.NumberFilter(label=_("Month"), min_value=1, max_value=12)
    project = django_filters.NumberFilter(label=_("Project"), field_name="project_id", min_value=1, max_value=MAX_ID)
    town = django_filters.NumberFilter(label=_("Town"), field_name="project__town_id", min_value=1, max_value=MAX_ID)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReportStatus.choices)
    is_late = django_filters.BooleanFilter(label=_("Late"))

    class Meta:
        model = MonthlyReport
        fields: list[str] = []


class MonthlyReportSerializer(serializers.ModelSerializer):
    project = ProjectRefSerializer()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = MonthlyReport
        fields = [
            "id", "project", "year", "month", "amount", "progress", "is_registered", "status", "status_display",
            "explanation", "is_late", "submitted_at", "verified_at", "confirmed_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["monthly reports"])
@extend_schema_view(list=extend_schema(summary="List monthly reports"), retrieve=extend_schema(summary="A monthly report"))
class MonthlyReportViewSet(ReadResource):
    serializer_class = MonthlyReportSerializer
    filterset_class = MonthlyReportFilterSet

    def get_queryset(self):
        projects = policy.scope_projects(self.request.user, Project.objects.alive())
        return (
            MonthlyReport.objects.filter(project__in=projects)
            .select_related("project")
            .order_by("-year", "-month", "project_id", "pk")
        )


routes = [("monthly-reports", MonthlyReportViewSet, "monthly-report")]
