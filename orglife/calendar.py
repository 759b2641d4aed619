"""Meetings as iCalendar (.ics): one meeting to download, or a person's whole feed to subscribe to.

Times are written in the server's time zone (Asia/Shanghai by default) with its VTIMEZONE, so a
phone abroad shows the right hour. Each event keeps one UID for its whole life and a SEQUENCE
raised at each change of time or place, so calendar apps replace it; a cancelled meeting stays
in the feed as ``STATUS:CANCELLED``, which removes it from the person's calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from orglife.models import Meeting, MeetingStatus


def _uid(meeting: Meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "smartbranch"
    return f"meeting-{meeting.pk}@{host}"


def meeting_event(meeting: Meeting) -> icalendar.Event:
    """One VEVENT for the meeting, in local time, cancelled when the meeting is."""
    zone = timezone.get_default_timezone()
    url = settings.SITE_URL.rstrip("/") + reverse("orglife:meeting", args=[meeting.pk])
    event = icalendar.Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", meeting.title)
    event.add("sequence", meeting.sequence)
    location = ", ".join(part for part in (meeting.place, meeting.online_url) if part)
    if location:
        event.add("location", location)
    description = "\n\n".join(part for part in (meeting.get_kind_display(), meeting.agenda, url) if part)
    event.add("description", description)
    event.add("url", url)
    if meeting.status == MeetingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def calendar_of(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A whole calendar of the meetings, with the time zone definitions it uses."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//SmartBranch//orglife meetings//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()
