"""Background work of publishing: publishing scheduled items at their time.

``publish_article`` is enqueued (on commit) to run at the scheduled time; the periodic job
``publishing.publish_due`` is the safety net when the queue lost the task or the backend cannot
defer work: every few minutes it publishes whatever is due.
"""

from __future__ import annotations

from django_tasks import task

from core.scheduler import PeriodicJob, every_minutes, register_job

PUBLISH_DUE_JOB = "publishing.publish_due"


@task()
def publish_article(article_id: int) -> bool:
    """Publish the scheduled item ``article_id`` if its time has come; True when it was published."""
    from publishing.services import article_publish_if_due

    return article_publish_if_due(article_id=article_id)


@task()
def publish_due_articles() -> int:
    """Publish every scheduled item that is due; returns how many were published."""
    from publishing.services import due_articles_publish

    return len(due_articles_publish())


def register_jobs() -> None:
    register_job(PeriodicJob(name=PUBLISH_DUE_JOB, task=publish_due_articles, period_of=every_minutes(5)))
