from django.contrib import admin

from .models import IndicatorSetting, Scheme, SchemeVersion, Snapshot


class IndicatorInline(admin.TabularInline):
    model = IndicatorSetting
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "over", "is_active"]
    filter_horizontal = ["units"]


@admin.register(SchemeVersion)
class SchemeVersionAdmin(admin.ModelAdmin):
    list_display = ["scheme", "number", "effective_from", "note"]
    inlines = [IndicatorInline]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["scheme", "period", "revision", "status", "computed_at", "published_at"]
    list_filter = ["scheme", "status"]

    def has_change_permission(self, request, obj=None):
        # Snapshots change only through the race services (compute, publish).
        return False
