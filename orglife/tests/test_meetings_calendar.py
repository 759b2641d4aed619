"""Calendar exports: the .ics of one meeting and the private subscription feed (token, time zone,
cancelled meetings, revoking)."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import pytest
from django.urls import reverse

from orglife import services
from orglife.models import CalendarFeed
from orglife.tests.factories import at, clock, draft, published  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def events(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def test_a_meetings_ics_has_its_local_time_with_the_time_zone(client, tree, personas):
    meeting = published(personas.secretary, tree.branch_a1, online_url="https://meeting.example.cn/9")
    client.force_login(personas.student)
    response = client.get(reverse("orglife:meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VTIMEZONE" in response.content
    assert b"TZID:Asia/Shanghai" in response.content
    assert b"DTSTART;TZID=Asia/Shanghai:20261210T190000" in response.content
    (event,) = events(response.content)
    start = event.decoded("dtstart")
    assert start.astimezone(UTC) == datetime(2026, 12, 10, 11, tzinfo=UTC)
    assert str(event["summary"]) == meeting.title
    assert "学院楼 301" in str(event["location"])
    assert "https://meeting.example.cn/9" in str(event["location"])
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["uid"]) == f"meeting-{meeting.pk}@127.0.0.1"
    assert f"/orglife/meetings/{meeting.pk}/" in str(event["url"])


def test_a_change_of_time_raises_the_sequence_so_calendars_replace_the_event(client, tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    moved = services.MeetingPlan(
        kind=meeting.kind,
        title=meeting.title,
        starts_at=at(2026, 12, 11, 14),
        ends_at=at(2026, 12, 11, 16),
        place=meeting.place,
        invited_unit_ids=None,
        person_ids=None,
    )
    services.meeting_update(actor=personas.secretary, meeting=meeting, plan=moved)
    client.force_login(personas.student)
    (event,) = events(client.get(reverse("orglife:meeting_ics", args=[meeting.pk])).content)
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == at(2026, 12, 11, 14)


def test_the_feed_lists_a_persons_meetings_and_marks_cancelled_ones(client, tree, personas):
    kept = published(personas.secretary, tree.branch_a1, title="保留的会")
    cancelled = published(personas.secretary, tree.branch_a1, title="取消的会", starts_at=at(2026, 12, 12))
    services.meeting_cancel(actor=personas.secretary, meeting=cancelled, reason="改期")
    hidden = draft(personas.secretary, tree.branch_a1, title="草稿", people=(personas.student,))
    elsewhere = published(personas.outsider, tree.branch_b1, title="别的支部")
    _feed, raw = services.calendar_feed_create(actor=personas.student)
    client.logout()  # a calendar app has no session: the token is the key
    response = client.get(reverse("orglife:calendar_feed_ics", args=[raw]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    found = {str(event["summary"]): str(event["status"]) for event in events(response.content)}
    assert found == {"保留的会": "CONFIRMED", "取消的会": "CANCELLED"}
    assert hidden.title not in found
    assert elsewhere.title not in found
    assert kept.title in found
    assert CalendarFeed.objects.get(person=personas.student).last_used_at is not None


def test_a_wrong_or_revoked_token_reads_nothing(client, personas):
    _feed, raw = services.calendar_feed_create(actor=personas.student)
    assert client.get(reverse("orglife:calendar_feed_ics", args=[raw + "x"])).status_code == 404
    services.calendar_feed_revoke(actor=personas.student)
    assert client.get(reverse("orglife:calendar_feed_ics", args=[raw])).status_code == 404


def test_my_meetings_makes_a_feed_shown_once_and_revokes_it(client, personas):
    client.force_login(personas.student)
    response = client.post(reverse("orglife:calendar_feed"), {"action": "create"})
    assert response.status_code == 200
    feed = CalendarFeed.objects.get(person=personas.student)
    page = response.content.decode()
    start = page.index("/orglife/calendar/cal_")
    url = page[start : page.index('"', start)]
    assert CalendarFeed.digest_of(url.split("/")[3]) == feed.digest
    # Shown once: the page afterwards only says the feed exists.
    assert "/orglife/calendar/cal_" not in client.get(reverse("orglife:my_meetings")).content.decode()
    assert client.get(url).status_code == 200
    client.post(reverse("orglife:calendar_feed"), {"action": "revoke"})
    assert not CalendarFeed.objects.filter(person=personas.student).exists()
    assert client.get(url).status_code == 404
