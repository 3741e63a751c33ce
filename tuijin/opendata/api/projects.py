"""/api/v1/projects/: the registry, with the web list's filters and permissions."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from tuijin.orgs import policy
from tuijin.orgs.choices import OWNER_KINDS, TERRITORIAL_KINDS, UnitKind
from tuijin.orgs.models import Unit, User
from tuijin.projects.choices import LibraryKind
from tuijin.projects.filtersets import ProjectFilterSet
from tuijin.projects.models import Category, IndustryChain, NodeTemplate, Project
from tuijin.projects.services import registry

from .base import AmountField, Pagination, RefSerializer, ServiceErrorsMixin


class ProjectSerializer(serializers.ModelSerializer):
    """A project as the API returns it."""

    owner = RefSerializer()
    town = RefSerializer(allow_null=True)
    department = RefSerializer(allow_null=True)
    leader = serializers.SerializerMethodField()
    category = RefSerializer()
    industry_chain = RefSerializer(allow_null=True)
    nature_display = serializers.CharField(source="get_nature_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    library = serializers.ChoiceField(choices=LibraryKind.choices, allow_blank=True, read_only=True)
    library_display = serializers.CharField(source="get_library_display", read_only=True)
    web_url = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id", "code", "national_code", "name", "owner", "town", "department", "leader", "category",
            "industry_chain", "nature", "nature_display", "level", "level_display", "content", "total_investment",
            "start_year", "end_year", "address", "latitude", "longitude", "land_area", "stage", "stage_display",
            "status", "status_display", "library", "library_display", "is_disclosed", "created_at", "updated_at",
            "web_url", "can_edit",
        ]  # fmt: skip
        read_only_fields = fields

    def get_leader(self, project) -> dict | None:
        if project.leader is None:
            return None
        return {"id": project.leader_id, "name": str(project.leader)}

    def get_web_url(self, project) -> str:
        return reverse("projects:detail", args=[project.pk])

    def get_can_edit(self, project) -> bool:
        return policy.can_edit_project(self.context["request"].user, project)


class ProjectInputSerializer(serializers.ModelSerializer):
    """What a client sends to register or change a project. Amounts are in 万元 and may be
    written as "3.5亿"; code, stage, status and library are kept by the services."""

    owner = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(kind__in=OWNER_KINDS))
    town = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(kind__in=TERRITORIAL_KINDS), allow_null=True, required=False
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT), allow_null=True, required=False
    )
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role="leader"), allow_null=True, required=False
    )
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    industry_chain = serializers.PrimaryKeyRelatedField(
        queryset=IndustryChain.objects.all(), allow_null=True, required=False
    )
    template = serializers.PrimaryKeyRelatedField(
        queryset=NodeTemplate.objects.all(), allow_null=True, required=False
    )
    total_investment = AmountField(min_value=0)
    start_year = serializers.IntegerField(min_value=1990, max_value=2100)
    end_year = serializers.IntegerField(min_value=1990, max_value=2100)

    class Meta:
        model = Project
        fields = [
            "national_code", "name", "owner", "town", "department", "leader", "category", "industry_chain",
            "nature", "level", "content", "total_investment", "start_year", "end_year", "address", "latitude",
            "longitude", "land_area", "template", "is_disclosed",
        ]  # fmt: skip
        # Uniqueness and cross-field rules are the model's (full_clean in the services).
        validators: list = []
        extra_kwargs = {"national_code": {"validators": []}}

    def validate(self, attrs):
        start = attrs.get("start_year", getattr(self.instance, "start_year", None))
        end = attrs.get("end_year", getattr(self.instance, "end_year", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_year": _("The end year is before the start year.")})
        return attrs


@extend_schema(tags=["projects"])
@extend_schema_view(
    list=extend_schema(summary="List projects", description="The same filters as the web list (/projects/)."),
    retrieve=extend_schema(summary="A project"),
    create=extend_schema(summary="Register a project", request=ProjectInputSerializer, responses={201: ProjectSerializer}),
    update=extend_schema(summary="Change a project", request=ProjectInputSerializer, responses=ProjectSerializer),
    partial_update=extend_schema(
        summary="Change some fields of a project", request=ProjectInputSerializer, responses=ProjectSerializer
    ),
)
class ProjectViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        return policy.scope_projects(self.request.user, Project.objects.alive().with_related())

    def create(self, request, *args, **kwargs):
        if not policy.can_create_project(request.user):
            raise PermissionDenied(_("Your role cannot register projects."))
        data = ProjectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = registry.project_create(by=request.user, **data.validated_data)
        project = self.get_queryset().get(pk=project.pk)
        return Response(self.get_serializer(project).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        project = self.get_object()
        if not policy.can_edit_project(request.user, project):
            raise PermissionDenied(_("You may not change this project."))
        data = ProjectInputSerializer(project, data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        registry.project_update(project=project, by=request.user, **data.validated_data)
        project = self.get_queryset().get(pk=project.pk)
        return Response(self.get_serializer(project).data)


routes = [("projects", ProjectViewSet, "project")]
