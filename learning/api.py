"""API of study for the mobile client: catalogue, courses, lessons, heartbeats, progress, library, my points.

Out of the caller's reach is 404, a draft course they may not open 403, exactly as on the pages.
Study time is credited by the server from heartbeats (``POST /study/heartbeats``), never from what
the client says it studied.
"""

from typing import Any

from django.db.models import QuerySet
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from accounts.api import error_openapi, error_responses
from accounts.api_auth import api_auth
from accounts.http import AuthedRequest
from learning import queries, queries_quiz, services_study
from learning.models import PointsEntry
from learning.queries_points import points_history, points_today, points_total
from learning.schemas import (
    CatalogueOut,
    CourseDetailOut,
    CourseOut,
    HeartbeatIn,
    HeartbeatOut,
    LessonOut,
    LibraryItemOut,
    MyPointsOut,
    PointsEntryOut,
    course_detail_out,
    course_out,
    heartbeat_out,
    lesson_out,
    library_item_out,
)
from orgs.schemas import PagePagination

router = Router(tags=["learning"], auth=api_auth)


@router.get(
    "/study/catalogue",
    operation_id="study_catalogue",
    response={200: CatalogueOut, **error_responses(401)},
    openapi_extra=error_openapi(401),
    summary="The study home: required, recommended and micro courses, the library",
)
def catalogue(request: AuthedRequest) -> dict[str, Any]:
    """The published courses open to you (kept by your branch or a unit above it) in the order the
    study home shows them: required of you first (soonest due), then recommended, micro-lessons and the
    rest, each with your progress; and the newest library items."""
    home = queries.study_home(request.user)
    return {
        "required": [course_out(card) for card in home.required],
        "recommended": [course_out(card) for card in home.recommended],
        "micro": [course_out(card) for card in home.micro],
        "other": [course_out(card) for card in home.other],
        "library": [library_item_out(item) for item in home.library],
    }


@router.get(
    "/study/courses/{course_id}",
    operation_id="get_study_course",
    response={200: CourseDetailOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(401, 403, 404, notes={403: "A course not yet published."}),
    summary="A course with its lessons and your progress",
)
def get_course(request: AuthedRequest, course_id: int) -> dict[str, Any]:
    """The course, its lessons in order with your credited time and completion, and where to resume."""
    course = queries.course_for(request.user, course_id)
    lessons = list(queries.lessons_with_progress(request.user, course))
    return course_detail_out(course, lessons, queries.resume_lesson_id(request.user, course))


@router.get(
    "/study/lessons/{lesson_id}",
    operation_id="get_study_lesson",
    response={200: LessonOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(401, 403, 404, notes={403: "A lesson of a course not yet published."}),
    summary="A lesson to study (records that you opened it)",
)
def get_lesson(request: AuthedRequest, lesson_id: int) -> dict[str, Any]:
    """The lesson's text or media URLs, your progress and its quiz (if the author set one); opening it
    enrols you in the course and makes it the lesson to resume."""
    lesson = queries.lesson_for(request.user, lesson_id)
    progress = services_study.lesson_open(person=request.user, lesson=lesson)
    quiz = queries_quiz.lesson_quiz(request.user, lesson.quiz) if lesson.quiz is not None else None
    return lesson_out(lesson, progress, quiz)


@router.post(
    "/study/heartbeats",
    operation_id="study_heartbeat",
    url_name="study_heartbeat",
    response={200: HeartbeatOut, **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(400, 401, 403, 404),
    summary="Report that a lesson or library item is being studied",
)
def heartbeat(request: AuthedRequest, payload: HeartbeatIn) -> dict[str, Any]:
    """Send one every 15 seconds while the page is visible, with the media position. The server
    credits at most the real time since your previous heartbeat from the same tab, never beyond the
    content's length, and nothing while another tab or device holds the study clock, while hidden or
    paused, or after a silence longer than 40 seconds. Credited time earns reading- or video-time
    points; a retried heartbeat never earns twice."""
    if payload.lesson_id is not None:
        lesson = queries.lesson_for(request.user, payload.lesson_id)
        beat = services_study.lesson_heartbeat(
            person=request.user,
            lesson=lesson,
            tab=payload.tab,
            visible=payload.visible,
            position=payload.position,
            playing=payload.playing,
        )
    else:
        item = queries.library_item_for(request.user, payload.library_item_id or 0)
        beat = services_study.library_heartbeat(
            person=request.user,
            item=item,
            tab=payload.tab,
            visible=payload.visible,
            position=payload.position,
        )
    return heartbeat_out(beat)


@router.get(
    "/study/progress",
    operation_id="study_progress",
    response={200: list[CourseOut], **error_responses(401)},
    openapi_extra=error_openapi(401),
    summary="The courses you have started, with your progress",
)
def progress(request: AuthedRequest) -> list[dict[str, Any]]:
    """Every course open to you that you have started, newest first, with lessons completed."""
    courses = queries.courses_with_progress(request.user, queries.visible_courses(request.user))
    required = queries.requirements_for(request.user)
    return [
        course_out(queries.CourseCard(course, required.get(course.pk)))
        for course in courses.order_by("-id")
        if course.started  # type: ignore[attr-defined]
    ]


class LibraryFiltersIn(Schema):
    category: str = ""
    tag: str = ""
    q: str = ""
    favourites: bool = False


@router.get(
    "/study/library",
    operation_id="list_library_items",
    response={200: list[LibraryItemOut], **error_responses(400, 401)},
    openapi_extra=error_openapi(400, 401),
    summary="The online library",
)
@paginate(PagePagination)
def library(request: AuthedRequest, filters: Query[LibraryFiltersIn]) -> list[dict[str, Any]]:
    """Published books and documents open to you, newest first, by category, tag, words or favourites,
    with your reading progress."""
    items = queries.library_items(
        request.user,
        category=filters.category,
        tag=filters.tag,
        search=filters.q.strip(),
        favourites=filters.favourites,
    )
    return _LazyLibrary(items)  # type: ignore[return-value]


class _LazyLibrary:
    """The library queryset, sliced by the paginator before each row becomes a dict."""

    def __init__(self, items: QuerySet[Any]) -> None:
        self.items = items

    def count(self) -> int:
        return self.items.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [library_item_out(item) for item in self.items[window]]


@router.get(
    "/study/points",
    operation_id="my_points",
    response={200: MyPointsOut, **error_responses(401)},
    openapi_extra=error_openapi(401),
    summary="My points: the total and today's points per rule",
)
def my_points(request: AuthedRequest) -> dict[str, Any]:
    """Your total, and for each active rule what you earned by it today (the platform's day, Asia/Shanghai)
    and its daily cap. Points are encouragement only, never an assessment."""
    return {
        "total": points_total(request.user),
        "today": [
            {
                "code": row.rule.code,
                "name": row.rule.name,
                "earned": row.earned,
                "daily_cap": row.rule.daily_cap,
            }
            for row in points_today(request.user)
        ],
    }


@router.get(
    "/study/points/history",
    operation_id="my_points_history",
    response={200: list[PointsEntryOut], **error_responses(400, 401)},
    openapi_extra=error_openapi(400, 401),
    summary="My points ledger, newest first",
)
@paginate(PagePagination)
def points_ledger(request: AuthedRequest) -> QuerySet[PointsEntry]:
    """Every award with its rule, reason and day; `asked` is what it was worth before the daily cap."""
    return points_history(request.user)
