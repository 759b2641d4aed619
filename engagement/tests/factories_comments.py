"""Factories and fixtures of the comments tests: a published article in branch A1's channel
(written by the activist, so its author is not a moderator), and a lesson of a course kept by
college A (written by the college officer)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from engagement.models import Comment
from engagement.queries_comments import Target, target_for
from engagement.services_comments import comment_post
from learning.models import Lesson
from learning.tests.factories import make_course
from publishing.models import Article, ArticleStatus, Kind
from publishing.tests.helpers import make_channel


def make_published(
    author: Any, channel: Any, *, title: str = "学习二十大精神", kind: str = Kind.ARTICLE
) -> Article:
    return Article.objects.create(
        channel=channel,
        kind=kind,
        author=author,
        title=title,
        body="<p>正文</p>",
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now(),
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and public pages live in the cache: each test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def article(tree, personas) -> Article:
    channel = make_channel(personas.secretary, tree.branch_a1)
    return make_published(personas.activist, channel)


@pytest.fixture
def lesson(tree, personas) -> Lesson:
    course = make_course(tree.college_a, title="党史学习", created_by=personas.college_officer)
    return course.lessons.get()


def article_target(article: Article) -> Target:
    return target_for(None, "article", article.pk)


def write(person: Any, article: Article, text: str = "写得好", **fields: Any) -> Comment:
    return comment_post(actor=person, target=article_target(article), text=text, **fields).comment


def client_for(user: Any | None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def post_json(client: Client, url: str, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def put(client: Client, url: str) -> Any:
    return client.put(url)
