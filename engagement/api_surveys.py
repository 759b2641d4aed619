"""API of surveys and polls for the mobile client: my surveys, a survey, answering, voting, results, export,
and for authors building, opening, closing a survey and reminding its people.

Outside the caller's reach is 404, an author's page without ``engagement.run_surveys`` 403, a closed
survey 409; invalid answers are 400 with the field ``answers.<question id>`` named.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from accounts.api import error_openapi, error_responses
from accounts.http import AuthedRequest
from core.errors import FieldErrors
from engagement import exports_surveys, queries_surveys, services_surveys
from engagement import permissions_surveys as permissions
from engagement.models.surveys import Survey, SurveyQuestion
from engagement.queries_surveys import QuestionResult
from engagement.schemas_surveys import (
    PollResultOut,
    PollVoteIn,
    SurveyAuthoredOut,
    SurveyDetailOut,
    SurveyIn,
    SurveyMineOut,
    SurveyQuestionIn,
    SurveyQuestionOut,
    SurveyRemindedOut,
    SurveyResponseIn,
    SurveyResponseOut,
    SurveyResultsOut,
)
from orgs import queries as org_queries
from orgs.models import OrgUnit

router = Router(tags=["surveys"])

AUTHOR_NOTE = "Needs `engagement.run_surveys` over the survey's unit."
XLSX_RESPONSE = {
    "description": "The .xlsx workbook: a sheet of answers (no person column when anonymous) and a summary.",
    "content": {exports_surveys.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}
_author_errors = error_openapi(401, 403, 404, notes={403: AUTHOR_NOTE})


def _question_result(result: QuestionResult) -> dict[str, object]:
    return {
        "question_id": result.question.pk,
        "text": result.question.text,
        "kind": result.question.kind,
        "answered": result.answered,
        "options": [vars(option) for option in result.options],
        "average": result.average,
        "texts": result.texts,
        "texts_waiting": result.texts_waiting,
    }


@router.get(
    "/me/surveys",
    operation_id="list_my_surveys",
    response={200: list[SurveyMineOut], **error_responses(401)},
    openapi_extra=error_openapi(401),
    summary="My surveys",
)
def list_my_surveys(request: AuthedRequest) -> list[dict[str, object]]:
    """Open surveys that ask the caller, and closed ones they answered; `answered` says which are done."""
    return [
        {
            "id": survey.pk,
            "title": survey.title,
            "unit_name": survey.unit.display_name,
            "is_anonymous": survey.is_anonymous,
            "status": survey.status,
            "closes_at": survey.closes_at,
            "answered": survey.answered,  # type: ignore[attr-defined]
        }
        for survey in queries_surveys.my_surveys(request.user)
    ]


@router.get(
    "/surveys/{survey_id}",
    operation_id="get_survey",
    response={200: SurveyDetailOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(401, 403, 404, notes={404: "Also when the survey does not ask the caller."}),
    summary="A survey with its questions and conditions",
)
def get_survey(request: AuthedRequest, survey_id: int) -> dict[str, object]:
    """An open or closed survey that asks the caller (authors of its unit may preview it), with its
    questions in order, their options and conditions, and whether the caller has answered."""
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_respondent(request.user, survey)
    return {
        "id": survey.pk,
        "title": survey.title,
        "introduction": survey.introduction,
        "is_anonymous": survey.is_anonymous,
        "is_poll": survey.is_poll,
        "status": survey.status,
        "closes_at": survey.closes_at,
        "answered": queries_surveys.has_answered(request.user, survey),
        "questions": queries_surveys.questions_of(survey),
    }


def _as_lists(answers: dict[str, list[str | int] | str | int]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for key, value in answers.items():
        values = value if isinstance(value, list) else [value]
        result[f"q{key}"] = [str(item) for item in values]
    return result


def _api_fields(error: FieldErrors) -> FieldErrors:
    fields = {
        (f"answers.{name[1:]}" if name.startswith("q") and name[1:].isdigit() else name): messages
        for name, messages in error.fields.items()
    }
    return FieldErrors(fields, error.message)


@router.post(
    "/surveys/{survey_id}/responses",
    operation_id="submit_survey_response",
    response={200: SurveyResponseOut, 201: SurveyResponseOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: "`fields` names `answers.<question id>`, in the caller's language.",
            403: "An author who is not among the people asked.",
            409: "The survey is closed.",
        },
    ),
    summary="Answer a survey (once)",
)
def submit_survey_response(request: AuthedRequest, survey_id: int, payload: SurveyResponseIn) -> Status:
    """201 with the answers stored; 200 when the caller had already answered (a retry changes nothing)."""
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_respondent(request.user, survey)
    try:
        _participation, created = services_surveys.response_submit(
            actor=request.user, survey=survey, answers=_as_lists(payload.answers)
        )
    except FieldErrors as error:
        raise _api_fields(error) from None
    return Status(201 if created else 200, {"survey_id": survey.pk, "answered": True, "created": created})


@router.post(
    "/polls/{poll_id}/votes",
    operation_id="vote_in_poll",
    response={200: PollResultOut, 201: PollResultOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(400, 401, 403, 404, 409, notes={409: "The poll is closed."}),
    summary="Vote in a poll (once) and get its results",
)
def vote_in_poll(request: AuthedRequest, poll_id: int, payload: PollVoteIn) -> Status:
    """201 with the vote counted and the poll's results; 200 when the caller had already voted (the first
    vote stands). A poll without targets (one in a public article) takes every logged-in person's vote."""
    poll = get_object_or_404(Survey.objects.select_related("unit"), pk=poll_id, is_poll=True)
    permissions.require_respondent(request.user, poll)
    try:
        _participation, created = services_surveys.poll_vote(
            actor=request.user, poll=poll, choices=[str(choice) for choice in payload.choices]
        )
    except FieldErrors as error:
        messages = [message for values in error.fields.values() for message in values]
        raise FieldErrors({"choices": messages}, error.message) from None
    result = queries_surveys.poll_counts(poll)
    body = {
        "poll_id": poll.pk,
        "voted": True,
        "created": created,
        "result": _question_result(result) if result is not None else None,
    }
    return Status(201 if created else 200, body)


@router.get(
    "/surveys/{survey_id}/results",
    operation_id="get_survey_results",
    response={200: SurveyResultsOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(401, 403, 404, notes={403: AUTHOR_NOTE}),
    summary="Results of a survey (authors)",
)
def get_survey_results(request: AuthedRequest, survey_id: int) -> dict[str, object]:
    """Counts and percentages per question, visible texts and the response rate per branch. An
    anonymous survey's results name nobody."""
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_author(request.user, survey)
    results = queries_surveys.survey_results(survey)
    return {
        "survey_id": survey.pk,
        "title": survey.title,
        "is_anonymous": survey.is_anonymous,
        "status": survey.status,
        "responses": results.responses,
        "asked": results.asked,
        "percent": results.percent,
        "questions": [_question_result(result) for result in results.questions],
        "units": [
            {
                "unit_id": rate.unit.pk,
                "unit_name": rate.unit.display_name,
                "asked": rate.asked,
                "answered": rate.answered,
                "percent": rate.percent,
            }
            for rate in queries_surveys.response_rates(survey)
        ],
    }


@router.get(
    "/surveys/{survey_id}/export",
    operation_id="export_survey",
    response={200: None, **error_responses(401, 403, 404)},
    openapi_extra={"responses": {200: XLSX_RESPONSE, **_author_errors["responses"]}},  # type: ignore[dict-item]
    summary="Export a survey's answers to Excel (authors)",
)
def export_survey(request: AuthedRequest, survey_id: int) -> HttpResponse:
    """The answers (a row per response; no person column, no date and random order for an anonymous
    survey) and the summary, as an .xlsx workbook. The export is audited."""
    survey = queries_surveys.survey_get(survey_id)
    permissions.require_author(request.user, survey)
    return exports_surveys.xlsx_response(survey, actor=request.user)


# --- Authors: building, opening, closing, reminding ---------------------------------------------

_build_errors = error_openapi(
    400, 401, 403, 404, 409, notes={403: AUTHOR_NOTE, 409: "Closed, or the questions are fixed by answers."}
)


def _authored(survey: Survey) -> dict[str, object]:
    return {
        "id": survey.pk,
        "unit_id": survey.unit_id,
        "title": survey.title,
        "introduction": survey.introduction,
        "is_anonymous": survey.is_anonymous,
        "is_poll": survey.is_poll,
        "status": survey.status,
        "closes_at": survey.closes_at,
        "questions": queries_surveys.questions_of(survey),
    }


def _targets(payload: SurveyIn) -> list[services_surveys.TargetIn]:
    ids = {target.unit_id for target in payload.targets if target.unit_id is not None}
    units = OrgUnit.objects.in_bulk(ids)
    if ids - set(units):
        raise FieldErrors.single("targets", _("Choose units of your scope."))
    return [
        services_surveys.TargetIn(
            unit=units[target.unit_id] if target.unit_id is not None else None,
            include_subtree=target.include_subtree,
            audience_kind=target.audience_kind,
            audience_id=target.audience_id,
        )
        for target in payload.targets
    ]


@router.post(
    "/units/{unit_id}/surveys",
    operation_id="create_survey",
    response={201: SurveyAuthoredOut, **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, notes={403: "Needs `engagement.run_surveys` over the unit."}
    ),
    summary="Start a survey of a unit (a draft)",
)
def create_survey(request: AuthedRequest, unit_id: int, payload: SurveyIn) -> Status:
    """A draft survey; add its questions, then open it. Errors name the field (`targets`, `closes_at`, …)."""
    survey = services_surveys.survey_create(
        actor=request.user,
        unit=org_queries.unit_get(unit_id),
        title=payload.title,
        introduction=payload.introduction,
        is_anonymous=payload.is_anonymous,
        party_statuses=payload.party_statuses,
        closes_at=payload.closes_at,
        targets=_targets(payload),
    )
    return Status(201, _authored(survey))


@router.post(
    "/surveys/{survey_id}/questions",
    operation_id="add_survey_question",
    response={201: SurveyQuestionOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=_build_errors,
    summary="Add a question at the end of a survey (authors)",
)
def add_survey_question(request: AuthedRequest, survey_id: int, payload: SurveyQuestionIn) -> Status:
    """Refused (409 `survey.has_answers`) once anyone has answered; a condition names an earlier choice question."""
    survey = queries_surveys.survey_get(survey_id)
    question = services_surveys.question_save(actor=request.user, survey=survey, **payload.model_dump())
    return Status(201, question)


@router.delete(
    "/surveys/{survey_id}/questions/{question_id}",
    operation_id="remove_survey_question",
    response={200: SurveyAuthoredOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(400, 401, 403, 404, 409, notes={403: AUTHOR_NOTE}),
    summary="Remove a question (authors)",
)
def remove_survey_question(request: AuthedRequest, survey_id: int, question_id: int) -> dict[str, object]:
    """Also drops the conditions that named it; refused once anyone has answered."""
    survey = queries_surveys.survey_get(survey_id)
    question = get_object_or_404(
        SurveyQuestion.objects.select_related("survey__unit"), pk=question_id, survey=survey
    )
    services_surveys.question_delete(actor=request.user, question=question)
    return _authored(survey)


@router.post(
    "/surveys/{survey_id}/open",
    operation_id="open_survey",
    response={200: SurveyAuthoredOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, 409, notes={403: AUTHOR_NOTE, 409: "Not a draft, no question, or nobody asked."}
    ),
    summary="Open a draft survey: the people asked see it and get a notice",
)
def open_survey(request: AuthedRequest, survey_id: int) -> dict[str, object]:
    """Needs at least one question and someone asked; a closing time, if set, must lie ahead."""
    survey = services_surveys.survey_open(actor=request.user, survey=queries_surveys.survey_get(survey_id))
    return _authored(survey)


@router.post(
    "/surveys/{survey_id}/close",
    operation_id="close_survey",
    response={200: SurveyAuthoredOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(400, 401, 403, 404, 409, notes={403: AUTHOR_NOTE}),
    summary="Close an open survey: no more answers",
)
def close_survey(request: AuthedRequest, survey_id: int) -> dict[str, object]:
    """Answers are refused from now on; an anonymous survey's rows are rewritten in a random order."""
    survey = services_surveys.survey_close(actor=request.user, survey=queries_surveys.survey_get(survey_id))
    return _authored(survey)


@router.post(
    "/surveys/{survey_id}/reminders",
    operation_id="remind_survey",
    response={200: SurveyRemindedOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={403: AUTHOR_NOTE, 409: "Not open (`survey.not_open`), or reminded today already."},
    ),
    summary="Remind who has not answered (at most once a day)",
)
def remind_survey(request: AuthedRequest, survey_id: int) -> dict[str, object]:
    """An inbox reminder to each person asked who has not answered; refused a second time the same day."""
    survey = queries_surveys.survey_get(survey_id)
    return {
        "survey_id": survey.pk,
        "reminded": services_surveys.survey_remind(actor=request.user, survey=survey),
    }
