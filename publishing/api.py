"""API of publishing: public channels and items (no login), and authors' and reviewers' endpoints.

The public endpoints show exactly what the public pages show: published items only. The others
call the same services as the pages: out of scope 404, in scope without the right 403, a refused
transition 409 with its code.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api import error_openapi, error_responses
from accounts.api_auth import api_auth
from accounts.http import AuthedRequest
from core.errors import FieldErrors
from orgs.schemas import PagePagination
from publishing import capabilities as caps
from publishing import permissions, queries, services, services_channels
from publishing.models import Article, Channel, ReviewTask
from publishing.schemas import (
    ArticleIn,
    ArticleOut,
    ArticleSummaryOut,
    ChannelOut,
    DecisionIn,
    MediaOut,
    MyArticleOut,
    ReviewOut,
    WithdrawIn,
)
from publishing.services import ArticleInput

router = Router(tags=["publishing"], auth=api_auth)

TRANSITION_CODES = (
    "`publishing.not_a_draft`, `publishing.empty`, `publishing.no_video`, `publishing.not_in_review`, "
    "`publishing.same_reviewer`, `publishing.review_moved`, `publishing.not_withdrawable`"
)


# --- Public ---------------------------------------------------------------------------------------


@router.get(
    "/channels",
    auth=None,
    operation_id="list_channels",
    response={200: list[ChannelOut], **error_responses(400)},
    openapi_extra=error_openapi(400),
    tags=["channels"],
    summary="Public channels",
)
@paginate(PagePagination)
def list_channels(request: AuthedRequest) -> QuerySet[Channel]:
    """Every org unit's public channel, by name. No login needed."""
    return queries.public_channels()


@router.get(
    "/channels/{slug}",
    auth=None,
    operation_id="get_channel",
    response={200: ChannelOut, **error_responses(404)},
    openapi_extra=error_openapi(404),
    tags=["channels"],
    summary="A public channel",
)
def get_channel(request: AuthedRequest, slug: str) -> Channel:
    """The channel's name, introduction (sanitised HTML), colours, logo and feed. No login needed."""
    return queries.public_channel(slug)


@router.get(
    "/channels/{slug}/articles",
    auth=None,
    operation_id="list_channel_articles",
    response={200: list[ArticleSummaryOut], **error_responses(400, 404)},
    openapi_extra=error_openapi(400, 404),
    tags=["channels"],
    summary="Published items of a channel",
)
@paginate(PagePagination)
def list_channel_articles(request: AuthedRequest, slug: str) -> QuerySet[Article]:
    """The channel's published articles and videos, pinned first, then newest first. No login needed."""
    return queries.published_items(queries.public_channel(slug))


@router.get(
    "/channels/{slug}/articles/{article_id}",
    auth=None,
    operation_id="get_channel_article",
    response={200: ArticleOut, **error_responses(404)},
    openapi_extra=error_openapi(404, notes={404: "Also for any item that is not published."}),
    tags=["channels"],
    summary="A published item",
)
def get_channel_article(request: AuthedRequest, slug: str, article_id: int) -> Article:
    """One published article or video with its sanitised HTML text. No login needed."""
    return queries.public_article(queries.public_channel(slug), article_id)


# --- Authors --------------------------------------------------------------------------------------


@router.get(
    "/publishing/articles",
    operation_id="list_my_articles",
    response={200: list[MyArticleOut], **error_responses(400, 401)},
    openapi_extra=error_openapi(400, 401),
    summary="Your articles and videos",
)
@paginate(PagePagination)
def list_my_articles(request: AuthedRequest) -> QuerySet[Article]:
    """Everything you wrote, most recently changed first, with its status and review level."""
    return queries.my_articles(request.user)


@router.post(
    "/publishing/channels/{channel_id}/articles",
    operation_id="create_article",
    response={201: MyArticleOut, **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, notes={403: "Needs `publishing.write` over the channel's unit."}
    ),
    summary="Write a new article (draft)",
)
def create_article(request: AuthedRequest, channel_id: int, payload: ArticleIn) -> Status[Article]:
    """A new draft article (or, with `kind` "video", a short video); the body is stored through the
    HTML sanitiser, title and tags as plain text. Files follow with `POST …/files`; images for the
    body with `POST /publishing/channels/{id}/media`."""
    channel = get_object_or_404(Channel.objects.select_related("unit"), pk=channel_id)
    article = services.article_create(
        actor=request.user, channel=channel, data=_article_input(payload), kind=payload.kind
    )
    return Status(201, article)


def _article_input(payload: ArticleIn, **files: Any) -> ArticleInput:
    return ArticleInput(
        title=payload.title,
        summary=payload.summary,
        category=payload.category,
        tags=payload.tags,
        body=payload.body,
        **files,
    )


@router.put(
    "/publishing/articles/{article_id}",
    operation_id="update_article",
    response={200: MyArticleOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            403: "Only its author, holding `publishing.write`.",
            409: "`publishing.not_editable`: in review or published (withdraw it first).",
        },
    ),
    summary="Change your draft (or a returned or withdrawn item)",
)
def update_article(request: AuthedRequest, article_id: int, payload: ArticleIn) -> Article:
    """Replace the draft's texts (`kind` is ignored: an item keeps its kind); a changed text adds a
    revision, which reviewers can compare with the one before. A withdrawn item becomes a draft."""
    article = queries.article_get(request.user, article_id)
    services.article_update(actor=request.user, article=article, data=_article_input(payload))
    return queries.article_get(request.user, article_id)


@router.post(
    "/publishing/articles/{article_id}/files",
    operation_id="upload_article_files",
    response={200: MyArticleOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: "A file of the wrong type or too large, named by its field.",
            403: "Only its author, holding `publishing.write` and `archive.upload_documents`.",
            409: "`publishing.not_editable`",
        },
    ),
    summary="Upload your draft's cover image, or a short video's video and poster",
)
def upload_article_files(
    request: AuthedRequest,
    article_id: int,
    cover: File[UploadedFile | None] = None,
    video: File[UploadedFile | None] = None,
    poster: File[UploadedFile | None] = None,
) -> Article:
    """Multipart form: `cover` (JPEG/PNG/WebP), `video` (MP4/WebM, short videos only) and `poster`
    (an image, short videos only); the files are checked by their content, not their names, and kept
    in the unit's archive. Files not sent stay as they are; the texts do not change."""
    article = queries.article_get(request.user, article_id)
    if cover is None and video is None and poster is None:
        raise FieldErrors.single("cover", _("Choose a file to upload."))
    current = ArticleInput(
        title=article.title,
        summary=article.summary,
        category=article.category,
        tags=article.tags,
        body=article.body,
        cover_file=cover,
        video_file=video,
        poster_file=poster,
    )
    try:
        services.article_update(actor=request.user, article=article, data=current)
    except FieldErrors as error:  # the services name the page's fields (cover_file): name the API's
        fields = {name.removesuffix("_file"): messages for name, messages in error.fields.items()}
        raise FieldErrors(fields, error.message) from None
    return queries.article_get(request.user, article_id)


@router.post(
    "/publishing/channels/{channel_id}/media",
    operation_id="upload_channel_image",
    response={201: MediaOut, **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        notes={403: "Needs `publishing.write` over the channel's unit, and `archive.upload_documents`."},
    ),
    summary="Upload an image to use in an article's text",
)
def upload_channel_image(request: AuthedRequest, channel_id: int, file: File[UploadedFile]) -> Status[dict]:
    """Multipart form with `file` (JPEG/PNG/WebP/GIF, checked by content); answers the address to
    put in the article's HTML. The image is public once a published item uses it."""
    channel = get_object_or_404(Channel.objects.select_related("unit"), pk=channel_id)
    permissions.require_over_unit(request.user, channel.unit, [caps.WRITE])
    document = services_channels.media_upload(actor=request.user, unit=channel.unit, uploaded_file=file)
    return Status(201, {"url": reverse("channels:media", args=[document.public_id])})


@router.post(
    "/publishing/articles/{article_id}/submit",
    operation_id="submit_article",
    response={200: MyArticleOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(400, 401, 403, 404, 409, notes={409: "Codes: " + TRANSITION_CODES}),
    summary="Submit your draft for review",
)
def submit_article(request: AuthedRequest, article_id: int) -> Article:
    """Send your draft to review level 1; the channel's reviewers are told."""
    article = queries.article_get(request.user, article_id)
    services.article_submit(actor=request.user, article=article)
    return queries.article_get(request.user, article_id)


# --- Reviewers ------------------------------------------------------------------------------------


@router.get(
    "/publishing/reviews",
    operation_id="list_reviews",
    response={200: list[ReviewOut], **error_responses(400, 401)},
    openapi_extra=error_openapi(400, 401),
    summary="Reviews waiting for you",
)
@paginate(PagePagination)
def list_reviews(request: AuthedRequest) -> QuerySet[ReviewTask]:
    """The active review levels you may decide (reviewer levels with `publishing.review`, the last level
    with `publishing.approve`), oldest first; never your own items."""
    return queries.review_queue(request.user)


@router.post(
    "/publishing/articles/{article_id}/decision",
    operation_id="decide_review",
    response={200: MyArticleOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={400: "`reason` is required to return.", 409: "Codes: " + TRANSITION_CODES},
    ),
    summary="Approve or return the active review level",
)
def decide_review(request: AuthedRequest, article_id: int, payload: DecisionIn) -> Article:
    """Approve (the next level's reviewers are told; the last level publishes now or at `publish_at`)
    or return to the author with a reason."""
    article = queries.article_get(request.user, article_id)
    services.review_decide(
        actor=request.user,
        article=article,
        decision=payload.decision,
        reason=payload.reason,
        publish_at=payload.publish_at,
        level=payload.level,
    )
    return queries.article_get(request.user, article_id)


@router.post(
    "/publishing/articles/{article_id}/withdraw",
    operation_id="withdraw_article",
    response={200: MyArticleOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(400, 401, 403, 404, 409, notes={403: "Needs `publishing.approve`."}),
    summary="Withdraw a published or scheduled item",
)
def withdraw_article(request: AuthedRequest, article_id: int, payload: WithdrawIn) -> Article:
    """Take the item away from readers, with a reason; its author is told."""
    article = queries.article_get(request.user, article_id)
    return services.article_withdraw(actor=request.user, article=article, reason=payload.reason)
