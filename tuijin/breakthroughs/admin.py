from django.contrib import admin

from .models import FundSource, Lead, ResourceQuota, StartRateTarget


@admin.register(StartRateTarget)
class StartRateTargetAdmin(admin.ModelAdmin):
    list_display = ["month", "rate"]


@admin.register(ResourceQuota)
class ResourceQuotaAdmin(admin.ModelAdmin):
    list_display = ["year", "kind", "amount", "allocated", "managing_unit"]
    readonly_fields = ["allocated"]  # kept by the allocation services under a row lock


@admin.register(FundSource)
class FundSourceAdmin(admin.ModelAdmin):
    list_display = ["project", "kind", "year", "applied", "approved", "received", "spent"]
    list_filter = ["kind", "year"]
    raw_id_fields = ["project"]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["name", "investor", "town", "stage", "intended_amount"]
    list_filter = ["stage", "town"]
    raw_id_fields = ["project"]
    readonly_fields = ["project", "stage"]  # changed only by the lead services
