"""Writes of the shared kernel: sending notifications, their read state and email preferences."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.errors import FieldErrors
from core.models import EmailMode, Notification, NotificationPreference
from core.notifications import get_kind, is_registered


def email_mode(user: Any, kind: str) -> str:
    """The email delivery the person chose for ``kind``, or the kind's default."""
    preference = NotificationPreference.objects.filter(user=user, kind=kind).values_list("email", flat=True)
    chosen = next(iter(preference), None)
    return chosen or get_kind(kind).default_email


def notifications_send(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str | Promise,
    body: str | Promise = "",
    params: Mapping[str, object] | None = None,
    url: str = "",
    dedupe_key: str = "",
) -> list[Notification]:
    """Put one item in each recipient's inbox, written in the recipient's own language.

    Emails are enqueued for the task worker after the surrounding transaction commits; with a
    ``dedupe_key`` a retried call adds nothing for recipients who already have that item.
    """
    from core.tasks import send_notification_email

    created: list[Notification] = []
    for recipient in recipients:
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            rendered_title = str(title) % params if params else str(title)
            rendered_body = str(body) % params if params else str(body)
        try:
            with transaction.atomic():
                item = Notification.objects.create(
                    recipient=recipient,
                    kind=kind,
                    title=rendered_title[:200],
                    body=rendered_body,
                    url=url,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:
            if not dedupe_key:
                raise
            continue  # already delivered by an earlier attempt
        created.append(item)
        if recipient.email and email_mode(recipient, kind) == EmailMode.IMMEDIATE:
            transaction.on_commit(partial(send_notification_email.enqueue, item.pk))
    return created


def notification_mark_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read; others' items are not found."""
    item = Notification.objects.get(pk=notification_id, recipient=user)
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    return item


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread item of the user read in one statement; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_preference_set(*, user: Any, kind: str, email: str) -> NotificationPreference:
    """Choose how the person hears of one kind of notification by email; audited when it changes."""
    if not is_registered(kind):
        raise FieldErrors.single("kind", _("This kind of notification does not exist."))
    if email not in EmailMode.values:
        raise FieldErrors.single(kind, _("Choose one of the email options."))
    with transaction.atomic():
        preference = NotificationPreference.objects.select_for_update().filter(user=user, kind=kind).first()
        if preference is None:
            preference = NotificationPreference.objects.create(user=user, kind=kind, email=email)
            previous = get_kind(kind).default_email
        elif preference.email == email:
            return preference
        else:
            previous = preference.email
            preference.email = email
            preference.save(update_fields=["email"])
        audit_record(
            actor=user,
            action="core.notification_preference.set",
            target=preference,
            data={"kind": kind, "email": email, "previous": previous},
        )
    return preference
