"""Admin pages of the development procedure.

The dossier's rows (cases, records, votes, exceptions, assessments, reports, returns, notices) are
read-only here: every change goes through ``development.services``, which checks the rules and
writes the audit log. Batches' names and the universities' local rules are edited here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from development.config import defaults_as_json
from development.models import (
    Assessment,
    Batch,
    CaseReturn,
    DevelopmentCase,
    DevelopmentConfig,
    PublicNotice,
    RuleException,
    StepDocument,
    StepRecord,
    ThoughtReport,
    Vote,
)


class StepRecordInline(admin.TabularInline):
    model = StepRecord
    fields = ("step", "probation_round", "date", "recorded_by", "transferred_in", "data", "warnings")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DevelopmentCase)
class DevelopmentCaseAdmin(ReadOnlyAdmin):
    list_display = ("person", "branch", "status", "current_step", "opened_on", "batch")
    list_filter = ("status", "current_step")
    search_fields = ("person__name", "person__number")
    list_select_related = ("person", "branch", "batch")
    raw_id_fields = ("person", "branch", "batch")
    date_hierarchy = "opened_on"
    inlines = (StepRecordInline,)
    show_full_result_count = False


@admin.register(StepRecord)
class StepRecordAdmin(ReadOnlyAdmin):
    list_display = ("case", "step", "probation_round", "date", "recorded_by", "transferred_in")
    list_filter = ("step", "transferred_in")
    search_fields = ("case__person__name", "case__person__number")
    list_select_related = ("case__person", "case__branch", "recorded_by")
    show_full_result_count = False


@admin.register(StepDocument)
class StepDocumentAdmin(ReadOnlyAdmin):
    list_display = ("record", "kind", "document", "attached_by", "created_at")
    list_select_related = ("record", "document", "attached_by")


@admin.register(RuleException)
class RuleExceptionAdmin(ReadOnlyAdmin):
    list_display = ("case", "step", "rule_code", "recorded_by", "authority", "recorded_on")
    list_filter = ("rule_code", "step")
    search_fields = ("case__person__name", "rule_code", "reason")
    list_select_related = ("case__person", "case__branch", "recorded_by")


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = (
        "case",
        "step",
        "meeting_on",
        "proposal",
        "members_with_voting_rights",
        "attended",
        "yes",
        "result",
    )
    list_filter = ("step", "result", "proposal")
    list_select_related = ("case__person", "case__branch")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("case", "phase", "period", "assessed_on", "assessor", "result")
    list_filter = ("phase", "result")
    list_select_related = ("case__person", "case__branch", "assessor")


@admin.register(ThoughtReport)
class ThoughtReportAdmin(ReadOnlyAdmin):
    list_display = ("case", "phase", "received_on", "document")
    list_filter = ("phase",)
    list_select_related = ("case__person", "case__branch", "document")


@admin.register(CaseReturn)
class CaseReturnAdmin(ReadOnlyAdmin):
    list_display = ("case", "step", "returned_on", "returned_by", "resubmitted_on")
    list_select_related = ("case__person", "case__branch", "returned_by")


@admin.register(PublicNotice)
class PublicNoticeAdmin(ReadOnlyAdmin):
    list_display = ("unit", "batch", "starts_on", "ends_on", "working_days", "published_by")
    list_select_related = ("unit", "batch", "published_by")


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    """Names and semesters can be corrected; batches are opened and filled through the pages."""

    list_display = ("name", "unit", "kind", "semester", "opened_on", "closed_on")
    list_filter = ("kind", "semester")
    search_fields = ("name", "semester")
    list_select_related = ("unit",)
    fields = ("name", "semester", "unit", "kind", "opened_on", "closed_on")
    readonly_fields = ("unit", "kind", "opened_on")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DevelopmentConfig)
class DevelopmentConfigAdmin(admin.ModelAdmin):
    """Each university's local rules; the change form shows the defaults that apply when left out."""

    list_display = ("root_unit", "parameters", "updated_at")
    raw_id_fields = ("root_unit",)
    readonly_fields = ("defaults",)
    fields = ("root_unit", "parameters", "defaults")

    @admin.display(description=_("defaults"))
    def defaults(self, obj: DevelopmentConfig | None = None) -> dict[str, Any]:
        return defaults_as_json()
