"""Moderation: the lexicon of terms, the review queue, readers' reports and the moderators' log."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import AppendOnly
from orgs.models import OrgUnit


class Category(models.TextChoices):
    ABUSE = "abuse", _("Abuse")
    SPAM = "spam", _("Spam and advertising")
    PERSONAL_DATA = "personal_data", _("Personal data")
    OTHER = "other", _("Other")


class Action(models.TextChoices):
    """What happens to text containing a term; the strictest action of all hits wins."""

    BLOCK = "block", _("Block")
    HOLD = "hold", _("Hold for review")
    MASK = "mask", _("Mask")


class EntryKind(models.TextChoices):
    TERM = "term", pgettext_lazy("moderation", "Term")
    DETECTOR = "detector", _("Detector")


class LexiconEntry(models.Model):
    """A term of the moderation lexicon (敏感词), or one of the personal-data detectors.

    ``folded`` is the term as the matcher sees it (see ``moderation.normalize``); it is unique
    within a scope. A detector entry names a detector of ``moderation.pii`` in ``term`` and lets
    each university choose its action or switch it off. Entries are deactivated, never deleted,
    so the queue's past hits keep their meaning.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices, default=EntryKind.TERM)
    term = models.CharField(pgettext_lazy("moderation", "term"), max_length=100)
    folded = models.CharField(_("as matched"), max_length=200, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    action = models.CharField(pgettext_lazy("moderation", "action"), max_length=10, choices=Action.choices)
    is_active = models.BooleanField(_("active"), default=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("applies in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole university. A unit: that unit and every unit below it."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("lexicon entry")
        verbose_name_plural = _("lexicon entries")
        ordering: ClassVar = ["category", "folded", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="lexicon_entry_kind_valid"),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="lexicon_entry_category_valid"
            ),
            models.CheckConstraint(condition=Q(action__in=Action.values), name="lexicon_entry_action_valid"),
            models.CheckConstraint(condition=~Q(folded=""), name="lexicon_entry_folded_not_empty"),
            models.UniqueConstraint(
                fields=["kind", "folded"], condition=Q(unit__isnull=True), name="lexicon_entry_unique_global"
            ),
            models.UniqueConstraint(
                fields=["kind", "folded", "unit"],
                condition=Q(unit__isnull=False),
                name="lexicon_entry_unique_in_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.term

    @property
    def is_detector(self) -> bool:
        return self.kind == EntryKind.DETECTOR


class LexiconVersion(models.Model):
    """The lexicon's version: one row, changed in the same transaction as every lexicon change.

    ``token`` is new on every change and never reused (a rolled-back change leaves no trace), so
    a matcher built for one token can be cached by it in every process and in the shared cache.
    ``number`` only counts changes, for people.
    """

    number = models.PositiveIntegerField(default=0)
    token = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lexicon version")
        verbose_name_plural = _("lexicon versions")

    def __str__(self) -> str:
        return f"v{self.number}"


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")


# Readers do not see an item in these states (pending: held, or reported by enough people).
HIDDEN_STATUSES = (ItemStatus.PENDING, ItemStatus.REJECTED, ItemStatus.HIDDEN)


class QueueReason(models.TextChoices):
    LEXICON = "lexicon", _("Held by the lexicon")
    REPORTS = "reports", _("Reported by readers")


class ModerationItem(models.Model):
    """A piece of user text under moderation (审核队列): held by the lexicon or reported by readers.

    The calling app names its object with an opaque ``subject`` such as ``"comment:42"``; one item
    per subject. ``text`` is the snapshot reviewed (personal data already masked) and ``hits``
    the lexicon hits in it: ``[{"term", "category", "action", "start", "end"}]``.
    """

    subject = models.CharField(_("subject"), max_length=200, unique=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"))
    snapshot_url = models.CharField(_("link"), max_length=500, blank=True)
    hits = models.JSONField(_("lexicon hits"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    reason = models.CharField(_("queued because"), max_length=10, choices=QueueReason.choices)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    queued_at = models.DateTimeField(_("last queued"), db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("moderation item")
        verbose_name_plural = _("moderation items")
        ordering: ClassVar = ["queued_at", "id"]
        indexes: ClassVar = [models.Index(fields=["status", "queued_at"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=ItemStatus.values), name="moderation_item_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=QueueReason.values), name="moderation_item_reason_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_hidden(self) -> bool:
        return self.status in HIDDEN_STATUSES


class Report(models.Model):
    """A reader's report of a piece of text (举报); one per person per subject."""

    subject = models.CharField(_("subject"), max_length=200)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes: ClassVar = [models.Index(fields=["subject", "created_at"])]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["subject", "reporter"], name="report_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.created_at:%Y-%m-%d})"


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    HIDE = "hide", _("Hide")


DECISION_STATUS = {
    Decision.APPROVE: ItemStatus.APPROVED,
    Decision.REJECT: ItemStatus.REJECTED,
    Decision.HIDE: ItemStatus.HIDDEN,
}


class DecisionQuerySet(models.QuerySet["ModerationDecision"]):
    """Refuses bulk changes: the decision log is append-only."""

    def update(self, **kwargs: Any) -> int:
        raise ValueError("Moderation decisions are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("Moderation decisions are append-only")


class ModerationDecision(AppendOnly):
    """One moderator's decision on an item, with its reason (审核记录). Append-only."""

    item = models.ForeignKey(
        ModerationItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="decisions"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderator_label = models.CharField(_("moderator (as recorded)"), max_length=200)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    previous_status = models.CharField(_("status before"), max_length=10, choices=ItemStatus.choices)
    reason = models.CharField(_("reason"), max_length=500)
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering: ClassVar = ["decided_at", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="moderation_decision_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="moderation_decision_reason_given"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.decision} {self.decided_at:%Y-%m-%d %H:%M}"
