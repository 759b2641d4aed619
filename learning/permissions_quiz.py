"""Who may author questions and exams, and who may take which quiz: pure yes/no questions.

A person's *places* are the paths of their branch, their party group and the units where they
hold a position. Questions and exams of a unit reach every place below it. Authoring needs
``learning.author_questions`` over the unit: out of the person's scope and places is 404, in
them without the capability 403 (a student knows their own branch's bank exists: they are quizzed
from it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.permissions import ScopedUnit, can, grants, in_scope, is_system_admin
from learning.capabilities_quiz import AUTHOR_QUESTIONS
from learning.models_quiz import Attempt, Exam, ExamStatus


def reaches(unit: ScopedUnit, places: Sequence[str]) -> bool:
    """``unit`` lies on the way from the root to one of ``places`` (it is one of them or above)."""
    return any(place.startswith(unit.path) for place in places)


def can_author(user: Any, unit: ScopedUnit) -> bool:
    """The user may write questions and exams of ``unit``'s bank."""
    return can(user, AUTHOR_QUESTIONS, unit)


def authors_somewhere(user: Any) -> bool:
    """The user holds the question authors' capability over some unit."""
    return is_system_admin(user) or any(grant.capability == AUTHOR_QUESTIONS for grant in grants(user))


def knows_unit(user: Any, unit: ScopedUnit, places: Sequence[str]) -> bool:
    """The unit's bank exists for the user: it is in their scope, or it quizzes them."""
    return in_scope(user, unit) or reaches(unit, places)


def require_author(user: Any, unit: ScopedUnit, places: Sequence[str]) -> None:
    """Raise 404 when the unit is unknown to the user, 403 when known without the capability."""
    if can_author(user, unit):
        return
    if knows_unit(user, unit, places):
        raise PermissionDenied
    raise Http404


def can_take_exam(user: Any, exam: Exam, places: Sequence[str]) -> bool:
    """The exam is open and the user is below its unit (system admins may try any open exam)."""
    if exam.status != ExamStatus.PUBLISHED:
        return False
    return is_system_admin(user) or reaches(exam.unit, places)


def is_own_attempt(user: Any, attempt: Attempt) -> bool:
    """Only the person who took an attempt sees it (answers are personal data)."""
    return bool(user is not None and user.is_authenticated and attempt.person_id == user.pk)


def require_own_attempt(user: Any, attempt: Attempt) -> None:
    """Raise 404 for anyone else's attempt: its existence is not revealed."""
    if not is_own_attempt(user, attempt):
        raise Http404
