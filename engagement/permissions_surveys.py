"""Who may run a survey and who is asked: pure yes/no questions over the survey's unit and targets.

Authors need ``engagement.run_surveys`` over the survey's unit (out of scope 404, in scope without
the right 403). A person is asked when their branch (or party group) lies in a target unit — or in
its subtree when the target includes it — and their party status is one the survey names (if any).
A poll without targets (one shown in a public article) asks every logged-in person.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.audiences import audience_kind
from core.permissions import can, grants, in_scope, is_system_admin, require
from engagement.capabilities_surveys import RUN_SURVEYS
from engagement.models.surveys import Survey, SurveyStatus, SurveyTarget
from orgs.models import Membership, OrgUnit


def can_run_surveys_in(user: Any, unit: OrgUnit) -> bool:
    """The user builds, opens, closes and reads the results of the surveys of ``unit``."""
    return can(user, RUN_SURVEYS, unit)


def runs_surveys_somewhere(user: Any) -> bool:
    """The user holds ``engagement.run_surveys`` over some unit (or is a system administrator)."""
    return is_system_admin(user) or any(grant.capability == RUN_SURVEYS for grant in grants(user))


def require_author(user: Any, survey: Survey) -> None:
    """Raise 404 outside the survey unit's scope, 403 in scope without ``engagement.run_surveys``."""
    require(user, RUN_SURVEYS, survey.unit)


def membership_of(person: Any) -> Membership | None:
    if not person.is_authenticated:
        return None
    try:
        membership: Membership = person.membership
    except Membership.DoesNotExist:
        return None
    return membership


def target_reaches(target: SurveyTarget, membership: Membership) -> bool:
    """``target`` (a unit) names the member's branch or party group, or a unit above it with its subtree."""
    if target.unit is None:
        return False
    own_paths = [membership.unit.path]
    if membership.group_id is not None and membership.group is not None:
        own_paths.append(membership.group.path)
    if target.include_subtree:
        return any(path.startswith(target.unit.path) for path in own_paths)
    return target.unit_id in (membership.unit_id, membership.group_id)


def in_audience(person: Any, target: SurveyTarget) -> bool:
    """The person belongs to the target's audience (nobody for a kind no longer registered)."""
    kind = audience_kind(target.audience_kind)
    if kind is None or target.audience_id is None:
        return False
    return person.pk in set(kind.people(target.audience_id))


def is_asked(person: Any, survey: Survey, targets: list[SurveyTarget] | None = None) -> bool:
    """The person is among those the survey asks (whatever its status)."""
    if not person.is_authenticated:
        return False
    rows = targets if targets is not None else list(survey.targets.select_related("unit"))
    if not rows:
        return survey.is_poll
    membership = membership_of(person)
    if survey.party_statuses and (membership is None or membership.party_status not in survey.party_statuses):
        return False
    if membership is not None and any(target_reaches(target, membership) for target in rows):
        return True
    return any(in_audience(person, target) for target in rows if target.unit is None)


def require_respondent(user: Any, survey: Survey) -> None:
    """Raise 404 unless the survey is out (open or closed) and asks the user.

    Authors of the unit may open it too (to preview what people see), but not answer it unless asked.
    """
    if survey.status == SurveyStatus.DRAFT or not is_asked(user, survey):
        if (
            survey.status != SurveyStatus.DRAFT
            and in_scope(user, survey.unit)
            and can_run_surveys_in(user, survey.unit)
        ):
            return
        raise Http404


def require_may_answer(user: Any, survey: Survey) -> None:
    """Raise 404 unless the person is asked by this survey (403 for an author who is not asked)."""
    if survey.status == SurveyStatus.DRAFT:
        raise Http404
    if not is_asked(user, survey):
        if can_run_surveys_in(user, survey.unit):
            raise PermissionDenied
        raise Http404
