"""The meeting pages: who may open each (out of scope 404, without the right 403, rightful 200), what
they show, the home section and unit link, and fixed query counts on the lists."""

from __future__ import annotations

from datetime import UTC

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.sections import sections_for, unit_links_for
from orglife import queries, services
from orglife.models import Invitation, LeaveStatus, Meeting, MeetingStatus, Response
from orglife.tests.factories import at, clock, draft, published  # noqa: F401
from orgs.models import PartyStatus
from orgs.tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND = 200, 302, 400, 403, 404

UNIT_VIEWERS = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,
    "activist": NOT_FOUND,
    "propaganda": OK,
    "secretary": OK,
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
}
UNIT_ORGANISERS = {**UNIT_VIEWERS, "propaganda": FORBIDDEN}
# The meeting page of a published A1 meeting: invitees see it through their invitation.
MEETING_VIEWERS = {**UNIT_VIEWERS, "student": OK, "activist": OK}
# Changing it: invitees without the right know it exists (403), strangers do not (404).
MEETING_ORGANISERS = {**UNIT_ORGANISERS, "student": FORBIDDEN, "activist": FORBIDDEN}


@pytest.fixture
def meeting(tree, personas):
    return published(personas.secretary, tree.branch_a1)


def login(client, personas, persona):
    client.force_login(getattr(personas, persona))


# --- The permission matrix --------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "expected"), UNIT_VIEWERS.items())
def test_a_units_meetings_answer_each_persona_by_scope_and_right(client, tree, personas, persona, expected):
    login(client, personas, persona)
    assert client.get(reverse("orglife:unit_meetings", args=[tree.branch_a1.pk])).status_code == expected


@pytest.mark.parametrize("url_name", ["orglife:meeting_new", "orglife:people_search"])
@pytest.mark.parametrize(("persona", "expected"), UNIT_ORGANISERS.items())
def test_planning_pages_need_the_right_to_organise(client, tree, personas, url_name, persona, expected):
    login(client, personas, persona)
    assert client.get(reverse(url_name, args=[tree.branch_a1.pk]), {"q": "张"}).status_code == expected


@pytest.mark.parametrize("url_name", ["orglife:meeting", "orglife:meeting_ics"])
@pytest.mark.parametrize(("persona", "expected"), MEETING_VIEWERS.items())
def test_a_meeting_answers_invitees_and_viewers_only(client, personas, meeting, url_name, persona, expected):
    login(client, personas, persona)
    assert client.get(reverse(url_name, args=[meeting.pk])).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), MEETING_ORGANISERS.items())
def test_the_edit_page_needs_the_right_to_organise(client, personas, meeting, persona, expected):
    login(client, personas, persona)
    assert client.get(reverse("orglife:meeting_edit", args=[meeting.pk])).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"), {**MEETING_ORGANISERS, "secretary": REDIRECT, "system_admin": REDIRECT}.items()
)
def test_publishing_and_cancelling_need_the_right_to_organise(client, tree, personas, persona, expected):
    if expected == OK:
        expected = REDIRECT
    login(client, personas, persona)
    meeting = published(personas.secretary, tree.branch_a1)
    response = client.post(reverse("orglife:meeting_cancel", args=[meeting.pk]), {"reason": "改期"})
    assert response.status_code == expected
    meeting.refresh_from_db()
    assert (meeting.status == MeetingStatus.CANCELLED) == (expected == REDIRECT)
    # A draft does not exist yet for the people it will invite.
    another = draft(personas.secretary, tree.branch_a1)
    on_draft = NOT_FOUND if persona in ("student", "activist") else expected
    assert client.post(reverse("orglife:meeting_publish", args=[another.pk])).status_code == on_draft


@pytest.mark.parametrize(
    ("persona", "expected"),
    {**MEETING_ORGANISERS, "secretary": REDIRECT, "college_officer": REDIRECT}.items(),
)
def test_deciding_leave_needs_the_right_to_organise(client, personas, meeting, persona, expected):
    if expected == OK:
        expected = REDIRECT
    invitation = services.invitation_answer(
        actor=personas.activist, meeting=meeting, response=Response.LEAVE, reason="考试"
    )
    login(client, personas, persona)
    response = client.post(reverse("orglife:leave_decide", args=[invitation.pk]), {"decision": "approve"})
    assert response.status_code == expected
    invitation.refresh_from_db()
    assert (invitation.leave_status == LeaveStatus.APPROVED) == (expected == REDIRECT)


def test_a_draft_is_hidden_from_those_it_will_invite(client, tree, personas):
    meeting = draft(personas.secretary, tree.branch_a1, people=(personas.student,))
    login(client, personas, "student")
    assert client.get(reverse("orglife:meeting", args=[meeting.pk])).status_code == NOT_FOUND
    assert client.post(
        reverse("orglife:meeting_answer", args=[meeting.pk]), {"response": "attend"}
    ).status_code == (NOT_FOUND)
    login(client, personas, "propaganda")
    assert client.get(reverse("orglife:meeting", args=[meeting.pk])).status_code == OK


def test_strangers_cannot_answer(client, personas, meeting):
    login(client, personas, "outsider")
    response = client.post(reverse("orglife:meeting_answer", args=[meeting.pk]), {"response": "attend"})
    assert response.status_code == NOT_FOUND


def test_my_meetings_needs_a_login(client):
    response = client.get(reverse("orglife:my_meetings"))
    assert response.status_code == REDIRECT
    assert "/accounts/login/" in response["Location"]


# --- What the pages do ------------------------------------------------------------------------------


def test_an_organiser_plans_a_meeting_in_local_time(client, tree, personas):
    login(client, personas, "secretary")
    response = client.post(
        reverse("orglife:meeting_new", args=[tree.branch_a1.pk]),
        {
            "kind": "general_meeting",
            "title": "四季度支部党员大会",
            "agenda": "学习",
            "starts_at": "2026-12-20T19:00",
            "ends_at": "2026-12-20T21:00",
            "place": "学院楼 301",
            "invited_units": [tree.branch_a1.pk],
            "people": personas.student.number,
        },
    )
    assert response.status_code == REDIRECT
    meeting = Meeting.objects.get(title="四季度支部党员大会")
    # Typed in Beijing time, stored in UTC: 19:00 in Beijing is 11:00 UTC.
    assert meeting.starts_at == at(2026, 12, 20, 19)
    assert meeting.starts_at.astimezone(UTC).hour == 11
    assert list(meeting.invited_units.all()) == [tree.branch_a1]
    assert Invitation.objects.filter(meeting=meeting, person=personas.student).exists()
    assert meeting.status == MeetingStatus.DRAFT


def test_planning_with_bad_input_names_the_fields(client, tree, personas):
    login(client, personas, "secretary")
    response = client.post(
        reverse("orglife:meeting_new", args=[tree.branch_a1.pk]),
        {
            "kind": "general_meeting",
            "title": "会",
            "starts_at": "2026-12-20T19:00",
            "ends_at": "2026-12-20T18:00",
            "people": "NOBODY1",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == OK
    assert "Not a member of" in response.content.decode()
    response = client.post(
        reverse("orglife:meeting_new", args=[tree.branch_a1.pk]),
        {
            "kind": "general_meeting",
            "title": "会",
            "starts_at": "2026-12-20T19:00",
            "ends_at": "2026-12-20T18:00",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert "The meeting must end after it starts." in page
    assert "Give a place or an online link." in page
    assert not Meeting.objects.exists()


def test_a_published_meeting_shows_who_has_read_it(client, personas, meeting):
    login(client, personas, "student")
    client.get(reverse("orglife:meeting", args=[meeting.pk]))
    assert Invitation.objects.get(meeting=meeting, person=personas.student).read_at is not None
    login(client, personas, "college_officer")
    page = client.get(
        reverse("orglife:meeting", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "4 invited · 1 have read the notice · 3 have not" in page
    assert personas.activist.name in page
    assert "not read" in page


def test_an_invitee_asks_for_leave_from_the_meeting_page(client, personas, meeting):
    login(client, personas, "student")
    url = reverse("orglife:meeting_answer", args=[meeting.pk])
    missing = client.post(url, {"response": "leave"}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == BAD
    assert "Give the reason for your leave." in missing.content.decode()
    assert client.post(url, {"response": "leave", "reason": "实习"}).status_code == REDIRECT
    invitation = Invitation.objects.get(meeting=meeting, person=personas.student)
    assert invitation.leave_status == LeaveStatus.REQUESTED


def test_my_meetings_answers_attend_with_htmx(client, personas, meeting):
    login(client, personas, "student")
    page = client.get(reverse("orglife:my_meetings")).content.decode()
    assert meeting.title in page
    response = client.post(
        reverse("orglife:meeting_answer", args=[meeting.pk]),
        {"response": "attend", "row": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == OK
    assert "Will attend" in response.content.decode()
    assert "<html" not in response.content.decode()
    assert Invitation.objects.get(meeting=meeting, person=personas.student).response == Response.ATTEND


def test_refusing_leave_without_a_note_is_shown_on_the_page(client, personas, meeting):
    invitation = services.invitation_answer(
        actor=personas.student, meeting=meeting, response=Response.LEAVE, reason="考试"
    )
    login(client, personas, "secretary")
    response = client.post(
        reverse("orglife:leave_decide", args=[invitation.pk]),
        {"decision": "refuse"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == BAD
    assert "Say why the leave is refused." in response.content.decode()


def test_editing_a_published_meeting_keeps_its_invitees(client, personas, meeting):
    login(client, personas, "secretary")
    page = client.get(reverse("orglife:meeting_edit", args=[meeting.pk])).content.decode()
    assert 'name="invited_units"' not in page
    response = client.post(
        reverse("orglife:meeting_edit", args=[meeting.pk]),
        {
            "kind": "general_meeting",
            "title": meeting.title,
            "starts_at": "2026-12-11T19:00",
            "ends_at": "2026-12-11T21:00",
            "place": "学院楼 302",
        },
    )
    assert response.status_code == REDIRECT
    meeting.refresh_from_db()
    assert meeting.place == "学院楼 302"
    assert meeting.sequence == 1


def test_the_people_search_finds_members_of_the_unit_only(client, tree, personas):
    login(client, personas, "secretary")
    page = client.get(
        reverse("orglife:people_search", args=[tree.branch_a1.pk]), {"q": "张"}
    ).content.decode()
    assert personas.student.number in page
    page = client.get(
        reverse("orglife:people_search", args=[tree.branch_a1.pk]), {"q": "周"}
    ).content.decode()
    assert personas.outsider.number not in page


def test_the_home_section_and_the_unit_link(tree, personas):
    codes = [section["code"] for section in sections_for(personas.student)]
    assert "orglife.meetings" in codes
    assert "orglife.meetings" in [
        link["code"] for link in unit_links_for(personas.propaganda, tree.branch_a1)
    ]
    assert "orglife.meetings" not in [
        link["code"] for link in unit_links_for(personas.outsider, tree.branch_a1)
    ]


# --- Query counts -----------------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == OK
    return len(captured)


def test_a_units_meetings_cost_the_same_queries_whatever_their_number(client, tree, personas):
    login(client, personas, "secretary")
    url = reverse("orglife:unit_meetings", args=[tree.branch_a1.pk])
    published(personas.secretary, tree.branch_a1)
    few = _count(client, url)
    for day in range(1, 6):
        published(personas.secretary, tree.branch_a1, starts_at=at(2026, 11, day))
        draft(personas.secretary, tree.group_a1, units=(tree.group_a1,), starts_at=at(2026, 12, 20 + day))
    assert _count(client, url) == few


def test_my_meetings_cost_the_same_queries_whatever_their_number(client, tree, personas):
    login(client, personas, "student")
    url = reverse("orglife:my_meetings")
    published(personas.secretary, tree.branch_a1)
    few = _count(client, url)
    for day in range(1, 6):
        published(personas.secretary, tree.branch_a1, starts_at=at(2026, 12, 10 + day))
    assert _count(client, url) == few


def test_upcoming_meetings_come_first_then_the_latest_past_ones(client, tree, personas):
    past_old = published(personas.secretary, tree.branch_a1, title="十月", starts_at=at(2026, 10, 1))
    past_new = published(personas.secretary, tree.branch_a1, title="十一月", starts_at=at(2026, 11, 1))
    soon = published(personas.secretary, tree.branch_a1, title="十二月五日", starts_at=at(2026, 12, 5))
    later = published(personas.secretary, tree.branch_a1, title="十二月二十日", starts_at=at(2026, 12, 20))
    order = list(queries.meetings_of_unit(tree.branch_a1))
    assert order == [soon, later, past_new, past_old]
    mine = [invitation.meeting for invitation in queries.my_invitations(personas.student)]
    assert mine == [soon, later, past_new, past_old]
    assert [i.meeting for i in queries.my_invitations(personas.student, upcoming_only=True)] == [soon, later]


def test_a_newcomer_sees_nothing_of_meetings_before_they_were_invited(client, tree, personas, meeting):
    newcomer = make_person(tree.branch_a1, status=PartyStatus.ACTIVIST)
    client.force_login(newcomer)
    assert client.get(reverse("orglife:meeting", args=[meeting.pk])).status_code == NOT_FOUND


def test_the_meeting_page_costs_the_same_queries_whatever_the_number_of_invitees(
    client, tree, personas, meeting
):
    login(client, personas, "secretary")
    url = reverse("orglife:meeting", args=[meeting.pk])
    services.invitation_answer(
        actor=personas.student, meeting=meeting, response=Response.LEAVE, reason="考试"
    )
    client.get(url)  # the secretary is invited too: the first visit records the read receipt
    few = _count(client, url)
    for _ in range(6):
        person = make_person(tree.branch_a1, status=PartyStatus.FULL)
        Invitation.objects.create(meeting=meeting, person=person)
        services.invitation_answer(actor=person, meeting=meeting, response=Response.LEAVE, reason="实习")
    assert _count(client, url) == few


def test_a_refused_answer_from_my_meetings_opens_the_meeting_with_the_reason(client, personas, meeting):
    services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="改期")
    login(client, personas, "student")
    response = client.post(
        reverse("orglife:meeting_answer", args=[meeting.pk]),
        {"response": "attend", "row": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("orglife:meeting", args=[meeting.pk])
    page = client.get(response["HX-Redirect"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "it no longer takes answers" in page
