from django.contrib import admin

from .models import ColumnMapping, LedgerImport


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "updated_at"]
    search_fields = ["name"]


@admin.register(LedgerImport)
class LedgerImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "status", "uploaded_by", "uploaded_at", "created", "updated", "unchanged", "errors"]
    list_filter = ["status", "library"]
    readonly_fields = [f.name for f in LedgerImport._meta.fields]

    def has_add_permission(self, request):
        return False
