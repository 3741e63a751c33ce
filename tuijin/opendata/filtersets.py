"""Filters of the public list: a subset of the registry's, without internal ones (leader,
owner id, status)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuijin.lib.widgets import CompactSelect
from tuijin.orgs.choices import TERRITORIAL_KINDS
from tuijin.orgs.models import Unit
from tuijin.projects.choices import Level, Stage
from tuijin.projects.models import Category, Project


class PublicProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    town = django_filters.ModelChoiceFilter(
        label=_("Town or street"), queryset=Unit.objects.filter(kind__in=TERRITORIAL_KINDS, is_active=True).only("pk", "name"), empty_label=_("All"),
        widget=CompactSelect,
    )
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.all(), empty_label=_("All"))
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices, empty_label=_("All"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All"))
    start_year = django_filters.NumberFilter(label=_("Start year"))

    class Meta:
        model = Project
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(national_code__icontains=value))
