"""Reads of publishing: public channels and items (published only), and the editors' lists, scoped."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from archive.models import Document
from core.permissions import can, is_system_admin, scope_q
from core.richtext import plain_text
from orgs.models import OrgUnit
from publishing import capabilities as caps
from publishing import permissions
from publishing.models import (
    Article,
    ArticleMedia,
    ArticleRevision,
    ArticleStatus,
    Channel,
    ReviewStatus,
    ReviewTask,
)

PUBLIC_PAGE_SIZE = 20


# --- Public -----------------------------------------------------------------------------------


def public_channels() -> QuerySet[Channel]:
    """Every channel, by name, with its logo."""
    return Channel.objects.select_related("logo").order_by("name", "id")


def public_channel(slug: str) -> Channel:
    """The channel at ``slug`` (404 when there is none)."""
    return get_object_or_404(Channel.objects.select_related("logo", "unit"), slug=slug)


def published_items(channel: Channel) -> QuerySet[Article]:
    """The channel's published items, pinned first, newest first: all that readers may see."""
    return (
        Article.objects.filter(channel=channel, status=ArticleStatus.PUBLISHED)
        .select_related("cover", "poster", "channel")
        .defer("body")
        .order_by("-is_pinned", "-published_at", "-id")
    )


def public_article(channel: Channel, article_id: int) -> Article:
    """A published item of the channel; anything else (draft, in review, withdrawn) is 404."""
    return get_object_or_404(
        Article.objects.select_related("cover", "video", "poster", "channel"),
        pk=article_id,
        channel=channel,
        status=ArticleStatus.PUBLISHED,
    )


def media_document(public_id: Any) -> Document:
    """A stored file of a channel's pages (purpose ``publishing``), 404 when there is none."""
    document = (
        Document.objects.alive()
        .select_related("unit", "current_version")
        .filter(public_id=public_id, purpose="publishing")
        .first()
    )
    if document is None or document.current_version is None:
        raise Http404
    return document


def media_is_public(document: Document) -> bool:
    """The file is shown to readers: a channel's logo, or used by a published item."""
    if Channel.objects.filter(logo=document).exists():
        return True
    return ArticleMedia.objects.filter(document=document, article__status=ArticleStatus.PUBLISHED).exists()


def can_read_media(user: Any, document: Document) -> bool:
    """Readers of a channel file before it is public: whoever holds a publishing right over its unit
    (writers see their uploads, reviewers what they review), and its uploader."""
    if document.created_by_id is not None and document.created_by_id == getattr(user, "pk", None):
        return True
    if any(can(user, code, document.unit) for code in caps.ALL):
        return True
    return media_is_public(document)


# --- Editors ----------------------------------------------------------------------------------


def article_get(user: Any, article_id: int) -> Article:
    """An item the user may open in the workspace: 404 outside their scope, 403 without a right."""
    article = get_object_or_404(
        Article.objects.select_related("channel__unit", "author", "cover", "video", "poster"), pk=article_id
    )
    permissions.require_article_visible(user, article)
    return article


def channel_of_unit(unit: OrgUnit) -> Channel | None:
    return Channel.objects.select_related("logo").filter(unit=unit).first()


def writable_channels(user: Any) -> QuerySet[Channel]:
    """Channels the user may write in, by name."""
    return (
        Channel.objects.filter(scope_q(user, caps.WRITE, "unit__path"))
        .select_related("unit")
        .order_by("name")
    )


def managed_units(user: Any) -> QuerySet[OrgUnit]:
    """Units whose channel the user may create or edit, in tree order."""
    return OrgUnit.objects.filter(scope_q(user, caps.MANAGE_CHANNEL)).order_by("path")


def _with_views(rows: QuerySet[Article]) -> QuerySet[Article]:
    return rows.annotate(views=Coalesce(Sum("daily_views__count"), 0))


def my_articles(user: Any) -> QuerySet[Article]:
    """The user's own items, most recently changed first, with their total views."""
    return _with_views(
        Article.objects.filter(author=user)
        .select_related("channel")
        .defer("body")
        .order_by("-updated_at", "-id")
    )


def channel_articles(user: Any, channel: Channel) -> QuerySet[Article]:
    """Every item of a channel for its editors (reviewers, approvers, managers), newest first."""
    if not any(can(user, code, channel.unit) for code in (caps.REVIEW, caps.APPROVE, caps.MANAGE_CHANNEL)):
        return Article.objects.none()
    return _with_views(
        Article.objects.filter(channel=channel)
        .select_related("author")
        .defer("body")
        .order_by("-updated_at", "-id")
    )


def review_queue(user: Any) -> QuerySet[ReviewTask]:
    """The active reviews the user may decide: reviewer levels with ``publishing.review``, the last
    level with ``publishing.approve``, in the channels their positions reach; never their own items."""
    levels = permissions.review_levels()
    path = "article__channel__unit__path"
    allowed = Q(level__lt=levels) & scope_q(user, caps.REVIEW, path)
    allowed |= Q(level__gte=levels) & scope_q(user, caps.APPROVE, path)
    rows = ReviewTask.objects.filter(allowed, status=ReviewStatus.ACTIVE)
    if not is_system_admin(user):
        rows = rows.exclude(article__author=user)
    return (
        rows.select_related("article__channel", "article__author", "revision")
        .defer("revision__body", "article__body")
        .order_by("created_at", "id")
    )


def review_history(article: Article) -> list[ReviewTask]:
    """Every review level of every submission of the item, oldest first."""
    return list(
        ReviewTask.objects.filter(article=article)
        .select_related("decided_by", "revision")
        .defer("revision__body")
        .order_by("created_at", "id")
    )


def revisions(article: Article) -> list[ArticleRevision]:
    return list(
        ArticleRevision.objects.filter(article=article)
        .select_related("created_by")
        .defer("body")
        .order_by("-number")
    )


def total_views(article: Article) -> int:
    return int(article.daily_views.aggregate(total=Coalesce(Sum("count"), 0))["total"])


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", "info"
    text: str


def _lines_of(revision: ArticleRevision) -> list[str]:
    lines = [revision.title, revision.summary, " ".join(revision.tags)]
    # One sentence per line keeps a change in a long paragraph readable.
    text = plain_text(revision.body)
    for mark in ("。", "！", "？", ". ", "! ", "? "):
        text = text.replace(mark, mark.rstrip() + "\n")
    return lines + [line.strip() for line in text.split("\n") if line.strip()]


def revision_diff(article: Article, first: int, second: int) -> list[DiffLine]:
    """The difference between two revisions of the item, on their plain text (difflib)."""
    found = {r.number: r for r in ArticleRevision.objects.filter(article=article, number__in=[first, second])}
    if first not in found or second not in found:
        raise Http404
    diff = difflib.unified_diff(_lines_of(found[first]), _lines_of(found[second]), lineterm="", n=2)
    result: list[DiffLine] = []
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            result.append(DiffLine("info", "…"))
        elif line.startswith("+"):
            result.append(DiffLine("added", line[1:]))
        elif line.startswith("-"):
            result.append(DiffLine("removed", line[1:]))
        else:
            result.append(DiffLine("same", line[1:]))
    return result


# --- For the apps above (engagement: comments and favourites) ----------------------------------


@dataclass(frozen=True)
class PublishedRef:
    """What another app needs to attach things to a published item: its unit (for moderation),
    its author, its title and its public address."""

    id: int
    unit: OrgUnit
    author_id: int
    title: str
    url: str
    kind: str


def _published_ref(article: Article) -> PublishedRef:
    return PublishedRef(
        id=article.pk,
        unit=article.channel.unit,
        author_id=article.author_id,
        title=article.title,
        url=reverse("channels:article", args=[article.channel.slug, article.pk]),
        kind=article.kind,
    )


def published_ref(article_id: int) -> PublishedRef:
    """The published item with this id (anyone may read it), or 404 — one query."""
    article = get_object_or_404(
        Article.objects.select_related("channel__unit").only(
            "id", "title", "kind", "author_id", "channel__slug", "channel__unit"
        ),
        pk=article_id,
        status=ArticleStatus.PUBLISHED,
    )
    return _published_ref(article)


def published_refs(article_ids: list[int]) -> dict[int, PublishedRef]:
    """The items of the list that are published now, by id — one query whatever the length."""
    if not article_ids:
        return {}
    articles = Article.objects.select_related("channel__unit").filter(
        pk__in=article_ids, status=ArticleStatus.PUBLISHED
    )
    return {article.pk: _published_ref(article) for article in articles}


# --- For other apps (engagement's polls) ---------------------------------------------------------


def articles_for_polls(user: Any, unit: OrgUnit) -> QuerySet[Article]:
    """Items of channels in ``unit``'s subtree that ``user`` may write in (not withdrawn), newest first:
    those an editor may attach a poll to (engagement reads this; publishing never imports engagement)."""
    return (
        Article.objects.filter(scope_q(user, caps.WRITE, "channel__unit__path"))
        .filter(channel__unit__path__startswith=unit.path)
        .exclude(status=ArticleStatus.WITHDRAWN)
        .select_related("channel")
        .order_by("-pk")
    )


def article_titles(article_ids: list[int]) -> dict[int, str]:
    """The titles of items by id, in one query (for pages that name where a poll is shown)."""
    return dict(Article.objects.filter(pk__in=article_ids).values_list("pk", "title"))
