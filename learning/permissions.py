"""Who may study, author and manage what in study: pure yes/no questions over org units.

A learner reaches the published courses and library items kept by their branch or any unit above
it (a university course is open to every student). Authors need ``learning.author_courses`` over
the course's unit. A person who can see something but not change it gets 403; one who cannot
know it gets 404 (``refuse``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.permissions import can, grants, in_scope, is_system_admin
from learning import capabilities as caps
from learning.models import Course, LibraryItem, PublicationStatus
from orgs.models import Membership, OrgUnit

STEP = OrgUnit.steplen


def _is_active_person(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def membership_of(user: Any) -> Membership | None:
    """The user's branch membership, read once per user object (None for staff without a branch)."""
    if not _is_active_person(user):
        return None
    if not hasattr(user, "_learning_membership"):
        user._learning_membership = Membership.objects.select_related("unit").filter(person=user).first()
    membership: Membership | None = user._learning_membership
    return membership


def ancestor_paths(path: str) -> list[str]:
    """The paths of the unit at ``path`` and of every unit above it, root first."""
    return [path[:end] for end in range(STEP, len(path) + 1, STEP)]


def learner_paths(user: Any) -> list[str]:
    """The units whose courses and library are open to the user as a learner (their branch and above)."""
    membership = membership_of(user)
    return ancestor_paths(membership.unit.path) if membership is not None else []


def is_learner_of(user: Any, unit: OrgUnit) -> bool:
    """The user's branch lies inside ``unit``: its published courses are open to them."""
    membership = membership_of(user)
    return membership is not None and membership.unit.path.startswith(unit.path)


def can_author_in(user: Any, unit: OrgUnit) -> bool:
    """The user may build courses and library items kept by ``unit`` and see completion there."""
    return _is_active_person(user) and can(user, caps.AUTHOR_COURSES, unit)


def can_study_course(user: Any, course: Course) -> bool:
    """The user may open the course: published and kept above their branch, or theirs to author."""
    if can_author_in(user, course.unit):
        return True
    return course.status == PublicationStatus.PUBLISHED and is_learner_of(user, course.unit)


def can_read_library_item(user: Any, item: LibraryItem) -> bool:
    """The user may read the item: published and kept above their branch, or theirs to author."""
    if can_author_in(user, item.unit):
        return True
    return item.status == PublicationStatus.PUBLISHED and is_learner_of(user, item.unit)


def knows_unit(user: Any, unit: OrgUnit) -> bool:
    """The unit is no secret to the user: in their positions' scope or above their branch."""
    return _is_active_person(user) and (in_scope(user, unit) or is_learner_of(user, unit))


def refuse(user: Any, allowed: bool, unit: OrgUnit) -> None:
    """Raise 404 when the user cannot know ``unit``, 403 when they can but ``allowed`` is false."""
    if allowed:
        return
    if knows_unit(user, unit):
        raise PermissionDenied
    raise Http404


def authors_somewhere(user: Any) -> bool:
    """The user holds learning.author_courses over some unit (opens the authors' pages)."""
    return is_system_admin(user) or any(g.capability == caps.AUTHOR_COURSES for g in grants(user))


def can_manage_points(user: Any, unit: OrgUnit) -> bool:
    """The user may edit points rules (over the root unit) or turn rankings on for ``unit``."""
    return _is_active_person(user) and can(user, caps.MANAGE_POINTS, unit)


def manages_points_somewhere(user: Any) -> bool:
    """The user holds learning.manage_points over some unit."""
    return is_system_admin(user) or any(g.capability == caps.MANAGE_POINTS for g in grants(user))
