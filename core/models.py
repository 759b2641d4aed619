"""Shared kernel models: the audit log and the notification inbox."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    """A row written once by a service and never changed or deleted by the application.

    Ledgers, dossiers, decisions and the audit log are built on it: a correction is a new row
    (a reversal, an amendment), never an edit. ``correction_hint`` says what to do instead.
    """

    correction_hint: ClassVar[str] = ""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            self._refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse()

    def _refuse(self) -> NoReturn:
        hint = f": {self.correction_hint}" if self.correction_hint else ""
        raise ValueError(f"{type(self).__name__} rows are append-only{hint}")


class AuditEvent(AppendOnly):
    """One recorded action (审计日志). Append-only: rows are never changed or deleted by the app."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=200)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The org unit the action concerns, by id: core sits below orgs and cannot reference it.
    unit_id = models.BigIntegerField(_("unit id"), null=True, blank=True, db_index=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class EmailMode(models.TextChoices):
    NONE = "none", _("No email")
    IMMEDIATE = "immediate", _("Email each one")
    DIGEST = "digest", _("One email a day")


class Notification(models.Model):
    """An item in a person's inbox (通知). Read state is data, not a session flag."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    # Set by the sender when a retried action must not notify twice.
    dedupe_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_unique_dedupe_key",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A person's choice of email delivery for one kind of notification (opt-out per kind)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=60)
    email = models.CharField(max_length=10, choices=EmailMode.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique"),
            models.CheckConstraint(
                condition=models.Q(email__in=EmailMode.values), name="notification_preference_email_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.email}"


class ScheduledRun(models.Model):
    """One enqueued run of a periodic job for one period.

    The unique constraint is what lets several scheduler processes run side by side: only the
    first to insert a (job, period) row enqueues the job for that period.
    """

    job = models.CharField(max_length=100)
    period = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["job", "period"], name="scheduled_run_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"


class Holiday(models.Model):
    """A day that breaks the weekly pattern (节假日与调休): an official holiday on a weekday, or a
    weekend day worked instead (调休上班). Kept by administrators from the State Council's notice.
    """

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Ticked: a weekend day that is worked (调休). Not ticked: a day off."),
    )
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("e.g. National Day"))

    class Meta:
        verbose_name = _("holiday or adjusted working day")
        verbose_name_plural = _("holidays and adjusted working days")
        ordering: ClassVar = ["day"]

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.day.isoformat()} {self.name or kind}"
