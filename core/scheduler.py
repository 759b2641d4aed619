"""Periodic jobs (nightly digests, reminders, roll-ups), enqueued on the task worker.

Apps register a job with the task to enqueue and a function that names the current period
(e.g. ``"2026-11-27"`` for a daily job due after 07:00). ``schedule_due_jobs`` inserts one
``ScheduledRun`` per job and period; the unique constraint makes it safe to run the scheduler in
several processes or on several machines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import ScheduledRun


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Any  # a django_tasks Task taking no arguments
    period_of: Callable[[datetime], str | None]  # None: not due yet in this period


_jobs: dict[str, PeriodicJob] = {}


def register_job(job: PeriodicJob) -> None:
    _jobs[job.name] = job


def registered_jobs() -> list[PeriodicJob]:
    return list(_jobs.values())


def daily_at(at: time) -> Callable[[datetime], str | None]:
    """A period function for a job due once a day from ``at`` (local time) onwards."""

    def period_of(now: datetime) -> str | None:
        local = timezone.localtime(now)
        return local.date().isoformat() if local.time() >= at else None

    return period_of


def every_minutes(minutes: int) -> Callable[[datetime], str | None]:
    def period_of(now: datetime) -> str | None:
        stamp = int(now.timestamp()) // (minutes * 60)
        return f"m{minutes}-{stamp}"

    return period_of


def schedule_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current period has not been enqueued yet; returns their names."""
    moment = now or timezone.now()
    enqueued = []
    for job in _jobs.values():
        period = job.period_of(moment)
        if period is None:
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, period=period)
                transaction.on_commit(job.task.enqueue)
        except IntegrityError:
            continue  # another scheduler got there first
        enqueued.append(job.name)
    return enqueued
