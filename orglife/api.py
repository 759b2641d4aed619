"""API of organisational life: a unit's meetings, planning, notices, answers, leave and read receipts.

Out of the caller's scope is 404, in scope without the right 403, exactly as on the pages (the
services and ``orglife.permissions`` decide); a refused transition is 409 with its code.
"""

from django.db.models import QuerySet
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api import error_openapi, error_responses
from accounts.http import AuthedRequest
from core.permissions import require
from orglife import capabilities as caps
from orglife import permissions, queries, services
from orglife.models import Invitation, Meeting
from orglife.schemas import (
    AnswerIn,
    CancelIn,
    InvitationOut,
    LeaveDecisionIn,
    MeetingDetailOut,
    MeetingFiltersIn,
    MeetingIn,
    MeetingOut,
    MeetingUpdateIn,
    MyInvitationOut,
    OwnInvitationOut,
    UnitMeetingOut,
)
from orgs import queries as org_queries
from orgs.schemas import PagePagination

router = Router(tags=["orglife"])

ORGANISE_NOTE = "Needs `orglife.organise_meetings` over the meeting's organising unit."


def _detail(request: AuthedRequest, meeting: Meeting, invitation: Invitation | None) -> Meeting:
    """The meeting ready for ``MeetingDetailOut``: the caller's invitation and, for viewers, the counts."""
    invited = permissions.is_invited(invitation, meeting)
    may_view = permissions.can_view_meetings_of(request.user, meeting.unit)
    meeting.my_invitation = invitation if invited else None  # type: ignore[attr-defined]
    meeting.summary = queries.invitation_summary(meeting) if may_view else None  # type: ignore[attr-defined]
    return meeting


def _visible_meeting(request: AuthedRequest, meeting_id: int) -> tuple[Meeting, Invitation | None]:
    meeting = queries.meeting_get(meeting_id)
    invitation = queries.invitation_of(request.user, meeting)
    permissions.require_meeting_visible(request.user, meeting, invitation)
    return meeting, invitation


def _organised_meeting(request: AuthedRequest, meeting_id: int) -> Meeting:
    meeting = queries.meeting_get(meeting_id)
    permissions.require_organiser(request.user, meeting, queries.invitation_of(request.user, meeting))
    return meeting


# --- A unit's meetings ------------------------------------------------------------------------------


@router.get(
    "/units/{unit_id}/meetings",
    operation_id="list_unit_meetings",
    response={200: list[UnitMeetingOut], **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, notes={403: "Needs `orglife.view_meetings` over the unit."}
    ),
    tags=["meetings"],
    summary="Meetings of a unit",
)
@paginate(PagePagination)
def list_unit_meetings(
    request: AuthedRequest, unit_id: int, filters: Query[MeetingFiltersIn]
) -> QuerySet[Meeting]:
    """Meetings organised in the unit and below it: those not yet over in the order they start,
    then past ones, latest first; with how many are invited, have read the notice and wait for a
    leave decision."""
    unit = org_queries.unit_get(unit_id)
    require(request.user, caps.VIEW_MEETINGS, unit)
    return queries.meetings_of_unit(unit, kind=filters.kind or "", status=filters.status or "")


@router.post(
    "/units/{unit_id}/meetings",
    operation_id="create_meeting",
    response={201: MeetingDetailOut, **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        notes={
            400: "`fields` names each wrong field (`ends_at`, `place`, `online_url`, `invited_units`, `people`…).",
            403: "Needs `orglife.organise_meetings` over the unit.",
        },
    ),
    tags=["meetings"],
    summary="Plan a meeting (a draft)",
)
def create_meeting(request: AuthedRequest, unit_id: int, payload: MeetingIn) -> Status[Meeting]:
    """Plan a meeting of the unit as a draft: invitees see nothing until its notice is published."""
    unit = org_queries.unit_get(unit_id)
    meeting = services.meeting_create(actor=request.user, unit=unit, plan=payload.plan())
    meeting = queries.meeting_get(meeting.pk)
    return Status(201, _detail(request, meeting, None))


# --- One meeting ------------------------------------------------------------------------------------


@router.get(
    "/meetings/{meeting_id}",
    operation_id="get_meeting",
    response={200: MeetingDetailOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(
        401,
        403,
        404,
        notes={403: "Needs an invitation to the published meeting or `orglife.view_meetings` over its unit."},
    ),
    tags=["meetings"],
    summary="A meeting",
)
def get_meeting(request: AuthedRequest, meeting_id: int) -> Meeting:
    """The meeting with its agenda. When you are invited, opening it records that you read the
    notice; with `orglife.view_meetings` you also get how many have read and answered."""
    meeting, invitation = _visible_meeting(request, meeting_id)
    if invitation is not None and invitation.read_at is None:
        services.invitation_mark_read(actor=request.user, meeting=meeting)
        invitation.refresh_from_db()
    return _detail(request, meeting, invitation)


@router.put(
    "/meetings/{meeting_id}",
    operation_id="update_meeting",
    response={200: MeetingDetailOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            403: ORGANISE_NOTE,
            409: "Codes: `meeting_locked` (closed or cancelled), `invitees_fixed` (invitees sent after publishing).",
        },
    ),
    tags=["meetings"],
    summary="Change a meeting",
)
def update_meeting(request: AuthedRequest, meeting_id: int, payload: MeetingUpdateIn) -> Meeting:
    """Change a draft freely, or a published meeting's type, title, agenda, time and place. When the
    time or place of a published meeting changes, every invitee is notified again and calendar
    apps replace the event (its `SEQUENCE` rises)."""
    meeting = _organised_meeting(request, meeting_id)
    services.meeting_update(actor=request.user, meeting=meeting, plan=payload.plan())
    meeting = queries.meeting_get(meeting_id)
    return _detail(request, meeting, queries.invitation_of(request.user, meeting))


@router.post(
    "/meetings/{meeting_id}/publish",
    operation_id="publish_meeting",
    response={200: MeetingDetailOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={403: ORGANISE_NOTE, 409: "Codes: `meeting_not_draft`, `no_invitees`."},
    ),
    tags=["meetings"],
    summary="Publish a meeting's notice",
)
def publish_meeting(request: AuthedRequest, meeting_id: int) -> Meeting:
    """Invite every member of the invited units and notify each invitee (in the inbox, and by email
    where configured). Publishing again is safe: nobody is notified twice."""
    meeting = _organised_meeting(request, meeting_id)
    services.meeting_publish(actor=request.user, meeting=meeting)
    meeting = queries.meeting_get(meeting_id)
    return _detail(request, meeting, queries.invitation_of(request.user, meeting))


@router.post(
    "/meetings/{meeting_id}/cancel",
    operation_id="cancel_meeting",
    response={200: MeetingDetailOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, 409, notes={403: ORGANISE_NOTE, 409: "`meeting_closed`: a closed meeting stays."}
    ),
    tags=["meetings"],
    summary="Cancel a meeting",
)
def cancel_meeting(request: AuthedRequest, meeting_id: int, payload: CancelIn) -> Meeting:
    """Cancel with a reason; the invitees of a published notice are told. Cancelling again changes nothing."""
    meeting = _organised_meeting(request, meeting_id)
    services.meeting_cancel(actor=request.user, meeting=meeting, reason=payload.reason)
    meeting = queries.meeting_get(meeting_id)
    return _detail(request, meeting, queries.invitation_of(request.user, meeting))


@router.get(
    "/meetings/{meeting_id}/invitations",
    operation_id="list_meeting_invitations",
    response={200: list[InvitationOut], **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, notes={403: "Needs `orglife.view_meetings` over the meeting's unit."}
    ),
    tags=["meetings"],
    summary="Who has read the notice and how they answered",
)
@paginate(PagePagination)
def list_meeting_invitations(request: AuthedRequest, meeting_id: int) -> QuerySet[Invitation]:
    """Every invitee, by number: when they read the notice (null: not yet), their answer and leave."""
    meeting = queries.meeting_get(meeting_id)
    invitation = queries.invitation_of(request.user, meeting)
    permissions.require_read_status_visible(request.user, meeting, invitation)
    return queries.invitations_of(meeting)


@router.post(
    "/meetings/{meeting_id}/answer",
    operation_id="answer_meeting",
    response={200: OwnInvitationOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: "`reason` is required with `leave`.",
            403: "Only with a session whose CSRF token is missing (`csrf_failed`).",
            404: "You are not invited to this meeting.",
            409: "Codes: `meeting_not_open` (cancelled or closed), `meeting_over`.",
        },
    ),
    tags=["me"],
    summary="Answer a meeting: attend or ask for leave",
)
def answer_meeting(request: AuthedRequest, meeting_id: int, payload: AnswerIn) -> Invitation:
    """Say you attend, or ask for leave with a reason (the organiser approves or refuses it).
    Sending the same answer again changes nothing."""
    meeting = queries.meeting_get(meeting_id)
    return services.invitation_answer(
        actor=request.user, meeting=meeting, response=payload.response, reason=payload.reason
    )


@router.post(
    "/invitations/{invitation_id}/leave-decision",
    operation_id="decide_leave",
    response={200: InvitationOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: "`note` is required when refusing.",
            403: ORGANISE_NOTE,
            409: "Codes: `no_leave_request`, `meeting_not_open`.",
        },
    ),
    tags=["meetings"],
    summary="Approve or refuse a leave request",
)
def decide_leave(request: AuthedRequest, invitation_id: int, payload: LeaveDecisionIn) -> Invitation:
    """Approve or refuse an invitee's leave request; the invitee is notified. Deciding the same way
    again changes nothing."""
    invitation = queries.invitation_get(invitation_id)
    permissions.require_organiser(
        request.user, invitation.meeting, queries.invitation_of(request.user, invitation.meeting)
    )
    decided = services.leave_decide(
        actor=request.user, invitation=invitation, approve=payload.approve, note=payload.note
    )
    return queries.invitation_get(decided.pk)


# --- My meetings ------------------------------------------------------------------------------------


@router.get(
    "/me/meetings",
    operation_id="list_my_meetings",
    response={200: list[MyInvitationOut], **error_responses(400, 401)},
    openapi_extra=error_openapi(400, 401),
    tags=["me"],
    summary="Meetings you are invited to",
)
@paginate(PagePagination)
def list_my_meetings(request: AuthedRequest, upcoming: bool = False) -> QuerySet[Invitation]:
    """Your invitations to published, closed or cancelled meetings: those not yet over first, in
    the order they start, then past ones. `upcoming=true` lists only those not yet over."""
    return queries.my_invitations(request.user, upcoming_only=upcoming)


__all__ = ["MeetingOut", "router"]
