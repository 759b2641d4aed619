"""Small builders shared by the core tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from core import notifications
from core.models import EmailMode, Notification

IMMEDIATE_KIND = "test.immediate"
DIGEST_KIND = "test.digest"
QUIET_KIND = "test.quiet"


@pytest.fixture
def registered_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three kinds with each default email mode, registered only for the test."""
    monkeypatch.setattr(notifications, "_kinds", dict(notifications._kinds))
    notifications.register_kind(IMMEDIATE_KIND, "Immediate kind", EmailMode.IMMEDIATE)
    notifications.register_kind(DIGEST_KIND, "Digest kind", EmailMode.DIGEST)
    notifications.register_kind(QUIET_KIND, "Quiet kind", EmailMode.NONE)


def make_notification(
    recipient: Any,
    *,
    kind: str = IMMEDIATE_KIND,
    title: str = "A notice",
    body: str = "",
    url: str = "",
    read: bool = False,
    age: timedelta | None = None,
) -> Notification:
    item = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        title=title,
        body=body,
        url=url,
        read_at=timezone.now() if read else None,
    )
    if age is not None:
        # created_at is auto_now_add: move it back with an UPDATE.
        Notification.objects.filter(pk=item.pk).update(created_at=timezone.now() - age)
        item.refresh_from_db()
    return item
