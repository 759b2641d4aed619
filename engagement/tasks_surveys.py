"""Background work of surveys: closing surveys at their closing time, queueing held anonymous answers."""

from __future__ import annotations

from django_tasks import task

from core.scheduler import PeriodicJob, every_minutes, register_job

CLOSE_DUE_JOB = "engagement.surveys_close_due"


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


def register_jobs() -> None:
    register_job(PeriodicJob(name=CLOSE_DUE_JOB, task=close_due_surveys, period_of=every_minutes(5)))
