"""Background work of party dues: the daily warnings of arrears and missing organisational life."""

from __future__ import annotations

from datetime import time

from django.utils import timezone
from django_tasks import task

from core.scheduler import PeriodicJob, daily_at, register_job

WARNINGS_JOB = "dues.warnings"


@task()
def send_dues_warnings() -> int:
    """Warn members behind in dues or without organisational life, and their branches."""
    from dues.services_warnings import dues_warnings_send

    return dues_warnings_send(today=timezone.localdate())


def register_jobs() -> None:
    register_job(PeriodicJob(name=WARNINGS_JOB, task=send_dues_warnings, period_of=daily_at(time(8, 0))))
