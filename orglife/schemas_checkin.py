"""Schemas of the check-in and meeting-record API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from orglife.queries_record import Attendance, AttendanceEntry, MeetingRecord


class CheckInIn(Schema):
    """Either the short `code` (alone, or with `meeting_id`), or the QR `token` with `meeting_id`."""

    code: str = Field("", max_length=20, description="The 6-character code shown beside the QR code.")
    token: str = Field("", max_length=200, description="The `t` parameter of the URL in the QR code.")
    meeting_id: int | None = Field(
        None, description="The meeting; without it, the short code finds the meeting open for check-in now."
    )


class MarkPresentIn(Schema):
    person_id: int = Field(description="An invitee of the meeting.")


class CheckInOut(Schema):
    meeting_id: int
    meeting_title: str
    person_id: int
    checked_in_at: datetime
    method: str = Field(description="`qr`, `code` or `manual` (marked present by the organiser).")
    created: bool = Field(description="False when the person was already checked in (a retry counts once).")


class AttendanceCountsOut(Schema):
    invited: int
    present: int
    on_leave: int = Field(description="Leave approved and not present.")
    absent: int = Field(description="Neither present nor on leave (before the end: not here yet).")


class MeetingAttendeeOut(Schema):
    person_id: int
    name: str
    number: str
    state: str = Field(description="`present`, `on_leave`, `absent`, or `not_yet` while the meeting runs.")
    checked_in_at: datetime | None
    method: str | None
    leave_status: str = Field(description="`none`, `requested`, `approved` or `refused`.")
    leave_reason: str


class MeetingAttendanceOut(Schema):
    meeting_id: int
    status: str
    counts: AttendanceCountsOut
    people: list[MeetingAttendeeOut]


class MeetingResolutionOut(Schema):
    id: int
    text: str
    created_at: datetime


class FollowUpTaskOut(Schema):
    id: int
    title: str
    owner_id: int
    owner_name: str
    due_on: date
    done: bool
    done_at: datetime | None


class MeetingPhotoOut(Schema):
    title: str
    url: str = Field(description="The photo (permission-checked download).")
    thumbnail_url: str


class RecordAmendmentOut(Schema):
    text: str
    author_name: str
    created_at: datetime


class MeetingRecordOut(Schema):
    meeting_id: int
    title: str
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime
    closed_at: datetime | None
    locked: bool = Field(description="True once the meeting is closed: corrections are amendments.")
    minutes_html: str = Field(description="Sanitised HTML.")
    minutes_updated_at: datetime | None
    resolutions: list[MeetingResolutionOut]
    tasks: list[FollowUpTaskOut]
    photos: list[MeetingPhotoOut]
    amendments: list[RecordAmendmentOut]
    counts: AttendanceCountsOut


class MyAttendanceOut(Schema):
    meeting_id: int
    title: str
    kind: str
    starts_at: datetime
    state: str = Field(description="`present`, `on_leave` or `absent`.")
    checked_in_at: datetime | None


def counts_json(attendance: Attendance) -> dict[str, int]:
    return {
        "invited": attendance.invited,
        "present": attendance.present,
        "on_leave": attendance.on_leave,
        "absent": attendance.absent,
    }


def attendance_json(attendance: Attendance, *, meeting_id: int, status: str) -> dict[str, Any]:
    return {
        "meeting_id": meeting_id,
        "status": status,
        "counts": counts_json(attendance),
        "people": [
            {
                "person_id": row.person.pk,
                "name": row.person.name,
                "number": row.person.number,
                "state": row.state,
                "checked_in_at": row.checked_in_at,
                "method": row.method,
                "leave_status": row.invitation.leave_status,
                "leave_reason": row.invitation.leave_reason,
            }
            for row in attendance.rows
        ],
    }


def record_json(record: MeetingRecord, attendance: Attendance) -> dict[str, Any]:
    meeting = record.meeting
    return {
        "meeting_id": meeting.pk,
        "title": meeting.title,
        "kind": meeting.kind,
        "status": meeting.status,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "closed_at": meeting.closed_at,
        "locked": meeting.is_locked,
        "minutes_html": record.minutes.html if record.minutes else "",
        "minutes_updated_at": record.minutes.updated_at if record.minutes else None,
        "resolutions": [{"id": r.pk, "text": r.text, "created_at": r.created_at} for r in record.resolutions],
        "tasks": [
            {
                "id": task.pk,
                "title": task.title,
                "owner_id": task.owner_id,
                "owner_name": task.owner.name,
                "due_on": task.due_on,
                "done": task.done,
                "done_at": task.done_at,
            }
            for task in record.tasks
        ],
        "photos": [
            {
                "title": photo.document.title,
                "url": reverse("archive:download", args=[photo.document.public_id]),
                "thumbnail_url": reverse("archive:thumbnail", args=[photo.document.public_id]),
            }
            for photo in record.photos
        ],
        "amendments": [
            {"text": a.text, "author_name": a.author.name, "created_at": a.created_at}
            for a in record.amendments
        ],
        "counts": counts_json(attendance),
    }


def my_attendance_json(entry: AttendanceEntry) -> dict[str, Any]:
    return {
        "meeting_id": entry.meeting.pk,
        "title": entry.meeting.title,
        "kind": entry.meeting.kind,
        "starts_at": entry.meeting.starts_at,
        "state": entry.state,
        "checked_in_at": entry.checked_in_at,
    }
