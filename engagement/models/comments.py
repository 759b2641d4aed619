"""Comments (评论), likes (点赞) and favourites (收藏) on published articles, videos and lessons.

A comment belongs to a *target* named by kind and id ("article:12", "lesson:7"); engagement keeps
the id only, because the items live in apps below it (publishing, learning) that it reads through
their queries. Replies are one level deep: a reply to a reply is stored under the top comment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.models import OrgUnit

COMMENT_MAX_LENGTH = 1000
CLIENT_KEY_MAX_LENGTH = 100


class TargetKind(models.TextChoices):
    ARTICLE = "article", _("Article or video")
    LESSON = "lesson", _("Lesson")


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    PENDING = "pending", _("Waiting for review")
    REJECTED = "rejected", _("Rejected by a moderator")
    HIDDEN = "hidden", _("Hidden")
    DELETED = "deleted", _("Deleted by its author")


class Comment(models.Model):
    """A reader's comment on an article, video or lesson, or a reply to a top comment.

    ``text`` is what the person wrote; ``shown_text`` what readers see (personal data and masked
    terms replaced by ``*``). ``status`` follows the moderation engine (held → pending, a
    moderator's decision, hidden by reports) and the item author's or moderator's hiding.
    ``client_key`` makes a retried post count once per author.
    """

    target_kind = models.CharField(_("target kind"), max_length=20, choices=TargetKind.choices)
    target_id = models.PositiveIntegerField(_("target"))
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    text = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    shown_text = models.TextField(_("text shown"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    client_key = models.CharField(_("client key"), max_length=CLIENT_KEY_MAX_LENGTH, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = (
            models.Index(
                fields=["target_kind", "target_id", "parent", "-created_at"], name="comment_target_idx"
            ),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["author", "client_key"],
                condition=~Q(client_key=""),
                name="comment_one_per_client_key",
            ),
            models.CheckConstraint(condition=Q(status__in=CommentStatus.values), name="comment_status_valid"),
            models.CheckConstraint(
                condition=Q(target_kind__in=TargetKind.values), name="comment_target_kind_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.target_kind}:{self.target_id} #{self.pk}"

    @property
    def subject(self) -> str:
        """The comment's key in the moderation engine."""
        return f"comment:{self.pk}"

    @property
    def target(self) -> str:
        return f"{self.target_kind}:{self.target_id}"


class CommentLike(models.Model):
    """One person's like of one comment (a second like is the same row: liking is a toggle)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = (models.UniqueConstraint(fields=["comment", "person"], name="comment_like_once"),)

    def __str__(self) -> str:
        return f"{self.person_id} likes {self.comment_id}"


class ItemLike(models.Model):
    """One person's like (点赞) of an article, video or lesson; liking again is the same row."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target_kind = models.CharField(_("target kind"), max_length=20, choices=TargetKind.choices)
    target_id = models.PositiveIntegerField(_("target"))
    created_at = models.DateTimeField(_("liked"), auto_now_add=True)

    class Meta:
        verbose_name = _("like of an item")
        verbose_name_plural = _("likes of items")
        indexes = (models.Index(fields=["target_kind", "target_id"], name="item_like_target_idx"),)
        constraints = (
            models.UniqueConstraint(fields=["person", "target_kind", "target_id"], name="item_like_once"),
            models.CheckConstraint(
                condition=Q(target_kind__in=TargetKind.values), name="item_like_target_kind_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.person_id} likes {self.target_kind}:{self.target_id}"


class Favourite(models.Model):
    """An article, video or lesson a person saved to "My favourites" (收藏)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target_kind = models.CharField(_("target kind"), max_length=20, choices=TargetKind.choices)
    target_id = models.PositiveIntegerField(_("target"))
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("favourite")
        verbose_name_plural = _("favourites")
        constraints = (
            models.UniqueConstraint(fields=["person", "target_kind", "target_id"], name="favourite_once"),
            models.CheckConstraint(
                condition=Q(target_kind__in=TargetKind.values), name="favourite_target_kind_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.person_id} saved {self.target_kind}:{self.target_id}"
