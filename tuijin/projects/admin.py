"""Settings of the registry, libraries and lifecycle kept by the project office: categories,
industry chains, the node catalogue, node templates, gate criteria and libraries. Projects
themselves change only through the project pages and their services."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tuijin.orgs.admin import OfficeAdmin, office_only

from .models import (
    Category,
    GateCriterion,
    IndustryChain,
    Library,
    NodeTemplate,
    NodeType,
    Project,
    TemplateNode,
)

#: Project fields a gate may require to be filled.
GATE_FIELDS = (
    "national_code",
    "content",
    "address",
    "land_area",
    "latitude",
    "longitude",
    "department",
    "leader",
    "industry_chain",
    "town",
)


def gate_field_choices():
    return [(name, Project._meta.get_field(name).verbose_name) for name in GATE_FIELDS]


@admin.register(Category)
class CategoryAdmin(OfficeAdmin):
    list_display = ("name", "order")
    list_editable = ("order",)
    search_fields = ("name",)


@admin.register(IndustryChain)
class IndustryChainAdmin(OfficeAdmin):
    list_display = ("name", "order")
    list_editable = ("order",)
    search_fields = ("name",)


@admin.register(NodeType)
class NodeTypeAdmin(OfficeAdmin):
    list_display = ("name", "code", "stage", "gates_stage", "is_approval", "default_days", "order")
    list_filter = ("stage", "is_approval")
    list_editable = ("order",)
    search_fields = ("name", "code")


class TemplateNodeInline(admin.TabularInline):
    def has_view_permission(self, request, obj=None):
        return office_only(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    model = TemplateNode
    extra = 1
    fields = ("order", "node_type", "time_limit_days", "responsible", "predecessors")
    ordering = ("order",)
    filter_horizontal = ()

    def get_formset(self, request, obj=None, **kwargs):
        self._template = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "predecessors":
            template = getattr(self, "_template", None)
            kwargs["queryset"] = (
                TemplateNode.objects.filter(template=template).select_related("node_type", "template")
                if template
                else TemplateNode.objects.none()
            )
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(NodeTemplate)
class NodeTemplateAdmin(OfficeAdmin):
    list_display = ("name", "nature", "node_count")
    search_fields = ("name",)
    inlines = [TemplateNodeInline]

    @admin.display(description=_("nodes"))
    def node_count(self, obj):
        return obj.items.count()


class GateCriterionForm(forms.ModelForm):
    required_fields = forms.MultipleChoiceField(
        label=_("required fields"),
        choices=gate_field_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The project fields that must be filled in to pass this gate."),
    )

    class Meta:
        model = GateCriterion
        fields = ("library_kind", "category", "min_total_investment", "required_fields", "required_nodes", "is_active")
        widgets = {"required_nodes": forms.CheckboxSelectMultiple}


@admin.register(GateCriterion)
class GateCriterionAdmin(OfficeAdmin):
    form = GateCriterionForm
    list_display = ("__str__", "library_kind", "category", "min_total_investment", "fields_display", "is_active")
    list_filter = ("library_kind", "is_active")

    @admin.display(description=_("required fields"))
    def fields_display(self, obj):
        labels = dict(gate_field_choices())
        return "、".join(str(labels.get(name, name)) for name in obj.required_fields) or "—"


@admin.register(Library)
class LibraryAdmin(OfficeAdmin):
    list_display = ("name", "kind", "start_year", "end_year", "is_current")
    list_filter = ("kind", "is_current")
