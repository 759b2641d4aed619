"""Builders and fixtures for the check-in and record tests: a published meeting of branch A1.

Meetings are built directly (planning and invitations are another part of orglife); the fixtures
are imported by the test modules that use them.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from accounts.models import User
from orglife.models import ActivityKind, Invitation, LeaveStatus, Meeting, MeetingStatus, Response
from orgs.models import OrgUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2027, 3, 10, 19, 0, tzinfo=SHANGHAI)
LENGTH = timedelta(minutes=90)


def make_meeting(
    unit: OrgUnit,
    organiser: User,
    *,
    invitees: tuple[User, ...] | list[User] = (),
    starts_at: datetime = START,
    length: timedelta = LENGTH,
    status: str = MeetingStatus.PUBLISHED,
    title: str = "三月支部党员大会",
) -> Meeting:
    meeting = Meeting.objects.create(
        unit=unit,
        kind=ActivityKind.GENERAL_MEETING,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + length,
        place="学院楼 201",
        status=status,
        organiser=organiser,
    )
    invite(meeting, *invitees)
    return meeting


def invite(meeting: Meeting, *people: User) -> None:
    Invitation.objects.bulk_create([Invitation(meeting=meeting, person=person) for person in people])


def grant_leave(meeting: Meeting, person: User, reason: str = "实习") -> None:
    Invitation.objects.filter(meeting=meeting, person=person).update(
        response=Response.LEAVE, leave_status=LeaveStatus.APPROVED, leave_reason=reason
    )


def client_for(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def meeting(tree: Any, personas: Any) -> Meeting:
    """Branch A1's general meeting on 10 March 2027, 19:00–20:30, organised by the secretary.

    Invited: the student, the activist, the propaganda member and the secretary.
    """
    return make_meeting(
        tree.branch_a1,
        personas.secretary,
        invitees=(personas.student, personas.activist, personas.propaganda, personas.secretary),
    )


@pytest.fixture
def during(time_machine: Any) -> Any:
    """The clock stands 5 minutes into the meeting and moves only when a test moves it."""
    time_machine.move_to(START + timedelta(minutes=5), tick=False)
    return time_machine


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Store every file of the test under its own temporary folder."""
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location
