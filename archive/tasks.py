"""Background work of the archive: the daily sweep of files that lost their row."""

from __future__ import annotations

from datetime import time

from django_tasks import task

from archive.services import archive_orphans_sweep
from core.scheduler import PeriodicJob, daily_at, register_job


@task()
def sweep_orphan_files() -> int:
    """Remove stored files no document version refers to; returns how many were removed."""
    return len(archive_orphans_sweep())


def register_jobs() -> None:
    register_job(
        PeriodicJob(
            name="archive.sweep_orphan_files", task=sweep_orphan_files, period_of=daily_at(time(3, 30))
        )
    )
