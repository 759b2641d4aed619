"""The hourly comment limit holds across processes that share Redis: a second Django process
counts the same person's comments, and this process refuses the one over the limit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from engagement.models import Comment
from engagement.tests import factories_comments
from engagement.tests.factories_comments import client_for, post_json

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "redis" not in django_settings.CACHES["default"]["BACKEND"].lower(),
        reason="needs the Redis cache (set REDIS_URL): the local-memory cache is private to one process",
    ),
]

article = factories_comments.article
_empty_cache = factories_comments._empty_cache

ROOT = Path(__file__).resolve().parents[2]
SECOND_PROCESS = textwrap.dedent(
    """
    import sys, types
    import django
    django.setup()
    from engagement.services_comments import RateLimited, comment_rate_take
    person = types.SimpleNamespace(pk=int(sys.argv[1]))
    taken = 0
    for _ in range(int(sys.argv[2])):
        try:
            comment_rate_take(actor=person)
        except RateLimited:
            break
        taken += 1
    print(taken)
    """
)


def second_process(person_id: int, tries: int, limit: int) -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smartbranch.settings",
        "ENGAGEMENT_COMMENT_RATE_PER_HOUR": str(limit),
    }
    done = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, str(person_id), str(tries)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


def test_comments_counted_by_another_process_count_here(personas, article, settings):
    settings.ENGAGEMENT_COMMENT_RATE_PER_HOUR = 3
    assert second_process(personas.student.pk, tries=2, limit=3) == 2
    client = client_for(personas.student)
    body = {"target": f"article:{article.pk}", "text": "第三条"}
    assert post_json(client, "/api/v1/comments", body).status_code == 201
    over = post_json(client, "/api/v1/comments", {**body, "text": "第四条"})
    assert over.status_code == 429
    assert Comment.objects.count() == 1
    # And the other way round: the other process finds the hour full.
    assert second_process(personas.student.pk, tries=1, limit=3) == 0
    assert second_process(personas.activist.pk, tries=5, limit=3) == 3
