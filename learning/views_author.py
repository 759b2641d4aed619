"""Pages of course authors (learning.author_courses) and of points managers (learning.manage_points).

Out of the author's reach is 404, in reach without the right 403 (``permissions.refuse``); every
change goes through ``learning.services``, which checks again.
"""

from __future__ import annotations

from typing import Any

from django import forms as forms_module
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from learning import permissions, queries, queries_quiz, services
from learning.forms import (
    CourseForm,
    LessonEditForm,
    LessonForm,
    LibraryItemForm,
    PointsRuleForm,
    RequirementForm,
    TrackCourseForm,
    TrackForm,
    add_service_errors,
    mark_invalid,
)
from learning.models import CourseRequirement, Lesson, LibraryItem, PointsRule
from orgs.models import OrgUnit

COMPLETION_PAGE_SIZE = 50


def _require_some_authoring(request: AuthedRequest) -> None:
    if not permissions.authors_somewhere(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def author_home(request: AuthedRequest) -> HttpResponse:
    """The author's courses and library items in their scope, and a form for a new course."""
    _require_some_authoring(request)
    user = request.user
    units = queries.author_units(user)
    form = CourseForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                actor=user,
                unit=form.cleaned_data["unit"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                is_recommended=form.cleaned_data["is_recommended"],
                is_micro=form.cleaned_data["is_micro"],
            )
        except FieldErrors as error:
            add_service_errors(form, error)
        else:
            return redirect("learning:author_course", course.pk)
    context = {
        "courses": list(queries.authored_courses(user)[:100]),
        "library": list(queries.authored_library(user).order_by("-created_at")[:100]),
        "form": form,
    }
    return render(request, "learning/author_home.html", context)


def _course_context(user: Any, course: Any, **forms: Any) -> dict[str, Any]:
    units = queries.author_units(user).filter(path__startswith=course.unit.path)
    requirements = list(course.requirements.select_related("unit"))
    labels = queries.requirement_labels(user, requirements)
    for requirement in requirements:
        requirement.who = labels[requirement.pk]
    return {
        "course": course,
        "lessons": list(course.lessons.select_related("quiz").order_by("order", "id")),
        "requirements": requirements,
        "course_form": forms.get("course_form")
        or CourseForm(
            initial={
                "title": course.title,
                "summary": course.summary,
                "is_recommended": course.is_recommended,
                "is_micro": course.is_micro,
            }
        ),
        "lesson_form": forms.get("lesson_form") or LessonForm(),
        "requirement_form": forms.get("requirement_form") or RequirementForm(units=units, user=user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def author_course(request: AuthedRequest, course_id: int) -> HttpResponse:
    """Edit a course: its details, lessons (add one with its media), status and who must take it."""
    user = request.user
    course = queries.course_to_author(user, course_id)
    forms: dict[str, Any] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        form: forms_module.BaseForm
        try:
            if action == "details":
                form = forms["course_form"] = CourseForm(request.POST)
                if form.is_valid():
                    services.course_update(actor=user, course=course, **form.cleaned_data)
                    messages.success(request, _("The course is saved."))
                    return redirect("learning:author_course", course.pk)
            elif action == "status":
                services.course_set_status(actor=user, course=course, status=request.POST.get("status", ""))
                messages.success(request, _("The course's status is changed."))
                return redirect("learning:author_course", course.pk)
            elif action == "lesson":
                form = forms["lesson_form"] = LessonForm(request.POST, request.FILES)
                if form.is_valid():
                    services.lesson_create(actor=user, course=course, **form.cleaned_data)
                    messages.success(request, _("The lesson is added."))
                    return redirect("learning:author_course", course.pk)
            elif action in ("lesson_up", "lesson_down", "remove_lesson"):
                lesson = get_object_or_404(Lesson, pk=request.POST.get("lesson"), course=course)
                lesson.course = course
                if action != "remove_lesson":
                    services.lesson_move(actor=user, lesson=lesson, direction=action.removeprefix("lesson_"))
                else:
                    services.lesson_remove(actor=user, lesson=lesson)
                    messages.success(request, _("The lesson is removed."))
                return redirect(f"{reverse('learning:author_course', args=[course.pk])}#lessons-heading")
            elif action == "requirement":
                units = queries.author_units(user).filter(path__startswith=course.unit.path)
                form = forms["requirement_form"] = RequirementForm(request.POST, units=units, user=user)
                if form.is_valid():
                    services.requirement_set(actor=user, course=course, **form.cleaned_data)
                    messages.success(request, _("The requirement is saved."))
                    return redirect("learning:author_course", course.pk)
            elif action == "remove_requirement":
                requirement = get_object_or_404(
                    CourseRequirement, pk=request.POST.get("requirement"), course=course
                )
                services.requirement_remove(actor=user, requirement=requirement)
                return redirect("learning:author_course", course.pk)
        except FieldErrors as error:
            key = {"details": "course_form", "lesson": "lesson_form", "requirement": "requirement_form"}.get(
                action
            )
            if key and key in forms:
                add_service_errors(forms[key], error)
            else:
                messages.error(request, str(error.message))
        except DomainError as error:
            messages.error(request, str(error.message))
        course = queries.course_to_author(user, course_id)
    response = render(request, "learning/author_course.html", _course_context(user, course, **forms))
    if any(form.errors for form in forms.values()):
        response.status_code = 400
    return response


@login_required
@require_http_methods(["GET", "POST"])
def author_lesson(request: AuthedRequest, lesson_id: int) -> HttpResponse:
    """Edit a lesson's title, text and real length."""
    lesson = get_object_or_404(Lesson.objects.select_related("course__unit", "quiz"), pk=lesson_id)
    permissions.refuse(
        request.user, permissions.can_author_in(request.user, lesson.course.unit), lesson.course.unit
    )
    initial = {
        "title": lesson.title,
        "body": lesson.body,
        "length_seconds": lesson.length_seconds,
        "quiz": lesson.quiz_id,
    }
    quizzes = queries_quiz.lesson_quiz_choices(request.user, lesson.course.unit, lesson.quiz_id)
    form = LessonEditForm(request.POST or None, initial=initial, quizzes=quizzes)
    if lesson.length_from_file:
        del form.fields["length_seconds"]  # the file says how long it plays
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_update(
                actor=request.user, lesson=lesson, **{"length_seconds": None, **form.cleaned_data}
            )
        except FieldErrors as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The lesson is saved."))
            return redirect("learning:author_course", lesson.course_id)
    if form.errors:
        mark_invalid(form)
    response = render(request, "learning/author_lesson.html", {"lesson": lesson, "form": form})
    if form.errors:
        response.status_code = 400
    return response


@login_required
@require_GET
def author_completion(request: AuthedRequest, course_id: int) -> HttpResponse:
    """Who in the author's scope must take or has started the course, and how far each has come."""
    course = queries.course_to_author(request.user, course_id)
    rows = queries.completion_rows(request.user, course)
    page = Paginator(rows, COMPLETION_PAGE_SIZE).get_page(request.GET.get("page"))
    lesson_count = course.lessons.count()
    context = {
        "course": course,
        "page": page,
        "lesson_count": lesson_count,
        "completed": rows.filter(completed_at__isnull=False).count(),  # type: ignore[misc]
    }
    return render(request, "learning/author_completion.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def author_library_new(request: AuthedRequest) -> HttpResponse:
    """Add a PDF book or document to the library."""
    _require_some_authoring(request)
    form = LibraryItemForm(
        request.POST or None, request.FILES or None, units=queries.author_units(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.library_item_create(actor=request.user, **form.cleaned_data)
        except FieldErrors as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The item is added to the library as a draft."))
            return redirect("learning:author_home")
    response = render(request, "learning/author_library_new.html", {"form": form})
    if form.errors:
        response.status_code = 400
    return response


@login_required
@require_POST
def author_library_status(request: AuthedRequest, item_id: int) -> HttpResponse:
    """Publish, withdraw or archive a library item."""
    item = get_object_or_404(LibraryItem.objects.select_related("unit"), pk=item_id)
    try:
        services.library_item_set_status(actor=request.user, item=item, status=request.POST.get("status", ""))
    except FieldErrors as error:
        messages.error(request, str(error.message))
    return redirect("learning:author_home")


@login_required
@require_http_methods(["GET", "POST"])
def points_rules(request: AuthedRequest) -> HttpResponse:
    """The points rules of the university, editable by learning.manage_points holders over the root unit."""
    root = OrgUnit.objects.get_first_root_node()
    if root is None:
        return render(request, "learning/points_rules.html", {"rows": []})
    # The university's rules are no secret: anyone without the right is refused with 403.
    if not permissions.can_manage_points(request.user, root):
        raise PermissionDenied
    rules = list(PointsRule.objects.all())
    bound: dict[int, PointsRuleForm] = {}
    if request.method == "POST":
        rule = get_object_or_404(PointsRule, pk=request.POST.get("rule"))
        form = bound[rule.pk] = PointsRuleForm(request.POST, prefix=f"rule{rule.pk}")
        if form.is_valid():
            try:
                services.points_rule_update(actor=request.user, rule=rule, **form.cleaned_data)
            except FieldErrors as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The rule “%(name)s” is saved.") % {"name": rule.name})
                return redirect("learning:points_rules")
    rows = [
        (
            rule,
            bound.get(rule.pk)
            or PointsRuleForm(
                prefix=f"rule{rule.pk}",
                initial={
                    "points": rule.points,
                    "daily_cap": rule.daily_cap,
                    "unit_seconds": rule.unit_seconds,
                    "active": rule.active,
                },
            ),
        )
        for rule in rules
    ]
    response = render(request, "learning/points_rules.html", {"rows": rows})
    if bound and any(form.errors for form in bound.values()):
        response.status_code = 400
    return response


@login_required
@require_http_methods(["GET", "POST"])
def author_tracks(request: AuthedRequest) -> HttpResponse:
    """The training tracks in the author's scope, and a form for a new one."""
    _require_some_authoring(request)
    form = TrackForm(request.POST or None, units=queries.author_units(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            track = services.track_create(actor=request.user, **form.cleaned_data)
        except FieldErrors as error:
            add_service_errors(form, error)
        else:
            return redirect("learning:author_track", track.pk)
    context = {"tracks": list(queries.authored_tracks(request.user)[:100]), "form": form}
    response = render(request, "learning/author_tracks.html", context)
    if form.errors:
        response.status_code = 400
    return response


@login_required
@require_http_methods(["GET", "POST"])
def author_track(request: AuthedRequest, track_id: int) -> HttpResponse:
    """A track's courses and their class hours; add a course (again: change its hours)."""
    track = queries.track_to_author(request.user, track_id)
    courses = queries.authored_courses(request.user).filter(unit__path__startswith=track.unit.path)
    form = TrackCourseForm(request.POST or None, courses=courses)
    if request.method == "POST" and form.is_valid():
        try:
            services.track_course_add(actor=request.user, track=track, **form.cleaned_data)
        except FieldErrors as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The course counts towards the track."))
            return redirect("learning:author_track", track.pk)
    links = list(track.track_courses.select_related("course"))
    context = {"track": track, "links": links, "total": sum(link.class_hours for link in links), "form": form}
    response = render(request, "learning/author_track.html", context)
    if form.errors:
        response.status_code = 400
    return response
