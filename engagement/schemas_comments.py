"""Schemas of the comments, likes and favourites API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from engagement.models.comments import CLIENT_KEY_MAX_LENGTH, COMMENT_MAX_LENGTH


class CommentIn(Schema):
    target: str = Field(description='The item: `"article:<id>"` (article or video) or `"lesson:<id>"`.')
    text: str = Field(max_length=COMMENT_MAX_LENGTH)
    parent_id: int | None = Field(
        None, description="Answer this comment (a reply to a reply attaches to its top comment)."
    )
    client_key: str = Field(
        "",
        max_length=CLIENT_KEY_MAX_LENGTH,
        description="Any string unique per post of yours (or the `Idempotency-Key` header): "
        "sending it again returns the same comment with 200 instead of storing another.",
    )


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


class CommentOut(Schema):
    id: int
    target: str
    parent_id: int | None
    author_id: int | None = Field(description="Absent (null) for a deleted or hidden placeholder.")
    author_name: str
    text: str = Field(description="What readers see: masked where the moderation engine masked it.")
    status: str = Field(
        description="`visible`; `pending` (only its author sees it: waiting for review); `deleted` or "
        "`hidden` for a top comment kept as a placeholder because it has replies; `hidden` with "
        "`can_restore` for those who may show it again."
    )
    created_at: datetime
    likes: int
    liked: bool = Field(description="You like it.")
    can_delete: bool
    can_hide: bool
    can_restore: bool = Field(
        description="Hidden on the item's page and you may show it again (status `hidden`; only those "
        "who may hide comments there see it)."
    )
    hidden_reason: str = Field(description="Why it was hidden: only with `can_restore`.")
    replies: list[CommentOut] = Field(default_factory=list)


class CommentPageOut(Schema):
    target: str
    title: str
    url: str
    count: int = Field(description="Top comments you may see (replies come inside them).")
    page: int
    pages: int
    can_hide: bool = Field(description="You may hide comments here (the item's author or a moderator).")
    is_favourite: bool
    likes: int = Field(description="How many people like the item itself.")
    is_liked: bool = Field(description="You like the item.")
    items: list[CommentOut]


class LikeOut(Schema):
    comment_id: int
    liked: bool
    likes: int


class FavouriteOut(Schema):
    target: str
    title: str
    url: str = Field(description="Empty when the item is no longer available (withdrawn, or closed to you).")
    available: bool
    saved_at: datetime


class FavouritePageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[FavouriteOut]


class ItemLikeStateOut(Schema):
    target: str
    liked: bool
    likes: int = Field(description="How many people like the item now.")


class FavouriteStateOut(Schema):
    target: str
    saved: bool
