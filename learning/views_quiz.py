"""Pages of taking quizzes: the list of quizzes, starting one, answering, submitting, the result.

An open attempt's page holds no right answer, accepted fill-in or explanation; they are rendered
only once the attempt is graded. Answers are saved as they are given (with htmx) so a reload or a
lost connection resumes where the person was; without JavaScript the whole form is submitted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from learning import queries_quiz as queries
from learning import services_quiz as services
from learning.models_quiz import Attempt, AttemptKind, QuestionKind
from learning.permissions_quiz import authors_somewhere, can_take_exam


@login_required
@require_GET
def quiz_list(request: AuthedRequest) -> HttpResponse:
    """The quizzes open to the person today, the exams of their units and their latest results."""
    context = {
        "available": queries.available_for(request.user),
        "recent": queries.recent_attempts(request.user),
        "may_author": authors_somewhere(request.user),
    }
    return render(request, "learning/quiz_list.html", context)


def _start(request: AuthedRequest, kind: str, exam: Any = None) -> HttpResponse:
    try:
        attempt = services.attempt_start(actor=request.user, kind=kind, exam=exam)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("learning:quiz_list")
    return redirect("learning:quiz_attempt", attempt_id=attempt.pk)


@login_required
@require_POST
def quiz_daily(request: AuthedRequest) -> HttpResponse:
    """Start (or resume) today's daily quiz."""
    return _start(request, AttemptKind.DAILY)


@login_required
@require_POST
def quiz_weekly(request: AuthedRequest) -> HttpResponse:
    """Start (or resume) this week's quiz."""
    return _start(request, AttemptKind.WEEKLY)


@login_required
@require_POST
def quiz_challenge(request: AuthedRequest) -> HttpResponse:
    """Start (or resume) a challenge."""
    return _start(request, AttemptKind.CHALLENGE)


@login_required
@require_http_methods(["GET", "POST"])
def quiz_exam(request: AuthedRequest, exam_id: int) -> HttpResponse:
    """A topic exam: what it is, its time limit and attempts left; POST starts (or resumes) it."""
    exam = queries.exam_get(exam_id)
    if not can_take_exam(request.user, exam, queries.person_places(request.user)):
        raise Http404
    if request.method == "POST":
        return _start(request, AttemptKind.EXAM, exam)
    entry = next(
        (item for item in queries.available_for(request.user).exams if item.exam.pk == exam.pk), None
    )
    return render(request, "learning/quiz_exam.html", {"exam": exam, "entry": entry})


def _attempt_context(attempt: Attempt) -> dict[str, Any]:
    questions = queries.questions_of(attempt)
    return {
        "attempt": attempt,
        "questions": queries.open_questions(attempt, questions),
        "graded": queries.graded_questions(attempt, questions),
        "seconds_left": queries.seconds_left(attempt.deadline) if attempt.is_open else None,
        "question_seconds_left": queries.seconds_left(attempt.question_deadline) if attempt.is_open else None,
        "kinds": QuestionKind,
        "letters": "ABCDEF",
        "lessons": queries.lessons_of_quiz(attempt) if attempt.exam_id and not attempt.is_open else [],
    }


@login_required
@require_GET
def quiz_attempt(request: AuthedRequest, attempt_id: int) -> HttpResponse:
    """An attempt: its questions while open (a challenge: the current one), its result once graded."""
    attempt = queries.attempt_get(request.user, attempt_id)
    attempt = services.attempt_refresh(actor=request.user, attempt=attempt)
    template = "learning/quiz_attempt.html" if attempt.is_open else "learning/quiz_result.html"
    response = render(request, template, _attempt_context(attempt))
    response["Cache-Control"] = "no-store"
    return response


def _answer_from(request: AuthedRequest, index: int) -> tuple[list[int], str]:
    name = f"q{index}"
    choices = [int(value) for value in request.POST.getlist(name) if value.isdigit()]
    return choices, request.POST.get(f"{name}_text", "")


@login_required
@require_POST
def quiz_answer(request: AuthedRequest, attempt_id: int) -> HttpResponse:
    """Save one answer (htmx answers with a short status; a plain form goes back to the attempt)."""
    attempt = queries.attempt_get(request.user, attempt_id)
    index_text = request.POST.get("index", "")
    index = int(index_text) if index_text.isdigit() else -1
    choices, text = _answer_from(request, index)
    status, message = 200, ""
    try:
        outcome = services.attempt_answer(
            actor=request.user, attempt_id=attempt.pk, index=index, choices=choices, text=text
        )
    except (DomainError, FieldErrors) as error:
        status, message = (409 if isinstance(error, DomainError) else 400), str(error.message)
        outcome = None
    if request.htmx and attempt.kind != AttemptKind.CHALLENGE:
        response = render(
            request,
            "learning/quiz_attempt.html#saved",
            {"saved_index": index, "error": message, "saved": outcome is not None},
            status=status if status == 400 else 200,
        )
        if status == 409:
            response["HX-Redirect"] = reverse("learning:quiz_attempt", args=[attempt.pk])
        patch_vary_headers(response, ["HX-Request"])
        return response
    if message:
        messages.error(request, message)
    elif outcome is not None and outcome.right:
        messages.success(request, _("Right! Here is the next question."))
    return redirect("learning:quiz_attempt", attempt_id=attempt.pk)


@login_required
@require_POST
def quiz_submit(request: AuthedRequest, attempt_id: int) -> HttpResponse:
    """Save the answers in the form (without JavaScript they arrive only now), then hand it in."""
    attempt = queries.attempt_get(request.user, attempt_id)
    if attempt.is_open and attempt.kind != AttemptKind.CHALLENGE:
        for index in range(attempt.total):
            choices, text = _answer_from(request, index)
            if not choices and not text.strip():
                continue
            try:
                services.attempt_answer(
                    actor=request.user, attempt_id=attempt.pk, index=index, choices=choices, text=text
                )
            except FieldErrors:
                continue  # a bad answer counts as not given; the rest are kept
            except DomainError:
                break  # time is up: the attempt is graded already
    services.attempt_submit(actor=request.user, attempt_id=attempt.pk)
    return redirect("learning:quiz_attempt", attempt_id=attempt.pk)
