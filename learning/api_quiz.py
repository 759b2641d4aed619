"""API of quizzes for the mobile client: what is open, start, the questions, answer, submit, result.

An open attempt's responses never hold a right answer, an accepted fill-in or an explanation:
they appear in ``result`` only once the attempt is graded. Every attempt is its taker's alone
(anyone else gets 404). Starting and submitting are idempotent: a retry returns the same attempt
and the points are awarded once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pydantic
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from accounts.api import error_openapi, error_responses
from accounts.api_auth import api_auth
from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from learning import queries_quiz as queries
from learning import services_quiz as services
from learning.models_quiz import Attempt, AttemptKind

router = Router(tags=["quizzes"], auth=api_auth)


class AttemptBriefOut(Schema):
    id: int
    status: str
    score: int
    total: int


class ExamOut(Schema):
    id: int
    title: str
    description: str
    unit: str
    time_limit_minutes: int
    max_attempts: int
    attempts_used: int
    open_attempt: int | None
    best_score: int | None


class QuizzesOut(Schema):
    daily: AttemptBriefOut | None
    weekly: AttemptBriefOut | None
    challenge: AttemptBriefOut | None
    exams: list[ExamOut]
    question_count: int


class StartIn(Schema):
    kind: Literal["daily", "weekly", "exam", "challenge"]
    exam: int | None = None


class QuestionOut(Schema):
    index: int
    kind: str
    stem: str
    options: list[str]
    answer: list[int] | str | None


class GradedQuestionOut(QuestionOut):
    right: bool
    right_options: list[int]
    accepted: list[str]
    explanation: str


class ResultOut(Schema):
    score: int
    total: int
    points: int
    ended_by: str
    submitted_at: datetime | None
    questions: list[GradedQuestionOut]


class AttemptOut(Schema):
    id: int
    kind: str
    status: str
    exam: int | None
    started_at: datetime
    deadline: datetime | None
    question_deadline: datetime | None
    seconds_left: int | None
    question_seconds_left: int | None
    position: int
    total: int
    answered: int
    questions: list[QuestionOut]
    result: ResultOut | None


class AnswerIn(Schema):
    index: int
    choices: list[int] = Field(default_factory=list)
    text: str = ""


class SubmitIn(Schema):
    answers: list[AnswerIn] = Field(
        default_factory=list, description="Answers not yet sent one by one; none for a challenge."
    )


class AnswerOut(Schema):
    right: bool | None
    attempt: AttemptOut


def _brief(attempt: Attempt | None) -> dict[str, Any] | None:
    if attempt is None:
        return None
    return {"id": attempt.pk, "status": attempt.status, "score": attempt.score, "total": attempt.total}


def _result(attempt: Attempt, questions: dict[int, Any]) -> dict[str, Any] | None:
    if attempt.is_open:
        return None
    return {
        "score": attempt.score,
        "total": attempt.total,
        "points": attempt.points,
        "ended_by": attempt.ended_by,
        "submitted_at": attempt.submitted_at,
        "questions": queries.graded_questions(attempt, questions),
    }


def attempt_json(attempt: Attempt) -> dict[str, Any]:
    """The attempt as the client sees it: open questions without answers, or the graded result."""
    questions = queries.questions_of(attempt)
    return {
        "id": attempt.pk,
        "kind": attempt.kind,
        "status": attempt.status,
        "exam": attempt.exam_id,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "question_deadline": attempt.question_deadline if attempt.is_open else None,
        "seconds_left": queries.seconds_left(attempt.deadline) if attempt.is_open else None,
        "question_seconds_left": queries.seconds_left(attempt.question_deadline) if attempt.is_open else None,
        "position": attempt.position,
        "total": attempt.total,
        "answered": len(attempt.answers),
        "questions": queries.open_questions(attempt, questions),
        "result": _result(attempt, questions),
    }


@router.get(
    "/quizzes",
    operation_id="list_quizzes",
    response={200: QuizzesOut, **error_responses(401)},
    openapi_extra=error_openapi(401),
    summary="The quizzes open to you",
)
def list_quizzes(request: AuthedRequest) -> dict[str, Any]:
    """Today's daily quiz, this week's quiz and your open challenge (each `null` until started),
    the topic exams of your units with the attempts you have used, and how many questions your
    units' banks hold."""
    available = queries.available_for(request.user)
    return {
        "daily": _brief(available.daily),
        "weekly": _brief(available.weekly),
        "challenge": _brief(available.challenge),
        "exams": [
            {
                "id": entry.exam.pk,
                "title": entry.exam.title,
                "description": entry.exam.description,
                "unit": entry.exam.unit.display_name,
                "time_limit_minutes": entry.exam.time_limit_minutes,
                "max_attempts": entry.exam.max_attempts,
                "attempts_used": entry.used,
                "open_attempt": entry.open_attempt.pk if entry.open_attempt else None,
                "best_score": entry.best,
            }
            for entry in available.exams
        ],
        "question_count": available.question_count,
    }


@router.post(
    "/quiz-attempts",
    operation_id="start_quiz_attempt",
    response={200: AttemptOut, **error_responses(400, 401, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        404,
        409,
        notes={
            404: "The exam is not open to you.",
            409: "`no_questions`: your units' banks are empty; `no_attempts_left`: the exam's attempts are used.",
        },
    ),
    summary="Start or resume a quiz",
)
def start_quiz_attempt(request: AuthedRequest, payload: StartIn) -> dict[str, Any]:
    """Start a quiz, or get back the attempt already started: today's daily quiz (5 questions, ones
    you have not seen first), this week's quiz (10), a challenge (45 seconds a question, ends at the
    first wrong answer) or a topic exam (`exam` is its id; its time limit runs from now).

    Retrying returns the same attempt, so a lost connection loses nothing."""
    exam = None
    if payload.kind == AttemptKind.EXAM:
        if payload.exam is None:
            raise FieldErrors.single("exam", _("Choose the exam to take."))
        exam = queries.exams_open_to(request.user).filter(pk=payload.exam).first()
        if exam is None:
            raise Http404
    attempt = services.attempt_start(actor=request.user, kind=payload.kind, exam=exam)
    return attempt_json(attempt)


@router.get(
    "/quiz-attempts/{attempt_id}",
    operation_id="get_quiz_attempt",
    response={200: AttemptOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(401, 403, 404, notes={404: "Not one of your attempts."}),
    summary="An attempt: its questions, or its result",
)
def get_quiz_attempt(request: AuthedRequest, attempt_id: int) -> dict[str, Any]:
    """While open: the questions to answer (a challenge: the current one), your answers so far and
    the seconds left; no right answer is ever included. Once finished: `result` with the score, the
    points, the right answers and the explanations. An attempt whose time is up is graded now."""
    attempt = queries.attempt_get(request.user, attempt_id)
    attempt = services.attempt_refresh(actor=request.user, attempt=attempt)
    return attempt_json(attempt)


@router.post(
    "/quiz-attempts/{attempt_id}/answers",
    operation_id="answer_quiz_question",
    response={200: AnswerOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            409: "`time_up`: the deadline passed and the attempt was graded; `attempt_finished`; "
            "`not_current_question` (a challenge answers its current question only)."
        },
    ),
    summary="Answer one question",
)
def answer_quiz_question(request: AuthedRequest, attempt_id: int, payload: AnswerIn) -> dict[str, Any]:
    """Record the answer to the question at `index`: `choices` are the positions of the options
    as shown (one for single choice and true/false), `text` the typed fill-in. Answers may change
    until submission. A challenge grades at once: `right` says whether it was right, and a wrong
    answer ends it (its `result` is then included)."""
    outcome = services.attempt_answer(
        actor=request.user,
        attempt_id=attempt_id,
        index=payload.index,
        choices=payload.choices,
        text=payload.text,
    )
    return {"right": outcome.right, "attempt": attempt_json(outcome.attempt)}


def _given_answers(request: AuthedRequest) -> list[services.GivenAnswer]:
    """The answers a submission carries: a JSON body `{"answers": [...]}`, or none at all.

    The body is optional for every client that submitted before it could carry answers (an empty
    POST, or a form post without fields), so it is read here rather than by a required schema.
    """
    if request.content_type != "application/json" or not request.body.strip():
        return []
    try:
        payload = SubmitIn.model_validate_json(request.body)
    except pydantic.ValidationError as error:
        fields: dict[str, list[str]] = {}
        for item in error.errors():
            name = "".join(
                f"[{part}]" if isinstance(part, int) else (f".{part}" if number else str(part))
                for number, part in enumerate(item["loc"])
            )
            fields.setdefault(name or "__all__", []).append(item["msg"])
        raise FieldErrors(fields, _("Some fields are not valid.")) from None
    return [
        services.GivenAnswer(index=item.index, choices=item.choices, text=item.text)
        for item in payload.answers
    ]


@router.post(
    "/quiz-attempts/{attempt_id}/submit",
    operation_id="submit_quiz_attempt",
    response={200: ResultOut, **error_responses(400, 401, 403, 404)},
    openapi_extra={
        **error_openapi(400, 401, 403, 404),
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": SubmitIn.model_json_schema()}},
        },
    },
    summary="Hand in an attempt and get its result",
)
def submit_quiz_attempt(request: AuthedRequest, attempt_id: int) -> dict[str, Any] | None:
    """Grade the attempt with the answers given and award its points (within the day's cap).
    The body may carry the answers not yet sent (`{"answers": [{"index": 0, "choices": [1]}, ...]}`),
    so a whole daily quiz takes two requests: start and submit; a bad answer refuses the submission
    and names it (`answers[2].choices`). Without a body, the answers already saved are graded.
    Idempotent: submitting again returns the same result and awards nothing more (answers sent with
    a repeated submission are ignored)."""
    answers = _given_answers(request)
    attempt = services.attempt_submit(actor=request.user, attempt_id=attempt_id, answers=answers)
    return _result(attempt, queries.questions_of(attempt))


@router.get(
    "/quiz-attempts/{attempt_id}/result",
    operation_id="get_quiz_result",
    response={200: ResultOut, **error_responses(401, 403, 404, 409)},
    openapi_extra=error_openapi(401, 403, 404, 409, notes={409: "`attempt_open`: submit it first."}),
    summary="The result of a finished attempt",
)
def get_quiz_result(request: AuthedRequest, attempt_id: int) -> dict[str, Any] | None:
    """The score, the points earned, and each question with your answer, the right answer and the
    explanation. Refused while the attempt is open."""
    attempt = services.attempt_refresh(
        actor=request.user, attempt=queries.attempt_get(request.user, attempt_id)
    )
    if attempt.is_open:
        raise DomainError("attempt_open", _("Submit the quiz to see its result."))
    return _result(attempt, queries.questions_of(attempt))
