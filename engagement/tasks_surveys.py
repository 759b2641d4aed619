"""Background work of surveys: closing surveys at their closing time, queueing held anonymous answers."""

from __future__ import annotations

from datetime import time

from django_tasks import task

from core.scheduler import PeriodicJob, daily_at, every_minutes, register_job

CLOSE_DUE_JOB = "engagement.surveys_close_due"
SHUFFLE_JOB = "engagement.anonymous_surveys_shuffle"


@task()
def close_due_surveys() -> int:
    """Close every open survey whose closing time has come; returns how many were closed."""
    from engagement.services_surveys import surveys_close_due

    return surveys_close_due()


@task()
def survey_answer_queue(answer_id: str) -> None:
    """Put a held answer of an anonymous survey into the review queue, with no author."""
    from engagement.services_surveys import survey_answer_queue as queue

    queue(answer_id=answer_id)


@task()
def shuffle_anonymous_surveys() -> int:
    """Rewrite the responses of open anonymous surveys in a random order (see the service)."""
    from engagement.services_surveys import anonymous_surveys_shuffle

    return anonymous_surveys_shuffle()


def register_jobs() -> None:
    register_job(PeriodicJob(name=CLOSE_DUE_JOB, task=close_due_surveys, period_of=every_minutes(5)))
    register_job(
        PeriodicJob(name=SHUFFLE_JOB, task=shuffle_anonymous_surveys, period_of=daily_at(time(3, 30)))
    )
