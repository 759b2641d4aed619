"""Who may see and work development cases: pure yes/no questions over the case's branch.

A person always sees their own case (not through capabilities). Everyone else needs a capability
held over the case's branch (directly or through an ancestor unit). Out of scope is 404, in scope
without the capability 403 (``require_over_case``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.permissions import can, in_scope, is_system_admin
from development import capabilities as caps
from development.models import DevelopmentCase
from development.steps import StepDefinition


def is_own_case(user: Any, case: DevelopmentCase) -> bool:
    """The case is the user's own."""
    return bool(user is not None and user.is_authenticated and case.person_id == user.pk)


def is_case_in_scope(user: Any, case: DevelopmentCase) -> bool:
    """The case exists for the user: their own, or its branch lies in one of their scopes."""
    return is_own_case(user, case) or in_scope(user, case.branch)


def can_view_case(user: Any, case: DevelopmentCase) -> bool:
    """The user may see the case and its timeline: their own, or development.view_cases over the branch."""
    return is_own_case(user, case) or can(user, caps.VIEW_CASES, case.branch)


def can_view_dossier(user: Any, case: DevelopmentCase) -> bool:
    """The user may open the full dossier (全程纪实) with every opinion, vote and document.

    The person's own timeline is open to them; the full dossier, which holds others' opinions and
    the political review, needs development.view_dossier over the branch.
    """
    return can(user, caps.VIEW_DOSSIER, case.branch)


def can_record_steps(user: Any, case: DevelopmentCase) -> bool:
    """The user may record the branch's steps, votes, assessments and thought reports of the case."""
    return can(user, caps.RECORD_STEPS, case.branch)


def can_approve(user: Any, case: DevelopmentCase) -> bool:
    """The user may record the higher committee's steps of the case, approve and return it."""
    return can(user, caps.APPROVE, case.branch)


def can_record_exception(user: Any, case: DevelopmentCase) -> bool:
    """The user may record an exception to a rule for the case (a college officer or the org department)."""
    return can(user, caps.RECORD_EXCEPTION, case.branch)


def can_record_step(user: Any, case: DevelopmentCase, definition: StepDefinition) -> bool:
    """The user may record ``definition`` for the case: the step's capability over the branch."""
    return can(user, definition.capability, case.branch)


def require_over_case(user: Any, case: DevelopmentCase, capabilities: Iterable[str]) -> None:
    """Raise 404 when the case is out of the user's scope, 403 when none of ``capabilities`` is held."""
    if not is_case_in_scope(user, case):
        raise Http404
    if is_system_admin(user):
        return
    if not any(can(user, capability, case.branch) for capability in capabilities):
        raise PermissionDenied


def require_case_visible(user: Any, case: DevelopmentCase) -> None:
    """Raise 404 when the case is out of the user's scope, 403 when in scope but not visible."""
    if not is_case_in_scope(user, case):
        raise Http404
    if not can_view_case(user, case):
        raise PermissionDenied


def require_dossier_visible(user: Any, case: DevelopmentCase) -> None:
    """Raise 404 when the case is out of the user's scope, 403 when the dossier is not open to them."""
    if not is_case_in_scope(user, case):
        raise Http404
    if not can_view_dossier(user, case):
        raise PermissionDenied
