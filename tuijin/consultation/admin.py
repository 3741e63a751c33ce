"""System settings of consultation: chat-robot webhooks and their delivery log, deadline rules;
problems and meetings read-only for the record."""

from django.contrib import admin

from .models import DeadlineRule, Meeting, Notice, Problem, ProblemEvent, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "kinds", "is_active"]
    list_filter = ["is_active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["at", "endpoint", "notice", "ok", "status_code", "duration_ms"]
    list_filter = ["ok", "endpoint"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "urgency", "level", "days"]
    list_filter = ["category", "urgency", "level"]


class EventInline(admin.TabularInline):
    model = ProblemEvent
    extra = 0
    readonly_fields = ["kind", "at", "by", "from_level", "to_level", "from_unit", "to_unit", "deadline", "text"]
    can_delete = False


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "project", "level", "responsible_unit", "deadline", "status"]
    list_filter = ["status", "level", "category"]
    search_fields = ["number", "title", "project__name"]
    raw_id_fields = ["project"]
    readonly_fields = ["number", "raised_by", "raiser_unit", "raised_at"]
    inlines = [EventInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "number", "starts_at", "status"]
    list_filter = ["status", "kind", "year"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "unit", "title", "read_at"]
    list_filter = ["kind"]
