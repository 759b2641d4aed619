"""Background work of notices: delivering a notice, or its reminder, to every recipient's inbox."""

from __future__ import annotations

from django_tasks import task

from engagement.services_notices import notice_deliver


@task()
def deliver_notice(notice_id: int, reminder_day: str = "") -> int:
    """Deliver the notice (or the reminder of ``reminder_day``); returns how many inbox items were made."""
    return notice_deliver(notice_id=notice_id, reminder_day=reminder_day)
