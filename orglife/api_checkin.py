"""API of check-in and the meeting record: check in, mark present, the live attendance, the record.

Checking in is idempotent: a retried or doubled request answers 200 with the existing check-in
(201 only when this request created it). Out of scope is 404, in scope without the right 403,
exactly as on the pages; a refused check-in (expired code, not invited, check-in closed) is 409.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from accounts.api import error_openapi, error_responses
from accounts.api_auth import api_auth
from accounts.http import AuthedRequest
from core.errors import FieldErrors
from orglife import queries_record, services_checkin
from orglife.schemas_checkin import (
    CheckInIn,
    CheckInOut,
    MarkPresentIn,
    MeetingAttendanceOut,
    MeetingRecordOut,
    MyAttendanceOut,
    attendance_json,
    my_attendance_json,
    record_json,
)

router = Router(tags=["orglife check-in"], auth=api_auth)

CHECK_IN_REFUSALS = (
    "Codes: `check_in_code_expired` (codes change every 30 seconds; the current and the previous one "
    "are accepted), `check_in_code_invalid` (not this meeting's code), `check_in_code_unknown` (no "
    "meeting open now has this code), `check_in_not_invited`, `check_in_not_open`, `check_in_ended`, "
    "`meeting_closed`, `meeting_cancelled`, `meeting_not_published`."
)


def _check_in_json(result: services_checkin.CheckInResult) -> Status[dict[str, Any]]:
    check_in = result.check_in
    body = {
        "meeting_id": check_in.meeting_id,
        "meeting_title": check_in.meeting.title,
        "person_id": check_in.person_id,
        "checked_in_at": check_in.checked_in_at,
        "method": check_in.method,
        "created": result.created,
    }
    return Status(201 if result.created else 200, body)


@router.post(
    "/check-ins",
    operation_id="check_in",
    response={200: CheckInOut, 201: CheckInOut, **error_responses(400, 401, 404, 409)},
    openapi_extra=error_openapi(400, 401, 404, 409, notes={409: CHECK_IN_REFUSALS}),
    summary="Check yourself in to a meeting",
)
def check_in(request: AuthedRequest, payload: CheckInIn) -> Status[dict[str, Any]]:
    """Check in with the short code shown on the meeting's screen (the code finds the meeting), or
    with the QR code's token and `meeting_id`. Only invitees check in, from 30 minutes before the
    start until the meeting ends. Sending it again answers 200 with the same check-in."""
    if payload.token:
        if payload.meeting_id is None:
            raise FieldErrors.single("meeting_id", _("Give the meeting of the QR code's token."))
        result = services_checkin.check_in_by_token(
            actor=request.user, meeting_id=payload.meeting_id, token=payload.token
        )
    else:
        result = services_checkin.check_in_by_code(
            actor=request.user, code=payload.code, meeting_id=payload.meeting_id
        )
    return _check_in_json(result)


@router.post(
    "/meetings/{meeting_id}/check-ins",
    operation_id="mark_present",
    response={200: CheckInOut, 201: CheckInOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: "`person` when the person is not invited to the meeting.",
            403: "Needs `orglife.organise_meetings` over the meeting's unit.",
            409: "Codes: `check_in_not_open`, `meeting_closed`, `meeting_cancelled`, `meeting_not_published`.",
        },
    ),
    summary="Mark an invitee present",
)
def mark_present(request: AuthedRequest, meeting_id: int, payload: MarkPresentIn) -> Status[dict[str, Any]]:
    """The organiser marks an invitee present by hand, from the opening of check-in until the meeting
    is closed. Idempotent: 200 with the existing check-in when the person is already present."""
    result = services_checkin.check_in_mark_present(
        actor=request.user, meeting_id=meeting_id, person_id=payload.person_id
    )
    return _check_in_json(result)


@router.get(
    "/meetings/{meeting_id}/attendance",
    operation_id="get_meeting_attendance",
    response={200: MeetingAttendanceOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(
        401, 403, 404, notes={403: "Needs `orglife.organise_meetings` over the meeting's unit."}
    ),
    summary="Who has checked in (the live list)",
)
def get_meeting_attendance(request: AuthedRequest, meeting_id: int) -> dict[str, Any]:
    """Every invitee with their state, how they checked in and their leave request, and the counts
    (invited / present / on leave / absent). Poll it every few seconds during check-in."""
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    attendance = queries_record.attendance(meeting)
    return attendance_json(attendance, meeting_id=meeting.pk, status=meeting.status)


@router.get(
    "/meetings/{meeting_id}/record",
    operation_id="get_meeting_record",
    response={200: MeetingRecordOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(
        401,
        403,
        404,
        notes={
            403: "Needs `orglife.view_meetings` over the meeting's unit, or an invitation to the meeting."
        },
    ),
    summary="A meeting's record",
)
def get_meeting_record(request: AuthedRequest, meeting_id: int) -> dict[str, Any]:
    """Minutes, resolutions, follow-up tasks, photos, amendments and attendance counts. Once the meeting
    is closed (`locked`), the record only grows by amendments."""
    meeting = queries_record.meeting_for_reader(request.user, meeting_id)
    return record_json(queries_record.record_of(meeting), queries_record.attendance(meeting))


@router.get(
    "/me/attendance",
    operation_id="get_my_attendance",
    response={200: list[MyAttendanceOut], **error_responses(401)},
    openapi_extra=error_openapi(401),
    tags=["me"],
    summary="Your attendance at past meetings",
)
def get_my_attendance(request: AuthedRequest) -> list[dict[str, Any]]:
    """Every meeting you were invited to that has ended or is closed, newest first, with whether you
    were present, on leave (leave approved) or absent. Cancelled meetings are left out."""
    return [my_attendance_json(entry) for entry in queries_record.attendance_of(request.user)]
