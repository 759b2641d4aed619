"""Schemas of the study API: the catalogue, courses and lessons, heartbeats, progress, my points.

Labels (rule names, kinds) are in the caller's language; codes never change with it. Media are
fetched from the URLs given here, with the same session or token, and support byte ranges.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Schema
from pydantic import model_validator

from learning.models import Course, Lesson, LibraryItem
from learning.queries import CourseCard
from learning.queries_quiz import LessonQuiz
from learning.services_study import Beat


class CourseOut(Schema):
    id: int
    title: str
    unit: str = Field(description="The unit that keeps the course.")
    is_recommended: bool
    is_micro: bool
    lesson_count: int
    completed_lessons: int
    percent: int = Field(description="Share of the lessons completed, 0–100.")
    started: bool
    completed_at: datetime | None
    due_on: date | None = Field(None, description="When the course is required of you: the due date, if any.")


def course_out(card: CourseCard) -> dict[str, Any]:
    course = card.course
    return {
        "id": course.pk,
        "title": course.title,
        "unit": course.unit.name,
        "is_recommended": course.is_recommended,
        "is_micro": course.is_micro,
        "lesson_count": getattr(course, "lesson_count", 0),
        "completed_lessons": getattr(course, "done_count", 0),
        "percent": card.percent,
        "started": bool(getattr(course, "started", None)),
        "completed_at": getattr(course, "completed_at", None),
        "due_on": card.due_on,
    }


class LibraryItemOut(Schema):
    id: int
    title: str
    author: str
    kind: str
    category: str
    tags: list[str]
    length_seconds: int
    credited_seconds: int
    position: int
    favourite: bool
    file_url: str


def library_item_out(item: LibraryItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "author": item.author,
        "kind": item.kind,
        "category": item.category,
        "tags": item.tag_list,
        "length_seconds": item.length_seconds,
        "credited_seconds": getattr(item, "credited", 0),
        "position": getattr(item, "resume_at", 0),
        "favourite": bool(getattr(item, "favourite", False)),
        "file_url": reverse("learning:library_file", args=[item.pk]),
    }


class CatalogueOut(Schema):
    required: list[CourseOut] = Field(description="Courses required of you, soonest due first.")
    recommended: list[CourseOut]
    micro: list[CourseOut] = Field(description="Micro-lessons: courses of one short lesson.")
    other: list[CourseOut]
    library: list[LibraryItemOut] = Field(description="The newest items of the online library.")


class LessonRefOut(Schema):
    id: int
    order: int
    title: str
    kind: str
    length_seconds: int
    credited_seconds: int
    position: int
    completed_at: datetime | None


class CourseDetailOut(CourseOut):
    summary: str = Field(description="Sanitised HTML.")
    status: str
    resume_lesson_id: int | None = Field(description="The lesson where you left off (null before you start).")
    lessons: list[LessonRefOut]


class ProgressOut(Schema):
    credited_seconds: int
    position: int = Field(
        description="Where to resume: seconds into a video or audio; per mille of the page for text and documents."
    )
    needed_seconds: int = Field(description="Credited seconds that complete the lesson (80% of its length).")
    completed_at: datetime | None


class LessonQuizOut(Schema):
    exam_id: int = Field(description="Take it with `POST /api/v1/quiz-attempts` (`kind` exam).")
    title: str
    pass_percent: int = Field(description="An attempt passes with this share of its questions right.")
    passed: bool
    is_open: bool = Field(description="False: the exam is not open now (a draft or closed).")
    attempts_used: int
    max_attempts: int


class LessonOut(Schema):
    id: int
    course_id: int
    title: str
    kind: str
    body: str = Field(description="Sanitised HTML.")
    length_seconds: int
    media_url: str | None = Field(description="Video, audio or PDF; supports `Range` requests for seeking.")
    poster_url: str | None
    media_type: str | None
    progress: ProgressOut
    quiz: LessonQuizOut | None = Field(
        description="The quiz to pass (after the time) before the lesson is completed; null: none."
    )


def lesson_out(lesson: Lesson, progress: Any, quiz: LessonQuiz | None = None) -> dict[str, Any]:
    version = lesson.media.current_version if lesson.media is not None else None
    return {
        "id": lesson.pk,
        "course_id": lesson.course_id,
        "title": lesson.title,
        "kind": lesson.kind,
        "body": lesson.body,
        "length_seconds": lesson.length_seconds,
        "media_url": reverse("learning:lesson_media", args=[lesson.pk]) if lesson.media_id else None,
        "poster_url": reverse("learning:lesson_poster", args=[lesson.pk]) if lesson.poster_id else None,
        "media_type": version.mime if version is not None else None,
        "progress": {
            "credited_seconds": progress.credited_seconds,
            "position": progress.position,
            "needed_seconds": lesson.needed_seconds,
            "completed_at": progress.completed_at,
        },
        "quiz": None
        if quiz is None
        else {
            "exam_id": quiz.exam.pk,
            "title": quiz.exam.title,
            "pass_percent": quiz.pass_percent,
            "passed": quiz.passed,
            "is_open": quiz.is_open,
            "attempts_used": quiz.used,
            "max_attempts": quiz.exam.max_attempts,
        },
    }


def course_detail_out(course: Course, lessons: list[Lesson], resume_id: int | None) -> dict[str, Any]:
    return {
        **course_out(CourseCard(course)),
        "summary": course.summary,
        "status": course.status,
        "resume_lesson_id": resume_id,
        "lessons": [
            {
                "id": lesson.pk,
                "order": lesson.order,
                "title": lesson.title,
                "kind": lesson.kind,
                "length_seconds": lesson.length_seconds,
                "credited_seconds": getattr(lesson, "credited", 0),
                "position": getattr(lesson, "resume_at", 0),
                "completed_at": getattr(lesson, "done_at", None),
            }
            for lesson in lessons
        ],
    }


class HeartbeatIn(Schema):
    lesson_id: int | None = Field(None, description="The lesson being studied (or give `library_item_id`).")
    library_item_id: int | None = Field(None, description="The library item being read.")
    tab: str = Field(min_length=1, max_length=64, description="A random id the page keeps for its tab.")
    visible: bool = Field(True, description="False when the page was hidden: nothing is credited.")
    position: int = Field(0, ge=0, description="Seconds into the media, or per mille of the page read.")
    playing: bool = Field(True, description="For video and audio: false while paused (nothing is credited).")

    @model_validator(mode="after")
    def one_target(self) -> HeartbeatIn:
        if (self.lesson_id is None) == (self.library_item_id is None):
            raise ValueError("Give either lesson_id or library_item_id.")
        return self


class HeartbeatOut(Schema):
    credited_seconds: int = Field(description="Seconds this heartbeat credited (0 when nothing was).")
    outcome: str = Field(
        description="`credited`; or why nothing was: `started` (the first heartbeat of a period), `hidden`, "
        "`other_tab` (another tab or device holds the study clock), `gap` (too long since the previous "
        "heartbeat), `too_fast`, `paused`, `full` (the content's length is credited already)."
    )
    total_seconds: int
    length_seconds: int
    position: int
    completed: bool


def heartbeat_out(beat: Beat) -> dict[str, Any]:
    return {
        "credited_seconds": beat.credited_seconds,
        "outcome": beat.outcome,
        "total_seconds": beat.total_seconds,
        "length_seconds": beat.length_seconds,
        "position": beat.position,
        "completed": beat.completed,
    }


class RuleTodayOut(Schema):
    code: str
    name: str
    earned: int
    daily_cap: int


class MyPointsOut(Schema):
    total: int
    today: list[RuleTodayOut] = Field(
        description="Each active rule: what you earned by it today and its daily cap."
    )


class PointsEntryOut(Schema):
    id: int
    rule: str
    rule_name: str
    points: int
    asked: int = Field(description="What the activity was worth before the daily cap.")
    day: date
    reason: str
    created_at: datetime

    @staticmethod
    def resolve_rule(entry: Any) -> str:
        return str(entry.rule.code)

    @staticmethod
    def resolve_rule_name(entry: Any) -> str:
        return str(entry.rule.name)
