"""Builders for publishing tests: a channel, an article, and an article taken through review."""

from __future__ import annotations

from datetime import datetime

from django.test import TestCase

from publishing import services
from publishing.models import Article, Channel
from publishing.services import ArticleInput
from publishing.services_channels import channel_save


def committed():
    """Run the on-commit callbacks (cache refreshes, tasks) of the block, as a real commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


BODY = "<h2>学习贯彻</h2><p>支部开展主题党日活动。</p><blockquote>不忘初心</blockquote>"


def make_channel(actor, unit, slug: str = "branch-a1", **fields) -> Channel:
    values = {
        "name": "甲一支部宣传",
        "slug": slug,
        "introduction": "<p>甲一支部的宣传阵地</p>",
        "primary_colour": "#c8102e",
        "accent_colour": "#f5c242",
        **fields,
    }
    return channel_save(actor=actor, unit=unit, **values)


def make_article(
    author, channel: Channel, *, title: str = "主题党日活动", body: str = BODY, **fields
) -> Article:
    data = ArticleInput(title=title, summary=fields.pop("summary", "一次活动的记录"), body=body, **fields)
    return services.article_create(actor=author, channel=channel, data=data)


def submitted(author, channel: Channel, **fields) -> Article:
    article = make_article(author, channel, **fields)
    services.article_submit(actor=author, article=article)
    article.refresh_from_db()
    return article


def approved_once(personas, channel: Channel, **fields) -> Article:
    """Written by the propaganda member and approved at level 1 by the secretary."""
    article = submitted(personas.propaganda, channel, **fields)
    services.review_decide(actor=personas.secretary, article=article, decision="approve")
    article.refresh_from_db()
    return article


def published(personas, channel: Channel, *, publish_at: datetime | None = None, **fields) -> Article:
    """Written by the propaganda member, reviewed by the secretary, approved by the college officer."""
    article = approved_once(personas, channel, **fields)
    with committed():
        services.review_decide(
            actor=personas.college_officer, article=article, decision="approve", publish_at=publish_at
        )
    article.refresh_from_db()
    return article
