"""The demo university's channels and articles (publishing/demo.py), loaded by seed_demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from publishing.demo import BRANCH_ARTICLES, BRANCH_CODE, UNIVERSITY_ARTICLES
from publishing.models import Article, ArticleRevision, ArticleStatus, Channel, ReviewStatus, ReviewTask

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_university_and_the_persona_branch_have_channels_of_reviewed_articles():
    seed()
    channels = {channel.unit.code: channel for channel in Channel.objects.select_related("unit")}
    assert set(channels) == {"YH", BRANCH_CODE}
    for code, expected in (("YH", UNIVERSITY_ARTICLES), (BRANCH_CODE, BRANCH_ARTICLES)):
        articles = Article.objects.filter(channel=channels[code])
        published = articles.filter(status=ArticleStatus.PUBLISHED)
        assert 3 <= published.count() <= 5
        assert articles.count() == len(expected)
        assert published.filter(is_pinned=True).count() == 1
        for article in published:
            decisions = ReviewTask.objects.filter(article=article, status=ReviewStatus.APPROVED)
            assert sorted(decisions.values_list("level", flat=True)) == [1, 2]
            deciders = {article.author_id, *decisions.values_list("decided_by_id", flat=True)}
            assert len(deciders) == 3  # the author and two different reviewers
            assert all(task.decided_at <= article.published_at for task in decisions)


def test_one_branch_article_was_returned_with_a_reason_and_resubmitted_as_revision_2():
    seed()
    returned = ReviewTask.objects.get(status=ReviewStatus.RETURNED)
    assert returned.reason and returned.revision.number == 1
    article = returned.article
    assert (article.status, article.revision) == (ArticleStatus.PUBLISHED, 2)
    assert ArticleRevision.objects.filter(article=article).count() == 2
    assert "实到26人" in article.body


def test_the_secretary_persona_finds_an_article_waiting_for_review(client):
    seed()
    secretary = User.objects.get(number="2024020003")
    waiting = Article.objects.get(status=ArticleStatus.IN_REVIEW)
    assert waiting.review_level == 1
    client.force_login(secretary)
    response = client.get(reverse("publishing:reviews"))
    assert response.status_code == 200
    assert waiting.title in response.content.decode()


def test_loading_again_creates_nothing():
    seed()
    counts = (Channel.objects.count(), Article.objects.count(), ReviewTask.objects.count())
    assert "publishing" not in seed()
    assert (Channel.objects.count(), Article.objects.count(), ReviewTask.objects.count()) == counts


def test_the_public_channel_pages_show_the_published_articles_pinned_first(client):
    seed()
    for channel in Channel.objects.all():
        response = client.get(reverse("channels:channel", args=[channel.slug]))
        assert response.status_code == 200
        page = response.content.decode()
        published = Article.objects.filter(channel=channel, status=ArticleStatus.PUBLISHED)
        for article in published:
            assert article.title in page
        pinned = published.get(is_pinned=True)
        others = published.exclude(pk=pinned.pk)
        assert all(page.index(pinned.title) < page.index(other.title) for other in others)
        waiting = Article.objects.filter(channel=channel, status=ArticleStatus.IN_REVIEW)
        assert all(article.title not in page for article in waiting)
        article = published.first()
        assert article is not None
        response = client.get(reverse("channels:article", args=[channel.slug, article.pk]))
        assert response.status_code == 200
        assert "<svg" in response.content.decode()
