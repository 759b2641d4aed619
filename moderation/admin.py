"""Moderation in the admin site: read-only, because every change goes through the services (a
lexicon change must give the lexicon a new version so every process rebuilds its matcher; a
decision must be logged with its reason and told to the owning app)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from moderation.models import LexiconEntry, LexiconVersion, ModerationDecision, ModerationItem, Report


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LexiconEntry)
class LexiconEntryAdmin(ReadOnlyAdmin):
    list_display = ("term", "kind", "category", "action", "unit", "is_active", "updated_at")
    list_filter = ("kind", "category", "action", "is_active")
    search_fields = ("term", "folded", "note")
    list_select_related = ("unit",)


@admin.register(LexiconVersion)
class LexiconVersionAdmin(ReadOnlyAdmin):
    list_display = ("number", "token", "changed_at")


class DecisionInline(admin.TabularInline):
    model = ModerationDecision
    extra = 0
    can_delete = False
    fields = ("decided_at", "moderator_label", "decision", "previous_status", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ModerationItem)
class ModerationItemAdmin(ReadOnlyAdmin):
    list_display = ("subject", "status", "reason", "unit", "queued_at", "decided_at")
    list_filter = ("status", "reason")
    search_fields = ("subject",)
    list_select_related = ("unit",)
    inlines = (DecisionInline,)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("subject", "reason", "created_at")
    search_fields = ("subject",)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(ReadOnlyAdmin):
    list_display = ("item", "decision", "previous_status", "moderator_label", "decided_at")
    list_filter = ("decision",)
    list_select_related = ("item",)
