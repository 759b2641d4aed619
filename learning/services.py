"""Writes of study's authors and managers: courses, lessons, requirements, library, tracks, points.

Every service checks its permission itself (pages, the API and tasks call the same functions):
404 when the actor cannot know the unit, 403 when they can but lack the capability. Media files go
to the archive (purpose ``"learning"``, the course's unit), checked and checksummed there. The
learner's writes (opening, heartbeats, completion) are in ``services_study``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive import sniffing
from archive.models import Document
from archive.permissions import can_upload_documents
from archive.services import document_create
from core import audiences as core_audiences
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.richtext import plain_text, sanitize_html
from learning import permissions
from learning.media import MEDIA_PURPOSE
from learning.media_length import media_seconds
from learning.models import (
    MEDIA_LESSON_KINDS,
    Course,
    CourseRequirement,
    Lesson,
    LessonKind,
    LibraryItem,
    PointsRule,
    PublicationStatus,
    RankingSetting,
    Track,
    TrackCourse,
)
from learning.models_quiz import Exam, ExamStatus
from learning.permissions_quiz import can_author as can_author_questions
from orgs.models import OrgUnit, PartyStatus

MAX_MEDIA_BYTES = 500 * 1024 * 1024
ALLOWED_FILES = {
    LessonKind.VIDEO: sniffing.VIDEO_TYPES,
    LessonKind.AUDIO: sniffing.AUDIO_TYPES,
    LessonKind.DOCUMENT: frozenset({"application/pdf"}),
}
# Reading speed used to estimate a text's real length when the author gives none (characters a minute).
READING_CHARACTERS_PER_MINUTE = 400
MAX_LENGTH_SECONDS = 24 * 3600
UPLOAD_REFUSED = gettext_lazy(
    "Uploading files here needs the right to upload documents to the unit; ask your secretary, "
    "or write a text lesson."
)


def require_author(actor: Any, unit: OrgUnit) -> None:
    """404 when ``actor`` cannot know ``unit``, 403 without learning.author_courses over it."""
    permissions.refuse(actor, permissions.can_author_in(actor, unit), unit)


def _clean_title(title: str, field: str = "title") -> str:
    title = (title or "").strip()
    if not title:
        raise FieldErrors.single(field, _("Give it a title."))
    if len(title) > 200:
        raise FieldErrors.single(field, _("The title can have at most 200 characters."))
    return title


def _clean_length(length_seconds: int | None, *, required: bool) -> int | None:
    if length_seconds is None:
        if required:
            raise FieldErrors.single(
                "length_seconds",
                _("Enter the real length of the media in seconds (for example 600 for 10 minutes)."),
            )
        return None
    if not 1 <= length_seconds <= MAX_LENGTH_SECONDS:
        raise FieldErrors.single("length_seconds", _("The length must lie between 1 second and 24 hours."))
    return length_seconds


def estimated_reading_seconds(html: str) -> int:
    """A text's reading time at ``READING_CHARACTERS_PER_MINUTE``, at least one minute."""
    characters = len(plain_text(html).replace(" ", ""))
    return max(60, characters * 60 // READING_CHARACTERS_PER_MINUTE)


def _store_media(
    actor: Any, unit: OrgUnit, title: str, uploaded_file: Any, allowed: Iterable[str]
) -> Document:
    return document_create(
        actor=actor,
        unit=unit,
        title=title,
        uploaded_file=uploaded_file,
        purpose=MEDIA_PURPOSE,
        max_bytes=MAX_MEDIA_BYTES,
        allowed_types=frozenset(allowed),
    )


# --- Courses ---------------------------------------------------------------------------------------


def course_create(
    *,
    actor: Any,
    unit: OrgUnit,
    title: str,
    summary: str = "",
    is_recommended: bool = False,
    is_micro: bool = False,
) -> Course:
    """Start a draft course kept by ``unit`` (open to its subtree once published)."""
    require_author(actor, unit)
    with transaction.atomic():
        course = Course.objects.create(
            unit=unit,
            title=_clean_title(title),
            summary=sanitize_html(summary),
            is_recommended=is_recommended,
            is_micro=is_micro,
            created_by=actor,
        )
        audit_record(actor=actor, action="learning.course.create", target=course, unit_id=unit.pk)
    return course


def course_update(
    *, actor: Any, course: Course, title: str, summary: str, is_recommended: bool, is_micro: bool
) -> Course:
    """Change a course's title, summary and how it is listed."""
    require_author(actor, course.unit)
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        locked.title = _clean_title(title)
        locked.summary = sanitize_html(summary)
        locked.is_recommended = is_recommended
        locked.is_micro = is_micro
        locked.save(update_fields=["title", "summary", "is_recommended", "is_micro"])
        audit_record(actor=actor, action="learning.course.update", target=locked, unit_id=locked.unit_id)
    return locked


def course_set_status(*, actor: Any, course: Course, status: str) -> Course:
    """Publish, withdraw to draft or archive a course; a course is published only with a lesson."""
    require_author(actor, course.unit)
    if status not in PublicationStatus.values:
        raise FieldErrors.single("status", _("Choose draft, published or archived."))
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.status == status:
            return locked  # a retried request changes nothing
        if not locked.can_become(status):
            raise DomainError(
                "course_transition_refused",
                _("An archived course must go back to draft before it is published again."),
            )
        if status == PublicationStatus.PUBLISHED and not locked.lessons.exists():
            raise DomainError(
                "course_without_lessons", _("Add at least one lesson before publishing the course.")
            )
        locked.status = status
        fields = ["status"]
        if status == PublicationStatus.PUBLISHED and locked.published_at is None:
            locked.published_at = timezone.now()
            fields.append("published_at")
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="learning.course.status",
            target=locked,
            unit_id=locked.unit_id,
            data={"status": status},
        )
    return locked


# --- Lessons ---------------------------------------------------------------------------------------


def lesson_create(
    *,
    actor: Any,
    course: Course,
    title: str,
    kind: str,
    body: str = "",
    length_seconds: int | None = None,
    media_file: Any = None,
    poster_file: Any = None,
) -> Lesson:
    """Add a lesson at the end of the course: text (sanitised), or a video, audio or PDF stored in the archive.

    A video's or audio's real length is read from its file (MP4, M4A, MP3); a typed length is
    needed only when it cannot be (WebM). A text's length is estimated from its words unless given.
    """
    require_author(actor, course.unit)
    title = _clean_title(title)
    if kind not in LessonKind.values:
        raise FieldErrors.single("kind", _("Choose text, video, audio or document."))
    clean_body = sanitize_html(body)
    if kind == LessonKind.TEXT and not plain_text(clean_body):
        raise FieldErrors.single("body", _("Write the text of the lesson."))
    timed = kind in (LessonKind.VIDEO, LessonKind.AUDIO)
    # The file's own playing time wins over a typed one; a typed one is needed only when it cannot be read.
    measured = media_seconds(media_file) if timed else None
    length = min(measured, MAX_LENGTH_SECONDS) if measured else _clean_length(length_seconds, required=timed)
    if kind in MEDIA_LESSON_KINDS and media_file is None:
        raise FieldErrors.single("media_file", _("Choose the lesson's file."))
    if poster_file is not None and kind != LessonKind.VIDEO:
        raise FieldErrors.single("poster_file", _("Only a video lesson has a poster image."))
    if kind in MEDIA_LESSON_KINDS and not can_upload_documents(actor, course.unit):
        raise FieldErrors.single("media_file", UPLOAD_REFUSED)
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        media = poster = None
        if kind in MEDIA_LESSON_KINDS:
            try:
                media = _store_media(actor, locked.unit, title, media_file, ALLOWED_FILES[LessonKind(kind)])
            except FieldErrors as error:
                raise FieldErrors(
                    {"media_file": error.fields.get("file", [str(error.message)])}, error.message
                ) from error
        if poster_file is not None:
            try:
                poster = _store_media(actor, locked.unit, title, poster_file, sniffing.IMAGE_TYPES)
            except FieldErrors as error:
                raise FieldErrors(
                    {"poster_file": error.fields.get("file", [str(error.message)])}, error.message
                ) from error
        if length is None:
            # A PDF without a length is read like text: a minute a page is too fine to know, so 5 minutes.
            length = estimated_reading_seconds(clean_body) if kind == LessonKind.TEXT else 300
        order = (locked.lessons.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        lesson = Lesson.objects.create(
            course=locked,
            order=order,
            title=title,
            kind=kind,
            body=clean_body,
            media=media,
            poster=poster,
            length_seconds=length,
            length_from_file=bool(measured),
        )
        audit_record(
            actor=actor,
            action="learning.lesson.create",
            target=lesson,
            unit_id=locked.unit_id,
            data={"course": locked.pk, "kind": kind, "length_seconds": length},
        )
    return lesson


def lesson_move(*, actor: Any, lesson: Lesson, direction: str) -> Lesson:
    """Move a lesson one place up or down in its course (a no-op at either end)."""
    require_author(actor, lesson.course.unit)
    if direction not in ("up", "down"):
        raise FieldErrors.single("direction", _("Move the lesson up or down."))
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=lesson.course_id)
        ordered = list(course.lessons.order_by("order", "id"))
        index = next(i for i, item in enumerate(ordered) if item.pk == lesson.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
            # Renumber 1..n: older data may hold gaps or equal numbers.
            changed = [item for number, item in enumerate(ordered, start=1) if item.order != number]
            for number, item in enumerate(ordered, start=1):
                item.order = number
            Lesson.objects.bulk_update(changed, ["order"])
            audit_record(
                actor=actor,
                action="learning.lesson.move",
                target=lesson,
                unit_id=course.unit_id,
                data={"direction": direction, "order": [item.pk for item in ordered]},
            )
        moved = next(item for item in ordered if item.pk == lesson.pk)
    moved.course = lesson.course
    return moved


def lesson_remove(*, actor: Any, lesson: Lesson) -> None:
    """Remove a lesson nobody has studied yet; its files stay in the unit's archive.

    A lesson someone has studied is part of their record (credited time, completion), so it is
    refused: give the course a new lesson and leave that one, or close the course.
    """
    require_author(actor, lesson.course.unit)
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=lesson.course_id)
        locked = Lesson.objects.select_for_update().filter(pk=lesson.pk).first()
        if locked is None:
            return  # removed by an earlier attempt
        if locked.progress.exists():
            raise DomainError(
                "lesson_studied",
                _("“%(title)s” has been studied already, so it stays part of the learners' record.")
                % {"title": locked.title},
            )
        audit_record(
            actor=actor,
            action="learning.lesson.remove",
            target=locked,
            unit_id=lesson.course.unit_id,
            data={"course": locked.course_id, "title": locked.title},
        )
        locked.delete()


def _clean_quiz(actor: Any, lesson: Lesson, quiz: Exam | None) -> Exam | None:
    """The lesson's quiz if the author may use it: an exam of a bank they write, kept by the course's
    unit or a unit above it (so that every learner of the course can take it), not closed."""
    if quiz is None or quiz.pk == lesson.quiz_id:
        return quiz
    course_unit = lesson.course.unit
    if not course_unit.path.startswith(quiz.unit.path):
        raise FieldErrors.single(
            "quiz",
            _("Choose an exam of %(unit)s or a unit above it, which every learner of this course can take.")
            % {"unit": course_unit.name},
        )
    if not can_author_questions(actor, quiz.unit):
        raise FieldErrors.single("quiz", _("Choose an exam of a question bank you write."))
    if quiz.status == ExamStatus.CLOSED:
        raise FieldErrors.single("quiz", _("This exam is closed: open it again or choose another one."))
    return quiz


def lesson_update(
    *,
    actor: Any,
    lesson: Lesson,
    title: str,
    body: str,
    length_seconds: int | None,
    quiz: Exam | None,
) -> Lesson:
    """Change a lesson's title, text, real length and quiz (its file stays; add a new lesson for new media).

    ``quiz`` is the topic exam a learner must pass before the lesson is complete (None: no quiz).
    Completions recorded before a quiz was set stay.
    """
    require_author(actor, lesson.course.unit)
    title = _clean_title(title)
    clean_body = sanitize_html(body)
    if lesson.kind == LessonKind.TEXT and not plain_text(clean_body):
        raise FieldErrors.single("body", _("Write the text of the lesson."))
    if lesson.length_from_file:
        length_seconds = lesson.length_seconds  # the file's own length stays what it is
    length = _clean_length(length_seconds, required=lesson.kind in (LessonKind.VIDEO, LessonKind.AUDIO))
    quiz = _clean_quiz(actor, lesson, quiz)
    with transaction.atomic():
        locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
        quiz_before = locked.quiz_id
        locked.title = title
        locked.body = clean_body
        locked.length_seconds = length or (
            estimated_reading_seconds(clean_body) if locked.kind == LessonKind.TEXT else locked.length_seconds
        )
        locked.quiz = quiz
        locked.save(update_fields=["title", "body", "length_seconds", "quiz"])
        audit_record(
            actor=actor,
            action="learning.lesson.update",
            target=locked,
            unit_id=lesson.course.unit_id,
            data={"quiz": locked.quiz_id, "quiz_before": quiz_before},
        )
    locked.course = lesson.course
    return locked


# --- Requirements ----------------------------------------------------------------------------------


def requirement_set(
    *,
    actor: Any,
    course: Course,
    unit: OrgUnit | None = None,
    audience_kind: str = "",
    audience_id: int | None = None,
    party_statuses: Iterable[str] = (),
    due_on: date | None = None,
) -> CourseRequirement:
    """Require the course of ``unit``'s members, or of an audience's people (e.g. a development batch),
    of ``party_statuses`` (all when empty) by ``due_on``.

    A unit must lie in the actor's authoring scope and inside the course's unit (whose members can
    open it); an audience must be one the actor may target (its kind's ``choices_for``). Setting it
    again for the same unit or audience replaces the statuses and date.
    """
    require_author(actor, course.unit)
    has_audience = bool(audience_kind) or audience_id is not None
    if unit is None and not has_audience:
        raise FieldErrors.single("unit", _("Choose the unit or the group who must take the course."))
    if unit is not None and has_audience:
        raise FieldErrors.single(
            "audience", _("Choose either a unit or a group, not both: save one requirement for each.")
        )
    if unit is not None:
        if not permissions.can_author_in(actor, unit):
            raise FieldErrors.single("unit", _("Choose a unit where you build courses."))
        if not unit.path.startswith(course.unit.path):
            raise FieldErrors.single(
                "unit",
                _("Choose a unit inside %(unit)s, whose members can open this course.")
                % {"unit": course.unit.name},
            )
    else:
        kind = core_audiences.audience_kind(audience_kind)
        if kind is None or audience_id is None:
            raise FieldErrors.single("audience", _("Choose a group from the list."))
        if audience_id not in dict(kind.choices_for(actor)):
            raise FieldErrors.single("audience", _("Choose a group that you may require courses of."))
    statuses = sorted(set(party_statuses))
    unknown = [status for status in statuses if status not in PartyStatus.values]
    if unknown:
        raise FieldErrors.single(
            "party_statuses", _("Unknown party status: %(status)s.") % {"status": ", ".join(unknown)}
        )
    if due_on is not None and due_on < timezone.localdate():
        raise FieldErrors.single("due_on", _("The due date cannot lie in the past."))
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=course.pk)
        defaults = {"party_statuses": statuses, "due_on": due_on, "created_by": actor}
        if unit is not None:
            requirement, _created = CourseRequirement.objects.update_or_create(
                course=course, unit=unit, defaults=defaults
            )
        else:
            requirement, _created = CourseRequirement.objects.update_or_create(
                course=course, audience_kind=audience_kind, audience_id=audience_id, defaults=defaults
            )
        data: dict[str, Any] = {"statuses": statuses, "due_on": due_on.isoformat() if due_on else None}
        if unit is None:
            data["audience"] = f"{audience_kind}:{audience_id}"
        audit_record(
            actor=actor,
            action="learning.requirement.set",
            target=course,
            unit_id=unit.pk if unit is not None else course.unit_id,
            data=data,
        )
    return requirement


def requirement_remove(*, actor: Any, requirement: CourseRequirement) -> None:
    """Stop requiring the course of the requirement's unit or audience."""
    require_author(actor, requirement.course.unit)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="learning.requirement.remove",
            target=requirement.course,
            unit_id=requirement.unit_id or requirement.course.unit_id,
        )
        CourseRequirement.objects.filter(pk=requirement.pk).delete()


# --- Library ----------------------------------------------------------------------------------------


def normalise_tags(raw: str | Iterable[str]) -> str:
    """Tags as stored: ``",one,two,"`` (commas and the Chinese comma separate them)."""
    parts = raw.replace("，", ",").split(",") if isinstance(raw, str) else list(raw)
    tags = []
    for part in parts:
        tag = part.strip().replace(",", "")[:30]
        if tag and tag not in tags:
            tags.append(tag)
    text = "," + ",".join(tags) + "," if tags else ""
    if len(text) > 300:
        raise FieldErrors.single("tags", _("Use fewer or shorter tags."))
    return text


def library_item_create(
    *,
    actor: Any,
    unit: OrgUnit,
    title: str,
    category: str,
    uploaded_file: Any,
    length_seconds: int | None = None,
    author: str = "",
    kind: str = LibraryItem.Kind.BOOK,
    tags: str | Iterable[str] = "",
) -> LibraryItem:
    """Add a PDF book or document to the library kept by ``unit`` (a draft until published)."""
    require_author(actor, unit)
    title = _clean_title(title)
    category = (category or "").strip()[:60]
    if not category:
        raise FieldErrors.single("category", _("Choose or type a category."))
    if kind not in LibraryItem.Kind.values:
        raise FieldErrors.single("kind", _("Choose book or document."))
    length = _clean_length(length_seconds, required=False) or 600
    stored_tags = normalise_tags(tags)
    if not can_upload_documents(actor, unit):
        raise FieldErrors.single("uploaded_file", UPLOAD_REFUSED)
    with transaction.atomic():
        try:
            document = _store_media(actor, unit, title, uploaded_file, {"application/pdf"})
        except FieldErrors as error:
            raise FieldErrors(
                {"uploaded_file": error.fields.get("file", [str(error.message)])}, error.message
            ) from error
        item = LibraryItem.objects.create(
            unit=unit,
            title=title,
            author=(author or "").strip()[:100],
            kind=kind,
            category=category,
            tags=stored_tags,
            document=document,
            length_seconds=length,
            created_by=actor,
        )
        audit_record(actor=actor, action="learning.library.create", target=item, unit_id=unit.pk)
    return item


def library_item_set_status(*, actor: Any, item: LibraryItem, status: str) -> LibraryItem:
    """Publish, withdraw or archive a library item."""
    require_author(actor, item.unit)
    if status not in PublicationStatus.values:
        raise FieldErrors.single("status", _("Choose draft, published or archived."))
    with transaction.atomic():
        locked = LibraryItem.objects.select_for_update().get(pk=item.pk)
        if locked.status != status:
            locked.status = status
            locked.save(update_fields=["status"])
            audit_record(
                actor=actor,
                action="learning.library.status",
                target=locked,
                unit_id=locked.unit_id,
                data={"status": status},
            )
    return locked


# --- Tracks ----------------------------------------------------------------------------------------


def track_create(*, actor: Any, unit: OrgUnit, code: str, name: str, required_hours: int) -> Track:
    """Open a training track kept by ``unit`` whose certificate needs ``required_hours`` class hours."""
    require_author(actor, unit)
    code = (code or "").strip().lower()
    if (
        not code
        or len(code) > 40
        or not code.replace("-", "").replace("_", "").isalnum()
        or not code.isascii()
    ):
        raise FieldErrors.single("code", _("Use a short code of letters, digits, - and _."))
    if Track.objects.filter(code=code).exists():
        raise FieldErrors.single("code", _("Another track already has this code."))
    if not 1 <= required_hours <= 1000:
        raise FieldErrors.single("required_hours", _("The class hours must lie between 1 and 1000."))
    with transaction.atomic():
        track = Track.objects.create(
            code=code, name=_clean_title(name, "name"), unit=unit, required_hours=required_hours
        )
        audit_record(actor=actor, action="learning.track.create", target=track, unit_id=unit.pk)
    return track


def track_course_add(*, actor: Any, track: Track, course: Course, class_hours: int) -> TrackCourse:
    """Count ``class_hours`` for completing ``course`` in ``track`` (again: change the hours)."""
    require_author(actor, track.unit)
    if not course.unit.path.startswith(track.unit.path) and not track.unit.path.startswith(course.unit.path):
        raise FieldErrors.single("course", _("Choose a course of this track's unit."))
    if not 1 <= class_hours <= 100:
        raise FieldErrors.single("class_hours", _("The class hours must lie between 1 and 100."))
    with transaction.atomic():
        Track.objects.select_for_update().get(pk=track.pk)
        link, _created = TrackCourse.objects.update_or_create(
            track=track, course=course, defaults={"class_hours": class_hours}
        )
        audit_record(
            actor=actor,
            action="learning.track.course",
            target=track,
            unit_id=track.unit_id,
            data={"course": course.pk, "class_hours": class_hours},
        )
    return link


# --- Points rules and rankings -----------------------------------------------------------------------


def points_rule_update(
    *, actor: Any, rule: PointsRule, points: int, daily_cap: int, unit_seconds: int | None, active: bool
) -> PointsRule:
    """Change a points rule for the whole university (needs learning.manage_points over the root unit)."""
    root = OrgUnit.objects.get_first_root_node()
    if root is None:
        raise DomainError("no_university", _("Set up the university first."))
    if not permissions.can_manage_points(actor, root):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not 1 <= points <= 100:
        errors["points"] = [_("Points per unit must lie between 1 and 100.")]
    if not 1 <= daily_cap <= 1000:
        errors["daily_cap"] = [_("The daily cap must lie between 1 and 1000.")]
    if rule.unit_seconds is not None and (unit_seconds is None or not 10 <= unit_seconds <= 3600):
        errors["unit_seconds"] = [_("Seconds per unit must lie between 10 and 3600.")]
    if errors:
        raise FieldErrors(errors, _("Some fields are not valid."))
    with transaction.atomic():
        locked = PointsRule.objects.select_for_update().get(pk=rule.pk)
        before = {
            "points": locked.points,
            "daily_cap": locked.daily_cap,
            "unit_seconds": locked.unit_seconds,
            "active": locked.active,
        }
        locked.points = points
        locked.daily_cap = daily_cap
        locked.unit_seconds = unit_seconds if locked.unit_seconds is not None else None
        locked.active = active
        locked.save(update_fields=["points", "daily_cap", "unit_seconds", "active"])
        audit_record(
            actor=actor,
            action="learning.points_rule.update",
            target=locked,
            unit_id=root.pk,
            data={
                "before": before,
                "points": points,
                "daily_cap": daily_cap,
                "unit_seconds": locked.unit_seconds,
                "active": active,
            },
        )
    return locked


def ranking_set(*, actor: Any, unit: OrgUnit, enabled: bool) -> RankingSetting:
    """Turn the points ranking of ``unit`` on or off (needs learning.manage_points over it)."""
    permissions.refuse(actor, permissions.can_manage_points(actor, unit), unit)
    with transaction.atomic():
        setting, _created = RankingSetting.objects.select_for_update().get_or_create(unit=unit)
        if setting.enabled != enabled or _created:
            setting.enabled = enabled
            setting.changed_by = actor
            setting.save(update_fields=["enabled", "changed_by", "changed_at"])
            audit_record(
                actor=actor,
                action="learning.ranking.set",
                target=setting,
                unit_id=unit.pk,
                data={"enabled": enabled},
            )
    return setting
