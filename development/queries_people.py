"""People a committee may name in a step of a case (talker, contacts, introducers), by number.

The pages take a student or staff number and show the name it belongs to. Only people within the
actor's reach are found, so a look-up reveals nobody outside it: members of the branches where the
actor sees cases, and those holding a position in the case's branch or the committees above it
(the college officer who holds the higher committee's talk has no branch of their own).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import User
from core.permissions import is_system_admin, scope_q
from core.text import normalize_width
from development import capabilities as caps
from orgs.models import OrgUnit, Position


def _ancestor_paths(unit: OrgUnit) -> list[str]:
    """The paths of ``unit`` and of every unit above it (computed, no query)."""
    step = OrgUnit.steplen
    return [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]


def people_in_reach(actor: Any, branch: OrgUnit) -> QuerySet[User]:
    """Active people ``actor`` may name in a step of a case of ``branch``."""
    people = User.objects.filter(is_active=True)
    if is_system_admin(actor):
        return people
    committees = Position.objects.active().filter(unit__path__in=_ancestor_paths(branch)).values("person_id")
    return people.filter(
        scope_q(actor, caps.VIEW_CASES, path_field="membership__unit__path") | Q(pk__in=committees)
    )


def person_by_number(actor: Any, branch: OrgUnit, number: str) -> User | None:
    """The person with this student/staff number whom ``actor`` may name, if any (one query)."""
    number = normalize_width(number or "").strip()
    if not number:
        return None
    return (
        people_in_reach(actor, branch)
        .filter(number=number)
        .select_related("membership")
        .only("pk", "name", "number", "membership__party_status")
        .first()
    )


def people_by_numbers(actor: Any, branch: OrgUnit, numbers: Iterable[str]) -> dict[str, User]:
    """The people with these numbers whom ``actor`` may name, by number (one query)."""
    wanted = {normalize_width(n).strip() for n in numbers if n and n.strip()}
    if not wanted:
        return {}
    found = people_in_reach(actor, branch).filter(number__in=wanted).only("pk", "name", "number")
    return {person.number: person for person in found}


def names_of(ids: Iterable[int]) -> dict[int, User]:
    """The people with these ids, for showing names already recorded in a dossier (one query)."""
    wanted = {i for i in ids if isinstance(i, int)}
    if not wanted:
        return {}
    return {person.pk: person for person in User.objects.filter(pk__in=wanted).only("pk", "name", "number")}


def member_by_number(actor: Any, number: str) -> User | None:
    """The branch member with this number in a branch where ``actor`` sees development cases (one
    query): whom a transfer-in may name when no unit is given (the API)."""
    number = normalize_width(number or "").strip()
    if not number:
        return None
    return (
        User.objects.filter(is_active=True, number=number, membership__isnull=False)
        .filter(scope_q(actor, caps.VIEW_CASES, path_field="membership__unit__path"))
        .first()
    )
