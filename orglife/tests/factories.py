"""Small typed builders for meeting tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from orglife import services
from orglife.models import ActivityKind, Meeting
from orgs.models import OrgUnit


def at(year: int, month: int, day: int, hour: int = 19, minute: int = 0) -> datetime:
    """A moment in the university's local time (Asia/Shanghai by default)."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def plan(
    *,
    title: str = "三季度支部党员大会",
    kind: str = ActivityKind.GENERAL_MEETING,
    starts_at: datetime | None = None,
    hours: int = 2,
    place: str = "学院楼 301",
    online_url: str = "",
    units: tuple[OrgUnit, ...] = (),
    people: tuple[User, ...] = (),
    agenda: str = "一、学习\n二、讨论",
) -> services.MeetingPlan:
    start = starts_at or at(2026, 12, 10)
    return services.MeetingPlan(
        kind=kind,
        title=title,
        agenda=agenda,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        place=place,
        online_url=online_url,
        invited_unit_ids=[unit.pk for unit in units],
        person_ids=[person.pk for person in people],
    )


def draft(
    organiser: User, unit: OrgUnit, *, units: tuple[OrgUnit, ...] | None = None, **fields: object
) -> Meeting:
    """A draft meeting of ``unit`` inviting ``units`` (the unit itself by default)."""
    chosen = (unit,) if units is None else units
    return services.meeting_create(
        actor=organiser,
        unit=unit,
        plan=plan(units=chosen, **fields),  # type: ignore[arg-type]
    )


def published(organiser: User, unit: OrgUnit, **fields: object) -> Meeting:
    """A meeting of ``unit`` whose notice is out."""
    return services.meeting_publish(actor=organiser, meeting=draft(organiser, unit, **fields))


@pytest.fixture
def clock(time_machine: Any) -> Any:
    """Now is 1 December 2026, 09:00 in Beijing: the standard meeting (10 December) lies ahead.

    Import it into a test module (``from orglife.tests.factories import clock``) and use it with
    ``pytestmark = pytest.mark.usefixtures("clock")``; it is not in a conftest so that the other
    orglife tests keep their own clocks.
    """
    time_machine.move_to(at(2026, 12, 1, 9), tick=False)
    return time_machine
