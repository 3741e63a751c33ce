from django.contrib import admin

from .models import (
    AllocationRule,
    Cluster,
    ClusterProject,
    CompanyIncome,
    Contribution,
    JointCompany,
    Shareholder,
    Village,
    VillageIncome,
)


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "town", "population"]
    list_filter = ["town"]
    search_fields = ["name"]


class ClusterProjectInline(admin.TabularInline):
    model = ClusterProject
    raw_id_fields = ["project"]
    extra = 0


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "town", "party_committee", "lead_village"]
    list_filter = ["town"]
    search_fields = ["name", "party_committee"]
    filter_horizontal = ["villages"]
    inlines = [ClusterProjectInline]


class ShareholderInline(admin.TabularInline):
    model = Shareholder
    extra = 0


@admin.register(JointCompany)
class JointCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "cluster", "registered_capital", "established"]
    search_fields = ["name"]
    inlines = [ShareholderInline]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["shareholder", "kind", "quantity", "valuation"]
    list_filter = ["kind"]


@admin.register(AllocationRule)
class AllocationRuleAdmin(admin.ModelAdmin):
    list_display = ["company", "version", "method", "effective_from", "approved_by"]
    readonly_fields = ["created_by", "created_at"]


admin.site.register(CompanyIncome)
admin.site.register(VillageIncome)
