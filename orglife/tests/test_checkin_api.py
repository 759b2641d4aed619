"""The check-in API: check in by code (idempotent), mark present, the live attendance, my attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orglife import checkin_codes
from orglife.models import CheckIn, CheckInMethod
from orglife.tests import factories_record
from orglife.tests.factories_record import client_for, grant_leave, invite, make_meeting, post_json
from orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

# Fixtures shared by the check-in and record tests.
during = factories_record.during
meeting = factories_record.meeting

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
ORGANISER_MATRIX = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,
    "propaganda": FORBIDDEN,
    "secretary": OK,
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
}


def code_now(meeting) -> str:
    return checkin_codes.short_code(
        meeting.check_in_secret, meeting.pk, checkin_codes.window_at(timezone.now())
    )


def test_checking_in_by_code_is_idempotent(personas, meeting, during):
    client = client_for(personas.student)
    first = post_json(client, "/api/v1/check-ins", {"code": code_now(meeting)})
    again = post_json(client, "/api/v1/check-ins", {"code": code_now(meeting), "meeting_id": meeting.pk})
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["created"] is True and again.json()["created"] is False
    assert first.json()["checked_in_at"] == again.json()["checked_in_at"]
    assert first.json()["meeting_id"] == meeting.pk
    assert CheckIn.objects.count() == 1


def test_checking_in_by_token_needs_the_meeting(personas, meeting, during):
    client = client_for(personas.student)
    token = checkin_codes.token(meeting.check_in_secret, meeting.pk, checkin_codes.window_at(timezone.now()))
    missing = post_json(client, "/api/v1/check-ins", {"token": token})
    assert missing.status_code == 400
    assert "meeting_id" in missing.json()["error"]["fields"]
    response = post_json(client, "/api/v1/check-ins", {"token": token, "meeting_id": meeting.pk})
    assert response.status_code == 201
    assert response.json()["method"] == "qr"


@pytest.mark.parametrize(
    ("case", "expected_code"),
    [
        ("expired", "check_in_code_expired"),
        ("not_invited", "check_in_not_invited"),
        ("other_meeting", "check_in_code_invalid"),
    ],
)
def test_refused_check_ins_answer_409_with_a_code(personas, meeting, during, tree, case, expected_code):
    person = personas.student
    code = code_now(meeting)
    if case == "expired":
        during.shift(timedelta(minutes=2))
    elif case == "not_invited":
        person = make_person(tree.branch_a1, name="未受邀")
    else:
        other = make_meeting(tree.branch_a1, personas.secretary, invitees=(person,), title="另一个")
        code = code_now(other)
    response = post_json(client_for(person), "/api/v1/check-ins", {"code": code, "meeting_id": meeting.pk})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == expected_code
    assert not CheckIn.objects.exists()


def test_checking_in_needs_a_login(meeting, during):
    assert post_json(client_for(None), "/api/v1/check-ins", {"code": code_now(meeting)}).status_code == 401


@pytest.mark.parametrize(("persona", "expected"), ORGANISER_MATRIX.items())
def test_the_live_attendance_answers_each_persona_by_scope_and_right(
    personas, meeting, during, persona, expected
):
    response = client_for(getattr(personas, persona)).get(f"/api/v1/meetings/{meeting.pk}/attendance")
    assert response.status_code == expected


@pytest.mark.parametrize(("persona", "expected"), ORGANISER_MATRIX.items())
def test_marking_present_by_api_answers_each_persona_by_scope_and_right(
    personas, meeting, during, persona, expected
):
    response = post_json(
        client_for(getattr(personas, persona)),
        f"/api/v1/meetings/{meeting.pk}/check-ins",
        {"person_id": personas.activist.pk},
    )
    assert response.status_code == (201 if expected == OK else expected)


def test_marking_present_by_api_is_idempotent(personas, meeting, during):
    client = client_for(personas.secretary)
    url = f"/api/v1/meetings/{meeting.pk}/check-ins"
    assert post_json(client, url, {"person_id": personas.activist.pk}).status_code == 201
    again = post_json(client, url, {"person_id": personas.activist.pk})
    assert again.status_code == 200
    assert again.json()["method"] == "manual"
    assert CheckIn.objects.count() == 1


def test_the_live_attendance_lists_states_and_counts(personas, meeting, during):
    grant_leave(meeting, personas.propaganda, reason="考试")
    CheckIn.objects.create(meeting=meeting, person=personas.student, method=CheckInMethod.CODE)
    body = client_for(personas.secretary).get(f"/api/v1/meetings/{meeting.pk}/attendance").json()
    assert body["counts"] == {"invited": 4, "present": 1, "on_leave": 1, "absent": 2}
    states = {row["person_id"]: row["state"] for row in body["people"]}
    assert states[personas.student.pk] == "present"
    assert states[personas.propaganda.pk] == "on_leave"
    assert states[personas.activist.pk] == "not_yet"
    leave = next(row for row in body["people"] if row["person_id"] == personas.propaganda.pk)
    assert leave["leave_reason"] == "考试"


def test_the_live_attendance_takes_a_fixed_number_of_queries(personas, meeting, during, tree):
    client = client_for(personas.secretary)
    url = f"/api/v1/meetings/{meeting.pk}/attendance"
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    people = [make_person(tree.branch_a1, name=f"成员{i}") for i in range(30)]
    invite(meeting, *people)
    CheckIn.objects.bulk_create(
        CheckIn(meeting=meeting, person=p, method=CheckInMethod.QR) for p in people[:15]
    )
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.json()["counts"]["present"] == 15
    assert len(large) == len(small)
