"""Pages of a learner: the study home, courses and lessons, the library, my points, rankings, tracks.

Thin: reads come from ``learning.queries``, writes go through the services. A course or item out
of the person's reach is 404; a draft they can see exists but not open is 403.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from accounts.http import AuthedRequest
from archive import serving
from archive.models import Document
from core.pdf import render_pdf
from learning import permissions, queries, queries_quiz, services, services_study
from learning.forms import LibraryFilterForm
from learning.models import Lesson
from learning.queries_points import points_history, points_today, points_total
from orgs.models import OrgUnit

HISTORY_PAGE_SIZE = 30
LIBRARY_PAGE_SIZE = 20


def _fragment(request: AuthedRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """The study home on a phone: required courses (soonest due first), recommended, micro-lessons, library."""
    user = request.user
    context = {
        "home": queries.study_home(user),
        "has_branch": permissions.membership_of(user) is not None,
        "authors": permissions.authors_somewhere(user),
        "manages_points": permissions.manages_points_somewhere(user),
        "ranking_units": list(queries.ranking_units(user)),
    }
    return render(request, "learning/home.html", context)


@login_required
@require_GET
def course(request: AuthedRequest, course_id: int) -> HttpResponse:
    """A course's lessons with the person's progress, and where to resume."""
    found = queries.course_for(request.user, course_id)
    lessons = list(queries.lessons_with_progress(request.user, found))
    resume = queries.resume_lesson_id(request.user, found)
    first_open = next((lesson.pk for lesson in lessons if lesson.done_at is None), None)  # type: ignore[attr-defined]
    context = {
        "course": found,
        "lessons": lessons,
        "resume_id": resume or first_open or (lessons[0].pk if lessons else None),
        "card": queries.CourseCard(found),
    }
    return render(request, "learning/course.html", context)


@login_required
@require_GET
def lesson(request: AuthedRequest, lesson_id: int) -> HttpResponse:
    """One lesson: its text, player or document, and the heartbeats that credit study time."""
    found = queries.lesson_for(request.user, lesson_id)
    progress = services_study.lesson_open(person=request.user, lesson=found)
    siblings = list(
        Lesson.objects.filter(course_id=found.course_id).order_by("order", "id").values_list("pk", "title")
    )
    index = next(i for i, (pk, _title) in enumerate(siblings) if pk == found.pk)
    context = {
        "lesson": found,
        "course": found.course,
        "progress": progress,
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "number": index + 1,
        "count": len(siblings),
        "quiz": queries_quiz.lesson_quiz(request.user, found.quiz) if found.quiz is not None else None,
        "time_done": progress.credited_seconds >= found.needed_seconds,
    }
    return render(request, "learning/lesson.html", context)


def _stream_document(request: AuthedRequest, document: Document | None) -> HttpResponseBase:
    """Stream a study file's current version, honouring Range (seeking in video and audio)."""
    version = document.current_version if document is not None else None
    if version is None or document is None or document.is_deleted:
        raise Http404
    response, _served = serving.stream_file(
        request,
        name=version.file.name or "",
        size=version.size,
        content_type=version.content_type,
        download_name=version.download_name,
        inline=version.is_inline or version.is_media,
        etag=f'"{version.sha256}"',
    )
    return response


@login_required
@require_safe
def lesson_media(request: AuthedRequest, lesson_id: int) -> HttpResponseBase:
    """The lesson's video, audio or PDF, with byte ranges for seeking."""
    return _stream_document(request, queries.lesson_for(request.user, lesson_id).media)


@login_required
@require_safe
def lesson_poster(request: AuthedRequest, lesson_id: int) -> HttpResponseBase:
    """The poster image of a video lesson."""
    return _stream_document(request, queries.lesson_for(request.user, lesson_id).poster)


# --- Library ----------------------------------------------------------------------------------------


@login_required
@require_GET
def library(request: AuthedRequest) -> HttpResponse:
    """The online library by category and tag, with search and favourites (htmx refreshes the results)."""
    form = LibraryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    items = queries.library_items(
        request.user,
        category=filters.get("category", ""),
        tag=filters.get("tag", ""),
        search=filters.get("q", "").strip(),
        favourites=bool(filters.get("favourites")),
    )
    page = Paginator(items, LIBRARY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "categories": queries.library_categories(request.user),
    }
    template = "learning/library.html#results" if _fragment(request) else "learning/library.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def library_item(request: AuthedRequest, item_id: int) -> HttpResponse:
    """A book or document shown in the page, with reading time credited like a lesson's."""
    item = queries.library_item_for(request.user, item_id)
    progress = services_study.library_open(person=request.user, item=item)
    return render(request, "learning/library_item.html", {"item": item, "progress": progress})


@login_required
@require_POST
def library_favourite(request: AuthedRequest, item_id: int) -> HttpResponse:
    """Mark or unmark a favourite; htmx swaps the button, a plain form goes back to the item."""
    item = queries.library_item_for(request.user, item_id)
    progress = services_study.library_favourite(
        person=request.user, item=item, favourite=request.POST.get("favourite") == "1"
    )
    if _fragment(request):
        return render(request, "learning/library_item.html#favourite", {"item": item, "progress": progress})
    return redirect("learning:library_item", item.pk)


@login_required
@require_safe
def library_file(request: AuthedRequest, item_id: int) -> HttpResponseBase:
    """The library item's PDF, shown inline."""
    return _stream_document(request, queries.library_item_for(request.user, item_id).document)


# --- Points and rankings --------------------------------------------------------------------------------


@login_required
@require_GET
def my_points(request: AuthedRequest) -> HttpResponse:
    """Today's points per rule (earned and cap), the total, and the ledger page by page."""
    page = Paginator(points_history(request.user), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"today": points_today(request.user), "total": points_total(request.user), "page": page}
    template = "learning/points.html#history" if _fragment(request) else "learning/points.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def unit_ranking(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """A unit's points ranking where the unit turned it on; learning.manage_points holders turn it on or off."""
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    user = request.user
    manages = permissions.can_manage_points(user, unit)
    if request.method == "POST":
        permissions.refuse(user, manages, unit)
        services.ranking_set(actor=user, unit=unit, enabled=request.POST.get("enabled") == "1")
        return redirect("learning:unit_ranking", unit.pk)
    if not (manages or permissions.is_learner_of(user, unit)):
        permissions.refuse(user, False, unit)
    enabled = queries.rankings_enabled(unit)
    rows = list(queries.ranking(unit)) if enabled else []
    return render(
        request, "learning/ranking.html", {"unit": unit, "enabled": enabled, "rows": rows, "manages": manages}
    )


# --- Tracks -------------------------------------------------------------------------------------------


@login_required
@require_GET
def tracks(request: AuthedRequest) -> HttpResponse:
    """The training tracks open to the person, with their certificates."""
    return render(request, "learning/tracks.html", {"tracks": list(queries.my_tracks(request.user))})


@login_required
@require_GET
def track_record(request: AuthedRequest, track_id: int, person_id: int) -> HttpResponse:
    """A person's record in a track: each course, its class hours and completion, and the certificate."""
    track, membership, person = queries.track_record_for(request.user, track_id, person_id)
    rows = queries.track_courses_with_progress(person, track)
    hours = sum(class_hours for course, class_hours in rows if getattr(course, "completed_at", None))
    certificate = track.certificates.filter(person=person).first()
    context = {
        "track": track,
        "person": person,
        "membership": membership,
        "rows": rows,
        "hours": hours,
        "certificate": certificate,
    }
    return render(request, "learning/track_record.html", context)


@login_required
@require_GET
def certificate_pdf(request: AuthedRequest, certificate_id: int) -> HttpResponse:
    """The certificate of a completed track as a PDF (for its holder and authors over their branch)."""
    certificate = queries.certificate_for(request.user, certificate_id)
    html = render_to_string("learning/certificate_pdf.html", {"certificate": certificate}, request=request)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.pk}.pdf"'
    response["Cache-Control"] = "private"
    return response
