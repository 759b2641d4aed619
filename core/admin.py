"""Admin pages of the shared kernel. The audit log and the scheduler's record are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.models import AuditEvent, Holiday, Notification, NotificationPreference, ScheduledRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows can be looked at, never added, changed or deleted through the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "action", "object_repr", "unit_id", "ip_address")
    list_filter = ("action",)
    search_fields = ("action", "actor_label", "object_repr")
    date_hierarchy = "created_at"
    list_select_related = False
    show_full_result_count = False  # the log grows without bound; COUNT(*) on every page is slow


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "title", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__number", "recipient__name")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)
    date_hierarchy = "created_at"
    readonly_fields = ("created_at",)
    show_full_result_count = False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "email")
    list_filter = ("kind", "email")
    search_fields = ("user__number", "user__name", "kind")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    list_display = ("job", "period", "enqueued_at")
    list_filter = ("job",)
    search_fields = ("job", "period")
    date_hierarchy = "enqueued_at"


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """Official holidays and adjusted working days, entered each year from the State Council's notice."""

    list_display = ("day", "name", "is_working_day")
    list_filter = ("is_working_day",)
    search_fields = ("name",)
    date_hierarchy = "day"
