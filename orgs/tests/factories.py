"""Small typed builders for org data in tests."""

from __future__ import annotations

import itertools
from datetime import date

from accounts.models import User
from orgs.models import Membership, OrgUnit, PartyStatus, Position, PositionType, UnitKind

_numbers = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_root(name: str = "测试大学党委", code: str = "U") -> OrgUnit:
    return OrgUnit.objects.add_root({"name": name, "code": code, "kind": UnitKind.UNIVERSITY_COMMITTEE})


def make_child(parent: OrgUnit, name: str, code: str, kind: str) -> OrgUnit:
    return OrgUnit.objects.add_child(parent, {"name": name, "code": code, "kind": kind})


def make_person(
    unit: OrgUnit | None = None,
    *,
    name: str = "",
    status: str = PartyStatus.NONE,
    grade: int | None = 2024,
    group: OrgUnit | None = None,
    number: str = "",
    kind: str = User.Kind.STUDENT,
    **fields: object,
) -> User:
    serial = next(_numbers)
    person = User.objects.create_user(
        number or f"T{serial:07d}", PASSWORD, name=name or f"测试{serial}", grade=grade, kind=kind, **fields
    )
    if unit is not None:
        Membership.objects.create(person=person, unit=unit, group=group, party_status=status)
    return person


def appoint(person: User, unit: OrgUnit, type_code: str, start: date | None = None) -> Position:
    return Position.objects.create(
        person=person,
        unit=unit,
        position_type=PositionType.objects.get(code=type_code),
        start_date=start or date(2020, 1, 1),
    )
