"""Check-in pages: who may open the organiser's screen and desk, the member's scan-and-log-in journey,
typed codes, and fixed query counts on the live list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orglife import checkin_codes
from orglife.models import CheckIn, CheckInMethod
from orglife.tests import factories_record
from orglife.tests.factories_record import client_for, grant_leave, invite, make_meeting
from orgs.tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db

# Fixtures shared by the check-in and record tests.
during = factories_record.during
meeting = factories_record.meeting

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
ORGANISER_MATRIX = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,
    "activist": NOT_FOUND,
    "propaganda": FORBIDDEN,
    "secretary": OK,
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
}
ORGANISER_PAGES = (
    "orglife:checkin_screen",
    "orglife:checkin_screen_code",
    "orglife:checkin_live",
    "orglife:attendance",
)


def token_now(meeting) -> str:
    return checkin_codes.token(meeting.check_in_secret, meeting.pk, checkin_codes.window_at(timezone.now()))


def code_now(meeting) -> str:
    return checkin_codes.short_code(
        meeting.check_in_secret, meeting.pk, checkin_codes.window_at(timezone.now())
    )


@pytest.mark.parametrize("url_name", ORGANISER_PAGES)
@pytest.mark.parametrize(("persona", "expected"), ORGANISER_MATRIX.items())
def test_organiser_pages_answer_each_persona_by_scope_and_right(
    personas, meeting, during, url_name, persona, expected
):
    response = client_for(getattr(personas, persona)).get(reverse(url_name, args=[meeting.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(("persona", "expected"), ORGANISER_MATRIX.items())
def test_marking_present_answers_each_persona_by_scope_and_right(
    personas, meeting, during, persona, expected
):
    response = client_for(getattr(personas, persona)).post(
        reverse("orglife:mark_present", args=[meeting.pk]), {"person": personas.activist.pk}
    )
    assert response.status_code == (302 if expected == OK else expected)
    assert CheckIn.objects.filter(person=personas.activist).exists() == (expected == OK)


def test_the_screen_shows_a_qr_code_of_this_server_and_the_short_code(personas, meeting, during):
    response = client_for(personas.secretary).get(reverse("orglife:checkin_screen", args=[meeting.pk]))
    html = response.content.decode()
    assert "<svg" in html
    code = code_now(meeting)
    assert f"{code[:3]} {code[3:]}" in html
    assert 'hx-trigger="load delay:30s"' in html  # the clock stands at the start of a window
    assert 'aria-live="polite"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_screen_code_changes_with_the_window(personas, meeting, during):
    client = client_for(personas.secretary)
    url = reverse("orglife:checkin_screen_code", args=[meeting.pk])
    first = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    during.shift(timedelta(seconds=30))
    second = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert code_now(meeting)[:3] in second
    assert first != second


def test_the_screen_says_when_check_in_is_not_open(personas, meeting, time_machine):
    time_machine.move_to(meeting.starts_at - timedelta(hours=2), tick=False)
    html = (
        client_for(personas.secretary)
        .get(reverse("orglife:checkin_screen", args=[meeting.pk]))
        .content.decode()
    )
    assert "<svg" not in html
    assert "Check-in opens at" in html


def test_a_scan_logs_the_member_in_and_comes_back_to_check_them_in(personas, meeting, during):
    client = client_for(None)
    url = reverse("orglife:checkin_meeting", args=[meeting.pk])
    response = client.get(f"{url}?t={token_now(meeting)}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"] and "t%3D" not in response["Location"]
    during.shift(timedelta(minutes=2))  # typing a password takes longer than a code lives
    login = client.post(
        reverse("accounts:login"), {"username": personas.student.number, "password": PASSWORD, "next": url}
    )
    assert login.status_code == 302
    page = client.get(url)
    assert page.status_code == OK
    assert "Checking you in" in page.content.decode()
    done = client.post(url, follow=True)
    assert "You are checked in" in done.content.decode()
    check_in = CheckIn.objects.get(meeting=meeting, person=personas.student)
    assert check_in.method == CheckInMethod.QR


def test_a_logged_in_member_scanning_is_redirected_without_the_token_and_checked_in(
    personas, meeting, during
):
    client = client_for(personas.activist)
    url = reverse("orglife:checkin_meeting", args=[meeting.pk])
    response = client.get(f"{url}?t={token_now(meeting)}")
    assert response.status_code == 302 and response["Location"] == url
    client.post(url, HTTP_HX_REQUEST="true")
    assert CheckIn.objects.filter(meeting=meeting, person=personas.activist).exists()
    # Scanning again counts once and says so.
    client.get(f"{url}?t={token_now(meeting)}")
    again = client.post(url, follow=True)
    assert "already checked in" in again.content.decode()
    assert CheckIn.objects.filter(meeting=meeting, person=personas.activist).count() == 1


def test_a_stale_scan_is_refused_with_a_clear_message(personas, meeting, during):
    client = client_for(personas.student)
    url = reverse("orglife:checkin_meeting", args=[meeting.pk])
    stale = token_now(meeting)
    during.shift(timedelta(minutes=5))
    client.get(f"{url}?t={stale}")
    response = client.post(url)
    assert response.status_code == 409
    assert "expired" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_member_types_the_code_on_the_meeting_page(personas, meeting, during):
    client = client_for(personas.student)
    url = reverse("orglife:checkin_meeting", args=[meeting.pk])
    response = client.post(url, {"code": code_now(meeting).lower()})
    assert response.status_code == 302
    assert CheckIn.objects.get(person=personas.student).method == CheckInMethod.CODE


def test_a_member_types_the_code_on_the_check_in_page_and_the_code_finds_the_meeting(
    personas, meeting, during
):
    client = client_for(personas.student)
    page = client.get(reverse("orglife:checkin"))
    assert meeting.title in page.content.decode()
    response = client.post(reverse("orglife:checkin"), {"code": code_now(meeting)})
    assert response.status_code == 302
    assert response["Location"] == reverse("orglife:checkin_meeting", args=[meeting.pk])
    assert CheckIn.objects.filter(person=personas.student, meeting=meeting).exists()


def test_a_wrong_code_on_the_check_in_page_is_refused(personas, meeting, during):
    response = client_for(personas.student).post(reverse("orglife:checkin"), {"code": "ZZZZZZ"})
    assert response.status_code == 409
    assert "No meeting open for check-in has this code" in response.content.decode()


def test_a_person_not_invited_sees_a_refusal_without_the_meeting_title(personas, meeting, during, tree):
    stranger = make_person(tree.branch_a2, name="外支部")
    client = client_for(stranger)
    url = reverse("orglife:checkin_meeting", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == FORBIDDEN
    assert "not on the list" in page.content.decode()
    assert meeting.title not in page.content.decode()
    response = client.post(url, {"code": code_now(meeting)})
    assert response.status_code == FORBIDDEN
    assert not CheckIn.objects.exists()


def test_the_desk_shows_leave_and_marks_people_present_with_htmx(personas, meeting, during):
    grant_leave(meeting, personas.propaganda, reason="校外实习")
    client = client_for(personas.secretary)
    page = client.get(reverse("orglife:attendance", args=[meeting.pk])).content.decode()
    assert "校外实习" in page
    response = client.post(
        reverse("orglife:mark_present", args=[meeting.pk]),
        {"person": personas.student.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == OK
    assert "is marked present" in response.content.decode()
    assert CheckIn.objects.get(person=personas.student).method == CheckInMethod.MANUAL


def test_the_live_list_shows_who_checked_in_and_the_counts(personas, meeting, during):
    grant_leave(meeting, personas.propaganda)
    CheckIn.objects.create(meeting=meeting, person=personas.student, method=CheckInMethod.CODE)
    html = (
        client_for(personas.secretary)
        .get(reverse("orglife:checkin_live", args=[meeting.pk]))
        .content.decode()
    )
    assert personas.student.name in html
    assert personas.activist.name not in html
    assert "1 of 4 invited are present" in html
    assert "1 on leave" in html
    assert "2 not here yet" in html


def _live_queries(client, meeting) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("orglife:checkin_live", args=[meeting.pk])).status_code == OK
    return len(queries)


def test_the_live_list_and_the_desk_take_a_fixed_number_of_queries(personas, meeting, during, tree):
    client = client_for(personas.secretary)
    small = _live_queries(client, meeting)
    people = [make_person(tree.branch_a1, name=f"党员{i}") for i in range(25)]
    invite(meeting, *people)
    CheckIn.objects.bulk_create(
        CheckIn(meeting=meeting, person=person, method=CheckInMethod.QR) for person in people[:20]
    )
    assert _live_queries(client, meeting) == small
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("orglife:attendance", args=[meeting.pk]))
    invite(meeting, *[make_person(tree.branch_a1, name=f"新人{i}") for i in range(10)])
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("orglife:attendance", args=[meeting.pk]))
    assert len(first) == len(second)


def test_the_check_in_page_lists_open_meetings_in_a_fixed_number_of_queries(personas, meeting, during, tree):
    client = client_for(personas.student)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("orglife:checkin"))
    for index in range(4):
        extra = make_meeting(
            tree.branch_a1, personas.secretary, invitees=(personas.student,), title=f"并行{index}"
        )
        CheckIn.objects.create(meeting=extra, person=personas.student, method=CheckInMethod.CODE)
    with CaptureQueriesContext(connection) as five:
        html = client.get(reverse("orglife:checkin")).content.decode()
    assert html.count("并行") == 4
    assert len(five) == len(one)


def test_the_home_page_offers_check_in_to_everyone_logged_in(personas):
    html = client_for(personas.student).get(reverse("home")).content.decode()
    assert reverse("orglife:checkin") in html
