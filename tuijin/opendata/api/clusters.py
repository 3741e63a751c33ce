"""/api/v1/clusters/: rural clusters (片区组团). The office and leaders see all, a town
officer its town's; others none (tuijin.clusters.policy)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from tuijin.clusters import policy
from tuijin.clusters.models import Cluster

from .base import MAX_ID, ReadResource, RefSerializer


class ClusterFilterSet(django_filters.FilterSet):
    town = django_filters.NumberFilter(label=_("Town"), field_name="town_id", min_value=1, max_value=MAX_ID)

    class Meta:
        model = Cluster
        fields: list[str] = []


class ClusterSerializer(serializers.ModelSerializer):
    town = RefSerializer()
    villages = RefSerializer(many=True)
    lead_village = RefSerializer(allow_null=True)

    class Meta:
        model = Cluster
        fields = [
            "id", "name", "town", "party_committee", "villages", "lead_village", "theme", "plan", "established",
            "expected_income",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["clusters"])
@extend_schema_view(list=extend_schema(summary="List rural clusters"), retrieve=extend_schema(summary="A rural cluster"))
class ClusterViewSet(ReadResource):
    serializer_class = ClusterSerializer
    filterset_class = ClusterFilterSet
    allowed = staticmethod(policy.can_browse)

    def get_queryset(self):
        return (
            Cluster.objects.filter(policy.visible_clusters_filter(self.request.user))
            .select_related("town", "lead_village")
            .prefetch_related("villages")
            .order_by("town_id", "name", "pk")
        )


routes = [("clusters", ClusterViewSet, "cluster")]
