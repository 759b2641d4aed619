"""Writes of a learner: opening lessons and library items, heartbeats that credit study time, completion.

Study time is measured here, on the server, never taken from the client. A page sends a heartbeat
every 15 seconds while it is visible (static/js/study.js). Under a lock on the person's
``StudyClock``, a heartbeat credits at most the real time elapsed since that person's previous
heartbeat from the same tab, and nothing when

- the page says it is hidden (the clock is released, so another tab may take it),
- the gap since the previous heartbeat is longer than ``MAX_GAP_SECONDS`` (the page slept),
- another tab or device holds the clock and has beaten within ``MAX_GAP_SECONDS`` (parallel tabs),
- the media is paused, or the content's real length has been credited already.

Credited time earns reading-time or video-time points in slices of the rule's ``unit_seconds``,
each with its own key (``study:{person}:{lesson}:{slice}``), so a retried heartbeat never earns twice.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from learning import permissions, queries_hours
from learning.models import (
    Certificate,
    Enrolment,
    Lesson,
    LessonKind,
    LessonProgress,
    LibraryItem,
    LibraryProgress,
    PointsRule,
    StudyClock,
    Track,
    needed_seconds,
)
from learning.models_quiz import Attempt, AttemptStatus, is_pass
from learning.services_points import local_day, points_award

HEARTBEAT_SECONDS = 15
# Two lost heartbeats and a little network delay; a longer silence means the page was not in use.
MAX_GAP_SECONDS = 40
TEXT_POSITION_SCALE = 1000


@dataclass(frozen=True)
class Beat:
    """What one heartbeat did: the seconds it credited and why (``credited``, ``hidden``, ``other_tab``…)."""

    credited_seconds: int
    outcome: str
    total_seconds: int
    length_seconds: int
    position: int
    completed: bool


def lesson_quiz_passed(person: Any, lesson: Lesson) -> bool:
    """True when the lesson has no quiz, or ``person`` has a finished attempt of it that passes.

    A lesson's quiz is a topic exam; an attempt passes with ``LESSON_QUIZ_PASS_PERCENT`` of its
    questions right (``models_quiz.is_pass``). Finishing an attempt calls
    ``lessons_recheck_after_quiz`` so that the completion is recorded at once.
    """
    if lesson.quiz_id is None:
        return True
    finished = Attempt.objects.filter(
        person=person, exam_id=lesson.quiz_id, status=AttemptStatus.SUBMITTED
    ).values_list("score", "items")
    return any(is_pass(score, len(items)) for score, items in finished)


def _require_study(person: Any, lesson: Lesson) -> None:
    permissions.refuse(person, permissions.can_study_course(person, lesson.course), lesson.course.unit)


def _require_read(person: Any, item: LibraryItem) -> None:
    permissions.refuse(person, permissions.can_read_library_item(person, item), item.unit)


def lesson_open(*, person: Any, lesson: Lesson) -> LessonProgress:
    """Record that ``person`` opened the lesson: enrolled in its course, resuming from here next time."""
    _require_study(person, lesson)
    with transaction.atomic():
        enrolment, _created = Enrolment.objects.get_or_create(person=person, course_id=lesson.course_id)
        if enrolment.last_lesson_id != lesson.pk:
            enrolment.last_lesson = lesson
            enrolment.save(update_fields=["last_lesson"])
        progress, _created = LessonProgress.objects.get_or_create(person=person, lesson=lesson)
    return progress


def library_open(*, person: Any, item: LibraryItem) -> LibraryProgress:
    """Record that ``person`` opened a library item; the first opening of each day earns "reading" points."""
    _require_read(person, item)
    with transaction.atomic():
        progress, _created = LibraryProgress.objects.get_or_create(person=person, item=item)
        _award(
            person,
            "reading",
            key=f"reading:{person.pk}:{item.pk}:{local_day().isoformat()}",
            reason=_("Read “%(title)s”") % {"title": item.title},
            subject=f"library:{item.pk}",
        )
    return progress


def library_favourite(*, person: Any, item: LibraryItem, favourite: bool) -> LibraryProgress:
    """Mark or unmark a library item as a favourite of ``person`` (the same answer when repeated)."""
    _require_read(person, item)
    with transaction.atomic():
        progress, _created = LibraryProgress.objects.get_or_create(person=person, item=item)
        if progress.is_favourite != favourite:
            progress.is_favourite = favourite
            progress.save(update_fields=["is_favourite", "updated_at"])
    return progress


def _award(person: Any, rule_code: str, *, key: str, reason: str, subject: str, units: int = 1) -> None:
    # A rule switched off: the study still counts, it just earns no points.
    with contextlib.suppress(DomainError):
        points_award(person=person, rule_code=rule_code, key=key, reason=reason, subject=subject, units=units)


def _award_slices(
    person: Any, rule_code: str, prefix: str, before: int, after: int, reason: str, subject: str
) -> None:
    """Award one unit for each whole ``unit_seconds`` slice that the credit completed."""
    unit_seconds = PointsRule.objects.filter(code=rule_code).values_list("unit_seconds", flat=True).first()
    if not unit_seconds:
        return
    for slice_number in range(before // unit_seconds, after // unit_seconds):
        _award(person, rule_code, key=f"{prefix}:{slice_number}", reason=reason, subject=subject)


def _clean_beat(tab: str, position: int) -> str:
    tab = (tab or "").strip()
    if not tab or len(tab) > 64:
        raise FieldErrors.single("tab", _("The heartbeat needs the tab's id (at most 64 characters)."))
    if position < 0:
        raise FieldErrors.single("position", _("The position cannot be negative."))
    return tab


def _clock_elapsed(person: Any, tab: str, visible: bool, now: datetime) -> tuple[str, int]:
    """Move the person's study clock for one heartbeat; the outcome and the seconds it may credit.

    Must run inside a transaction: the clock row stays locked until it commits.
    """
    StudyClock.objects.get_or_create(person=person)
    clock = StudyClock.objects.select_for_update().get(person=person)
    recent = clock.last_beat_at is not None and (now - clock.last_beat_at).total_seconds() <= MAX_GAP_SECONDS
    if not visible:
        if clock.tab == tab:
            clock.last_beat_at = None
            clock.save(update_fields=["last_beat_at"])
        return "hidden", 0
    if clock.tab and clock.tab != tab and recent:
        return "other_tab", 0
    previous = clock.last_beat_at if clock.tab == tab else None
    clock.tab = tab
    clock.last_beat_at = now if previous is None or now > previous else previous
    clock.save(update_fields=["tab", "last_beat_at"])
    if previous is None:
        return "started", 0
    elapsed = int((now - previous).total_seconds())
    if elapsed > MAX_GAP_SECONDS:
        return "gap", 0
    if elapsed <= 0:
        return "too_fast", 0
    return "credited", elapsed


def lesson_heartbeat(
    *,
    person: Any,
    lesson: Lesson,
    tab: str,
    visible: bool,
    position: int = 0,
    playing: bool = True,
    at: datetime | None = None,
) -> Beat:
    """Credit the study time since the person's previous heartbeat to ``lesson`` (see the module's rules)."""
    _require_study(person, lesson)
    tab = _clean_beat(tab, position)
    now = at or timezone.now()
    limit = (
        lesson.length_seconds if lesson.kind in (LessonKind.VIDEO, LessonKind.AUDIO) else TEXT_POSITION_SCALE
    )
    with transaction.atomic():
        outcome, elapsed = _clock_elapsed(person, tab, visible, now)
        Enrolment.objects.get_or_create(person=person, course_id=lesson.course_id)
        LessonProgress.objects.get_or_create(person=person, lesson=lesson)
        progress = LessonProgress.objects.select_for_update().get(person=person, lesson=lesson)
        progress.position = min(position, limit)
        credit = 0
        if outcome == "credited" and lesson.is_watched and not playing:
            outcome = "paused"
        elif outcome == "credited":
            credit = min(elapsed, lesson.length_seconds - progress.credited_seconds)
            if credit <= 0:
                outcome, credit = "full", 0
        before = progress.credited_seconds
        progress.credited_seconds = before + credit
        progress.save(update_fields=["position", "credited_seconds", "updated_at"])
        if credit:
            _award_slices(
                person,
                "video_time" if lesson.is_watched else "reading_time",
                f"study:{person.pk}:{lesson.pk}",
                before,
                progress.credited_seconds,
                _("Studied “%(title)s”") % {"title": lesson.title},
                f"lesson:{lesson.pk}",
            )
        _complete_if_done(person, lesson, progress, now)
    return Beat(
        credit,
        outcome,
        progress.credited_seconds,
        lesson.length_seconds,
        progress.position,
        progress.completed_at is not None,
    )


def library_heartbeat(
    *, person: Any, item: LibraryItem, tab: str, visible: bool, position: int = 0, at: datetime | None = None
) -> Beat:
    """Credit reading time of a library item, by the same rules as a lesson (reading-time points)."""
    _require_read(person, item)
    tab = _clean_beat(tab, position)
    now = at or timezone.now()
    with transaction.atomic():
        outcome, elapsed = _clock_elapsed(person, tab, visible, now)
        LibraryProgress.objects.get_or_create(person=person, item=item)
        progress = LibraryProgress.objects.select_for_update().get(person=person, item=item)
        progress.position = min(position, TEXT_POSITION_SCALE)
        credit = 0
        if outcome == "credited":
            credit = min(elapsed, item.length_seconds - progress.credited_seconds)
            if credit <= 0:
                outcome, credit = "full", 0
        before = progress.credited_seconds
        progress.credited_seconds = before + credit
        progress.save(update_fields=["position", "credited_seconds", "updated_at"])
        if credit:
            _award_slices(
                person,
                "reading_time",
                f"library:{person.pk}:{item.pk}",
                before,
                progress.credited_seconds,
                _("Read “%(title)s”") % {"title": item.title},
                f"library:{item.pk}",
            )
    done = progress.credited_seconds >= needed_seconds(item.length_seconds)
    return Beat(credit, outcome, progress.credited_seconds, item.length_seconds, progress.position, done)


# --- Completion ------------------------------------------------------------------------------------


def _complete_if_done(person: Any, lesson: Lesson, progress: LessonProgress, now: datetime) -> None:
    if progress.completed_at is not None:
        return
    if progress.credited_seconds < lesson.needed_seconds or not lesson_quiz_passed(person, lesson):
        return
    progress.completed_at = now
    progress.save(update_fields=["completed_at"])
    lessons = Lesson.objects.filter(course_id=lesson.course_id).count()
    done = LessonProgress.objects.filter(
        person=person, lesson__course_id=lesson.course_id, completed_at__isnull=False
    ).count()
    if done < lessons:
        return
    updated = Enrolment.objects.filter(
        person=person, course_id=lesson.course_id, completed_at__isnull=True
    ).update(completed_at=now)
    if updated:
        audit_record(actor=person, action="learning.course.complete", target=lesson.course)
        _issue_certificates(person, lesson.course_id)


def lesson_progress_recheck(*, person: Any, lesson: Lesson) -> LessonProgress:
    """Record the lesson's completion if it is now due (called after the lesson's quiz is passed)."""
    with transaction.atomic():
        LessonProgress.objects.get_or_create(person=person, lesson=lesson)
        progress = LessonProgress.objects.select_for_update().get(person=person, lesson=lesson)
        _complete_if_done(person, lesson, progress, timezone.now())
    return progress


def lessons_recheck_after_quiz(*, person: Any, exam_id: int) -> list[Lesson]:
    """Record the completion of the lessons whose quiz is ``exam_id`` and that ``person`` has started.

    Called when an attempt of the exam is finished (inside its transaction), so a passed quiz
    completes a lesson whose time is credited without waiting for another heartbeat. Returns the
    lessons completed now.
    """
    lessons = Lesson.objects.filter(
        quiz_id=exam_id, progress__person=person, progress__completed_at__isnull=True
    ).select_related("course")
    completed = []
    for lesson in lessons:
        if lesson_progress_recheck(person=person, lesson=lesson).completed_at is not None:
            completed.append(lesson)
    return completed


def _issue_certificates(person: Any, course_id: int) -> None:
    for track in Track.objects.filter(track_courses__course_id=course_id).distinct():
        hours = queries_hours.completed_hours(person, track)
        if hours < track.required_hours:
            continue
        certificate, created = Certificate.objects.get_or_create(
            person=person, track=track, defaults={"class_hours": hours}
        )
        if created:
            audit_record(
                actor=person, action="learning.certificate.issue", target=certificate, data={"hours": hours}
            )
