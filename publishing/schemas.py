"""Schemas of the publishing API: public channels and items, and the authors' and reviewers' views.

Public schemas carry only what the public pages show; article bodies are the stored, sanitised
HTML (safe to insert as HTML). Media addresses point at the public media view.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Schema

from archive.models import Document
from publishing.models import Article, Channel, ReviewTask


def _media(document: Document | None) -> str | None:
    return reverse("channels:media", args=[document.public_id]) if document is not None else None


class ChannelOut(Schema):
    slug: str = Field(description="The channel's web address: /channels/<slug>/.")
    name: str
    introduction: str = Field(description="Sanitised HTML.")
    primary_colour: str = Field(examples=["#c8102e"])
    accent_colour: str = Field(examples=["#f5c242"])
    logo_url: str | None
    url: str
    feed_url: str

    @staticmethod
    def resolve_logo_url(obj: Channel) -> str | None:
        return _media(obj.logo)

    @staticmethod
    def resolve_url(obj: Channel) -> str:
        return reverse("channels:channel", args=[obj.slug])

    @staticmethod
    def resolve_feed_url(obj: Channel) -> str:
        return reverse("channels:feed", args=[obj.slug])


class ArticleSummaryOut(Schema):
    id: int
    kind: Literal["article", "video"]
    title: str
    summary: str
    category: str = Field(
        description="`policy`, `current_affairs`, `model_members`, `professional`, `employment` or `other`."
    )
    category_label: str
    tags: list[str]
    is_pinned: bool
    published_at: datetime | None
    cover_url: str | None
    url: str

    @staticmethod
    def resolve_category_label(obj: Article) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_cover_url(obj: Article) -> str | None:
        return _media(obj.cover or obj.poster)

    @staticmethod
    def resolve_url(obj: Article) -> str:
        return reverse("channels:article", args=[obj.channel.slug, obj.pk])


class ArticleOut(ArticleSummaryOut):
    body: str = Field(description="Sanitised HTML.")
    video_url: str | None
    poster_url: str | None

    @staticmethod
    def resolve_video_url(obj: Article) -> str | None:
        return _media(obj.video)

    @staticmethod
    def resolve_poster_url(obj: Article) -> str | None:
        return _media(obj.poster)


def _media_url(document: Any) -> str:
    return reverse("channels:media", args=[document.public_id]) if document is not None else ""


class MediaOut(Schema):
    url: str = Field(description="The image's address, to use in an article's HTML (`<img src>`).")


class MyArticleOut(Schema):
    id: int
    channel: str = Field(description="The channel's slug.")
    kind: Literal["article", "video"]
    title: str
    summary: str
    category: str
    tags: list[str]
    status: str = Field(description="`draft`, `in_review`, `scheduled`, `published` or `withdrawn`.")
    status_label: str
    review_level: int = Field(description="The level waiting for a decision (0 when not in review).")
    revision: int
    publish_at: datetime | None
    published_at: datetime | None
    withdrawn_reason: str
    cover_url: str = Field(
        "", description="The cover image (served to the channel's editors until published)."
    )
    video_url: str = Field("", description="A short video's file.")
    poster_url: str = Field("", description="A short video's poster image.")

    @staticmethod
    def resolve_channel(obj: Article) -> str:
        return obj.channel.slug

    @staticmethod
    def resolve_cover_url(obj: Article) -> str:
        return _media_url(obj.cover)

    @staticmethod
    def resolve_video_url(obj: Article) -> str:
        return _media_url(obj.video)

    @staticmethod
    def resolve_poster_url(obj: Article) -> str:
        return _media_url(obj.poster)

    @staticmethod
    def resolve_status_label(obj: Article) -> str:
        return str(obj.get_status_display())


class ReviewOut(Schema):
    id: int
    level: int
    revision: int
    submitted_at: datetime
    article: MyArticleOut
    author: str

    @staticmethod
    def resolve_revision(obj: ReviewTask) -> int:
        return obj.revision.number

    @staticmethod
    def resolve_submitted_at(obj: ReviewTask) -> datetime:
        return obj.created_at

    @staticmethod
    def resolve_author(obj: ReviewTask) -> str:
        return str(obj.article.author.name)


class ArticleIn(Schema):
    kind: Literal["article", "video"] = Field("article", description="Only when creating: a short video.")
    title: str = Field(max_length=200)
    summary: str = Field("", max_length=500)
    category: Literal["policy", "current_affairs", "model_members", "professional", "employment", "other"] = (
        "other"
    )
    tags: list[str] = Field(default_factory=list, max_length=10)
    body: str = Field("", description="HTML; stored through the sanitiser.")


class DecisionIn(Schema):
    decision: Literal["approve", "return"]
    level: int | None = Field(
        None,
        description="The review level you decide (as listed); refused with 409 if it was decided meanwhile.",
    )
    reason: str = Field("", max_length=500, description="Required to return.")
    publish_at: datetime | None = Field(
        None, description="Last level only: publish at this time (ISO 8601 with offset); omitted: now."
    )


class WithdrawIn(Schema):
    reason: str = Field(min_length=1, max_length=500)
