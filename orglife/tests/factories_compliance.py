"""Builders for the compliance, evaluation and talk tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from orglife.models import Meeting, MeetingStatus
from orgs.models import OrgUnit, PartyStatus, PositionType
from orgs.tests.factories import appoint, make_person

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A moment of ``day`` in Asia/Shanghai (the platform's local time)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def make_meeting(
    unit: OrgUnit,
    kind: str,
    starts_at: datetime,
    *,
    organiser,
    status: str = MeetingStatus.CLOSED,
    invited: list[OrgUnit] | None = None,
) -> Meeting:
    meeting = Meeting.objects.create(
        unit=unit,
        kind=kind,
        title=f"{kind} {next(_numbers)}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        status=status,
        organiser=organiser,
    )
    if invited:
        meeting.invited_units.set(invited)
    return meeting


def make_member(branch: OrgUnit, status: str = PartyStatus.FULL, **fields):
    return make_person(branch, name=f"党员{next(_numbers)}", status=status, **fields)


def make_bystander(unit: OrgUnit):
    """Someone in ``unit``'s scope who may only see the unit: in scope, without orglife's rights."""
    observer, _created = PositionType.objects.get_or_create(
        code="observer", defaults={"name": "观察员", "capabilities": ["orgs.view_unit"]}
    )
    person = make_person(None, name=f"观察员{next(_numbers)}")
    appoint(person, unit, observer.code)
    return person
