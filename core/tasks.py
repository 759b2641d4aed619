"""Background work of the shared kernel: notification emails and the daily digest.

Every email is *claimed* before it is sent: a conditional UPDATE sets ``emailed_at`` only where it
is still empty, so when two workers pick up the same job only the one whose UPDATE changed the
row sends. A failed send releases the claim, so a retry can send it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django_tasks import task

from core.models import EmailMode, Notification, NotificationPreference
from core.notifications import kinds

# A digest covers the last day; the extra hours absorb a scheduler or worker that runs late, and
# cannot cause a second email because sent items are marked.
DIGEST_LOOKBACK = timedelta(hours=36)
# One email lists at most this many items; the rest wait in the inbox (and in the next digest).
DIGEST_MAX_ITEMS = 50


def _preferences_url() -> str:
    return f"{settings.SITE_URL}{reverse('core:notification_preferences')}"


@task()
def send_notification_email(notification_id: int) -> bool:
    """Email one notification; does nothing if it was emailed already (safe to retry)."""
    item = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if item is None or item.emailed_at is not None or not item.recipient.email:
        return False
    claimed_at = timezone.now()
    if not Notification.objects.filter(pk=item.pk, emailed_at__isnull=True).update(emailed_at=claimed_at):
        return False  # another worker claimed it first
    with translation.override(item.recipient.language or settings.LANGUAGE_CODE):
        link = f"\n\n{settings.SITE_URL}{item.url}" if item.url else ""
        footer = gettext("Choose which emails you receive: %(url)s") % {"url": _preferences_url()}
        message = f"{item.body}{link}\n\n-- \n{footer}\n"
    try:
        send_mail(item.title, message, None, [item.recipient.email])
    except Exception:
        Notification.objects.filter(pk=item.pk, emailed_at=claimed_at).update(emailed_at=None)
        raise
    return True


def digest_items(since: datetime) -> QuerySet[Notification]:
    """Unread, un-emailed items since ``since`` whose kind the recipient gets as a daily digest.

    A kind counts as digest when the person chose it, or when its default is digest and the
    person chose nothing else.
    """
    chosen_digest = NotificationPreference.objects.filter(
        user=OuterRef("recipient"), kind=OuterRef("kind"), email=EmailMode.DIGEST
    )
    chosen_other = NotificationPreference.objects.filter(
        user=OuterRef("recipient"), kind=OuterRef("kind")
    ).exclude(email=EmailMode.DIGEST)
    digest_by_default = [kind.code for kind in kinds() if kind.default_email == EmailMode.DIGEST]
    return Notification.objects.filter(
        Exists(chosen_digest) | (Q(kind__in=digest_by_default) & ~Exists(chosen_other)),
        created_at__gte=since,
        emailed_at__isnull=True,
        read_at__isnull=True,
        recipient__is_active=True,
        recipient__email__isnull=False,
    ).exclude(recipient__email="")


@task()
def send_daily_digests() -> int:
    """Enqueue one digest email for each person with digest items from the last day."""
    since = timezone.now() - DIGEST_LOOKBACK
    recipient_ids = sorted(set(digest_items(since).values_list("recipient_id", flat=True)))
    for recipient_id in recipient_ids:
        send_digest_email.enqueue(recipient_id, since.isoformat())
    return len(recipient_ids)


@task()
def send_digest_email(recipient_id: int, since: str) -> int:
    """Send one person ONE email listing their digest items, and mark them emailed.

    Returns the number of items sent; 0 when there is nothing left (so running twice is harmless).
    """
    user_model = get_user_model()
    claimed_at = timezone.now()
    with transaction.atomic():
        # The lock keeps two workers from splitting one person's items into two emails.
        recipient = user_model.objects.select_for_update().filter(pk=recipient_id).first()
        email = getattr(recipient, "email", None)
        if recipient is None or not email:
            return 0
        candidates = list(
            digest_items(datetime.fromisoformat(since))
            .filter(recipient_id=recipient_id)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)[:DIGEST_MAX_ITEMS]
        )
        if not candidates:
            return 0
        Notification.objects.filter(pk__in=candidates, emailed_at__isnull=True).update(emailed_at=claimed_at)
        items = list(
            Notification.objects.filter(pk__in=candidates, emailed_at=claimed_at).order_by("created_at", "id")
        )
    if not items:
        return 0
    with translation.override(getattr(recipient, "language", "") or settings.LANGUAGE_CODE):
        subject = ngettext(
            "SmartBranch: %(count)d new notification",
            "SmartBranch: %(count)d new notifications",
            len(items),
        ) % {"count": len(items)}
        message = render_to_string(
            "core/email/digest.txt",
            {
                "recipient": recipient,
                "items": items,
                "site_url": settings.SITE_URL,
                "inbox_url": f"{settings.SITE_URL}{reverse('core:inbox')}",
                "preferences_url": _preferences_url(),
            },
        )
    try:
        send_mail(subject, message, None, [email])
    except Exception:
        Notification.objects.filter(pk__in=[i.pk for i in items], emailed_at=claimed_at).update(
            emailed_at=None
        )
        raise
    return len(items)
