"""Background work of the shared kernel: notification emails and daily digests."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from core.models import Notification


@task()
def send_notification_email(notification_id: int) -> bool:
    """Email one notification; does nothing if it was emailed already (safe to retry)."""
    item = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if item is None or item.emailed_at is not None or not item.recipient.email:
        return False
    link = f"\n\n{settings.SITE_URL}{item.url}" if item.url else ""
    send_mail(item.title, f"{item.body}{link}", None, [item.recipient.email])
    # Only mark it if nobody else has meanwhile, so two workers never both count it.
    Notification.objects.filter(pk=item.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True
