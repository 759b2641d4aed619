"""Admin of surveys: the surveys with their questions, and who has answered (never what they answered).

Responses and answers are not in the admin at all: an anonymous survey's answers must not be
browsable next to the participation list, and the results page shows what an author may see.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from engagement.models.surveys import Survey, SurveyParticipation, SurveyQuestion, SurveyTarget


class QuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ("position", "kind", "text", "is_required", "options", "condition_question", "condition_option")
    fk_name = "survey"


class TargetInline(admin.TabularInline):
    model = SurveyTarget
    extra = 0
    raw_id_fields = ("unit",)


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "is_poll", "is_anonymous", "status", "closes_at")
    list_filter = ("status", "is_poll", "is_anonymous")
    search_fields = ("title",)
    raw_id_fields = ("unit", "created_by")
    readonly_fields = ("is_anonymous", "opened_at", "closed_at", "created_at")
    inlines = (TargetInline, QuestionInline)


@admin.register(SurveyParticipation)
class SurveyParticipationAdmin(admin.ModelAdmin):
    """Read-only: who answered which survey, for reminders and response rates."""

    list_display = ("survey", "person", "unit", "answered_on")
    list_filter = ("answered_on",)
    search_fields = ("survey__title",)
    fields = ("survey", "person", "unit", "answered_on")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
