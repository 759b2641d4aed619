"""Read-only admin of notices; sending and reminding go through the pages and services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from engagement.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "sender", "requires_ack", "recipients", "created_at")
    list_filter = ("requires_ack",)
    search_fields = ("title",)
    readonly_fields = (
        "unit",
        "sender",
        "title",
        "body",
        "whole_subtree",
        "party_statuses",
        "requires_ack",
        "recipients",
        "last_reminded_on",
        "created_at",
    )
    exclude = ("request_key",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
