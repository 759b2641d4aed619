"""Scheduled publishing through the real queue (database backend, db_worker), and the rule of one
active review per article under concurrent requests (PostgreSQL; SQLite serialises writers)."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django_tasks_db.models import DBTaskResult

from core.errors import DomainError
from publishing import services
from publishing.models import Article, ArticleRevision, ArticleStatus, ReviewStatus, ReviewTask
from publishing.tests.helpers import make_article, make_channel, published

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_publishes_a_scheduled_item_at_its_time(settings, tree, personas, time_machine):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False)
    channel = make_channel(personas.secretary, tree.branch_a1)
    article = published(personas, channel, publish_at=datetime(2026, 12, 1, 18, 0, tzinfo=SHANGHAI))
    assert DBTaskResult.objects.filter(task_path="publishing.tasks.publish_article").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay")
    article.refresh_from_db()
    assert article.status == ArticleStatus.SCHEDULED  # not yet: the task waits for its time

    time_machine.move_to(datetime(2026, 12, 1, 18, 0, 30, tzinfo=SHANGHAI), tick=False)
    call_command("db_worker", "--batch", "--no-startup-delay")
    article.refresh_from_db()
    assert (article.status, article.published_at) == (
        ArticleStatus.PUBLISHED,
        datetime(2026, 12, 1, 18, 0, tzinfo=SHANGHAI),
    )
    assert DBTaskResult.objects.get(task_path="publishing.tasks.publish_article").status == "SUCCESSFUL"


@pytest.mark.django_db
def test_the_database_refuses_a_second_active_review(personas, channel):
    article = make_article(personas.propaganda, channel)
    revision = ArticleRevision.objects.get(article=article)
    ReviewTask.objects.create(article=article, revision=revision, level=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewTask.objects.create(article=article, revision=revision, level=2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
def test_concurrent_submissions_open_exactly_one_review(tree, personas):
    channel = make_channel(personas.secretary, tree.branch_a1)
    article = make_article(personas.propaganda, channel)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            barrier.wait()
            services.article_submit(actor=personas.propaganda, article=Article.objects.get(pk=article.pk))
            outcomes.append("submitted")
        except (DomainError, IntegrityError) as refusal:
            outcomes.append(type(refusal).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("submitted") == 1
    assert sorted(outcomes) == ["DomainError", "DomainError", "DomainError", "submitted"]
    assert ReviewTask.objects.filter(article=article, status=ReviewStatus.ACTIVE).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
def test_concurrent_decisions_on_one_level_are_taken_once(tree, personas):
    channel = make_channel(personas.secretary, tree.branch_a1)
    article = make_article(personas.propaganda, channel)
    services.article_submit(actor=personas.propaganda, article=article)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(actor) -> None:
        try:
            barrier.wait()
            services.review_decide(
                actor=actor, article=Article.objects.get(pk=article.pk), decision="approve", level=1
            )
            outcomes.append("decided")
        except DomainError as refusal:
            outcomes.append(refusal.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(who,)) for who in (personas.secretary, personas.college_officer)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Both saw level 1; the second decision must not silently become the final approval of level 2.
    assert sorted(outcomes) == ["decided", "publishing.review_moved"]
    assert ReviewTask.objects.filter(article=article, level=1, status=ReviewStatus.APPROVED).count() == 1
    assert ReviewTask.objects.get(article=article, status=ReviewStatus.ACTIVE).level == 2
