"""The demo university's organisational life (orglife/demo.py), loaded by seed_demo."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from core.richtext import sanitize_html
from orglife.models import (
    ActivityKind,
    CheckIn,
    FollowUpTask,
    Invitation,
    LeaveStatus,
    Meeting,
    MeetingMinutes,
    MeetingStatus,
    Resolution,
)
from orglife.queries_compliance import branch_compliance, subtree_compliance
from orgs.models import OrgUnit

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PERSONA_BRANCH = "YH-CS-U2024"


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def mid_november(time_machine):
    time_machine.move_to(datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI), tick=False)


def test_every_branch_has_closed_meetings_of_the_last_months_with_their_record(mid_november):
    seed()
    branches = OrgUnit.objects.filter(code__startswith="YH-", kind="branch")
    closed = Meeting.objects.filter(status=MeetingStatus.CLOSED)
    for branch in branches:
        kinds = set(closed.filter(unit=branch).values_list("kind", flat=True))
        assert {ActivityKind.COMMITTEE_MEETING, ActivityKind.PARTY_LESSON} <= kinds, branch.code
    assert closed.filter(kind=ActivityKind.GROUP_MEETING).exists()
    assert closed.filter(kind=ActivityKind.GENERAL_MEETING).exists()
    assert closed.filter(kind=ActivityKind.THEME_DAY).exists()
    first = closed.order_by("starts_at").first()
    assert first.starts_at.astimezone(SHANGHAI).month == 6  # six months, November included
    invitations = Invitation.objects.filter(meeting__status=MeetingStatus.CLOSED)
    assert CheckIn.objects.count() >= 0.8 * invitations.count()
    assert invitations.filter(leave_status=LeaveStatus.APPROVED).exclude(leave_reason="").exists()
    assert MeetingMinutes.objects.count() == closed.count()
    html = MeetingMinutes.objects.first().html
    assert html == sanitize_html(html) and "<li>" in html
    assert Resolution.objects.exists() and FollowUpTask.objects.filter(done=True).exists()
    # The history keeps its own days, not the day it was loaded.
    check_in = CheckIn.objects.select_related("meeting").first()
    assert check_in.checked_in_at == check_in.meeting.starts_at
    assert (
        Meeting.objects.filter(
            starts_at__gt=datetime(2026, 11, 10, 9, tzinfo=SHANGHAI), status="closed"
        ).count()
        == 0
    )


def test_loading_again_creates_nothing(mid_november):
    seed()
    counts = (Meeting.objects.count(), Invitation.objects.count(), CheckIn.objects.count())
    assert "meetings" not in seed()
    assert (Meeting.objects.count(), Invitation.objects.count(), CheckIn.objects.count()) == counts


def test_the_student_and_activist_personas_are_invited_to_the_persona_branchs_next_meeting(
    client, mid_november
):
    seed()
    upcoming = Meeting.objects.get(unit__code=PERSONA_BRANCH, status=MeetingStatus.PUBLISHED)
    assert upcoming.starts_at > datetime(2026, 11, 10, 9, tzinfo=SHANGHAI)
    for number in ("2024020001", "2024020002"):
        person = User.objects.get(number=number)
        assert Invitation.objects.filter(meeting=upcoming, person=person).exists()
        client.force_login(person)
        assert client.get(reverse("orglife:meeting", args=[upcoming.pk])).status_code == 200
        assert upcoming.title in client.get(reverse("orglife:my_meetings")).content.decode()


@pytest.mark.parametrize(
    "day",
    [
        datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI),
        datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI),
        datetime(2027, 3, 29, 22, 0, tzinfo=SHANGHAI),
    ],
)
def test_the_persona_branchs_calendar_shows_red_or_yellow_beside_green(client, time_machine, day):
    time_machine.move_to(day, tick=False)
    seed()
    branch = OrgUnit.objects.get(code=PERSONA_BRANCH)
    states = {status.rule.key: status.state for status in branch_compliance(branch).statuses}
    assert states["committee_meeting"] == "done"
    assert states["group_meeting"] == "overdue"
    client.force_login(User.objects.get(number="2024020003"))
    html = client.get(reverse("orglife:compliance", args=[branch.pk])).content.decode()
    assert "state-done" in html
    assert "state-overdue" in html or "state-due_soon" in html


def test_some_branches_fall_behind_and_some_do_not(mid_november):
    seed()
    root = OrgUnit.objects.get(code="YH", depth=1)
    worst = {row.branch.code: row.state for row in subtree_compliance(root)}
    assert "overdue" in worst.values()
    assert any(all(status.state != "overdue" for status in row.statuses) for row in subtree_compliance(root))
