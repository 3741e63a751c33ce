"""/api/v1/lights/: traffic lights (红黄绿灯) with their reasons, on the projects whose lights
the user may see (tuijin.supervision.policy.can_view_lights = the project is visible)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from tuijin.orgs import policy
from tuijin.projects.models import Project
from tuijin.supervision.choices import Colour
from tuijin.supervision.models import Light

from .base import MAX_ID, ProjectRefSerializer, ReadResource, RefSerializer


class LightFilterSet(django_filters.FilterSet):
    town = django_filters.NumberFilter(label=_("Town"), field_name="town_id", min_value=1, max_value=MAX_ID)
    colour = django_filters.ChoiceFilter(label=_("Colour"), choices=Colour.choices)
    rule = django_filters.CharFilter(label=_("Rule"))
    project = django_filters.NumberFilter(label=_("Project"), field_name="project_id", min_value=1, max_value=MAX_ID)
    open = django_filters.BooleanFilter(label=_("Still on"), field_name="cleared_on", lookup_expr="isnull")

    class Meta:
        model = Light
        fields: list[str] = []


class LightSerializer(serializers.ModelSerializer):
    project = ProjectRefSerializer()
    town = RefSerializer(allow_null=True)
    colour_display = serializers.CharField(source="get_colour_display", read_only=True)

    class Meta:
        model = Light
        fields = [
            "id", "project", "town", "rule", "colour", "colour_display", "reason", "facts", "first_seen", "last_seen",
            "cleared_on", "cleared_reason",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["lights"])
@extend_schema_view(list=extend_schema(summary="List traffic lights"), retrieve=extend_schema(summary="A traffic light"))
class LightViewSet(ReadResource):
    serializer_class = LightSerializer
    filterset_class = LightFilterSet

    def get_queryset(self):
        projects = policy.scope_projects(self.request.user, Project.objects.alive())
        return (
            Light.objects.filter(project__in=projects)
            .select_related("project", "town")
            .order_by("cleared_on", "-colour", "project_id", "pk")
        )


routes = [("lights", LightViewSet, "light")]
