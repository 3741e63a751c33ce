"""/api/v1/race-results/: horse-race snapshots with every unit's line. Towns, departments
and leaders see published results; drafts only the project office (tuijin.race.policy)."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from tuijin.race import policy
from tuijin.race.choices import SnapshotStatus
from tuijin.race.models import Snapshot, SnapshotRow

from .base import MAX_ID, ReadResource, RefSerializer


class SnapshotFilterSet(django_filters.FilterSet):
    scheme = django_filters.NumberFilter(label=_("Scheme"), field_name="scheme_id", min_value=1, max_value=MAX_ID)
    period = django_filters.CharFilter(label=_("Period"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SnapshotStatus.choices)

    class Meta:
        model = Snapshot
        fields: list[str] = []


class SnapshotRowSerializer(serializers.ModelSerializer):
    unit = RefSerializer()
    flag_display = serializers.CharField(source="get_flag_display", read_only=True)
    rank_change = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = SnapshotRow
        fields = ["unit", "total", "rank", "previous_rank", "rank_change", "flag", "flag_display", "scores"]
        read_only_fields = fields


class SnapshotSerializer(serializers.ModelSerializer):
    scheme = RefSerializer()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    rows = SnapshotRowSerializer(many=True)

    class Meta:
        model = Snapshot
        fields = [
            "id", "scheme", "period", "period_end", "revision", "status", "status_display", "computed_at",
            "published_at", "note", "rows",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["horse race"])
@extend_schema_view(list=extend_schema(summary="List race results"), retrieve=extend_schema(summary="A race result"))
class SnapshotViewSet(ReadResource):
    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilterSet
    allowed = staticmethod(policy.can_view)

    def get_queryset(self):
        snapshots = Snapshot.objects.select_related("scheme").prefetch_related(
            Prefetch("rows", queryset=SnapshotRow.objects.select_related("unit").order_by("rank", "unit__order"))
        )
        if not policy.can_view_draft(self.request.user):
            snapshots = snapshots.exclude(status=SnapshotStatus.DRAFT)
        return snapshots.order_by("scheme_id", "-period_end", "-revision")


routes = [("race-results", SnapshotViewSet, "race-result")]
