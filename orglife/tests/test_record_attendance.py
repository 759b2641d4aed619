"""Attendance feeds each member's record: present, on leave or absent, per past meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orglife import queries_record
from orglife.models import CheckIn, CheckInMethod, MeetingStatus
from orglife.tests.factories_record import START, client_for, grant_leave, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(tree, personas, time_machine):
    """Four past meetings of branch A1 and one to come, all with the student invited."""
    time_machine.move_to(START + timedelta(days=40), tick=False)
    invitees = (personas.student, personas.activist)
    attended = make_meeting(
        tree.branch_a1, personas.secretary, invitees=invitees, title="一月", starts_at=START
    )
    CheckIn.objects.create(meeting=attended, person=personas.student, method=CheckInMethod.QR)
    excused = make_meeting(
        tree.branch_a1,
        personas.secretary,
        invitees=invitees,
        title="二月",
        starts_at=START + timedelta(days=7),
    )
    grant_leave(excused, personas.student)
    missed = make_meeting(
        tree.branch_a1,
        personas.secretary,
        invitees=invitees,
        title="三月",
        starts_at=START + timedelta(days=14),
        status=MeetingStatus.CLOSED,
    )
    make_meeting(
        tree.branch_a1,
        personas.secretary,
        invitees=invitees,
        title="取消",
        starts_at=START + timedelta(days=21),
        status=MeetingStatus.CANCELLED,
    )
    make_meeting(
        tree.branch_a1,
        personas.secretary,
        invitees=invitees,
        title="将来",
        starts_at=START + timedelta(days=50),
    )
    return attended, excused, missed


def test_attendance_of_a_person_lists_past_meetings_newest_first(personas, history):
    attended, excused, missed = history
    entries = queries_record.attendance_of(personas.student)
    assert [(entry.meeting.pk, entry.state) for entry in entries] == [
        (missed.pk, "absent"),
        (excused.pk, "on_leave"),
        (attended.pk, "present"),
    ]
    assert queries_record.attendance_summary(entries) == {"present": 1, "on_leave": 1, "absent": 1}
    assert [entry.state for entry in queries_record.attendance_of(personas.activist)] == ["absent"] * 3


def test_a_person_sees_their_own_attendance_page_in_a_fixed_number_of_queries(personas, history, tree):
    client = client_for(personas.student)
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("orglife:my_attendance"))
    html = page.content.decode()
    assert "一月" in html and "二月" in html and "三月" in html
    assert "取消" not in html and "将来" not in html
    for index in range(5):
        extra = make_meeting(
            tree.branch_a1,
            personas.secretary,
            invitees=(personas.student,),
            title=f"补充{index}",
            starts_at=START - timedelta(days=index + 1),
        )
        CheckIn.objects.create(meeting=extra, person=personas.student, method=CheckInMethod.CODE)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("orglife:my_attendance"))
    assert len(many) == len(few)


def test_my_attendance_api_lists_the_same(personas, history):
    body = client_for(personas.student).get("/api/v1/me/attendance").json()
    assert [row["state"] for row in body] == ["absent", "on_leave", "present"]
    assert client_for(None).get("/api/v1/me/attendance").status_code == 401


def test_my_attendance_api_takes_a_fixed_number_of_queries(personas, history, tree):
    client = client_for(personas.student)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/me/attendance")
    for index in range(4):
        make_meeting(
            tree.branch_a1,
            personas.secretary,
            invitees=(personas.student,),
            title=f"追加{index}",
            starts_at=START - timedelta(days=index + 1),
        )
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/me/attendance").json()
    assert len(body) == 7
    assert len(many) == len(few)
