"""Reads of the organisation, already scoped to what the asking user may see."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from core.permissions import Grant, scope_q
from orgs import capabilities as caps
from orgs.models import Membership, OrgUnit, Position


def grants_for_user(user: Any) -> Iterator[Grant]:
    """Turn the user's active positions into grants over their units' subtrees (one query)."""
    positions = Position.objects.active().filter(person=user).select_related("unit", "position_type")
    for position in positions:
        for code in position.position_type.capabilities:
            yield Grant(capability=code, path=position.unit.path, unit_id=position.unit_id)


def units_visible_to(user: Any) -> QuerySet[OrgUnit]:
    """Units the user may browse: every unit inside a subtree where they can see units."""
    return OrgUnit.objects.filter(scope_q(user, caps.VIEW_UNIT))


def members_of(
    unit: OrgUnit,
    *,
    search: str = "",
    status: str = "",
    grade: int | None = None,
    group_id: int | None = None,
) -> QuerySet[Membership]:
    """Memberships anywhere in ``unit``'s subtree, filtered, with everything a list row shows."""
    rows = Membership.objects.filter(unit__path__startswith=unit.path).select_related(
        "person", "unit", "group"
    )
    if search:
        rows = rows.filter(Q(person__name__icontains=search) | Q(person__number__startswith=search))
    if status:
        rows = rows.filter(party_status=status)
    if grade:
        rows = rows.filter(person__grade=grade)
    if group_id:
        rows = rows.filter(group_id=group_id)
    return rows.order_by("person__number")
