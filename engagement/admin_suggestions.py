"""Read-only admin of the suggestion box. It never shows or searches the sender: administrators are
not handlers, and a name-hidden sender is shown to the handler alone (pages do that)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from engagement.models import Suggestion, SuggestionEvent


class SuggestionEventInline(admin.TabularInline):
    model = SuggestionEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "by_sender", "text")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("id", "subject", "unit", "status", "due_on", "handler", "rating")
    list_filter = ("status", "kind", "hide_name")
    search_fields = ("subject",)
    fields = (
        "unit",
        "kind",
        "subject",
        "text",
        "hide_name",
        "handler",
        "status",
        "round",
        "opened_on",
        "due_on",
        "first_replied_at",
        "reply_working_days",
        "rating",
        "rating_comment",
        "created_at",
    )
    readonly_fields = fields
    inlines = (SuggestionEventInline,)

    # Sending, replying and reassigning notify people and keep the event log: only the services do it.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
