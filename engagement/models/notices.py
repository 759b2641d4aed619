"""Notices (通知) sent by a unit to its members, optionally asking each to acknowledge them.

One ``NoticeReceipt`` per recipient, written when the notice is sent, records when the person
opened it and when they acknowledged it; the sender and the unit's officers read the receipts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orgs.models import OrgUnit


class Notice(models.Model):
    """A notice (通知) from a unit to the members of the unit (or its whole subtree)."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("sent by unit"), on_delete=models.PROTECT, related_name="+"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(pgettext_lazy("notice", "title"), max_length=150)
    body = models.TextField(pgettext_lazy("notice", "text"))  # sanitised HTML
    whole_subtree = models.BooleanField(_("to every unit below too"), default=True)
    party_statuses = models.JSONField(_("only these party statuses"), default=list, blank=True)
    requires_ack = models.BooleanField(_("asks to be acknowledged"), default=False)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    last_reminded_on = models.DateField(_("last reminder"), null=True, blank=True)
    request_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=("sender", "request_key"),
                condition=~models.Q(request_key=""),
                name="engagement_notice_unique_request",
            ),
        )

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """One recipient of a notice: when they opened it and when they acknowledged it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice receipt")
        verbose_name_plural = _("notice receipts")
        constraints = (
            models.UniqueConstraint(fields=("notice", "person"), name="engagement_one_receipt_per_person"),
        )
        indexes = (models.Index(fields=("person", "notice")),)

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.person_id}"
