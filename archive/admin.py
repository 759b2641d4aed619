"""The archive in the admin site: read-only, because every change goes through the services
(which check permissions, keep files and rows together and write the audit log)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from archive.models import Document, DocumentVersion


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    fk_name = "document"
    extra = 0
    can_delete = False
    fields = ("number", "original_name", "content_type", "size", "sha256", "uploaded_by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "purpose", "created_by", "created_at", "is_deleted")
    list_filter = ("purpose", "is_deleted")
    search_fields = ("title",)
    list_select_related = ("unit", "created_by")
    raw_id_fields = ("unit", "owner")
    inlines = (DocumentVersionInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
