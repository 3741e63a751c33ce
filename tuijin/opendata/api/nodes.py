"""/api/v1/nodes/: lifecycle nodes of the projects the user may see; progress is recorded
through the lifecycle service, which checks who may change each node."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from tuijin.orgs import policy
from tuijin.projects.choices import NodeStatus, Stage
from tuijin.projects.models import Node, Project
from tuijin.projects.services import lifecycle

from .base import MAX_ID, Pagination, ProjectRefSerializer, RefSerializer, ServiceErrorsMixin


class NodeFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(label=_("Project"), field_name="project_id", min_value=1, max_value=MAX_ID)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=NodeStatus.choices)
    stage = django_filters.ChoiceFilter(label=_("Stage"), field_name="node_type__stage", choices=Stage.choices)
    node_type = django_filters.CharFilter(label=_("Node type code"), field_name="node_type__code")
    responsible_unit = django_filters.NumberFilter(label=_("Responsible unit"), field_name="responsible_unit_id", min_value=1, max_value=MAX_ID)
    is_overdue = django_filters.BooleanFilter(label=_("Overdue"))
    is_approval = django_filters.BooleanFilter(label=_("Approval item"), field_name="node_type__is_approval")

    class Meta:
        model = Node
        fields: list[str] = []


class NodeTypeSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    stage = serializers.CharField(read_only=True)
    is_approval = serializers.BooleanField(read_only=True)


class NodeSerializer(serializers.ModelSerializer):
    project = ProjectRefSerializer()
    node_type = NodeTypeSerializer()
    responsible_unit = RefSerializer(allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = Node
        fields = [
            "id", "project", "node_type", "order", "status", "status_display", "planned_date", "due_date",
            "actual_date", "responsible_unit", "document_number", "is_overdue", "note", "can_edit",
        ]  # fmt: skip
        read_only_fields = fields

    def get_can_edit(self, node) -> bool:
        return policy.can_edit_node(self.context["request"].user, node)


class NodeInputSerializer(serializers.Serializer):
    """Progress on a node. Done needs the actual date, and an approval item its document number."""

    status = serializers.ChoiceField(choices=NodeStatus.choices, required=False)
    planned_date = serializers.DateField(required=False)
    actual_date = serializers.DateField(required=False)
    document_number = serializers.CharField(max_length=80, required=False, allow_blank=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


@extend_schema(tags=["nodes"])
@extend_schema_view(
    list=extend_schema(summary="List lifecycle nodes"),
    retrieve=extend_schema(summary="A lifecycle node"),
    update=extend_schema(summary="Record progress on a node", request=NodeInputSerializer, responses=NodeSerializer),
    partial_update=extend_schema(
        summary="Record progress on a node", request=NodeInputSerializer, responses=NodeSerializer
    ),
)
class NodeViewSet(
    ServiceErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    serializer_class = NodeSerializer
    filterset_class = NodeFilterSet
    pagination_class = Pagination

    def get_queryset(self):
        projects = policy.scope_projects(self.request.user, Project.objects.alive())
        return (
            Node.objects.filter(project__in=projects)
            .select_related("project", "node_type", "responsible_unit")
            .order_by("project_id", "order", "pk")
        )

    def update(self, request, *args, **kwargs):
        node = self.get_object()
        data = NodeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lifecycle.node_update(node=node, by=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=node.pk)).data)


routes = [("nodes", NodeViewSet, "node")]
