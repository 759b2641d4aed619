"""The admin site for dues: each university's local rules; the ledger is read-only here.

Amounts and payments change only through the pages and the API, which check the org scope and
write the audit log; the ledger is append-only, so the admin can neither edit nor delete a row.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dues.models import DuesBase, DuesConfig, DuesPayment


@admin.register(DuesConfig)
class DuesConfigAdmin(admin.ModelAdmin):
    list_display = ("root_unit", "parameters", "updated_at")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DuesBase)
class DuesBaseAdmin(ReadOnlyAdmin):
    list_display = ("person", "effective_month", "category", "stipend_fen", "monthly_fen")
    list_select_related = ("person",)
    search_fields = ("person__number", "person__name")


@admin.register(DuesPayment)
class DuesPaymentAdmin(ReadOnlyAdmin):
    list_display = ("person", "month", "amount_fen", "kind", "paid_on", "recorded_by")
    list_filter = ("kind",)
    list_select_related = ("person", "recorded_by")
    search_fields = ("person__number", "person__name")
