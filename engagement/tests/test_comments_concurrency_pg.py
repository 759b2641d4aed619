"""Double taps at the same moment on PostgreSQL: each comment is stored once, each like counted once.

Every person sends the same comment (same client key) twice at the same instant and likes one
comment twice at the same instant, each attempt in its own thread with its own connection. At most
``BURST_CONNECTIONS`` connections are open together (the development PostgreSQL is shared). SQLite
lets one writer in at a time, so the test runs on PostgreSQL only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from accounts.models import User
from engagement import services_comments
from engagement.models import Comment, CommentLike
from engagement.tests.factories_comments import article_target, make_published, write
from orgs.models import Membership, PartyStatus
from publishing.tests.helpers import make_channel

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: SQLite lets one writer in at a time",
    ),
    pytest.mark.django_db(transaction=True),
]

PEOPLE = 40
BURST_CONNECTIONS = int(os.environ.get("ENGAGEMENT_BURST_CONNECTIONS", "30"))


def _at_once(jobs: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    gate = threading.BoundedSemaphore(BURST_CONNECTIONS)
    start = threading.Barrier(len(jobs))
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], object]) -> None:
        start.wait()
        with gate:
            try:
                result = job()
                with lock:
                    results.append(result)
            except BaseException as error:
                with lock:
                    errors.append(error)
            finally:
                connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_double_taps_at_the_same_moment_store_one_comment_and_one_like(tree, personas):
    cache.clear()
    people = User.objects.bulk_create(
        User(number=f"CMT{index:05d}", name=f"读者{index}", password="!") for index in range(PEOPLE)
    )
    Membership.objects.bulk_create(
        Membership(person=person, unit=tree.branch_a1, party_status=PartyStatus.FULL) for person in people
    )
    article = make_published(personas.activist, make_channel(personas.secretary, tree.branch_a1))
    liked = write(personas.secretary, article, "请大家点赞")
    target = article_target(article)

    def post(person_id: int) -> Callable[[], object]:
        def job() -> object:
            person = User.objects.get(pk=person_id)
            return services_comments.comment_post(
                actor=person, target=target, text="同时发送两次", client_key=f"tap-{person_id}"
            ).created

        return job

    def like(person_id: int) -> Callable[[], object]:
        def job() -> object:
            person = User.objects.get(pk=person_id)
            return services_comments.comment_like_set(actor=person, comment_id=liked.pk, liked=True)

        return job

    results, errors = _at_once([post(person.pk) for person in people for _tap in range(2)])
    assert errors == []
    assert results.count(True) == PEOPLE and results.count(False) == PEOPLE
    assert Comment.objects.filter(target_id=article.pk).exclude(pk=liked.pk).count() == PEOPLE
    _results, errors = _at_once([like(person.pk) for person in people for _tap in range(2)])
    assert errors == []
    assert CommentLike.objects.filter(comment=liked).count() == PEOPLE
    # The second tap stored nothing, so it counts nothing: one comment counted per person.
    assert [services_comments.comment_rate_used(person_id=person.pk) for person in people] == [1] * PEOPLE
