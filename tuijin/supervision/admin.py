from django.contrib import admin

from .models import Bulletin, LightRule, Order, ScanRun


@admin.register(LightRule)
class LightRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active", "yellow_at", "red_at"]
    list_editable = ["is_active", "yellow_at", "red_at"]
    readonly_fields = ["code"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "unit", "status", "reply_due"]
    list_filter = ["kind", "status"]

    def has_change_permission(self, request, obj=None):
        return False  # orders move only through the supervision services


@admin.register(ScanRun)
class ScanRunAdmin(admin.ModelAdmin):
    list_display = ["day", "started_at", "seconds", "open_red", "open_yellow", "raised", "cleared"]


admin.site.register(Bulletin)
