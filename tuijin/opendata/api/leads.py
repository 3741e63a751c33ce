"""/api/v1/leads/: investment-attraction leads (招商线索). Office, leaders, towns and
departments read them; owners do not (tuijin.breakthroughs.policy.can_view_leads)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from tuijin.breakthroughs import policy
from tuijin.breakthroughs.choices import LeadSource, LeadStage
from tuijin.breakthroughs.models import Lead

from .base import MAX_ID, ProjectRefSerializer, ReadResource, RefSerializer


class LeadFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=LeadStage.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=LeadSource.choices)
    town = django_filters.NumberFilter(label=_("Town"), field_name="town_id", min_value=1, max_value=MAX_ID)
    responsible_unit = django_filters.NumberFilter(
        label=_("Responsible unit"), field_name="responsible_unit_id", min_value=1, max_value=MAX_ID
    )
    industry_chain = django_filters.NumberFilter(
        label=_("Industry chain"), field_name="industry_chain_id", min_value=1, max_value=MAX_ID
    )

    class Meta:
        model = Lead
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(investor__icontains=value))


class LeadSerializer(serializers.ModelSerializer):
    town = RefSerializer(allow_null=True)
    responsible_unit = RefSerializer(allow_null=True)
    industry_chain = RefSerializer(allow_null=True)
    project = ProjectRefSerializer(allow_null=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Lead
        fields = [
            "id", "name", "investor", "investor_origin", "source", "source_display", "industry_chain",
            "intended_amount", "responsible_unit", "town", "stage", "stage_display", "stage_since",
            "first_contact_on", "signed_on", "started_on", "note", "project", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["investment attraction"])
@extend_schema_view(list=extend_schema(summary="List investment leads"), retrieve=extend_schema(summary="A lead"))
class LeadViewSet(ReadResource):
    serializer_class = LeadSerializer
    filterset_class = LeadFilterSet
    allowed = staticmethod(policy.can_view_leads)

    def get_queryset(self):
        return Lead.objects.select_related("town", "responsible_unit", "industry_chain", "project").order_by("-updated_at", "-pk")


routes = [("leads", LeadViewSet, "lead")]
