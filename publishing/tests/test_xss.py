"""The XSS corpus of core/tests/test_richtext.py through every field an author or manager writes,
and every page that shows them: nothing that runs survives."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.tests.test_richtext import XSS_CORPUS
from publishing import services
from publishing.models import Article, ArticleRevision
from publishing.services import ArticleInput
from publishing.tests.helpers import committed, make_channel, published

pytestmark = pytest.mark.django_db
DANGERS = ("<script", "onerror", "onload", "onclick", "javascript:", "<iframe", "<object", "data:text", "<form",
           "expression(", "<svg onload", "<input")  # fmt: skip


HTMX_TAG = '<script src="/static/vendor/htmx/htmx.min.js" defer></script>'


def assert_harmless(html: str) -> None:
    lowered = html.lower()
    for danger in DANGERS:
        assert danger not in lowered, danger


@pytest.mark.parametrize("dirty", XSS_CORPUS)
def test_every_field_is_stored_harmless(personas, tree, dirty):
    channel = make_channel(personas.secretary, tree.branch_a1, introduction=f"<p>简介</p>{dirty}")
    article = published(
        personas,
        channel,
        title=f"标题{dirty}",
        summary=f"摘要{dirty}",
        tags=f"标签 {dirty}",
        body=f"<p>正文</p>{dirty}",
    )
    stored = Article.objects.get(pk=article.pk)
    for value in (channel.introduction, stored.title, stored.summary, " ".join(stored.tags), stored.body):
        assert_harmless(value)
    # Title, summary and tags are plain text: no markup at all.
    for value in (stored.title, stored.summary, *stored.tags):
        assert "<" not in value
    revision = ArticleRevision.objects.get(article=article, number=1)
    assert_harmless(revision.body)


@pytest.mark.parametrize("dirty", XSS_CORPUS)
def test_every_page_shows_the_fields_harmless(client, personas, tree, dirty):
    with committed():
        channel = make_channel(personas.secretary, tree.branch_a1, introduction=f"<p>简介</p>{dirty}")
    article = published(
        personas,
        channel,
        title=f"标题{dirty}",
        summary=f"摘要{dirty}",
        tags=f"标签 {dirty}",
        body=f"<p>正文</p>{dirty}",
    )
    public_pages = [
        reverse("channels:channel", args=[channel.slug]),
        reverse("channels:article", args=[channel.slug, article.pk]),
        reverse("channels:feed", args=[channel.slug]),
    ]
    for url in public_pages:
        # The public base loads the vendored htmx (for the comments panel); nothing else may run.
        page = client.get(url).content.decode().replace(HTMX_TAG, "")
        assert_harmless(page)
    client.force_login(personas.secretary)
    editor_pages = [
        reverse("publishing:article", args=[article.pk]),
        reverse("publishing:wechat", args=[article.pk]),
        reverse("publishing:compare", args=[article.pk]),
        reverse("publishing:channel_edit", args=[tree.branch_a1.pk]),
        reverse("publishing:index"),
        reverse("api:get_channel_article", args=[channel.slug, article.pk]),
    ]
    for url in editor_pages:
        content = client.get(url).content.decode()
        # Editor pages load their own scripts and echo the raw input escaped (in the editor's
        # textarea); what must not appear is the corpus as live markup.
        for danger in ("<script>alert", "<iframe", "<object", "<svg onload", 'onerror="alert', "onerror=alert",
                       'onload="alert', 'onclick="alert', 'href="javascript:', "<form action"):  # fmt: skip
            assert danger not in content.lower(), (url, danger)


def test_a_pasted_word_document_is_cleaned(personas, channel):
    pasted = (
        '<html><head><style>p{color:red}</style></head><body><p class="MsoNormal" style="margin:0">'
        '<span style="font-family:宋体">正文</span></p><section data-tools="135编辑器">公众号内容</section></body></html>'
    )
    created = services.article_create(
        actor=personas.propaganda, channel=channel, data=ArticleInput(title="粘贴", body=pasted)
    )
    assert created.body == "<p>正文</p>公众号内容"
