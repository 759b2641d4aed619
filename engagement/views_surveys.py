"""Pages of surveys and polls: a unit's surveys, the builder, results and export, "My surveys",
the answer form and the poll fragment shown inside articles and notices.

Out of scope answers 404, in scope without ``engagement.run_surveys`` 403; reads come from
``engagement.queries_surveys``, changes go through ``engagement.services_surveys``. A POST answers
htmx with the re-rendered fragment and a plain form with a redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from core.permissions import require
from engagement import exports_surveys, queries_surveys, services_surveys
from engagement import permissions_surveys as permissions
from engagement.capabilities_surveys import RUN_SURVEYS
from engagement.forms_surveys import QuestionForm, SurveyForm
from engagement.models.surveys import QuestionKind, Survey, SurveyQuestion, SurveyStatus
from orgs import queries as org_queries
from orgs.forms import add_field_errors
from publishing import queries as publishing_queries

PAGE_SIZE = 30


def _mark_invalid(form: Any) -> None:
    for name, field in form.fields.items():
        if name in form.errors:
            field.widget.attrs["aria-invalid"] = "true"
            field.widget.attrs["aria-describedby"] = f"{form[name].auto_id}_errors"


# --- Authors: a unit's surveys, building ------------------------------------------------------


@login_required
@require_GET
def unit_surveys(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """The surveys and polls of a unit and below it, newest first, with how many answered (fixed queries)."""
    unit = org_queries.unit_get(unit_id)
    require(request.user, RUN_SURVEYS, unit)
    page = Paginator(queries_surveys.unit_surveys(unit), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "engagement/surveys/unit_surveys.html", {"unit": unit, "page": page})


def _details_page(
    request: AuthedRequest, unit: Any, form: SurveyForm, survey: Survey | None, is_poll: bool
) -> HttpResponse:
    _mark_invalid(form)
    return render(
        request,
        "engagement/surveys/survey_form.html",
        {"unit": unit, "form": form, "survey": survey, "is_poll": is_poll},
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_new(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Start a survey (or, with ``?poll=1``, a poll) of the unit as a draft."""
    unit = org_queries.unit_get(unit_id)
    require(request.user, RUN_SURVEYS, unit)
    is_poll = (request.POST if request.method == "POST" else request.GET).get("poll") == "1"
    if request.method != "POST":
        initial = {"targets": [unit.pk], "include_subtree": True} if not is_poll else {}
        form = SurveyForm(user=request.user, unit=unit, is_poll=is_poll, initial=initial)
        return _details_page(request, unit, form, None, is_poll)
    form = SurveyForm(request.POST, user=request.user, unit=unit, is_poll=is_poll)
    if form.is_valid():
        try:
            survey = services_surveys.survey_create(
                actor=request.user,
                unit=unit,
                is_poll=is_poll,
                attached_to=form.attached_to(),
                **form.details(),
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        else:
            messages.success(request, _("The draft is saved. Add the questions, then open it."))
            return redirect("engagement:survey_builder", survey.pk)
    return _details_page(request, unit, form, None, is_poll)


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: AuthedRequest, survey_id: int) -> HttpResponse:
    """Change the title, introduction, closing time (and, while a draft, who is asked and anonymity)."""
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_author(request.user, survey)
    initial = SurveyForm.initial_for(survey)
    if request.method != "POST":
        form = SurveyForm(
            initial=initial, user=request.user, unit=survey.unit, is_poll=survey.is_poll, survey=survey
        )
        return _details_page(request, survey.unit, form, survey, survey.is_poll)
    form = SurveyForm(
        request.POST,
        initial=initial,
        user=request.user,
        unit=survey.unit,
        is_poll=survey.is_poll,
        survey=survey,
    )
    if form.is_valid():
        details = form.details()
        try:
            services_surveys.survey_update(actor=request.user, survey=survey, **details)
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("engagement:survey_builder", survey.pk)
    return _details_page(request, survey.unit, form, survey, survey.is_poll)


def _builder_context(
    request: AuthedRequest, survey: Survey, form: QuestionForm | None = None
) -> dict[str, Any]:
    questions = queries_surveys.questions_of(survey)
    by_pk = {q.pk: q for q in questions}
    article = ""
    if survey.attached_to.startswith("article:"):
        ident = survey.attached_to.removeprefix("article:")
        article = (
            publishing_queries.article_titles([int(ident)]).get(int(ident), "") if ident.isdigit() else ""
        )
    return {
        "survey": survey,
        "unit": survey.unit,
        "questions": [
            {
                "question": q,
                "condition": by_pk.get(q.condition_question_id) if q.condition_question_id else None,
                "condition_label": (
                    by_pk[q.condition_question_id].options[q.condition_option]
                    if q.condition_question_id in by_pk
                    and q.condition_option is not None
                    and q.condition_option < len(by_pk[q.condition_question_id].options)
                    else ""
                ),
            }
            for q in questions
        ],
        "targets": queries_surveys.targets_of(survey),
        "locked": survey.status == SurveyStatus.CLOSED or survey.responses.exists(),
        "form": form if form is not None else QuestionForm(survey=survey),
        "article_title": article,
    }


@login_required
@require_GET
def survey_builder(request: AuthedRequest, survey_id: int) -> HttpResponse:
    """The survey's questions in order, with add, change, reorder, remove, open, close and remind."""
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_author(request.user, survey)
    response = render(request, "engagement/surveys/builder.html", _builder_context(request, survey))
    patch_vary_headers(response, ["HX-Request"])
    return response


def _builder_after_change(request: AuthedRequest, survey: Survey) -> HttpResponse:
    if request.htmx:
        return render(request, "engagement/surveys/builder.html#questions", _builder_context(request, survey))
    return redirect("engagement:survey_builder", survey.pk)


@login_required
@require_POST
def question_new(request: AuthedRequest, survey_id: int) -> HttpResponse:
    """Add a question at the end of the survey."""
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_author(request.user, survey)
    form = QuestionForm(request.POST, survey=survey)
    if form.is_valid():
        try:
            services_surveys.question_save(actor=request.user, survey=survey, **form.fields_for_service())
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The question is added."))
            return redirect("engagement:survey_builder", survey.pk)
    _mark_invalid(form)
    response = render(request, "engagement/surveys/builder.html", _builder_context(request, survey, form))
    response.status_code = 400
    return response


def _own_question(request: AuthedRequest, survey_id: int, question_id: int) -> tuple[Survey, SurveyQuestion]:
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_author(request.user, survey)
    question = get_object_or_404(SurveyQuestion, pk=question_id, survey=survey)
    return survey, question


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: AuthedRequest, survey_id: int, question_id: int) -> HttpResponse:
    """Change one question while nobody has answered."""
    survey, question = _own_question(request, survey_id, question_id)
    if request.method != "POST":
        form = QuestionForm(survey=survey, question=question, initial=QuestionForm.initial_for(question))
    else:
        form = QuestionForm(request.POST, survey=survey, question=question)
        if form.is_valid():
            try:
                services_surveys.question_save(
                    actor=request.user, survey=survey, question=question, **form.fields_for_service()
                )
            except FieldErrors as error:
                add_field_errors(form, error)
            except DomainError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("The question is saved."))
                return redirect("engagement:survey_builder", survey.pk)
    _mark_invalid(form)
    return render(
        request,
        "engagement/surveys/question_form.html",
        {"survey": survey, "question": question, "form": form, "unit": survey.unit},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def question_delete(request: AuthedRequest, survey_id: int, question_id: int) -> HttpResponse:
    survey, question = _own_question(request, survey_id, question_id)
    try:
        services_surveys.question_delete(actor=request.user, question=question)
    except DomainError as error:
        messages.error(request, str(error.message))
    return _builder_after_change(request, survey)


@login_required
@require_POST
def question_move(request: AuthedRequest, survey_id: int, question_id: int) -> HttpResponse:
    survey, question = _own_question(request, survey_id, question_id)
    try:
        services_surveys.question_move(
            actor=request.user, question=question, up=request.POST.get("to") == "up"
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    return _builder_after_change(request, survey)


@login_required
@require_POST
def survey_transition(request: AuthedRequest, survey_id: int, action: str) -> HttpResponse:
    """Open, close or remind (one POST each); a refused step is shown as a message."""
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_author(request.user, survey)
    try:
        if action == "open":
            services_surveys.survey_open(actor=request.user, survey=survey)
            messages.success(request, _("The survey is open: the people asked find it in “My surveys”."))
        elif action == "close":
            services_surveys.survey_close(actor=request.user, survey=survey)
            messages.success(request, _("The survey is closed."))
        else:
            count = services_surveys.survey_remind(actor=request.user, survey=survey)
            messages.success(request, _("A reminder went to %(count)d people.") % {"count": count})
    except DomainError as error:
        messages.error(request, str(error.message))
    target = "engagement:survey_results" if action == "remind" else "engagement:survey_builder"
    return redirect(target, survey.pk)


@login_required
@require_POST
def survey_delete(request: AuthedRequest, survey_id: int) -> HttpResponse:
    """Delete a draft and go back to the unit's surveys."""
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_author(request.user, survey)
    try:
        services_surveys.survey_delete(actor=request.user, survey=survey)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("engagement:survey_builder", survey.pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("engagement:unit_surveys", survey.unit_id)


# --- Authors: results and export --------------------------------------------------------------


@login_required
@require_GET
def survey_results(request: AuthedRequest, survey_id: int) -> HttpResponse:
    """Counts, percentages and charts per question, texts readers may see, response rate per branch."""
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_author(request.user, survey)
    results = queries_surveys.survey_results(survey)
    return render(
        request,
        "engagement/surveys/results.html",
        {
            "survey": survey,
            "unit": survey.unit,
            "results": results,
            "rates": queries_surveys.response_rates(survey),
            "charts": queries_surveys.chart_data(results),
        },
    )


@login_required
@require_GET
def survey_export(request: AuthedRequest, survey_id: int) -> HttpResponse:
    """The answers and the summary as an .xlsx workbook (no person column for an anonymous survey)."""
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_author(request.user, survey)
    return exports_surveys.xlsx_response(survey, actor=request.user)


# --- Respondents ------------------------------------------------------------------------------


@login_required
@require_GET
def my_surveys(request: AuthedRequest) -> HttpResponse:
    """Open surveys that ask the person (unanswered first), and closed ones they answered."""
    rows = queries_surveys.my_surveys(request.user)
    return render(
        request,
        "engagement/surveys/my_surveys.html",
        {
            "waiting": [s for s in rows if s.status == SurveyStatus.OPEN and not s.answered],  # type: ignore[attr-defined]
            "done": [s for s in rows if s.status != SurveyStatus.OPEN or s.answered],  # type: ignore[attr-defined]
        },
    )


def _answer_page(
    request: AuthedRequest, survey: Survey, errors: dict[str, list[str]] | None = None, status: int = 200
) -> HttpResponse:
    questions = queries_surveys.questions_of(survey)
    submitted = request.POST if request.method == "POST" else None
    rows = [
        {
            "question": q,
            "field": services_surveys.field_name(q),
            "values": submitted.getlist(services_surveys.field_name(q)) if submitted is not None else [],
            "errors": (errors or {}).get(services_surveys.field_name(q), []),
            "scale": list(range(q.scale_min, q.scale_max + 1)) if q.kind == QuestionKind.RATING else [],
        }
        for q in questions
    ]
    answered = queries_surveys.has_answered(request.user, survey)
    return render(
        request,
        "engagement/surveys/answer.html",
        {
            "survey": survey,
            "rows": rows,
            "answered": answered,
            "may_answer": permissions.is_asked(request.user, survey),
            "error_count": len(errors or {}),
            "general_errors": (errors or {}).get("__all__", []),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: AuthedRequest, survey_id: int) -> HttpResponse:
    """The phone-first answer form; a second submission shows the first one's thanks."""
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_respondent(request.user, survey)
    if request.method != "POST":
        return _answer_page(request, survey)
    submitted = {key: request.POST.getlist(key) for key in request.POST if key.startswith("q")}
    try:
        _participation, created = services_surveys.response_submit(
            actor=request.user, survey=survey, answers=submitted
        )
    except FieldErrors as error:
        return _answer_page(request, survey, error.fields, status=400)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("engagement:survey_answer", survey.pk)
    if created:
        messages.success(request, _("Thank you: your answers are saved."))
    else:
        messages.info(request, _("You have already answered this survey; answers cannot be changed."))
    return redirect("engagement:survey_answer", survey.pk)


# --- Polls ------------------------------------------------------------------------------------


def _poll_fragment(
    request: HttpRequest,
    poll: Survey,
    error: str = "",
    status: int = 200,
    template: str = "engagement/surveys/poll.html",
) -> HttpResponse:
    user = request.user
    voted = bool(user.is_authenticated and queries_surveys.has_answered(user, poll))
    may_vote = bool(
        user.is_authenticated and poll.status == SurveyStatus.OPEN and permissions.is_asked(user, poll)
    )
    response = render(
        request,
        template,
        {
            "poll": poll,
            "question": poll.questions.first(),
            "result": queries_surveys.poll_counts(poll)
            if voted or poll.status == SurveyStatus.CLOSED
            else None,
            "voted": voted,
            "may_vote": may_vote and not voted,
            "error": error,
            "now": timezone.now(),
        },
        status=status,
    )
    patch_vary_headers(response, ["Cookie"])
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def poll(request: HttpRequest, poll_id: int) -> HttpResponse:
    """A poll as a fragment (loaded by htmx into an article or a notice, or opened on its own):
    the question and a vote button for a logged-in person asked by it, the results once voted."""
    poll = get_object_or_404(Survey.objects.select_related("unit"), pk=poll_id, is_poll=True)
    if poll.status == SurveyStatus.DRAFT:
        return HttpResponse(status=404)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _poll_fragment(request, poll, _("Log in to vote."), status=403)
        try:
            services_surveys.poll_vote(actor=request.user, poll=poll, choices=request.POST.getlist("choice"))
        except FieldErrors as error:
            return _poll_fragment(request, poll, next(iter(error.fields.values()))[0], status=400)
        except DomainError as error:
            return _poll_fragment(request, poll, str(error.message), status=409)
        if not request.htmx:  # type: ignore[attr-defined]
            return redirect("engagement:poll", poll.pk)
    if not request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        return _poll_fragment(request, poll, template="engagement/surveys/poll_page.html")
    return _poll_fragment(request, poll)
