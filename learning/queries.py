"""Reads of study, scoped to the reader: the study home, courses and lessons, the library, completion,
rankings and training hours. Every list here is a fixed number of queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from core.audiences import audience_kind, audience_kinds
from core.permissions import scope_q
from learning import capabilities as caps
from learning import permissions
from learning.models import (
    Certificate,
    Course,
    CourseRequirement,
    Enrolment,
    Lesson,
    LessonProgress,
    LibraryItem,
    LibraryProgress,
    PointsEntry,
    PublicationStatus,
    RankingSetting,
    Track,
)
from learning.queries_hours import completed_hours
from orgs.models import Membership, OrgUnit

HOME_LIBRARY_ITEMS = 6


def _count(queryset: QuerySet[Any], group: str) -> Coalesce:
    """A correlated COUNT of ``queryset`` grouped by ``group`` (0 when nothing matches)."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def courses_with_progress(person: Any, courses: QuerySet[Course]) -> QuerySet[Course]:
    """``courses`` with ``lesson_count``, ``done_count`` (lessons ``person`` completed) and ``completed_at``."""
    return courses.select_related("unit").annotate(
        lesson_count=_count(Lesson.objects.filter(course=OuterRef("pk")), "course"),
        done_count=_count(
            LessonProgress.objects.filter(
                lesson__course=OuterRef("pk"), person=person, completed_at__isnull=False
            ),
            "lesson__course",
        ),
        completed_at=Subquery(
            Enrolment.objects.filter(course=OuterRef("pk"), person=person).values("completed_at")[:1]
        ),
        started=Subquery(Enrolment.objects.filter(course=OuterRef("pk"), person=person).values("pk")[:1]),
    )


def visible_courses(person: Any) -> QuerySet[Course]:
    """The published courses open to ``person`` as a learner: those kept by their branch or above."""
    return Course.objects.filter(
        status=PublicationStatus.PUBLISHED, unit__path__in=permissions.learner_paths(person)
    )


@dataclass
class CourseCard:
    course: Course
    due_on: date | None = None

    @property
    def percent(self) -> int:
        lessons = getattr(self.course, "lesson_count", 0)
        return round(100 * getattr(self.course, "done_count", 0) / lessons) if lessons else 0


@dataclass
class StudyHome:
    required: list[CourseCard] = field(default_factory=list)
    recommended: list[CourseCard] = field(default_factory=list)
    micro: list[CourseCard] = field(default_factory=list)
    other: list[CourseCard] = field(default_factory=list)
    library: list[LibraryItem] = field(default_factory=list)


def requirements_for(person: Any) -> dict[int, date | None]:
    """The courses ``person`` must take, with the earliest due date of their requirements."""
    membership = permissions.membership_of(person)
    if membership is None:
        return {}
    due: dict[int, date | None] = {}
    rows = CourseRequirement.objects.filter(
        _requirements_of_q(person), course__status=PublicationStatus.PUBLISHED
    ).values_list("course_id", "party_statuses", "due_on")
    for course_id, statuses, due_on in rows:
        if statuses and membership.party_status not in statuses:
            continue
        known = due.get(course_id)
        if course_id not in due or (due_on is not None and (known is None or due_on < known)):
            due[course_id] = due_on
    return due


def _requirements_of_q(person: Any) -> Q:
    """Requirements that reach ``person``: of their branch or a unit above it, or of an audience of
    theirs (one subquery per registered audience kind, so still one query whatever their number).
    """
    condition = Q(unit__path__in=permissions.learner_paths(person))
    for kind in audience_kinds():
        condition |= Q(audience_kind=kind.code, audience_id__in=kind.audiences_of(person.pk))
    return condition


def requirement_people_q(requirement: CourseRequirement, person_field: str = "person") -> Q:
    """A filter on memberships (or any model with a ``person_field``) for the people ``requirement``
    names, before party statuses; nobody for an audience whose kind is no longer registered.
    """
    if requirement.unit_id is not None:
        return Q(unit__path__startswith=requirement.unit.path)  # type: ignore[union-attr]
    kind = audience_kind(requirement.audience_kind)
    if kind is None or requirement.audience_id is None:
        return Q(pk__in=[])
    return Q(**{f"{person_field}__in": kind.people(requirement.audience_id)})


def requirement_labels(user: Any, requirements: list[CourseRequirement]) -> dict[int, str]:
    """Who each requirement names, for the author's page: the unit's name, or the audience's label
    (read once per audience kind through the author's choices; one query each for the rest).
    """
    labels: dict[int, str] = {}
    choices: dict[str, dict[int, str]] = {}
    for requirement in requirements:
        if requirement.unit_id is not None:
            labels[requirement.pk] = requirement.unit.name  # type: ignore[union-attr]
            continue
        kind = audience_kind(requirement.audience_kind)
        if kind is None or requirement.audience_id is None:
            labels[requirement.pk] = requirement.audience_kind
            continue
        if kind.code not in choices:
            choices[kind.code] = dict(kind.choices_for(user))
        known = choices[kind.code].get(requirement.audience_id)
        labels[requirement.pk] = f"{kind.label}: {known or kind.label_of(requirement.audience_id)}"
    return labels


def study_home(person: Any) -> StudyHome:
    """Required courses first (soonest due), then recommended ones, micro-lessons, the rest, the library."""
    home = StudyHome()
    required = requirements_for(person)
    courses = courses_with_progress(person, visible_courses(person)).order_by("-published_at", "-id")
    for course in courses:
        if course.pk in required:
            home.required.append(CourseCard(course, required[course.pk]))
        elif course.is_micro:
            home.micro.append(CourseCard(course))
        elif course.is_recommended:
            home.recommended.append(CourseCard(course))
        else:
            home.other.append(CourseCard(course))
    home.required.sort(key=lambda card: (card.due_on is None, card.due_on or date.max))
    home.library = list(library_items(person)[:HOME_LIBRARY_ITEMS])
    return home


def course_for(person: Any, course_id: int) -> Course:
    """The course, if ``person`` may open it (404 outside their reach, 403 for a draft they cannot author)."""
    queryset = courses_with_progress(person, Course.objects.all())
    course = get_object_or_404(queryset, pk=course_id)
    permissions.refuse(person, permissions.can_study_course(person, course), course.unit)
    return course


def lessons_with_progress(person: Any, course: Course) -> QuerySet[Lesson]:
    """The course's lessons in order, each with ``credited`` seconds and ``done_at`` for ``person``."""
    mine = LessonProgress.objects.filter(lesson=OuterRef("pk"), person=person)
    return course.lessons.annotate(
        credited=Coalesce(Subquery(mine.values("credited_seconds")[:1]), Value(0)),
        done_at=Subquery(mine.values("completed_at")[:1]),
        resume_at=Coalesce(Subquery(mine.values("position")[:1]), Value(0)),
    ).order_by("order", "id")


def lesson_for(person: Any, lesson_id: int) -> Lesson:
    """The lesson with its course and files, if ``person`` may open its course."""
    lesson = get_object_or_404(
        Lesson.objects.select_related(
            "course__unit", "media__current_version", "poster__current_version", "quiz__unit"
        ),
        pk=lesson_id,
    )
    permissions.refuse(person, permissions.can_study_course(person, lesson.course), lesson.course.unit)
    return lesson


def resume_lesson_id(person: Any, course: Course) -> int | None:
    """The lesson where ``person`` left the course, or None before they started."""
    return (
        Enrolment.objects.filter(person=person, course=course)
        .values_list("last_lesson_id", flat=True)
        .first()
    )


# --- Library ----------------------------------------------------------------------------------------


def library_items(
    person: Any, *, category: str = "", tag: str = "", search: str = "", favourites: bool = False
) -> QuerySet[LibraryItem]:
    """The published library items open to ``person``, with their ``credited``, ``resume_at`` and ``favourite``."""
    mine = LibraryProgress.objects.filter(item=OuterRef("pk"), person=person)
    items = LibraryItem.objects.filter(
        status=PublicationStatus.PUBLISHED, unit__path__in=permissions.learner_paths(person)
    ).annotate(
        credited=Coalesce(Subquery(mine.values("credited_seconds")[:1]), Value(0)),
        resume_at=Coalesce(Subquery(mine.values("position")[:1]), Value(0)),
        favourite=Coalesce(Subquery(mine.values("is_favourite")[:1]), Value(False)),
    )
    if category:
        items = items.filter(category=category)
    if tag:
        items = items.filter(tags__contains=f",{tag.strip()},")
    if search:
        items = items.filter(Q(title__icontains=search) | Q(author__icontains=search))
    if favourites:
        items = items.filter(progress__person=person, progress__is_favourite=True)
    return items.order_by("-created_at", "-id")


def library_categories(person: Any) -> list[str]:
    """The categories of the library items open to ``person``."""
    rows = LibraryItem.objects.filter(
        status=PublicationStatus.PUBLISHED, unit__path__in=permissions.learner_paths(person)
    ).values_list("category", flat=True)
    return sorted(set(rows))


def library_item_for(person: Any, item_id: int) -> LibraryItem:
    """The item with its file, if ``person`` may read it."""
    item = get_object_or_404(
        LibraryItem.objects.select_related("unit", "document__current_version"), pk=item_id
    )
    permissions.refuse(person, permissions.can_read_library_item(person, item), item.unit)
    return item


def library_progress_of(person: Any, item: LibraryItem) -> LibraryProgress | None:
    return LibraryProgress.objects.filter(person=person, item=item).first()


# --- Authors -----------------------------------------------------------------------------------------


def authored_courses(user: Any) -> QuerySet[Course]:
    """The courses kept by units where ``user`` builds courses, with lesson and completion counts."""
    return (
        Course.objects.filter(scope_q(user, caps.AUTHOR_COURSES, "unit__path"))
        .select_related("unit")
        .annotate(
            lesson_count=_count(Lesson.objects.filter(course=OuterRef("pk")), "course"),
            completed_count=_count(
                Enrolment.objects.filter(course=OuterRef("pk"), completed_at__isnull=False), "course"
            ),
        )
        .order_by("-created_at", "-id")
    )


def authored_library(user: Any) -> QuerySet[LibraryItem]:
    return LibraryItem.objects.filter(scope_q(user, caps.AUTHOR_COURSES, "unit__path")).select_related("unit")


def author_units(user: Any) -> QuerySet[OrgUnit]:
    """The units where ``user`` may build courses (for choosing a course's unit or a requirement's)."""
    return OrgUnit.objects.filter(scope_q(user, caps.AUTHOR_COURSES)).order_by("path")


def course_to_author(user: Any, course_id: int) -> Course:
    """The course, if ``user`` may author it: 404 when they cannot know it, 403 without the right."""
    course = get_object_or_404(Course.objects.select_related("unit"), pk=course_id)
    permissions.refuse(user, permissions.can_author_in(user, course.unit), course.unit)
    return course


def completion_rows(user: Any, course: Course) -> QuerySet[Membership]:
    """The members in ``user``'s authoring scope who must take or have started ``course``, with progress.

    Each row carries ``done_count``, ``completed_at`` and ``due_on`` (the person's requirement, if any).
    """
    required = Q(pk__in=[])
    for requirement in course.requirements.select_related("unit"):
        condition = requirement_people_q(requirement)
        if requirement.party_statuses:
            condition &= Q(party_status__in=requirement.party_statuses)
        required |= condition
    enrolled = Q(person__in=Enrolment.objects.filter(course=course).values("person"))
    return (
        Membership.objects.filter(scope_q(user, caps.AUTHOR_COURSES, "unit__path"))
        .filter(required | enrolled)
        .select_related("person", "unit")
        .annotate(
            done_count=_count(
                LessonProgress.objects.filter(
                    lesson__course=course, person=OuterRef("person"), completed_at__isnull=False
                ),
                "person",
            ),
            completed_at=Subquery(
                Enrolment.objects.filter(course=course, person=OuterRef("person")).values("completed_at")[:1]
            ),
        )
        .order_by("completed_at", "unit__path", "person__name", "pk")
    )


# --- Rankings, tracks --------------------------------------------------------------------------------


def rankings_enabled(unit: OrgUnit) -> bool:
    return RankingSetting.objects.filter(unit=unit, enabled=True).exists()


def ranking_units(person: Any) -> QuerySet[OrgUnit]:
    """The units above ``person``'s branch (or their own) that turned their ranking on."""
    enabled = RankingSetting.objects.filter(enabled=True).values("unit_id")
    return OrgUnit.objects.filter(path__in=permissions.learner_paths(person), pk__in=enabled).order_by("path")


def ranking(unit: OrgUnit, limit: int = 50) -> QuerySet[Membership]:
    """The members of ``unit``'s subtree with the most points (``points``); points only, never study time."""
    points = (
        PointsEntry.objects.filter(person=OuterRef("person"))
        .order_by()
        .values("person")
        .annotate(total=Sum("points"))
        .values("total")[:1]
    )
    return (
        Membership.objects.filter(unit__path__startswith=unit.path)
        .select_related("person", "unit")
        .annotate(points=Coalesce(Subquery(points, output_field=IntegerField()), Value(0)))
        .filter(points__gt=0)
        .order_by("-points", "person__name", "pk")[:limit]
    )


@dataclass(frozen=True)
class TrainingHours:
    """A person's class hours in a training track, and the page that records them."""

    track_code: str
    track_name: str
    hours: int
    required_hours: int
    completed: bool
    url: str


def training_hours(person: Any, track_code: str) -> TrainingHours | None:
    """The class hours ``person`` completed in the track ``track_code`` and the URL of their record.

    For the development procedure's step 11 (intensive training, at least 24 class hours). None when
    no track has that code.
    """
    track = Track.objects.filter(code=track_code).first()
    if track is None:
        return None
    hours = completed_hours(person, track)
    return TrainingHours(
        track_code=track.code,
        track_name=track.name,
        hours=hours,
        required_hours=track.required_hours,
        completed=Certificate.objects.filter(person=person, track=track).exists(),
        url=reverse("learning:track_record", args=[track.pk, person.pk]),
    )


def track_record_for(user: Any, track_id: int, person_id: int) -> tuple[Track, Membership | None, Any]:
    """A person's record in a track, for themselves or an author over their branch (404/403 otherwise)."""
    track = get_object_or_404(Track.objects.select_related("unit"), pk=track_id)
    membership = Membership.objects.select_related("person", "unit").filter(person_id=person_id).first()
    if user.pk == person_id:
        return track, membership, user
    if membership is None:
        raise Http404
    permissions.refuse(user, permissions.can_author_in(user, membership.unit), membership.unit)
    return track, membership, membership.person


def track_courses_with_progress(person: Any, track: Track) -> list[tuple[Course, int]]:
    """The track's courses (each with ``completed_at`` for ``person``) and their class hours."""
    links = track.track_courses.select_related("course__unit").annotate(
        completed_at=Subquery(
            Enrolment.objects.filter(course=OuterRef("course"), person=person).values("completed_at")[:1]
        )
    )
    rows = []
    for link in links:
        link.course.completed_at = link.completed_at  # type: ignore[attr-defined]
        rows.append((link.course, link.class_hours))
    return rows


def my_tracks(person: Any) -> QuerySet[Track]:
    """Tracks kept by units above ``person``'s branch, with their certificate (``certificate_id``) if any."""
    return Track.objects.filter(unit__path__in=permissions.learner_paths(person)).annotate(
        certificate_id=Subquery(
            Certificate.objects.filter(track=OuterRef("pk"), person=person).values("pk")[:1]
        )
    )


def certificate_for(user: Any, certificate_id: int) -> Certificate:
    """A certificate, for its holder or an author over their branch."""
    certificate = get_object_or_404(Certificate.objects.select_related("track", "person"), pk=certificate_id)
    if certificate.person_id == user.pk:
        return certificate
    membership = Membership.objects.select_related("unit").filter(person_id=certificate.person_id).first()
    if membership is None:
        raise Http404
    permissions.refuse(user, permissions.can_author_in(user, membership.unit), membership.unit)
    return certificate


def authored_tracks(user: Any) -> QuerySet[Track]:
    """The tracks kept by units where ``user`` builds courses, with their total class hours."""
    return (
        Track.objects.filter(scope_q(user, caps.AUTHOR_COURSES, "unit__path"))
        .select_related("unit")
        .annotate(total_hours=Coalesce(Sum("track_courses__class_hours"), Value(0)))
        .order_by("name", "id")
    )


def track_to_author(user: Any, track_id: int) -> Track:
    """The track, if ``user`` may author it: 404 when they cannot know its unit, 403 without the right."""
    track = get_object_or_404(Track.objects.select_related("unit"), pk=track_id)
    permissions.refuse(user, permissions.can_author_in(user, track.unit), track.unit)
    return track


# --- For the apps above (engagement: comments and favourites) ----------------------------------


@dataclass(frozen=True)
class LessonRef:
    """What another app needs to attach things to a lesson: its course's unit (for moderation),
    the course's author, the titles and the lesson's address."""

    id: int
    unit: OrgUnit
    author_id: int | None
    title: str
    course_title: str
    url: str


def _lesson_ref(lesson: Lesson) -> LessonRef:
    return LessonRef(
        id=lesson.pk,
        unit=lesson.course.unit,
        author_id=lesson.course.created_by_id,
        title=lesson.title,
        course_title=lesson.course.title,
        url=reverse("learning:lesson", args=[lesson.pk]),
    )


def lesson_ref_for(person: Any, lesson_id: int) -> LessonRef:
    """The lesson if ``person`` may open it (404 outside their reach, 403 in reach without the right)."""
    lesson = get_object_or_404(Lesson.objects.select_related("course__unit"), pk=lesson_id)
    permissions.refuse(person, permissions.can_study_course(person, lesson.course), lesson.course.unit)
    return _lesson_ref(lesson)


def lesson_refs_for(person: Any, lesson_ids: list[int]) -> dict[int, LessonRef]:
    """The lessons of the list that ``person`` may open now, by id — one query (plus the person's
    branch, read once)."""
    if not lesson_ids:
        return {}
    lessons = Lesson.objects.select_related("course__unit").filter(pk__in=lesson_ids)
    return {
        lesson.pk: _lesson_ref(lesson)
        for lesson in lessons
        if permissions.can_study_course(person, lesson.course)
    }
