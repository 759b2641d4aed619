"""Background work of the suggestion box: the daily reply-deadline reminders and escalations."""

from __future__ import annotations

from datetime import time

from django_tasks import task

from core.scheduler import PeriodicJob, daily_at, register_job
from engagement.services_suggestions import suggestion_deadlines_notify


@task()
def send_suggestion_deadline_notices() -> int:
    """Remind handlers of due and overdue replies and tell superiors of long-overdue ones."""
    return suggestion_deadlines_notify()


def register_jobs() -> None:
    register_job(
        PeriodicJob(
            name="engagement.suggestion_deadlines",
            task=send_suggestion_deadline_notices,
            period_of=daily_at(time(8, 0)),
        )
    )
