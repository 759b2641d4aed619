"""Reads of the organisation, already scoped to what the asking user may see."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from core.models import AuditEvent
from core.permissions import Grant, is_system_admin, scope_q
from core.text import mask_national_id, mask_phone, normalize_width
from orgs import capabilities as caps
from orgs.models import Membership, OrgUnit, PartyStatus, Position, PositionType, StatusChange, UnitKind


def grants_for_user(user: Any) -> Iterator[Grant]:
    """Turn the user's active positions into grants over their units' subtrees (one query)."""
    positions = Position.objects.active().filter(person=user).select_related("unit", "position_type")
    for position in positions:
        for code in position.position_type.capabilities:
            yield Grant(capability=code, path=position.unit.path, unit_id=position.unit_id)


def units_visible_to(user: Any) -> QuerySet[OrgUnit]:
    """Units the user may browse: every unit inside a subtree where they can see units."""
    return OrgUnit.objects.filter(scope_q(user, caps.VIEW_UNIT))


def membership_in_subtree(unit: OrgUnit, prefix: str = "") -> Q:
    """Memberships whose branch, or for a party group whose group, lies in ``unit``'s subtree.

    Members belong to a branch and optionally to one of its party groups, so the members of a party
    group are found through the group. Above a group, the branch alone decides (groups sit inside
    their branch), which keeps the filter on one indexed join. ``prefix`` reaches the membership
    from another model (``"membership__"`` from a person).
    """
    if unit.kind == UnitKind.PARTY_GROUP:
        return Q(**{f"{prefix}group__path__startswith": unit.path})
    return Q(**{f"{prefix}unit__path__startswith": unit.path})


def members_of(
    unit: OrgUnit,
    *,
    search: str = "",
    status: str = "",
    grade: int | None = None,
    group_id: int | None = None,
) -> QuerySet[Membership]:
    """Memberships anywhere in ``unit``'s subtree, filtered, with everything a list row shows."""
    rows = Membership.objects.filter(membership_in_subtree(unit)).select_related("person", "unit", "group")
    if search:
        rows = rows.filter(Q(person__name__icontains=search) | Q(person__number__startswith=search))
    if status:
        rows = rows.filter(party_status=status)
    if grade:
        rows = rows.filter(person__grade=grade)
    if group_id:
        rows = rows.filter(group_id=group_id)
    return rows.order_by("person__number")


# --- Units ------------------------------------------------------------------------------------


def unit_get(unit_id: int) -> OrgUnit:
    """The unit with this id, or 404. The caller checks the user's rights over it."""
    return get_object_or_404(OrgUnit, pk=unit_id)


def unit_ancestors(unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors from the root down to its parent (one query)."""
    return list(OrgUnit.objects.get_ancestors(unit))


def unit_children(unit: OrgUnit) -> list[OrgUnit]:
    """The unit's direct sub-units, in tree order (one query)."""
    return list(OrgUnit.objects.get_children(unit))


def party_groups_in(unit: OrgUnit) -> QuerySet[OrgUnit]:
    """Party groups anywhere inside ``unit``'s subtree."""
    return OrgUnit.objects.filter(path__startswith=unit.path, kind=UnitKind.PARTY_GROUP).order_by("path")


def status_counts(unit: OrgUnit) -> list[dict[str, Any]]:
    """Members of the subtree per party status, every status listed, with the total (one query)."""
    totals = Membership.objects.filter(membership_in_subtree(unit)).aggregate(
        total=Count("id"),
        **{status.value: Count("id", filter=Q(party_status=status.value)) for status in PartyStatus},
    )
    return [
        {"status": status.value, "label": status.label, "count": totals[status.value]}
        for status in PartyStatus
    ] + [{"status": "", "label": None, "count": totals["total"]}]


# --- Positions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitPositions:
    """A unit's positions split by time: held now, starting later, and ended."""

    current: list[Position]
    upcoming: list[Position]
    past: list[Position]


def committee_of(unit: OrgUnit, on: date | None = None) -> list[Position]:
    """The active positions in this unit (not its sub-units), with holder and type (one query)."""
    return list(
        Position.objects.active(on)
        .filter(unit=unit)
        .select_related("person", "position_type")
        .order_by("position_type__rank", "start_date", "id")
    )


def positions_of(unit: OrgUnit, on: date | None = None) -> UnitPositions:
    """Every position ever held in this unit, split into current, upcoming and past (one query)."""
    day = on or timezone.localdate()
    rows = (
        Position.objects.filter(unit=unit)
        .select_related("person", "position_type", "appointed_by", "ended_by")
        .order_by("position_type__rank", "-start_date", "-id")
    )
    current: list[Position] = []
    upcoming: list[Position] = []
    past: list[Position] = []
    for position in rows:
        if position.start_date > day:
            upcoming.append(position)
        elif position.end_date is not None and position.end_date < day:
            past.append(position)
        else:
            current.append(position)
    return UnitPositions(current, upcoming, past)


def end_reasons(positions: list[Position]) -> dict[int, str]:
    """The reason given when each of these terms was ended, from the audit log (one query)."""
    if not positions:
        return {}
    events = AuditEvent.objects.filter(
        action="orgs.position.end",
        object_type=Position._meta.label_lower,
        object_id__in=[str(position.pk) for position in positions],
    ).values_list("object_id", "data")
    return {int(object_id): str((data or {}).get("reason", "")) for object_id, data in events}


def position_types_for(unit: OrgUnit) -> list[PositionType]:
    """Position types that may be held in a unit of this kind (a type with no kinds fits any unit)."""
    # unit_kinds is a JSON list; "contains" on JSON is not portable to SQLite, and the table is tiny.
    return [
        kind for kind in PositionType.objects.all() if not kind.unit_kinds or unit.kind in kind.unit_kinds
    ]


def position_for_change(position_id: int) -> Position:
    """The position with this id and its unit, or 404. The caller checks the user's rights."""
    return get_object_or_404(
        Position.objects.select_related("unit", "position_type", "person"), pk=position_id
    )


def appointable_people(actor: Any, unit: OrgUnit) -> QuerySet[User]:
    """People ``actor`` may appoint in ``unit`` (system administrators reach everyone):

    - members of the unit's subtree;
    - people already holding a position somewhere the actor manages positions;
    - people not yet placed anywhere (no branch, no current position), such as newly added staff.

    Nobody else is found, so a look-up by number reveals nobody placed outside the actor's scope.
    """
    people = User.objects.filter(is_active=True)
    if is_system_admin(actor):
        return people
    current_holders = Position.objects.active().values("person_id")
    holds_position_in_scope = Q(
        pk__in=current_holders.filter(scope_q(actor, caps.MANAGE_POSITIONS, path_field="unit__path"))
    )
    not_placed = Q(membership__isnull=True) & ~Q(pk__in=current_holders)
    return people.filter(
        membership_in_subtree(unit, prefix="membership__") | holds_position_in_scope | not_placed
    )


def appointable_person(actor: Any, unit: OrgUnit, number: str) -> User | None:
    """The person with this student/staff number whom ``actor`` may appoint in ``unit``, if any."""
    number = normalize_width(number or "")
    if not number:
        return None
    return appointable_people(actor, unit).filter(number=number).select_related("membership__unit").first()


# --- People -----------------------------------------------------------------------------------


def person_get(person_id: int) -> User:
    """The person with this id, with their branch and group, or 404. The caller checks rights."""
    return get_object_or_404(
        User.objects.select_related("membership__unit", "membership__group"), pk=person_id
    )


def person_positions(person: User) -> list[Position]:
    """Every position the person holds or held, newest first (one query)."""
    return list(
        Position.objects.filter(person=person)
        .select_related("unit", "position_type")
        .order_by("-start_date", "-id")
    )


def status_history(person: User) -> list[StatusChange]:
    """The person's party-status history, newest first (one query)."""
    return list(
        StatusChange.objects.filter(person=person)
        .select_related("from_unit", "to_unit", "recorded_by")
        .order_by("-changed_on", "-id")
    )


def mask_email(value: str | None) -> str:
    """Keep the first character of the mailbox and the domain: ``z***@example.edu.cn``."""
    if not value:
        return ""
    local, _at, domain = value.partition("@")
    if not domain:
        return "*" * len(value)
    return f"{local[:1]}***@{domain}"


def personal_data(person: User, *, full: bool) -> dict[str, str]:
    """The person's email, phone and national ID, in full or masked."""
    if full:
        return {"email": person.email or "", "phone": person.phone, "national_id": person.national_id}
    return {
        "email": mask_email(person.email),
        "phone": mask_phone(person.phone),
        "national_id": mask_national_id(person.national_id),
    }
