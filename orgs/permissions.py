"""Yes/no questions about what a person may do in the organisation, shared by pages, API and templates.

Built on the org scope in ``core.permissions``: a capability held over a unit reaches its whole
subtree. A person is *covered* by the units their membership (or, for staff without a branch, their
active positions) places them in; every question about a person is asked over those units.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from core.permissions import can, in_scope, is_system_admin
from orgs import capabilities as caps
from orgs.models import Membership, OrgUnit, Position

# Fields of a person (and their membership) that orgs.edit_members lets an officer change.
MEMBER_FIELDS = frozenset(
    {
        "name",
        "gender",
        "birth_date",
        "grade",
        "major",
        "group",
        "party_status",
        "status_since",
        "status_reason",
        "league_member",
    }
)
# Fields that live on the membership: people without a branch do not have them.
MEMBERSHIP_FIELDS = frozenset({"group", "party_status", "status_since", "status_reason", "league_member"})
# Personal data: changing it also needs orgs.view_personal_data.
PERSONAL_FIELDS = frozenset({"email", "phone", "national_id"})

_UNITS_ATTR = "_orgs_covering_units"


def _membership(person: User) -> Membership | None:
    try:
        return person.membership
    except Membership.DoesNotExist:
        return None


def covering_units(person: User) -> list[OrgUnit]:
    """The units whose scope covers ``person``: their branch, or else the units of their active positions.

    Cached on the person object, so a page asking several questions costs at most one query.
    """
    cached: list[OrgUnit] | None = getattr(person, _UNITS_ATTR, None)
    if cached is None:
        membership = _membership(person)
        if membership is not None:
            cached = [membership.unit]
        else:
            positions = Position.objects.active().filter(person=person).select_related("unit")
            cached = [position.unit for position in positions]
        setattr(person, _UNITS_ATTR, cached)
    return cached


def _can_over_person(user: Any, capability: str, person: User) -> bool:
    if is_system_admin(user):
        return True
    return any(can(user, capability, unit) for unit in covering_units(person))


def can_view_unit(user: Any, unit: OrgUnit) -> bool:
    """The user may open the unit's page and browse its sub-units."""
    return can(user, caps.VIEW_UNIT, unit)


def can_view_members(user: Any, unit: OrgUnit) -> bool:
    """The user may list the members of the unit's subtree."""
    return can(user, caps.VIEW_MEMBERS, unit)


def can_manage_positions(user: Any, unit: OrgUnit) -> bool:
    """The user may appoint people to positions in the unit and end their terms."""
    return can(user, caps.MANAGE_POSITIONS, unit)


def can_export_members(user: Any, unit: OrgUnit) -> bool:
    """The user may export the member list of the unit's subtree."""
    return can(user, caps.EXPORT_MEMBERS, unit)


def can_import_roster(user: Any, unit: OrgUnit) -> bool:
    """The user may import rosters into the unit's subtree."""
    return can(user, caps.IMPORT_ROSTER, unit)


def can_see_personal_data_in(user: Any, unit: OrgUnit) -> bool:
    """The user may see unmasked phone, email and ID numbers of members of ``unit``."""
    return can(user, caps.VIEW_PERSONAL_DATA, unit)


def is_person_in_scope(user: Any, person: User) -> bool:
    """The person exists for the user: it is the user, or one of the user's grants covers them."""
    if user.pk == person.pk or is_system_admin(user):
        return True
    return any(in_scope(user, unit) for unit in covering_units(person))


def can_view_member(user: Any, person: User) -> bool:
    """The user may open the person's profile: their own, or with orgs.view_members over the person."""
    return user.pk == person.pk or _can_over_person(user, caps.VIEW_MEMBERS, person)


def can_see_personal_data(user: Any, person: User) -> bool:
    """The user may see the person's full email, phone and national ID (their own always)."""
    return user.pk == person.pk or _can_over_person(user, caps.VIEW_PERSONAL_DATA, person)


def editable_member_fields(user: Any, person: User) -> set[str]:
    """The profile fields the user may change for ``person`` (empty: none).

    orgs.edit_members gives the member fields; personal data needs orgs.view_personal_data as well.
    Membership fields exist only for people in a branch.
    """
    if not _can_over_person(user, caps.EDIT_MEMBERS, person):
        return set()
    fields = set(MEMBER_FIELDS)
    if _membership(person) is None:
        fields -= MEMBERSHIP_FIELDS
    if _can_over_person(user, caps.VIEW_PERSONAL_DATA, person):
        fields |= PERSONAL_FIELDS
    return fields


def can_issue_password(user: Any, person: User) -> bool:
    """The user may give the person a one-time password (never their own)."""
    return user.pk != person.pk and _can_over_person(user, caps.ISSUE_PASSWORDS, person)


def require_member_visible(user: Any, person: User) -> None:
    """Raise 404 when the person is outside the user's scope, 403 when in scope but not allowed."""
    if not is_person_in_scope(user, person):
        raise Http404
    if not can_view_member(user, person):
        raise PermissionDenied
