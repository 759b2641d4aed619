"""Publishing in the admin site: read-only, because every change goes through the services (a
transition must be checked, audited and announced, and the public pages' cache refreshed)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from publishing.models import Article, ArticleRevision, Channel, ReviewTask


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Channel)
class ChannelAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "unit", "updated_at")
    search_fields = ("name", "slug")
    list_select_related = ("unit",)


class ReviewInline(admin.TabularInline):
    model = ReviewTask
    fields = ("level", "status", "decided_by", "decided_at", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ("title", "channel", "kind", "status", "author", "published_at")
    list_filter = ("status", "kind", "category")
    search_fields = ("title",)
    list_select_related = ("channel", "author")
    inlines = (ReviewInline,)


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(ReadOnlyAdmin):
    list_display = ("article", "number", "created_by", "created_at")
    list_select_related = ("article", "created_by")
