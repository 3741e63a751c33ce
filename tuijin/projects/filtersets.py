"""One FilterSet for projects, serving the web list, its Excel download and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuijin.lib.widgets import CompactSelect
from tuijin.orgs.choices import TERRITORIAL_KINDS, UnitKind
from tuijin.orgs.models import Unit

from .choices import Level, LibraryKind, Nature, ProjectStatus, Stage
from .models import Category, IndustryChain, Project

#: Bounds of id and year filters: an out-of-range number is a form error, not a database error.
MAX_ID = 2**63 - 1


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    # Compact selects: a province has thousands of towns and departments (see tuijin.lib.widgets).
    town = django_filters.ModelChoiceFilter(
        label=_("Town"), queryset=Unit.objects.filter(kind__in=TERRITORIAL_KINDS).only("pk", "name"), widget=CompactSelect
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT).only("pk", "name"), widget=CompactSelect
    )
    owner = django_filters.NumberFilter(label=_("Owner"), field_name="owner_id", min_value=1, max_value=MAX_ID)
    library = django_filters.ChoiceFilter(label=_("Library"), choices=LibraryKind.choices)
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.all())
    industry_chain = django_filters.ModelChoiceFilter(label=_("Industry chain"), queryset=IndustryChain.objects.all())
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProjectStatus.choices)
    nature = django_filters.ChoiceFilter(label=_("Investment nature"), choices=Nature.choices)
    leader = django_filters.NumberFilter(label=_("Linked leader"), field_name="leader_id", min_value=1, max_value=MAX_ID)
    start_year = django_filters.NumberFilter(label=_("Start year"), min_value=1900, max_value=2100)

    class Meta:
        model = Project
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(national_code__icontains=value))
