"""Reads of the question bank, exams and attempts, already scoped to the asking person."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.permissions import grants, is_system_admin, scope_q
from learning.capabilities_quiz import AUTHOR_QUESTIONS
from learning.models import Lesson
from learning.models_quiz import (
    LESSON_QUIZ_PASS_PERCENT,
    Attempt,
    AttemptKind,
    AttemptStatus,
    Exam,
    ExamStatus,
    Question,
    QuestionImport,
    QuestionKind,
    QuestionStatus,
    is_pass,
)
from learning.permissions_quiz import require_own_attempt
from orgs.models import Membership, OrgUnit, UnitKind

_PLACES_ATTR = "_learning_places"


def person_places(user: Any) -> tuple[str, ...]:
    """Paths of the person's branch, party group and position units (one query, then cached)."""
    if user is None or not user.is_authenticated:
        return ()
    cached: tuple[str, ...] | None = getattr(user, _PLACES_ATTR, None)
    if cached is None:
        membership = Membership.objects.filter(person=user).values_list("unit__path", "group__path").first()
        paths = {path for path in membership or () if path}
        paths.update(grant.path for grant in grants(user))
        cached = tuple(sorted(paths))
        setattr(user, _PLACES_ATTR, cached)
    return cached


def chain_paths(places: Iterable[str]) -> list[str]:
    """Every unit path from the root down to each place: the units whose banks quiz the person."""
    step = OrgUnit.steplen
    return sorted({place[:end] for place in places for end in range(step, len(place) + 1, step)})


# --- Question bank --------------------------------------------------------------------------------


def author_units(user: Any) -> QuerySet[OrgUnit]:
    """Units whose bank the user may write (party groups share their branch's bank)."""
    return (
        OrgUnit.objects.filter(scope_q(user, AUTHOR_QUESTIONS), is_active=True)
        .exclude(kind=UnitKind.PARTY_GROUP)
        .order_by("path")
    )


def questions_for_author(
    user: Any,
    *,
    unit: OrgUnit | None = None,
    kind: str = "",
    tag: str = "",
    difficulty: int | None = None,
    search: str = "",
    status: str = QuestionStatus.ACTIVE,
) -> QuerySet[Question]:
    """Questions of the banks the user may write, filtered, newest first, with their unit."""
    rows = Question.objects.filter(scope_q(user, AUTHOR_QUESTIONS, path_field="unit__path"))
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    if kind:
        rows = rows.filter(kind=kind)
    if tag:
        rows = rows.filter(tags__contains=f",{tag},")
    if difficulty:
        rows = rows.filter(difficulty=difficulty)
    if search:
        rows = rows.filter(stem__icontains=search)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("unit").order_by("-id")


def question_get(question_id: int) -> Question:
    """The question, or 404; the caller checks the user's rights over its unit."""
    return get_object_or_404(Question.objects.select_related("unit"), pk=question_id)


def question_pool(paths: Sequence[str], *, tag: str = "") -> QuerySet[Question]:
    """Questions in use of the banks of ``paths`` (units on the person's way to the root)."""
    rows = Question.objects.filter(status=QuestionStatus.ACTIVE, unit__path__in=list(paths))
    if tag:
        rows = rows.filter(tags__contains=f",{tag},")
    return rows


def import_get(public_id: Any) -> QuestionImport:
    """The question import, or 404; the caller checks the user's rights over its unit."""
    return get_object_or_404(QuestionImport.objects.select_related("unit", "created_by"), public_id=public_id)


def recent_imports(user: Any, limit: int = 10) -> list[QuestionImport]:
    """The latest question imports into banks the user may write."""
    return list(
        QuestionImport.objects.filter(scope_q(user, AUTHOR_QUESTIONS, path_field="unit__path"))
        .select_related("unit", "created_by")
        .order_by("-created_at", "-id")[:limit]
    )


# --- Exams ------------------------------------------------------------------------------------------


def exams_for_author(user: Any) -> QuerySet[Exam]:
    """The exams of the banks the user may write, newest first, with their number of questions."""
    return (
        Exam.objects.filter(scope_q(user, AUTHOR_QUESTIONS, path_field="unit__path"))
        .select_related("unit")
        .annotate(chosen=Count("questions"))
        .order_by("-id")
    )


def exam_get(exam_id: int) -> Exam:
    """The exam, or 404; the caller checks the user's rights."""
    return get_object_or_404(Exam.objects.select_related("unit"), pk=exam_id)


def exams_open_to(user: Any) -> QuerySet[Exam]:
    """Open exams of the units above the user's places (all open exams for a system admin)."""
    rows = Exam.objects.filter(status=ExamStatus.PUBLISHED)
    if not is_system_admin(user):
        rows = rows.filter(unit__path__in=chain_paths(person_places(user)))
    return rows.select_related("unit").order_by("-id")


# --- Attempts --------------------------------------------------------------------------------------


def attempt_get(user: Any, attempt_id: int) -> Attempt:
    """The user's own attempt, or 404 (anyone else's attempt does not exist for them)."""
    attempt = get_object_or_404(Attempt.objects.select_related("exam", "exam__unit"), pk=attempt_id)
    require_own_attempt(user, attempt)
    return attempt


def week_slot(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"weekly:{year}-W{week:02d}"


def day_slot(day: date) -> str:
    return f"daily:{day.isoformat()}"


@dataclass(frozen=True)
class ExamEntry:
    exam: Exam
    used: int
    open_attempt: Attempt | None
    best: int | None

    @property
    def remaining(self) -> int:
        return max(0, self.exam.max_attempts - self.used)


@dataclass(frozen=True)
class Available:
    """What the quiz page lists: today's daily quiz, this week's quiz, the challenge and open exams."""

    daily: Attempt | None
    weekly: Attempt | None
    challenge: Attempt | None
    exams: list[ExamEntry]
    question_count: int


def available_for(user: Any, now: datetime | None = None) -> Available:
    """The quizzes open to the user with their state for today: a fixed number of queries."""
    today = timezone.localdate(now or timezone.now())
    places = person_places(user)
    mine = Attempt.objects.filter(person=user)
    current = {attempt.slot: attempt for attempt in mine.filter(slot__in=[day_slot(today), week_slot(today)])}
    challenge = mine.filter(kind=AttemptKind.CHALLENGE, status=AttemptStatus.OPEN).first()
    exams = list(exams_open_to(user)[:50])
    exam_attempts: dict[int, list[Attempt]] = {}
    for attempt in mine.filter(exam__in=exams).order_by("started_at"):
        exam_attempts.setdefault(attempt.exam_id or 0, []).append(attempt)
    entries = []
    for exam in exams:
        attempts = exam_attempts.get(exam.pk, [])
        finished = [attempt.score for attempt in attempts if not attempt.is_open]
        entries.append(
            ExamEntry(
                exam=exam,
                used=len(attempts),
                open_attempt=next((attempt for attempt in attempts if attempt.is_open), None),
                best=max(finished) if finished else None,
            )
        )
    count = question_pool(chain_paths(places)).count() if places else 0
    return Available(
        daily=current.get(day_slot(today)),
        weekly=current.get(week_slot(today)),
        challenge=challenge,
        exams=entries,
        question_count=count,
    )


def questions_of(attempt: Attempt) -> dict[int, Question]:
    """The attempt's questions by id (one query, kept on the attempt for the rest of the request)."""
    ids = [item["q"] for item in attempt.items]
    kept = getattr(attempt, "_questions", None)
    if kept is None or kept[0] != ids:
        kept = (ids, Question.objects.in_bulk(ids))
        attempt._questions = kept  # type: ignore[attr-defined]
    return kept[1]


def seconds_left(deadline: datetime | None, now: datetime | None = None) -> int | None:
    if deadline is None:
        return None
    return max(0, int((deadline - (now or timezone.now())) / timedelta(seconds=1)))


def recent_attempts(user: Any, limit: int = 10) -> list[Attempt]:
    """The user's latest finished attempts, with their exam."""
    return list(
        Attempt.objects.filter(person=user, status=AttemptStatus.SUBMITTED)
        .select_related("exam")
        .order_by("-submitted_at", "-id")[:limit]
    )


# --- What a page or client sees of an attempt ---------------------------------------------------------


def _option_texts(question: Question, order: Sequence[int]) -> list[str]:
    if question.kind == QuestionKind.TRUE_FALSE:
        return [str(_("True")), str(_("False"))]
    return [question.options[index] for index in order if index < len(question.options)]


def _choices(question: Question, texts: list[str]) -> list[dict[str, Any]]:
    letters = "" if question.kind == QuestionKind.TRUE_FALSE else "ABCDEF"
    return [
        {"position": position, "letter": letters[position] if letters else "", "text": text}
        for position, text in enumerate(texts)
    ]


def open_questions(attempt: Attempt, questions: dict[int, Question]) -> list[dict[str, Any]]:
    """The questions an open attempt shows, without anything that gives the answer away.

    A challenge shows only its current question. Options come in the attempt's shuffled order and
    are answered by their position as shown.
    """
    if not attempt.is_open:
        return []
    indexes = range(attempt.total)
    if attempt.kind == AttemptKind.CHALLENGE:
        indexes = range(attempt.position, min(attempt.position + 1, attempt.total))
    shown = []
    for index in indexes:
        item = attempt.items[index]
        question = questions.get(item["q"])
        if question is None:
            continue
        texts = _option_texts(question, item["o"])
        shown.append(
            {
                "index": index,
                "number": index + 1,
                "kind": question.kind,
                "kind_label": QuestionKind(question.kind).label,
                "stem": question.stem,
                "options": texts,
                "choices": _choices(question, texts),
                "answer": attempt.answer_at(index),
            }
        )
    return shown


def graded_questions(attempt: Attempt, questions: dict[int, Question]) -> list[dict[str, Any]]:
    """A finished attempt's questions with the answer given, whether it was right, the right answer
    and the explanation (only ever for a finished attempt)."""
    if attempt.is_open:
        return []
    graded = []
    for index, item in enumerate(attempt.items):
        question = questions.get(item["q"])
        if question is None:
            continue
        order: list[int] = item["o"]
        right_positions = [
            position for position, original in enumerate(order) if original in question.correct
        ]
        texts = _option_texts(question, order)
        graded.append(
            {
                "index": index,
                "number": index + 1,
                "kind": question.kind,
                "kind_label": QuestionKind(question.kind).label,
                "stem": question.stem,
                "options": texts,
                "choices": _choices(question, texts),
                "answer": attempt.answer_at(index),
                "right": bool(attempt.results[index]) if index < len(attempt.results) else False,
                "right_options": right_positions,
                "accepted": list(question.accepted),
                "explanation": question.explanation,
            }
        )
    return graded


# --- Lessons' quizzes ------------------------------------------------------------------------------


def lesson_quiz_choices(user: Any, course_unit: OrgUnit, current_id: int | None = None) -> QuerySet[Exam]:
    """Exams an author may set as a lesson's quiz: of a bank they write, kept by the course's unit or
    a unit above it, not closed (and the lesson's current quiz, so that saving keeps it)."""
    step = OrgUnit.steplen
    above = [course_unit.path[:end] for end in range(step, len(course_unit.path) + 1, step)]
    usable = Exam.objects.filter(
        scope_q(user, AUTHOR_QUESTIONS, path_field="unit__path"), unit__path__in=above
    ).exclude(status=ExamStatus.CLOSED)
    if current_id is not None:
        usable = usable | Exam.objects.filter(pk=current_id)
    return usable.select_related("unit").order_by("-id")


@dataclass(frozen=True)
class LessonQuiz:
    """A lesson's quiz as its learner sees it: whether they passed, their best, what they can do next."""

    exam: Exam
    passed: bool
    best: Attempt | None
    used: int
    open_attempt: Attempt | None

    @property
    def remaining(self) -> int:
        return max(0, self.exam.max_attempts - self.used)

    @property
    def is_open(self) -> bool:
        return self.exam.status == ExamStatus.PUBLISHED

    @property
    def pass_percent(self) -> int:
        return LESSON_QUIZ_PASS_PERCENT


def lesson_quiz(user: Any, exam: Exam) -> LessonQuiz:
    """The user's standing in a lesson's quiz (one query over their attempts of the exam)."""
    attempts = list(Attempt.objects.filter(person=user, exam=exam).order_by("started_at", "id"))
    finished = [attempt for attempt in attempts if not attempt.is_open]
    best = max(finished, key=lambda attempt: (attempt.score * 1000) // max(1, attempt.total), default=None)
    return LessonQuiz(
        exam=exam,
        passed=any(is_pass(attempt.score, attempt.total) for attempt in finished),
        best=best,
        used=len(attempts),
        open_attempt=next((attempt for attempt in attempts if attempt.is_open), None),
    )


def lessons_of_quiz(attempt: Attempt) -> list[Lesson]:
    """The lessons whose quiz is the attempt's exam and that its taker has started, with their
    ``done_at`` (the taker's completion), for the way back from a result (one query)."""
    return list(
        Lesson.objects.filter(quiz_id=attempt.exam_id, progress__person_id=attempt.person_id)
        .annotate(done_at=F("progress__completed_at"))
        .order_by("course_id", "order", "id")[:10]
    )
