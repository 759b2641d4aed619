"""Small typed builders for questions and exams in tests."""

from __future__ import annotations

import itertools
from typing import Any

from learning.models_quiz import Exam, ExamStatus, Question, QuestionKind, question_fingerprint
from orgs.models import OrgUnit

_serial = itertools.count(1)
EXPLANATION = "EXPLAINED-SECRET"
ACCEPTED = "ACCEPTED-SECRET"


def make_question(
    unit: OrgUnit,
    *,
    kind: str = QuestionKind.SINGLE,
    stem: str = "",
    options: list[str] | None = None,
    correct: list[int] | None = None,
    accepted: list[str] | None = None,
    tags: list[str] | None = None,
    explanation: str = EXPLANATION,
    **fields: Any,
) -> Question:
    serial = next(_serial)
    stem = stem or f"Question {serial}?"
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        options = options if options is not None else [f"option {serial}-{letter}" for letter in "abcd"]
        correct = correct if correct is not None else ([0] if kind == QuestionKind.SINGLE else [0, 2])
    elif kind == QuestionKind.TRUE_FALSE:
        options, correct = [], correct if correct is not None else [0]
    else:
        options, correct = [], []
        accepted = accepted if accepted is not None else [f"{ACCEPTED}{serial}"]
    return Question.objects.create(
        unit=unit,
        kind=kind,
        stem=stem,
        options=options,
        correct=correct,
        accepted=accepted or [],
        tags="".join(f",{tag}" for tag in tags or []) + ("," if tags else ""),
        explanation=explanation,
        fingerprint=question_fingerprint(kind, stem, options),
        **fields,
    )


def make_questions(unit: OrgUnit, count: int, **fields: Any) -> list[Question]:
    return [make_question(unit, **fields) for _ in range(count)]


def make_exam(
    unit: OrgUnit,
    questions: list[Question] | None = None,
    *,
    status: str = ExamStatus.PUBLISHED,
    **fields: Any,
) -> Exam:
    exam = Exam.objects.create(unit=unit, title=fields.pop("title", "党章专题考试"), status=status, **fields)
    if questions:
        exam.questions.set(questions)
    return exam


def right_answer(attempt, index: int) -> dict[str, Any]:
    """The answer that is right for the attempt's question at ``index`` (tests only know it)."""
    item = attempt.items[index]
    question = Question.objects.get(pk=item["q"])
    if question.kind == QuestionKind.FILL_IN:
        return {"text": f"  {question.accepted[0].lower()} "}
    return {
        "choices": [position for position, original in enumerate(item["o"]) if original in question.correct]
    }


def wrong_answer(attempt, index: int) -> dict[str, Any]:
    item = attempt.items[index]
    question = Question.objects.get(pk=item["q"])
    if question.kind == QuestionKind.FILL_IN:
        return {"text": "nonsense"}
    wrong = [position for position, original in enumerate(item["o"]) if original not in question.correct]
    return {"choices": wrong[:1]}
