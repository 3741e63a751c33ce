"""Settings pages of the project office: units, users and their roles. Also the admin site's
own settings — its name and that only the project office may enter."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import policy
from .models import Unit, User

admin.site.site_header = _("Tuijin · settings of the major project system")
admin.site.site_title = _("Tuijin settings")
admin.site.index_title = _("Settings the project office keeps")
admin.site.site_url = "/"


def office_only(request) -> bool:
    """The settings belong to the project office (staff accounts of the office role)."""
    user = request.user
    return bool(user.is_active and user.is_staff and policy.can_manage_settings(user))


admin.site.has_permission = office_only


class OfficeAdmin(admin.ModelAdmin):
    """Settings pages the whole project office keeps, whatever Django permissions say: the
    role decides (tuijin.orgs.policy), as everywhere else in Tuijin."""

    def _office(self, request) -> bool:
        return office_only(request)

    def has_module_permission(self, request):
        return self._office(request)

    def has_view_permission(self, request, obj=None):
        return self._office(request)

    def has_add_permission(self, request):
        return self._office(request)

    def has_change_permission(self, request, obj=None):
        return self._office(request)

    def has_delete_permission(self, request, obj=None):
        return self._office(request)


@admin.register(Unit)
class UnitAdmin(OfficeAdmin):
    list_display = ("name", "short_name", "kind", "code", "order", "is_active")
    list_filter = ("kind", "is_active")
    list_editable = ("order",)
    search_fields = ("name", "short_name", "code")
    ordering = ("kind", "order", "code", "name")


@admin.register(User)
class UserAdmin(OfficeAdmin, DjangoUserAdmin):
    list_display = ("username", "full_name", "unit", "role", "title", "phone", "is_active", "last_login")
    list_filter = ("role", "unit__kind", "is_active", "is_staff")
    search_fields = ("username", "full_name", "unit__name")  # phone is encrypted: not searchable
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    ordering = ("role", "unit__name", "username")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "title", "phone", "email")}),
        (_("Unit and role"), {"fields": ("unit", "role")}),
        (
            _("Access"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups"),
                "description": _("Project office accounts need 'staff status' to open these settings."),
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Unit and role"), {"classes": ("wide",), "fields": ("full_name", "unit", "role", "title", "phone")}),
    )
