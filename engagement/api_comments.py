"""API of comments, likes and favourites (the mobile client).

Targets are named ``"article:<id>"`` or ``"lesson:<id>"``; a target the caller may not read is
404. Posting is idempotent per client key (``client_key`` or the ``Idempotency-Key`` header):
201 when stored, 200 with the same comment on a retry. Blocked text is 400 naming ``text``; over
the hourly limit is 429 with ``retry_at`` and a ``Retry-After`` header.
"""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from accounts.api import ErrorOut, error_openapi, error_responses
from accounts.api_auth import api_auth
from accounts.http import AuthedRequest
from engagement import queries_comments, services_comments
from engagement.models import Comment
from engagement.schemas_comments import (
    CommentIn,
    CommentOut,
    CommentPageOut,
    FavouritePageOut,
    FavouriteStateOut,
    ItemLikeStateOut,
    LikeOut,
    ReasonIn,
)

router = Router(tags=["engagement comments"], auth=api_auth)

RATE_LIMITED = (
    "Too many comments: over the hourly limit per person (`error.code` `rate_limited`, `error.retry_at`, "
    "header `Retry-After` in seconds)."
)


def _post_openapi() -> dict[str, Any]:
    extra = error_openapi(400, 401, 403, 404, 409)
    extra["responses"][429] = {"description": RATE_LIMITED}  # type: ignore[index]
    return extra


def comment_json(comment: Comment) -> dict[str, Any]:
    placeholder = getattr(comment, "is_placeholder", False)
    return {
        "id": comment.pk,
        "target": comment.target,
        "parent_id": comment.parent_id,
        "author_id": None if placeholder else comment.author_id,
        "author_name": "" if placeholder else comment.author.name,
        "text": "" if placeholder else comment.shown_text,
        "status": comment.status,
        "created_at": comment.created_at,
        "likes": getattr(comment, "like_count", 0),
        "liked": bool(getattr(comment, "liked", False)),
        "can_delete": bool(getattr(comment, "may_delete", False)),
        "can_hide": bool(getattr(comment, "may_hide", False)),
        "can_restore": bool(getattr(comment, "is_hidden_here", False)),
        "hidden_reason": comment.hidden_reason if getattr(comment, "is_hidden_here", False) else "",
        "replies": [comment_json(reply) for reply in getattr(comment, "reply_list", [])],
    }


def _page(raw: int) -> int:
    return raw if 0 < raw < 100_000 else 1


@router.get(
    "/comments",
    operation_id="comments_list",
    response={200: CommentPageOut, **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(400, 401, 403, 404),
    summary="Comments of an article, video or lesson",
)
def comments_list(request: AuthedRequest, target: str, page: int = 1) -> dict[str, Any]:
    """One page (50) of the item's top comments, newest first, each with its replies (oldest first),
    its likes and whether you like it. Your own comments waiting for review are included (status
    `pending`); nobody else sees them."""
    found = queries_comments.target_named(request.user, target)
    thread = queries_comments.thread_for(request.user, found, _page(page))
    return {
        "target": found.key,
        "title": found.title,
        "url": found.url,
        "count": thread.total,
        "page": thread.page.number,
        "pages": thread.page.paginator.num_pages,
        "can_hide": thread.can_hide,
        "is_favourite": thread.is_favourite,
        "likes": thread.likes,
        "is_liked": thread.is_liked,
        "items": [comment_json(comment) for comment in thread.comments],
    }


def _rate_limited(request: HttpRequest, limited: services_comments.RateLimited) -> HttpResponse:
    seconds = max(1, math.ceil((limited.retry_at - timezone.now()).total_seconds()))
    body = {
        "error": {
            "code": "rate_limited",
            "message": str(limited.message),
            "fields": {},
            "retry_at": limited.retry_at.isoformat(),
        }
    }
    response = JsonResponse(body, status=429)
    response["Retry-After"] = str(seconds)
    return response


@router.post(
    "/comments",
    operation_id="comments_post",
    response={200: CommentOut, 201: CommentOut, **error_responses(400, 401, 403, 404, 409), 429: ErrorOut},
    openapi_extra=_post_openapi(),
    summary="Write a comment or a reply",
)
def comments_post(request: AuthedRequest, payload: CommentIn) -> Any:
    """Write a comment on the item, or a reply (`parent_id`). The text passes the moderation engine:
    refused text answers 400 naming `text`; held text is stored with status `pending` (only you see
    it until a moderator approves it); masked text is stored masked. Retrying with the same client
    key answers 200 with the comment stored the first time."""
    found = queries_comments.target_named(request.user, payload.target)
    key = payload.client_key or request.headers.get("Idempotency-Key", "")
    try:
        result = services_comments.comment_post(
            actor=request.user, target=found, text=payload.text, parent_id=payload.parent_id, client_key=key
        )
    except services_comments.RateLimited as limited:
        return _rate_limited(request, limited)
    comment = result.comment
    comment.may_delete = True  # type: ignore[attr-defined]
    comment.is_pending = comment.status == "pending"  # type: ignore[attr-defined]
    return Status(201 if result.created else 200, comment_json(comment))


@router.delete(
    "/comments/{comment_id}",
    operation_id="comments_delete",
    response={204: None, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(401, 403, 404),
    summary="Delete your comment",
)
def comments_delete(request: AuthedRequest, comment_id: int) -> Status[None]:
    """Only the comment's author deletes it; a top comment with replies stays as "deleted"."""
    services_comments.comment_delete(actor=request.user, comment_id=comment_id)
    return Status(204, None)


@router.post(
    "/comments/{comment_id}/hide",
    operation_id="comments_hide",
    response={200: CommentOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(400, 401, 403, 404, 409),
    summary="Hide a comment, with a reason",
)
def comments_hide(request: AuthedRequest, comment_id: int, payload: ReasonIn) -> dict[str, Any]:
    """For the item's author and the moderators of its unit; the comment's author gets the reason
    in their inbox."""
    comment = services_comments.comment_hide(actor=request.user, comment_id=comment_id, reason=payload.reason)
    comment.is_placeholder = True  # type: ignore[attr-defined]
    return comment_json(comment)


@router.post(
    "/comments/{comment_id}/restore",
    operation_id="comments_restore",
    response={200: CommentOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, 409, notes={409: "`engagement.comment_not_hidden_here`: not hidden on the page."}
    ),
    summary="Show a hidden comment again",
)
def comments_restore(request: AuthedRequest, comment_id: int) -> dict[str, Any]:
    """Undo a hiding made on the item's page (by the item's author or a moderator); a comment
    hidden or rejected through the review queue is changed in the queue."""
    comment = services_comments.comment_restore(actor=request.user, comment_id=comment_id)
    return comment_json(comment)


@router.post(
    "/comments/{comment_id}/report",
    operation_id="comments_report",
    response={201: None, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, 409, notes={409: "`moderation.already_reported`: you reported it before."}
    ),
    summary="Report a comment to the moderators",
)
def comments_report(request: AuthedRequest, comment_id: int, payload: ReasonIn) -> Status[None]:
    """Once per person; when enough people report it, it is hidden until a moderator decides."""
    services_comments.comment_report(actor=request.user, comment_id=comment_id, reason=payload.reason)
    return Status(201, None)


def _like(request: AuthedRequest, comment_id: int, liked: bool) -> dict[str, Any]:
    state, count = services_comments.comment_like_set(actor=request.user, comment_id=comment_id, liked=liked)
    return {"comment_id": comment_id, "liked": state, "likes": count}


@router.put(
    "/comments/{comment_id}/like",
    operation_id="comments_like",
    response={200: LikeOut, **error_responses(401, 403, 404, 409)},
    openapi_extra=error_openapi(401, 403, 404, 409),
    summary="Like a comment",
)
def comments_like(request: AuthedRequest, comment_id: int) -> dict[str, Any]:
    """One like per person: liking again changes nothing."""
    return _like(request, comment_id, True)


@router.delete(
    "/comments/{comment_id}/like",
    operation_id="comments_unlike",
    response={200: LikeOut, **error_responses(401, 403, 404, 409)},
    openapi_extra=error_openapi(401, 403, 404, 409),
    summary="Take back your like",
)
def comments_unlike(request: AuthedRequest, comment_id: int) -> dict[str, Any]:
    """Taking back a like you have not given changes nothing."""
    return _like(request, comment_id, False)


@router.get(
    "/favourites",
    operation_id="favourites_list",
    response={200: FavouritePageOut, **error_responses(400, 401)},
    openapi_extra=error_openapi(400, 401),
    summary="My favourites",
)
def favourites_list(request: AuthedRequest, page: int = 1) -> dict[str, Any]:
    """The articles, videos and lessons you saved, newest first (50 a page)."""
    found, items = queries_comments.my_favourites(request.user, _page(page))
    return {
        "count": found.paginator.count,
        "page": found.number,
        "pages": found.paginator.num_pages,
        "items": [
            {
                "target": item.key,
                "title": item.title,
                "url": item.url,
                "available": item.available,
                "saved_at": item.saved_at,
            }
            for item in items
        ],
    }


def _item_like(request: AuthedRequest, target: str, liked: bool) -> dict[str, Any]:
    found = queries_comments.target_named(request.user, target)
    liked, count = services_comments.item_like_set(actor=request.user, target=found, liked=liked)
    return {"target": found.key, "liked": liked, "likes": count}


@router.put(
    "/likes/{target}",
    operation_id="item_like_add",
    response={200: ItemLikeStateOut, **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(400, 401, 403, 404),
    summary="Like an article, video or lesson",
)
def item_like_add(request: AuthedRequest, target: str) -> dict[str, Any]:
    """`target` is `article:<id>` or `lesson:<id>`; liking twice changes nothing."""
    return _item_like(request, target, True)


@router.delete(
    "/likes/{target}",
    operation_id="item_like_remove",
    response={200: ItemLikeStateOut, **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(400, 401, 403, 404),
    summary="Take back your like of an item",
)
def item_like_remove(request: AuthedRequest, target: str) -> dict[str, Any]:
    """Taking back a like you never gave changes nothing."""
    return _item_like(request, target, False)


def _favourite(request: AuthedRequest, target: str, saved: bool) -> dict[str, Any]:
    found = queries_comments.target_named(request.user, target)
    services_comments.favourite_set(actor=request.user, target=found, saved=saved)
    return {"target": found.key, "saved": saved}


@router.put(
    "/favourites/{target}",
    operation_id="favourites_add",
    response={200: FavouriteStateOut, **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(400, 401, 403, 404),
    summary="Save an item to your favourites",
)
def favourites_add(request: AuthedRequest, target: str) -> dict[str, Any]:
    """`target` is `article:<id>` or `lesson:<id>`; saving twice changes nothing."""
    return _favourite(request, target, True)


@router.delete(
    "/favourites/{target}",
    operation_id="favourites_remove",
    response={200: FavouriteStateOut, **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(400, 401, 403, 404),
    summary="Take an item out of your favourites",
)
def favourites_remove(request: AuthedRequest, target: str) -> dict[str, Any]:
    """Removing an item you have not saved changes nothing."""
    return _favourite(request, target, False)
