"""API of notices: send, my notices, open one (records read), acknowledge, receipts, remind."""

from __future__ import annotations

from typing import Any

from ninja import Router
from ninja.responses import Status

from accounts.api import error_openapi, error_responses
from accounts.api_auth import api_auth
from accounts.http import AuthedRequest
from engagement import permissions_notices as perms
from engagement import queries_notices as queries
from engagement import services_notices as services
from engagement.schemas_notices import (
    NoticeIn,
    NoticeOut,
    ReceiptsOut,
    RemindedOut,
    notice_json,
    receipts_json,
)

router = Router(tags=["engagement notices"], auth=api_auth)


@router.post(
    "/notices",
    operation_id="send_notice",
    response={200: NoticeOut, 201: NoticeOut, **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        notes={
            403: "Needs `engagement.send_notices` over the unit.",
            400: "`unit`, `title`, `body`, `party_statuses` (also: no one in the audience).",
        },
    ),
    summary="Send a notice",
)
def send_notice(request: AuthedRequest, payload: NoticeIn) -> Status[dict[str, Any]]:
    """Every recipient gets an inbox item. A retry with the same `request_key` answers 200 with the first notice."""
    earlier = (
        bool(payload.request_key)
        and queries.Notice.objects.filter(sender_id=request.user.pk, request_key=payload.request_key).exists()
    )
    notice = services.notice_send(
        actor=request.user,
        unit_id=payload.unit_id,
        title=payload.title,
        body=payload.body,
        whole_subtree=payload.whole_subtree,
        party_statuses=payload.party_statuses,
        requires_ack=payload.requires_ack,
        request_key=payload.request_key,
    )
    return Status(200 if earlier else 201, notice_json(notice, None))


@router.get(
    "/notices/mine",
    operation_id="list_my_notices",
    response={200: list[NoticeOut], **error_responses(401)},
    openapi_extra=error_openapi(401),
    summary="My notices",
)
def list_mine(request: AuthedRequest) -> list[dict[str, Any]]:
    """Notices sent to the caller, newest first (at most 200), with their read and acknowledged times."""
    return [notice_json(receipt.notice, receipt) for receipt in queries.mine(request.user)[:200]]


@router.get(
    "/notices/{notice_id}",
    operation_id="get_notice",
    response={200: NoticeOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(401, 403, 404, notes={403: "Neither a recipient nor a sender of the unit."}),
    summary="Open a notice (records that you read it)",
)
def get_notice(request: AuthedRequest, notice_id: int) -> dict[str, Any]:
    """For a recipient, the first call records the reading time."""
    notice = queries.notice_get(notice_id)
    receipt = queries.receipt_of(request.user, notice)
    perms.require_visible(request.user, notice, is_recipient=receipt is not None)
    receipt = services.notice_open(actor=request.user, notice=notice)
    return notice_json(notice, receipt)


@router.post(
    "/notices/{notice_id}/acknowledgement",
    operation_id="acknowledge_notice",
    response={200: NoticeOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={409: "`notice.no_acknowledgement` when the notice does not ask for it."},
    ),
    summary="I have read and acknowledge",
)
def acknowledge(request: AuthedRequest, notice_id: int) -> dict[str, Any]:
    """Idempotent: pressing again keeps the first time."""
    receipt = services.notice_acknowledge(actor=request.user, notice_id=notice_id)
    return notice_json(queries.notice_get(notice_id), receipt)


@router.get(
    "/notices/{notice_id}/receipts",
    operation_id="get_notice_receipts",
    response={200: ReceiptsOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(
        401, 403, 404, notes={403: "The sender or `engagement.send_notices` over the unit."}
    ),
    summary="Who has read and acknowledged a notice",
)
def receipts(request: AuthedRequest, notice_id: int) -> dict[str, Any]:
    """Recipients split into done, read only (not acknowledged) and not read."""
    notice = queries.notice_get(notice_id)
    perms.require_receipts(
        request.user, notice, is_recipient=queries.receipt_of(request.user, notice) is not None
    )
    return receipts_json(notice, queries.receipts_of(notice))


@router.post(
    "/notices/{notice_id}/reminders",
    operation_id="remind_notice",
    response={200: RemindedOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={409: "`notice.reminded_today` (once a day at most), `notice.all_done`."},
    ),
    summary="Remind those who have not read or acknowledged",
)
def remind(request: AuthedRequest, notice_id: int) -> dict[str, Any]:
    """At most once a day per notice."""
    return {"reminded": services.notice_remind(actor=request.user, notice_id=notice_id)}
