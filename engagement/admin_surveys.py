"""Admin of surveys: the surveys with their targets and questions.

Participations, responses and answers are not in the admin at all: who answered is shown to
nobody by name (reminders go out without the author seeing the list), and an anonymous survey's
answers must never be browsable next to anything that names people.
"""

from __future__ import annotations

from django.contrib import admin

from engagement.models.surveys import Survey, SurveyQuestion, SurveyTarget


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
