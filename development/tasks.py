"""Background work of the development procedure: the daily deadline reminders."""

from __future__ import annotations

from datetime import time

from django.utils import timezone
from django_tasks import task

from core.scheduler import PeriodicJob, daily_at, register_job

REMINDERS_JOB = "development.deadline_reminders"


@task()
def send_deadline_reminders() -> int:
    """Notify the deadlines coming within each university's lead days; returns notifications sent."""
    from development.services_reminders import deadline_reminders_send

    return deadline_reminders_send(today=timezone.localdate())


def register_jobs() -> None:
    register_job(
        PeriodicJob(name=REMINDERS_JOB, task=send_deadline_reminders, period_of=daily_at(time(7, 30)))
    )
