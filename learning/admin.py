"""Admin pages of study.

The points ledger, progress and certificates are read-only here (they are written only by the
services). Training tracks and their courses' class hours are set up here by system
administrators; courses and the library are built on the authors' pages.
"""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from learning.models import (
    Certificate,
    Course,
    Enrolment,
    LessonProgress,
    LibraryItem,
    PointsEntry,
    PointsRule,
    RankingSetting,
    Track,
    TrackCourse,
)


@admin.register(PointsRule)
class PointsRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "points", "unit_seconds", "daily_cap", "active")


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "person", "rule", "points", "asked", "reason")
    list_select_related = ("person", "rule")


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "status", "is_recommended", "is_micro", "published_at")
    list_filter = ("status",)
    list_select_related = ("unit",)


@admin.register(LibraryItem)
class LibraryItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "category", "unit", "status")
    list_select_related = ("unit",)


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ("person", "course", "started_at", "completed_at")
    list_select_related = ("person", "course")


@admin.register(LessonProgress)
class LessonProgressAdmin(ReadOnlyAdmin):
    list_display = ("person", "lesson", "credited_seconds", "completed_at")
    list_select_related = ("person", "lesson")


class TrackCourseInline(admin.TabularInline):
    model = TrackCourse
    raw_id_fields = ("course",)
    extra = 1


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "required_hours")
    inlines = (TrackCourseInline,)
    raw_id_fields = ("unit",)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("track", "person", "class_hours", "issued_at")
    list_select_related = ("track", "person")


@admin.register(RankingSetting)
class RankingSettingAdmin(ReadOnlyAdmin):
    list_display = ("unit", "enabled", "changed_by", "changed_at")
