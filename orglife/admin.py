"""Read-mostly admin of meetings and invitations; every change goes through the pages and services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from orglife.models import CalendarFeed, Invitation, Meeting


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    can_delete = False
    fields = ("person", "read_at", "response", "leave_status", "leave_reason", "leave_decision_note")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "unit", "starts_at", "status", "organiser")
    list_filter = ("status", "kind")
    search_fields = ("title", "unit__name")
    date_hierarchy = "starts_at"
    raw_id_fields = ("unit", "organiser")
    readonly_fields = ("status", "published_at", "closed_at", "cancelled_reason", "sequence", "created_at")
    filter_horizontal = ("invited_units",)
    inlines = (InvitationInline,)

    # Planning, publishing and cancelling notify people and write the audit log: only the pages,
    # the API and the services change a meeting.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("person", "prefix", "created_at", "last_used_at")
    readonly_fields = ("person", "prefix", "digest", "created_at", "last_used_at")
    search_fields = ("person__name", "person__number")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
