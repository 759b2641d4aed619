"""Background work of moderation: the daily reminder to reviewers of what waits in their queue."""

from __future__ import annotations

from datetime import time

from django_tasks import task

from core.scheduler import PeriodicJob, daily_at, register_job
from moderation.services import queue_reminders_send


@task()
def send_queue_reminders() -> int:
    """Tell reviewers how many items wait in their queues; returns how many were told."""
    return queue_reminders_send()


def register_jobs() -> None:
    register_job(
        PeriodicJob(
            name="moderation.queue_reminders", task=send_queue_reminders, period_of=daily_at(time(8, 30))
        )
    )
