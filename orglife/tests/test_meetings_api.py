"""The meetings API: the permission matrix of every endpoint, the error shape, and fixed query counts."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.models import Notification
from orglife import services
from orglife.models import Invitation, LeaveStatus, Meeting, Response
from orglife.tests.factories import at, clock, draft, published  # noqa: F401
from orgs.models import PartyStatus
from orgs.tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

API = "/api/v1"
OK, CREATED, BAD, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT = 200, 201, 400, 401, 403, 404, 409

VIEWERS = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,
    "propaganda": OK,
    "secretary": OK,
    "college_officer": OK,
    "system_admin": OK,
}
ORGANISERS = {**VIEWERS, "propaganda": FORBIDDEN}


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def meeting_body(tree, **fields) -> dict:
    return {
        "kind": "general_meeting",
        "title": "支部党员大会",
        "starts_at": "2026-12-10T19:00:00+08:00",
        "ends_at": "2026-12-10T21:00:00+08:00",
        "place": "学院楼 301",
        "invited_unit_ids": [tree.branch_a1.pk],
        **fields,
    }


@pytest.fixture
def meeting(tree, personas):
    return published(personas.secretary, tree.branch_a1)


# --- The permission matrix --------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "expected"), VIEWERS.items())
def test_listing_a_units_meetings_needs_the_right_to_view(tree, personas, meeting, persona, expected):
    response = client_for(getattr(personas, persona)).get(f"{API}/units/{tree.branch_a1.pk}/meetings")
    assert response.status_code == expected
    if expected == OK:
        body = response.json()
        assert [item["id"] for item in body["items"]] == [meeting.pk]
        assert body["items"][0]["invited_count"] == 4


@pytest.mark.parametrize(("persona", "expected"), ORGANISERS.items())
def test_planning_needs_the_right_to_organise(tree, personas, persona, expected):
    response = post(
        client_for(getattr(personas, persona)),
        f"{API}/units/{tree.branch_a1.pk}/meetings",
        meeting_body(tree),
    )
    expected = CREATED if expected == OK else expected
    assert response.status_code == expected
    assert Meeting.objects.exists() == (expected == CREATED)
    if expected == CREATED:
        body = response.json()
        assert body["status"] == "draft"
        assert body["starts_at"] == "2026-12-10T19:00:00+08:00"
        assert [unit["id"] for unit in body["invited_units"]] == [tree.branch_a1.pk]


@pytest.mark.parametrize(("persona", "expected"), {**VIEWERS, "student": OK}.items())
def test_a_meeting_answers_invitees_and_viewers(personas, meeting, persona, expected):
    response = client_for(getattr(personas, persona)).get(f"{API}/meetings/{meeting.pk}")
    assert response.status_code == expected
    if persona == "student":
        body = response.json()
        assert body["my_invitation"]["read_at"] is not None
        assert body["summary"] is None
    if persona == "college_officer":
        assert response.json()["summary"]["invited"] == 4


@pytest.mark.parametrize(("persona", "expected"), {**VIEWERS, "student": FORBIDDEN}.items())
def test_read_receipts_need_the_right_to_view(personas, meeting, persona, expected):
    # An invitee knows the meeting (403), but who has read it is for those who view the unit's meetings.
    response = client_for(getattr(personas, persona)).get(f"{API}/meetings/{meeting.pk}/invitations")
    assert response.status_code == expected
    if expected == OK:
        rows = response.json()["items"]
        assert len(rows) == 4
        assert all(row["read_at"] is None for row in rows)


@pytest.mark.parametrize(("persona", "expected"), {**ORGANISERS, "student": FORBIDDEN}.items())
def test_publishing_and_cancelling_need_the_right_to_organise(tree, personas, persona, expected):
    client = client_for(getattr(personas, persona))
    meeting = published(personas.secretary, tree.branch_a1)
    response = post(client, f"{API}/meetings/{meeting.pk}/cancel", {"reason": "改期"})
    assert response.status_code == expected
    another = draft(personas.secretary, tree.branch_a1)
    on_draft = NOT_FOUND if persona == "student" else expected
    assert post(client, f"{API}/meetings/{another.pk}/publish").status_code == on_draft


@pytest.mark.parametrize(("persona", "expected"), {**ORGANISERS, "student": FORBIDDEN}.items())
def test_deciding_leave_needs_the_right_to_organise(personas, meeting, persona, expected):
    invitation = services.invitation_answer(
        actor=personas.activist, meeting=meeting, response=Response.LEAVE, reason="考试"
    )
    response = post(
        client_for(getattr(personas, persona)),
        f"{API}/invitations/{invitation.pk}/leave-decision",
        {"approve": True},
    )
    assert response.status_code == expected
    if expected == OK:
        assert response.json()["leave_status"] == "approved"


def test_every_endpoint_needs_a_login(tree, meeting):
    anonymous = client_for(None)
    assert anonymous.get(f"{API}/me/meetings").status_code == UNAUTHENTICATED
    assert anonymous.get(f"{API}/meetings/{meeting.pk}").status_code == UNAUTHENTICATED
    assert post(anonymous, f"{API}/units/{tree.branch_a1.pk}/meetings", meeting_body(tree)).status_code == (
        UNAUTHENTICATED
    )


# --- Behaviour and errors ---------------------------------------------------------------------------


def test_bad_input_is_a_400_naming_each_field(tree, personas):
    response = post(
        client_for(personas.secretary),
        f"{API}/units/{tree.branch_a1.pk}/meetings",
        meeting_body(tree, ends_at="2026-12-10T18:00:00+08:00", place=""),
    )
    assert response.status_code == BAD
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"ends_at", "place"}


def test_publishing_twice_notifies_once_and_a_cancelled_meeting_cannot_be_published(tree, personas):
    client = client_for(personas.secretary)
    created = post(client, f"{API}/units/{tree.branch_a1.pk}/meetings", meeting_body(tree)).json()
    assert post(client, f"{API}/meetings/{created['id']}/publish").json()["status"] == "published"
    assert post(client, f"{API}/meetings/{created['id']}/publish").status_code == OK
    assert Notification.objects.filter(kind=services.NOTICE_KIND).count() == 4
    assert (
        post(client, f"{API}/meetings/{created['id']}/cancel", {"reason": "改期"}).json()["status"]
        == "cancelled"
    )
    refused = post(client, f"{API}/meetings/{created['id']}/publish")
    assert refused.status_code == CONFLICT
    assert refused.json()["error"]["code"] == "meeting_not_draft"


def test_an_invitee_answers_and_asks_for_leave(personas, meeting):
    client = client_for(personas.student)
    missing = post(client, f"{API}/meetings/{meeting.pk}/answer", {"response": "leave"})
    assert missing.status_code == BAD
    assert "reason" in missing.json()["error"]["fields"]
    answered = post(client, f"{API}/meetings/{meeting.pk}/answer", {"response": "leave", "reason": "实习"})
    assert answered.status_code == OK
    assert answered.json()["leave_status"] == "requested"
    assert (
        Invitation.objects.get(meeting=meeting, person=personas.student).leave_status == LeaveStatus.REQUESTED
    )
    stranger = post(
        client_for(personas.outsider), f"{API}/meetings/{meeting.pk}/answer", {"response": "attend"}
    )
    assert stranger.status_code == NOT_FOUND


def test_a_cancelled_meeting_refuses_answers_with_a_409(personas, meeting):
    services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="改期")
    response = post(
        client_for(personas.student), f"{API}/meetings/{meeting.pk}/answer", {"response": "attend"}
    )
    assert response.status_code == CONFLICT
    assert response.json()["error"]["code"] == "meeting_not_open"


def test_my_meetings_lists_published_invitations_upcoming_first(tree, personas):
    later = published(personas.secretary, tree.branch_a1, starts_at=at(2026, 12, 20))
    sooner = published(personas.secretary, tree.branch_a1, starts_at=at(2026, 12, 5))
    past = published(personas.secretary, tree.branch_a1, starts_at=at(2026, 11, 5))
    draft(personas.secretary, tree.branch_a1, people=(personas.student,))
    body = client_for(personas.student).get(f"{API}/me/meetings").json()
    assert [item["meeting"]["id"] for item in body["items"]] == [sooner.pk, later.pk, past.pk]
    upcoming = client_for(personas.student).get(f"{API}/me/meetings?upcoming=true").json()
    assert [item["meeting"]["id"] for item in upcoming["items"]] == [sooner.pk, later.pk]


# --- Query counts -----------------------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == OK
    return len(captured)


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("secretary", "units/{unit}/meetings"),
        ("student", "me/meetings"),
        ("secretary", "meetings/{meeting}/invitations"),
    ],
)
def test_api_lists_cost_the_same_queries_whatever_their_length(tree, personas, persona, path):
    first = published(personas.secretary, tree.branch_a1)
    client = client_for(getattr(personas, persona))
    url = f"{API}/" + path.format(unit=tree.branch_a1.pk, meeting=first.pk)
    few = _count(client, url)
    for day in range(1, 6):
        published(personas.secretary, tree.branch_a1, starts_at=at(2026, 12, 10 + day))
    for _ in range(5):
        person = make_person(tree.branch_a1, status=PartyStatus.FULL)
        Invitation.objects.create(meeting=first, person=person)
    assert _count(client, url) == few


@pytest.mark.parametrize(("persona", "expected"), {**ORGANISERS, "student": FORBIDDEN}.items())
def test_changing_a_meeting_needs_the_right_to_organise(tree, personas, meeting, persona, expected):
    body = meeting_body(tree, place="学院楼 302", starts_at="2026-12-11T19:00:00+08:00")
    body["ends_at"] = "2026-12-11T21:00:00+08:00"
    del body["invited_unit_ids"]
    response = client_for(getattr(personas, persona)).put(
        f"{API}/meetings/{meeting.pk}", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == expected
    meeting.refresh_from_db()
    assert (meeting.place == "学院楼 302") == (expected == OK)
    if expected == OK:
        assert response.json()["starts_at"] == "2026-12-11T19:00:00+08:00"
        assert Notification.objects.filter(dedupe_key=f"orglife.changed:{meeting.pk}:1").count() == 4


def test_invitees_of_a_published_meeting_cannot_be_changed_through_the_api(tree, personas, meeting):
    body = meeting_body(tree, invited_unit_ids=[tree.group_a1.pk])
    response = client_for(personas.secretary).put(
        f"{API}/meetings/{meeting.pk}", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == CONFLICT
    assert response.json()["error"]["code"] == "invitees_fixed"
