"""Publishing (宣传): channels of org units, articles and short videos, their review and revisions.

Every change goes through ``publishing.services``. Revisions and review decisions are the record
of who wrote and approved what (三审三校), so they are append-only.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from archive.models import Document
from core.models import AppendOnly
from orgs.models import OrgUnit

DEFAULT_PRIMARY_COLOUR = "#c8102e"
DEFAULT_ACCENT_COLOUR = "#f5c242"


class Channel(models.Model):
    """An org unit's public channel (宣传阵地): its brand, introduction and published items."""

    unit = models.OneToOneField(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    slug = models.SlugField(_("web address"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    introduction = models.TextField(_("introduction"), blank=True)
    primary_colour = models.CharField(_("main colour"), max_length=7, default=DEFAULT_PRIMARY_COLOUR)
    accent_colour = models.CharField(_("accent colour"), max_length=7, default=DEFAULT_ACCENT_COLOUR)
    logo = models.ForeignKey(
        Document, verbose_name=_("logo"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(primary_colour__startswith="#") & Q(accent_colour__startswith="#"),
                name="publishing_channel_colours_hex",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    POLICY = "policy", _("Policy documents")
    CURRENT_AFFAIRS = "current_affairs", _("Current affairs")
    MODEL_MEMBERS = "model_members", _("Model members")
    PROFESSIONAL = "professional", _("Professional knowledge")
    EMPLOYMENT = "employment", _("Employment information")
    OTHER = "other", _("Other")


class Kind(models.TextChoices):
    ARTICLE = "article", _("Article")
    VIDEO = "video", _("Short video")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    SCHEDULED = "scheduled", _("Approved, to be published")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Article(models.Model):
    """An article or short video of a channel, from the author's draft to publication.

    Readers see it only while ``status`` is published: it got there only through every review
    level (``ReviewTask``). ``revision`` is the number of the latest ``ArticleRevision``.
    """

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        ArticleStatus.DRAFT: frozenset({ArticleStatus.IN_REVIEW}),
        ArticleStatus.IN_REVIEW: frozenset(
            {ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.SCHEDULED, ArticleStatus.PUBLISHED}
        ),
        ArticleStatus.SCHEDULED: frozenset({ArticleStatus.PUBLISHED, ArticleStatus.WITHDRAWN}),
        ArticleStatus.PUBLISHED: frozenset({ArticleStatus.WITHDRAWN}),
        ArticleStatus.WITHDRAWN: frozenset({ArticleStatus.DRAFT}),
    }

    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="articles"
    )
    kind = models.CharField(
        pgettext_lazy("publishing", "kind"), max_length=10, choices=Kind.choices, default=Kind.ARTICLE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    category = models.CharField(
        pgettext_lazy("publishing", "category"),
        max_length=20,
        choices=Category.choices,
        default=Category.OTHER,
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    body = models.TextField(pgettext_lazy("publishing", "text"), blank=True)
    cover = models.ForeignKey(
        Document,
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    video = models.ForeignKey(
        Document, verbose_name=_("video"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    poster = models.ForeignKey(
        Document,
        verbose_name=_("poster image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    review_level = models.PositiveSmallIntegerField(_("review level"), default=0)
    publish_at = models.DateTimeField(_("to be published at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering: ClassVar = ["-published_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["channel", "status", "-published_at"]),
            models.Index(fields=["status", "publish_at"]),
            models.Index(fields=["author", "status"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values), name="publishing_article_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="publishing_article_kind_valid"),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="publishing_article_category_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(publish_at__isnull=False),
                name="publishing_article_scheduled_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="publishing_article_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status="in_review", review_level__gte=1)
                | (~Q(status="in_review") & Q(review_level=0)),
                name="publishing_article_review_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    @property
    def is_editable(self) -> bool:
        """The author may change it: a draft (also after a return) or a withdrawn item."""
        return self.status in (ArticleStatus.DRAFT, ArticleStatus.WITHDRAWN)


class ArticleRevision(AppendOnly):
    """One saved state of an article's text; every save of a changed text adds the next number."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    category = models.CharField(
        pgettext_lazy("publishing", "category"), max_length=20, choices=Category.choices
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    body = models.TextField(pgettext_lazy("publishing", "text"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering: ClassVar = ["article", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["article", "number"], name="publishing_revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class ReviewStatus(models.TextChoices):
    ACTIVE = "active", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned to the author")
    CANCELLED = "cancelled", _("Cancelled")


class ReviewTask(models.Model):
    """One level of review of one submitted revision (一审, 二审…). At most one is active per article.

    Decided tasks are never changed again: they are the review record.
    """

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="reviews"
    )
    revision = models.ForeignKey(
        ArticleRevision, verbose_name=_("revision"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.ACTIVE
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["status", "level"])]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["article"], condition=Q(status="active"), name="publishing_one_active_review"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="publishing_review_status_valid"
            ),
            models.CheckConstraint(condition=Q(level__gte=1), name="publishing_review_level_positive"),
            models.CheckConstraint(
                condition=Q(status="active", decided_at__isnull=True)
                | (~Q(status="active") & Q(decided_at__isnull=False)),
                name="publishing_review_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} L{self.level} {self.status}"


class ArticleViews(models.Model):
    """How many different visitors opened a published item on one day. No reader is recorded."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("views of a day")
        verbose_name_plural = _("views per day")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["article", "day"], name="publishing_views_one_row_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.count}"


class ArticleMedia(models.Model):
    """A stored file an article shows (cover, video, poster, images in the text).

    Kept by the services on every save, so that the public media view can tell in one query
    whether a file belongs to a published item (and may be served to anyone).
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="media")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("file of an article")
        verbose_name_plural = _("files of articles")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["article", "document"], name="publishing_media_once_per_article"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.document_id}"
