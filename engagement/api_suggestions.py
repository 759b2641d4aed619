"""API of the suggestion box: send, my messages, one item, reply, follow up, rate, reassign, and a
unit's box with its reply times. Out of scope 404, in scope without the right 403; a refused step
409; a hidden sender's name only ever reaches the item's handler."""

from __future__ import annotations

from typing import Any

from ninja import Router
from ninja.responses import Status

from accounts.api import error_openapi, error_responses
from accounts.api_auth import api_auth
from accounts.http import AuthedRequest
from engagement import permissions_suggestions as perms
from engagement import queries_suggestions as queries
from engagement import services_suggestions as services
from engagement.schemas_suggestions import (
    AssignIn,
    BoxOut,
    RatingIn,
    SuggestionDetailOut,
    SuggestionIn,
    SuggestionOut,
    TextIn,
    UnitOut,
    detail_json,
    figures_json,
    suggestion_json,
    unit_json,
)
from orgs import queries as org_queries

router = Router(tags=["engagement suggestion box"], auth=api_auth)

REFUSALS = "Codes: `suggestion.not_open`, `suggestion.not_answered`, `suggestion.rejected`."


def _visible(request: AuthedRequest, suggestion_id: int) -> Any:
    item = queries.suggestion_get(suggestion_id)
    perms.require_view(request.user, item)
    return item


def _detail(request: AuthedRequest, suggestion_id: int) -> dict[str, Any]:
    return detail_json(request.user, queries.suggestion_get(suggestion_id))


@router.get(
    "/suggestions/destinations",
    operation_id="list_suggestion_destinations",
    response={200: list[UnitOut], **error_responses(401)},
    openapi_extra=error_openapi(401),
    summary="Where I may send a suggestion",
)
def list_destinations(request: AuthedRequest) -> list[dict[str, Any]]:
    """The caller's branch and the units above it, nearest first; empty without a branch."""
    return [unit_json(unit) for unit in queries.destinations_for(request.user)]


@router.post(
    "/suggestions",
    operation_id="send_suggestion",
    response={200: SuggestionDetailOut, 201: SuggestionDetailOut, **error_responses(400, 401)},
    openapi_extra=error_openapi(
        400, 401, notes={400: "`unit_id`, `subject`, `text`, `kind`; blocked words name `subject` or `text`."}
    ),
    summary="Send a suggestion or question",
)
def send_suggestion(request: AuthedRequest, payload: SuggestionIn) -> Status[dict[str, Any]]:
    """Status `review` means it waits for moderation before the handler sees it. A retry with the
    same `request_key` answers 200 with the first item."""
    existing = None
    if payload.request_key:
        existing = queries.mine(request.user).filter(request_key=payload.request_key).first()
    item = services.suggestion_send(
        actor=request.user,
        unit_id=payload.unit_id,
        kind=payload.kind,
        subject=payload.subject,
        text=payload.text,
        hide_name=payload.hide_name,
        request_key=payload.request_key,
    )
    return Status(200 if existing else 201, _detail(request, item.pk))


@router.get(
    "/suggestions/mine",
    operation_id="list_my_suggestions",
    response={200: list[SuggestionOut], **error_responses(401)},
    openapi_extra=error_openapi(401),
    summary="My messages",
)
def list_mine(request: AuthedRequest) -> list[dict[str, Any]]:
    """The caller's own messages, newest first (at most 200)."""
    return [suggestion_json(request.user, item) for item in queries.mine(request.user)[:200]]


@router.get(
    "/suggestions/handling",
    operation_id="list_suggestions_to_answer",
    response={200: list[SuggestionOut], **error_responses(401)},
    openapi_extra=error_openapi(401),
    summary="Messages waiting for my reply",
)
def list_handling(request: AuthedRequest) -> list[dict[str, Any]]:
    """Open items the caller handles, earliest deadline (overdue) first (at most 200)."""
    return [suggestion_json(request.user, item) for item in queries.handling(request.user)[:200]]


@router.get(
    "/suggestions/{suggestion_id}",
    operation_id="get_suggestion",
    response={200: SuggestionDetailOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(
        401, 403, 404, notes={403: "Needs `engagement.manage_suggestions` unless sender or handler."}
    ),
    summary="One message and its thread",
)
def get_suggestion(request: AuthedRequest, suggestion_id: int) -> dict[str, Any]:
    """The message, its handler, deadline and rating, and its events in order. Texts still held by
    moderation are shown (as `pending_review`) only to their own writer. `sender` is null unless the
    caller is the sender or the handler, or the name is not hidden."""
    return detail_json(request.user, _visible(request, suggestion_id))


@router.post(
    "/suggestions/{suggestion_id}/replies",
    operation_id="reply_to_suggestion",
    response={200: SuggestionDetailOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, 409, notes={403: "Only the handler replies.", 409: REFUSALS}
    ),
    summary="Reply (handler)",
)
def reply(request: AuthedRequest, suggestion_id: int, payload: TextIn) -> dict[str, Any]:
    """The current handler answers; the first reply of a round marks the item `answered` and tells
    the sender. A retry with the same `request_key` adds nothing."""
    services.suggestion_reply(
        actor=request.user, suggestion_id=suggestion_id, text=payload.text, request_key=payload.request_key
    )
    return _detail(request, suggestion_id)


@router.post(
    "/suggestions/{suggestion_id}/follow-ups",
    operation_id="follow_up_suggestion",
    response={200: SuggestionDetailOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(400, 401, 403, 404, 409, notes={403: "Only the sender.", 409: REFUSALS}),
    summary="Follow up after a reply (sender)",
)
def follow_up(request: AuthedRequest, suggestion_id: int, payload: TextIn) -> dict[str, Any]:
    """Reopens the item with a new deadline (once approved, if the text is held)."""
    services.suggestion_follow_up(
        actor=request.user, suggestion_id=suggestion_id, text=payload.text, request_key=payload.request_key
    )
    return _detail(request, suggestion_id)


@router.post(
    "/suggestions/{suggestion_id}/rating",
    operation_id="rate_suggestion_reply",
    response={200: SuggestionDetailOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(400, 401, 403, 404, 409, notes={403: "Only the sender.", 409: REFUSALS}),
    summary="Rate the reply (sender)",
)
def rate(request: AuthedRequest, suggestion_id: int, payload: RatingIn) -> dict[str, Any]:
    """Only once the item is answered; closes it. A repeated identical rating changes nothing."""
    services.suggestion_rate(
        actor=request.user, suggestion_id=suggestion_id, rating=payload.rating, comment=payload.comment
    )
    return _detail(request, suggestion_id)


@router.post(
    "/suggestions/{suggestion_id}/handler",
    operation_id="assign_suggestion",
    response={200: SuggestionDetailOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, 409, notes={403: "Needs `engagement.manage_suggestions` over the item's unit."}
    ),
    summary="Name another handler",
)
def assign(request: AuthedRequest, suggestion_id: int, payload: AssignIn) -> dict[str, Any]:
    """An officer with oversight names another handler (`400 handler` when the person holds neither
    the mailbox duty nor oversight of the unit). The former handler no longer sees a hidden name."""
    services.suggestion_assign(
        actor=request.user, suggestion_id=suggestion_id, handler_id=payload.handler_id, note=payload.note
    )
    return _detail(request, suggestion_id)


@router.get(
    "/units/{unit_id}/suggestions",
    operation_id="get_unit_suggestion_box",
    response={200: BoxOut, **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, notes={403: "Needs `engagement.manage_suggestions` over the unit."}
    ),
    summary="A unit's box: items, reply times, sub-units' figures",
)
def unit_box(request: AuthedRequest, unit_id: int, status: str = "open", days: int = 90) -> dict[str, Any]:
    """`status`: `open` (overdue first), `answered`, `closed` or `all` (at most 200 items);
    `days`: the period of the figures (1–366)."""
    unit = org_queries.unit_get(unit_id)
    perms.require_manage_unit(request.user, unit)
    days = min(max(days, 1), 366)
    status = status if status in queries.BOX_FILTERS else "open"
    return {
        "figures": figures_json(queries.unit_figures(unit, days=days)),
        "sub_units": [figures_json(row) for row in queries.sub_unit_figures(unit, days=days)],
        "items": [suggestion_json(request.user, item) for item in queries.box_of(unit, status)[:200]],
    }
