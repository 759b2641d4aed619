"""The suggestion box (书记信箱): a person writes to a unit above them; a handler answers in time.

Anonymity is structural: only ``Suggestion.sender`` names the sender. Events written by the
sender carry no actor (``by_sender`` says who wrote them), ``__str__`` names no one, and the
sender is shown only to the item's current handler when ``hide_name`` is set.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import AppendOnly
from orgs.models import OrgUnit


class SuggestionKind(models.TextChoices):
    SUGGESTION = "suggestion", pgettext_lazy("suggestion box", "Suggestion")
    QUESTION = "question", pgettext_lazy("suggestion box", "Question")


class SuggestionStatus(models.TextChoices):
    REVIEW = "review", pgettext_lazy("suggestion box", "Waiting for review")  # held by the moderation lexicon
    OPEN = "open", pgettext_lazy("suggestion box", "Waiting for a reply")
    ANSWERED = "answered", pgettext_lazy("suggestion box", "Answered")
    CLOSED = "closed", pgettext_lazy("suggestion box", "Closed")
    REJECTED = "rejected", pgettext_lazy("suggestion box", "Not accepted by moderation")


class Suggestion(models.Model):
    """One suggestion or question (意见建议) sent to a unit's mailbox."""

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        SuggestionStatus.REVIEW: {SuggestionStatus.OPEN, SuggestionStatus.REJECTED},
        SuggestionStatus.OPEN: {SuggestionStatus.ANSWERED},
        SuggestionStatus.ANSWERED: {SuggestionStatus.OPEN, SuggestionStatus.CLOSED},
        SuggestionStatus.CLOSED: {SuggestionStatus.OPEN},
        SuggestionStatus.REJECTED: set(),
    }

    unit = models.ForeignKey(OrgUnit, verbose_name=_("sent to"), on_delete=models.PROTECT, related_name="+")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.PROTECT, related_name="+"
    )
    hide_name = models.BooleanField(_("name hidden from all but the handler"), default=False)
    kind = models.CharField(
        pgettext_lazy("suggestion box", "kind"),
        max_length=20,
        choices=SuggestionKind.choices,
        default=SuggestionKind.SUGGESTION,
    )
    subject = models.CharField(pgettext_lazy("suggestion box", "subject"), max_length=120)
    text = models.TextField(pgettext_lazy("suggestion box", "text"))
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    # Each follow-up starts a new round with a new deadline; reminders are keyed by round.
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    opened_on = models.DateField(_("open since"), null=True, blank=True)
    due_on = models.DateField(_("reply due"), null=True, blank=True)
    first_replied_at = models.DateTimeField(_("first replied"), null=True, blank=True)
    reply_working_days = models.PositiveSmallIntegerField(_("working days to the first reply"), null=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    rating_comment = models.CharField(_("comment on the reply"), max_length=500, blank=True)
    # A client's key for one sending, so a retried request does not send twice.
    request_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ("-created_at", "-id")
        indexes = (
            models.Index(fields=("unit", "status", "due_on")),
            models.Index(fields=("sender", "created_at")),
        )
        constraints = (
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values), name="engagement_suggestion_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="engagement_suggestion_rating_1_to_5",
            ),
            models.UniqueConstraint(
                fields=("sender", "request_key"),
                condition=~Q(request_key=""),
                name="engagement_suggestion_unique_request",
            ),
        )

    def __str__(self) -> str:  # names no one: it ends up in audit lines and admin titles
        return f"#{self.pk} {self.subject}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def moderation_subject(self) -> str:
        return f"suggestion:{self.pk}"


class EventKind(models.TextChoices):
    SENT = "sent", _("Sent")
    RELEASED = "released", _("Passed review")
    REJECTED = "rejected", _("Not accepted by moderation")
    ASSIGNED = "assigned", _("Handler changed")
    REPLY = "reply", _("Reply")
    FOLLOW_UP = "follow_up", _("Follow-up")
    RATED = "rated", _("Rated")


class SuggestionEvent(AppendOnly):
    """One change of a suggestion: a reply, a follow-up, a new handler, a rating (append-only)."""

    correction_hint = "write a new event (another reply, another assignment)"

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(pgettext_lazy("suggestion box", "kind"), max_length=20, choices=EventKind.choices)
    # Never set for the sender's own events: who sent a name-hidden item is stored once, on it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_sender = models.BooleanField(default=False)
    text = models.TextField(pgettext_lazy("suggestion box", "text"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion event")
        verbose_name_plural = _("suggestion events")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"#{self.suggestion_id} {self.kind}"

    @property
    def moderation_subject(self) -> str:
        return f"suggestion-event:{self.pk}"
