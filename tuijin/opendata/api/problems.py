"""/api/v1/problems/: problems (堵点) the user may see (tuijin.consultation.policy), with the
web list's filters; raising one goes through consultation's problem_raise."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from tuijin.consultation import selectors
from tuijin.consultation.choices import Level, ProblemCategory, ProblemStatus, Urgency
from tuijin.consultation.models import Problem
from tuijin.consultation.services.problems import problem_raise
from tuijin.orgs import policy as org_policy
from tuijin.orgs.choices import UnitKind
from tuijin.orgs.models import Unit
from tuijin.projects.models import Project

from .base import MAX_ID, ProjectRefSerializer, ReadResource, RefSerializer


class ProblemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProblemStatus.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=ProblemCategory.choices)
    unit = django_filters.NumberFilter(label=_("Responsible unit"), field_name="responsible_unit_id", min_value=1, max_value=MAX_ID)
    project = django_filters.NumberFilter(label=_("Project"), field_name="project_id", min_value=1, max_value=MAX_ID)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = Problem
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(number__icontains=value) | Q(project__name__icontains=value))

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(timezone.localdate())
        return queryset


class ProblemSerializer(serializers.ModelSerializer):
    project = ProjectRefSerializer()
    raiser_unit = RefSerializer()
    responsible_unit = RefSerializer()
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id", "number", "project", "title", "category", "category_display", "description", "urgency",
            "raiser_unit", "raiser_kind", "raised_at", "level", "level_display", "responsible_unit", "deadline",
            "status", "status_display", "resolution", "replied_at", "closed_at", "closed_on_time",
        ]  # fmt: skip
        read_only_fields = fields


class ProblemInputSerializer(serializers.Serializer):
    """A problem to raise on a project; it starts at the raiser's own level unless a higher
    level (and, for a department, the department) is given."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.alive())
    title = serializers.CharField(max_length=120)
    category = serializers.ChoiceField(choices=ProblemCategory.choices)
    description = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT), required=False, allow_null=True
    )


@extend_schema(tags=["problems"])
@extend_schema_view(
    list=extend_schema(summary="List problems"),
    retrieve=extend_schema(summary="A problem"),
    create=extend_schema(summary="Raise a problem", request=ProblemInputSerializer, responses={201: ProblemSerializer}),
)
class ProblemViewSet(mixins.CreateModelMixin, ReadResource):
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilterSet

    def get_queryset(self):
        return selectors.visible_problems(self.request.user).with_related().order_by("-raised_at", "-pk")

    def create(self, request, *args, **kwargs):
        data = ProblemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        project = fields.pop("project")
        if not org_policy.can_view_project(request.user, project):
            return Response({"project": [_("No project with this id.")]}, status=status.HTTP_400_BAD_REQUEST)
        problem = problem_raise(project=project, by=request.user, **fields)
        return Response(self.get_serializer(self.get_queryset().get(pk=problem.pk)).data, status=status.HTTP_201_CREATED)


routes = [("problems", ProblemViewSet, "problem")]
