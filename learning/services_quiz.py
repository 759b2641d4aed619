"""Quiz attempts: starting (drawing the questions), answering, submitting and grading.

Every write locks the attempt's row. Starting is idempotent per slot (the day of a daily quiz, the
week of a weekly one, the number of an exam's attempt): a retried or parallel start finds the same
attempt. Submitting is idempotent too: the attempt's status is checked under the lock and the
points carry the key ``quiz:<attempt id>``, so a submission retried by the client counts once.
Deadlines are the server's: an answer after them is refused and the attempt is graded as it stood.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from learning.models_quiz import (
    Attempt,
    AttemptEnd,
    AttemptKind,
    AttemptStatus,
    Exam,
    Question,
    QuestionKind,
    QuestionSeen,
    is_right,
)
from learning.permissions_quiz import can_take_exam, require_own_attempt
from learning.queries_quiz import (
    chain_paths,
    day_slot,
    person_places,
    question_pool,
    questions_of,
    week_slot,
)
from learning.services_points import points_award
from learning.services_study import lessons_recheck_after_quiz

DAILY_SIZE = 5
WEEKLY_SIZE = 10
CHALLENGE_SIZE = 30
CHALLENGE_SECONDS = 45
# Network slack: an answer sent just before the deadline may arrive a moment after it.
GRACE = timedelta(seconds=2)
MAX_TEXT_ANSWER = 200
POINTS_RULES = {
    AttemptKind.DAILY: "daily_quiz",
    AttemptKind.WEEKLY: "weekly_quiz",
    AttemptKind.EXAM: "topic_exam",
    AttemptKind.CHALLENGE: "challenge",
}
_random = secrets.SystemRandom()


# --- Drawing -------------------------------------------------------------------------------------


def draw_questions(person: Any, candidates: Sequence[int], size: int) -> list[int]:
    """``size`` of ``candidates`` at random, those ``person`` has never been shown first."""
    seen = set(
        QuestionSeen.objects.filter(person=person, question_id__in=list(candidates)).values_list(
            "question_id", flat=True
        )
    )
    unseen = [pk for pk in candidates if pk not in seen]
    chosen = _random.sample(unseen, min(size, len(unseen)))
    if len(chosen) < size:
        again = [pk for pk in candidates if pk in seen]
        chosen += _random.sample(again, min(size - len(chosen), len(again)))
    _random.shuffle(chosen)
    return chosen


def _option_order(question: Question) -> list[int]:
    if question.kind == QuestionKind.FILL_IN:
        return []
    if question.kind == QuestionKind.TRUE_FALSE:
        return [0, 1]
    order = list(range(len(question.options)))
    _random.shuffle(order)
    return order


def _items(question_ids: Sequence[int]) -> list[dict[str, Any]]:
    questions = Question.objects.in_bulk(list(question_ids))
    return [{"q": pk, "o": _option_order(questions[pk])} for pk in question_ids if pk in questions]


def _pool_ids(person: Any, *, tag: str = "") -> list[int]:
    return list(question_pool(chain_paths(person_places(person)), tag=tag).values_list("id", flat=True))


def _exam_question_ids(person: Any, exam: Exam) -> list[int]:
    fixed = list(exam.questions.filter(status="active").values_list("id", flat=True))
    drawn: list[int] = []
    if exam.draw_count:
        pool = question_pool(chain_paths([exam.unit.path]), tag=exam.draw_tag).exclude(id__in=fixed)
        drawn = draw_questions(person, list(pool.values_list("id", flat=True)), exam.draw_count)
    chosen = fixed + drawn
    _random.shuffle(chosen)
    return chosen


# --- Starting ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    slot: str
    question_ids: list[int]
    deadline: datetime | None
    question_deadline: datetime | None = None


def _end_of_local_day(now: datetime, days: int = 1) -> datetime:
    day = timezone.localdate(now) + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time.min))


def _no_questions() -> DomainError:
    return DomainError("no_questions", _("There are no questions for you yet; ask your branch to add some."))


def attempt_start(*, actor: Any, kind: str, exam: Exam | None = None) -> Attempt:
    """Start (or resume) ``actor``'s attempt of a quiz and return it.

    The daily quiz is one a day (5 questions, new ones first), the weekly quiz one a week (10),
    the challenge one open at a time (45 seconds a question) and an exam as many as its author
    allows, one open at a time. An open or already finished attempt of the same slot is returned
    as it is, so starting twice (two taps, a retry, two devices) never draws twice.
    """
    now = timezone.now()
    if kind not in AttemptKind.values:
        raise FieldErrors.single("kind", _("Choose a daily, weekly, exam or challenge quiz."))
    _finish_expired(actor, now)
    if kind == AttemptKind.EXAM:
        if exam is None:
            raise FieldErrors.single("exam", _("Choose the exam to take."))
        return _start_exam(actor, exam, now)
    if kind == AttemptKind.CHALLENGE:
        return _start_challenge(actor, now)
    today = timezone.localdate(now)
    if kind == AttemptKind.DAILY:
        slot, size, deadline = day_slot(today), DAILY_SIZE, _end_of_local_day(now)
    else:
        slot, size = week_slot(today), WEEKLY_SIZE
        deadline = _end_of_local_day(now, days=7 - today.weekday())
    existing = Attempt.objects.filter(person=actor, slot=slot).first()
    if existing is not None:
        return attempt_refresh(actor=actor, attempt=existing)
    ids = draw_questions(actor, _pool_ids(actor), size)
    return _create(actor, kind, None, _Plan(slot, ids, deadline), now)


def _start_challenge(actor: Any, now: datetime) -> Attempt:
    mine = Attempt.objects.filter(person=actor, kind=AttemptKind.CHALLENGE)
    current = mine.filter(status=AttemptStatus.OPEN).first()
    if current is not None:
        current = attempt_refresh(actor=actor, attempt=current)
        if current.is_open:
            return current
    ids = draw_questions(actor, _pool_ids(actor), CHALLENGE_SIZE)
    plan = _Plan(f"challenge:{mine.count() + 1}", ids, None, now + timedelta(seconds=CHALLENGE_SECONDS))
    return _create(actor, AttemptKind.CHALLENGE, None, plan, now)


def _start_exam(actor: Any, exam: Exam, now: datetime) -> Attempt:
    if not can_take_exam(actor, exam, person_places(actor)):
        raise Http404
    mine = Attempt.objects.filter(person=actor, exam=exam)
    current = mine.filter(status=AttemptStatus.OPEN).first()
    if current is not None:
        current = attempt_refresh(actor=actor, attempt=current)
        if current.is_open:
            return current
    used = mine.count()
    if used >= exam.max_attempts:
        raise DomainError(
            "no_attempts_left",
            _("You have used all %(count)s attempts of this exam.") % {"count": exam.max_attempts},
        )
    plan = _Plan(
        f"exam:{exam.pk}:{used + 1}",
        _exam_question_ids(actor, exam),
        now + timedelta(minutes=exam.time_limit_minutes),
    )
    return _create(actor, AttemptKind.EXAM, exam, plan, now)


def _create(actor: Any, kind: str, exam: Exam | None, plan: _Plan, now: datetime) -> Attempt:
    if not plan.question_ids:
        raise _no_questions()
    items = _items(plan.question_ids)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                person=actor,
                kind=kind,
                exam=exam,
                slot=plan.slot,
                items=items,
                started_at=now,
                deadline=plan.deadline,
                question_deadline=plan.question_deadline,
            )
            QuestionSeen.objects.bulk_create(
                [QuestionSeen(person=actor, question_id=item["q"]) for item in items], ignore_conflicts=True
            )
            audit_record(
                actor=actor,
                action="learning.attempt.start",
                target=attempt,
                data={"kind": kind, "slot": plan.slot, "questions": len(items)},
            )
    except IntegrityError:
        # A parallel start of the same slot committed first: that attempt is the one.
        return Attempt.objects.select_related("exam").get(person=actor, slot=plan.slot)
    return attempt


# --- Answering and grading -------------------------------------------------------------------------


def _locked(actor: Any, attempt_id: int) -> Attempt:
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id).first()
    if attempt is None:
        raise Http404
    require_own_attempt(actor, attempt)
    attempt.person = actor  # it is theirs: grading and points need not load the person again
    return attempt


def _time_is_up(attempt: Attempt, now: datetime) -> bool:
    deadlines = [d for d in (attempt.deadline, attempt.question_deadline) if d is not None]
    return any(now > deadline + GRACE for deadline in deadlines)


def _finish(
    actor: Any, attempt: Attempt, ended_by: str, now: datetime, questions: dict[int, Question] | None = None
) -> Attempt:
    """Grade the locked, open attempt with the answers it holds, and award its points."""
    if questions is None:
        questions = questions_of(attempt)
    results = []
    for index, item in enumerate(attempt.items):
        question = questions.get(item["q"])
        right = question is not None and is_right(
            question.kind, question.correct, question.accepted, item["o"], attempt.answer_at(index)
        )
        results.append(right)
    attempt.results = results
    attempt.score = sum(results)
    attempt.status = AttemptStatus.SUBMITTED
    attempt.ended_by = ended_by
    attempt.submitted_at = now
    attempt.points = _award(attempt, now)
    attempt.save(
        update_fields=["answers", "results", "score", "status", "ended_by", "submitted_at", "points"]
    )
    if attempt.exam_id is not None:
        # The exam may be a lesson's quiz: a pass completes the lesson now, with the same commit.
        lessons_recheck_after_quiz(person=attempt.person, exam_id=attempt.exam_id)
    audit_record(
        actor=actor,
        action="learning.attempt.submit",
        target=attempt,
        data={"kind": attempt.kind, "score": attempt.score, "total": attempt.total, "ended_by": ended_by},
    )
    return attempt


def _award(attempt: Attempt, now: datetime) -> int:
    reason = _("%(quiz)s: %(score)s of %(total)s right") % {
        "quiz": AttemptKind(attempt.kind).label,
        "score": attempt.score,
        "total": attempt.total,
    }
    try:
        entry = points_award(
            person=attempt.person,
            rule_code=POINTS_RULES[AttemptKind(attempt.kind)],
            key=f"quiz:{attempt.pk}",
            reason=reason,
            units=attempt.score,
            subject=f"learning.attempt:{attempt.pk}",
            at=now,
        )
    except DomainError:  # the university switched this rule off: the quiz still counts, without points
        return 0
    return entry.points


def _finish_expired(actor: Any, now: datetime) -> None:
    """Grade the person's open attempts whose time ran out (yesterday's quiz left unsubmitted)."""
    expired = Attempt.objects.filter(
        person=actor, status=AttemptStatus.OPEN, deadline__lt=now - GRACE
    ).values_list("pk", flat=True)
    for pk in expired:
        with transaction.atomic():
            locked = _locked(actor, pk)
            if locked.is_open and _time_is_up(locked, now):
                _finish(actor, locked, AttemptEnd.TIME_UP, now)


def attempt_refresh(*, actor: Any, attempt: Attempt) -> Attempt:
    """The attempt as it stands now: an open one whose time is up is graded first."""
    require_own_attempt(actor, attempt)
    now = timezone.now()
    if not attempt.is_open or not _time_is_up(attempt, now):
        return attempt
    with transaction.atomic():
        locked = _locked(actor, attempt.pk)
        if locked.is_open and _time_is_up(locked, now):
            return _finish(actor, locked, AttemptEnd.TIME_UP, now)
        return locked


def _clean_answer(question: Question, order: Sequence[int], choices: Sequence[int] | None, text: str) -> Any:
    if question.kind == QuestionKind.FILL_IN:
        text = (text or "").strip()
        if not text:
            raise FieldErrors.single("text", _("Type your answer."))
        if len(text) > MAX_TEXT_ANSWER:
            raise FieldErrors.single("text", _("At most %(max)s characters.") % {"max": MAX_TEXT_ANSWER})
        return text
    chosen = sorted(set(choices or []))
    if not chosen:
        raise FieldErrors.single("choices", _("Choose an answer."))
    if any(index < 0 or index >= len(order) for index in chosen):
        raise FieldErrors.single("choices", _("Choose among the options shown."))
    if question.kind != QuestionKind.MULTIPLE and len(chosen) != 1:
        raise FieldErrors.single("choices", _("Choose exactly one option."))
    return chosen


@dataclass(frozen=True)
class AnswerOutcome:
    attempt: Attempt
    # Challenge only: whether the answer was right (known at once, since a wrong one ends it).
    right: bool | None = None


def attempt_answer(
    *,
    actor: Any,
    attempt_id: int,
    index: int,
    choices: Sequence[int] | None = None,
    text: str = "",
) -> AnswerOutcome:
    """Record ``actor``'s answer to the question at ``index`` of their open attempt.

    Until submission an answer may be changed (a challenge's may not: it is graded at once, the
    next question follows a right one and a wrong one ends the challenge). After the deadline
    the answer is refused and the attempt is graded with the answers given in time.
    """
    now = timezone.now()
    with transaction.atomic():
        attempt = _locked(actor, attempt_id)
        if not attempt.is_open:
            raise DomainError("attempt_finished", _("This quiz is already finished; see your result."))
        timed_out = _time_is_up(attempt, now)
        if timed_out:
            _finish(actor, attempt, AttemptEnd.TIME_UP, now)
        else:
            outcome = _record_answer(actor, attempt, index, choices, text, now)
    if timed_out:
        # Raised after the commit: the grading stands, the late answer does not.
        raise DomainError("time_up", _("Time is up: the quiz was graded with the answers given in time."))
    return outcome


def _record_answer(
    actor: Any, attempt: Attempt, index: int, choices: Sequence[int] | None, text: str, now: datetime
) -> AnswerOutcome:
    if not 0 <= index < attempt.total:
        raise FieldErrors.single("index", _("There is no question %(number)s.") % {"number": index + 1})
    is_challenge = attempt.kind == AttemptKind.CHALLENGE
    if is_challenge and index != attempt.position:
        raise DomainError("not_current_question", _("Answer the question shown now."))
    item = attempt.items[index]
    question = Question.objects.filter(pk=item["q"]).first()
    if question is None:
        raise Http404
    attempt.answers = {**attempt.answers, str(index): _clean_answer(question, item["o"], choices, text)}
    attempt.save(update_fields=["answers"])
    if not is_challenge:
        return AnswerOutcome(attempt)
    right = is_right(question.kind, question.correct, question.accepted, item["o"], attempt.answer_at(index))
    if not right:
        return AnswerOutcome(_finish(actor, attempt, AttemptEnd.WRONG_ANSWER, now), right=False)
    attempt.position = index + 1
    if attempt.position >= attempt.total:
        attempt.save(update_fields=["position"])
        return AnswerOutcome(_finish(actor, attempt, AttemptEnd.COMPLETED, now), right=True)
    attempt.question_deadline = now + timedelta(seconds=CHALLENGE_SECONDS)
    attempt.save(update_fields=["position", "question_deadline"])
    return AnswerOutcome(attempt, right=True)


@dataclass(frozen=True)
class GivenAnswer:
    """An answer handed in with the submission: the question's index, the options chosen, the text."""

    index: int
    choices: Sequence[int] = ()
    text: str = ""


def attempt_submit(*, actor: Any, attempt_id: int, answers: Sequence[GivenAnswer] = ()) -> Attempt:
    """Hand in ``actor``'s attempt and grade it; submitting a finished attempt returns it unchanged.

    ``answers`` may carry the answers not yet sent one by one (a phone that answered offline, or a
    client that sends the whole quiz at once); they are recorded and graded in the same transaction,
    and a bad one refuses the whole submission with the answer named (``answers[2].choices``). A
    challenge answers question by question, so it takes none here. After the deadline the attempt
    is graded with the answers given in time, and answers sent with it are not counted. Points are
    awarded once, under the key ``quiz:<attempt id>``, within the rule's daily cap.
    """
    now = timezone.now()
    with transaction.atomic():
        attempt = _locked(actor, attempt_id)
        if not attempt.is_open:
            return attempt
        if _time_is_up(attempt, now):
            return _finish(actor, attempt, AttemptEnd.TIME_UP, now)
        questions = questions_of(attempt)
        if answers:
            _record_answers(attempt, answers, questions)
        return _finish(actor, attempt, AttemptEnd.SUBMITTED, now, questions)


def _record_answers(attempt: Attempt, answers: Sequence[GivenAnswer], questions: dict[int, Question]) -> None:
    if attempt.kind == AttemptKind.CHALLENGE:
        raise FieldErrors.single("answers", _("A challenge is answered one question at a time."))
    recorded = dict(attempt.answers)
    for number, given in enumerate(answers):
        if not 0 <= given.index < attempt.total:
            message = _("There is no question %(number)s.") % {"number": given.index + 1}
            raise FieldErrors.single(f"answers[{number}].index", message)
        item = attempt.items[given.index]
        question = questions.get(item["q"])
        if question is None:
            raise Http404
        try:
            recorded[str(given.index)] = _clean_answer(question, item["o"], given.choices, given.text)
        except FieldErrors as error:
            raise FieldErrors(
                {f"answers[{number}].{name}": messages for name, messages in error.fields.items()},
                error.message,
            ) from None
    attempt.answers = recorded
