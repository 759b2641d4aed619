"""The public pages: only published items, whole-page cache invalidated on change, share tags, QR
code, Atom feed, media served with byte ranges, and views counted per visitor per day."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from archive.tests import files
from publishing import services
from publishing.models import ArticleViews
from publishing.services import ArticleInput
from publishing.services_channels import article_pin, media_upload
from publishing.tests.helpers import committed, make_article, published, submitted

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def page(client, channel, **headers):
    return client.get(reverse("channels:channel", args=[channel.slug]), **headers)


def article_page(client, article, **headers):
    return client.get(reverse("channels:article", args=[article.channel.slug, article.pk]), **headers)


def test_the_channel_page_shows_published_items_only(client, personas, channel):
    draft = make_article(personas.propaganda, channel, title="草稿不可见")
    in_review = submitted(personas.propaganda, channel, title="审核中不可见")
    shown = published(personas, channel, title="已发布的文章")
    withdrawn = published(personas, channel, title="已撤回的文章")
    services.article_withdraw(actor=personas.secretary, article=withdrawn, reason="有误")

    content = page(client, channel).content.decode()

    assert shown.title in content
    for hidden in (draft, in_review, withdrawn):
        assert hidden.title not in content
    for hidden in (draft, in_review, withdrawn):
        assert article_page(client, hidden).status_code == 404


def test_an_unknown_channel_is_not_found(client, db):
    assert client.get(reverse("channels:channel", args=["nobody"])).status_code == 404


def test_the_article_page_has_its_title_share_tags_and_qr_code(client, personas, channel):
    cover = media_upload(
        actor=personas.secretary, unit=channel.unit, uploaded_file=files.upload(files.png(), "c.png")
    )
    article = published(personas, channel, title="学习二十大", cover_file=None)
    article.cover = cover
    article.save(update_fields=["cover"])
    from publishing.services import _link_media

    _link_media(article)

    response = article_page(client, article)
    content = response.content.decode()

    assert response.status_code == 200
    assert "<title>学习二十大 · 甲一支部宣传</title>" in content
    assert '<meta property="og:title" content="学习二十大">' in content
    assert f'content="http://testserver/channels/media/{cover.public_id}/"' in content
    assert "<svg" in content and "</svg>" in content  # the inline QR code
    assert "Set-Cookie" not in response.headers or "csrftoken" not in response.headers.get("Set-Cookie", "")
    assert "csrfmiddlewaretoken" not in content


def test_a_cached_page_needs_no_query_and_publishing_refreshes_it(
    client, personas, channel, django_assert_num_queries
):
    first = published(personas, channel, title="第一篇")
    page(client, channel)  # fills the cache

    with django_assert_num_queries(0):
        assert "第一篇" in page(client, channel).content.decode()

    published(personas, channel, title="第二篇")
    assert "第二篇" in page(client, channel).content.decode()

    with committed():
        services.article_withdraw(actor=personas.secretary, article=first, reason="过时")
    assert "第一篇" not in page(client, channel).content.decode()


def test_a_cached_article_is_served_without_touching_the_article(
    client, personas, channel, django_assert_num_queries
):
    article = published(personas, channel)
    article_page(client, article)

    # Only the day's view count may be written (a new visitor): nothing is read.
    with django_assert_num_queries(1):
        article_page(client, article, HTTP_USER_AGENT="another browser")
    with django_assert_num_queries(0):
        article_page(client, article, HTTP_USER_AGENT="another browser")


@pytest.fixture
def cache_calls(monkeypatch):
    """Every call the default cache receives, by method name: each one is a round trip on Redis."""
    from django.core.cache import caches

    calls: list[str] = []
    inside: list[str] = []  # local memory's get_many calls get once per key: count the outer call only
    backend = caches["default"]
    for name in ("get", "get_many", "set", "add", "delete", "incr", "set_many"):
        method = getattr(backend, name)

        def counted(*args, _name=name, _method=method, **kwargs):
            if not inside:
                calls.append(_name)
            inside.append(_name)
            try:
                return _method(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(backend, name, counted)
    return calls


def test_a_cached_page_costs_one_cache_round_trip_view_counting_included(
    client, personas, channel, cache_calls
):
    article = published(personas, channel)
    article_page(client, article)  # fills the cache and marks this visitor as seen today
    page(client, channel)

    cache_calls.clear()
    assert article_page(client, article).status_code == 200
    assert cache_calls == ["get_many"]

    cache_calls.clear()
    assert page(client, channel).status_code == 200
    assert cache_calls == ["get_many"]


def test_a_page_rendered_while_the_channel_changed_is_not_served(client, personas, channel):
    from django.utils.translation import get_language

    from publishing import cache as page_cache

    article = published(personas, channel, title="旧标题")
    lookup = page_cache.page_lookup(channel.slug, f"article:{article.pk}", get_language() or "")
    page_cache.channel_changed(channel.slug)  # a change commits while the old page is being rendered
    lookup.store(b"stale page")

    assert "stale page" not in article_page(client, article).content.decode()


def test_pages_are_cached_per_language(client, personas, channel):
    published(personas, channel)
    chinese = page(client, channel, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = page(client, channel, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "文章和视频" in chinese
    assert "Articles and videos" in english


def test_pinned_items_come_first(client, personas, channel):
    older = published(personas, channel, title="置顶的旧文")
    published(personas, channel, title="较新的文章")
    with committed():
        article_pin(actor=personas.secretary, article=older, pinned=True)

    content = page(client, channel).content.decode()
    assert content.index("置顶的旧文") < content.index("较新的文章")


def test_the_channel_page_uses_a_fixed_number_of_queries(
    client, personas, channel, django_assert_num_queries
):
    published(personas, channel)
    with django_assert_num_queries(3):  # channel, count, items
        page(client, channel)
    for number in range(3):
        published(personas, channel, title=f"文章{number}")
    with django_assert_num_queries(3):
        page(client, channel)


def test_the_atom_feed_lists_published_items(client, personas, channel):
    published(personas, channel, title="订阅可见")
    make_article(personas.propaganda, channel, title="草稿不在订阅中")

    response = client.get(reverse("channels:feed", args=[channel.slug]))

    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<feed" in body and "订阅可见" in body and "草稿不在订阅中" not in body
    assert client.get(reverse("channels:feed", args=[channel.slug]))["Content-Type"].startswith(
        "application/atom+xml"
    )


def test_views_are_counted_once_per_visitor_per_day_without_recording_who(
    client, personas, channel, time_machine
):
    time_machine.move_to(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False)
    article = published(personas, channel)

    article_page(client, article, REMOTE_ADDR="10.0.0.1")
    article_page(client, article, REMOTE_ADDR="10.0.0.1")
    article_page(client, article, REMOTE_ADDR="10.0.0.2")
    time_machine.move_to(datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=False)
    article_page(client, article, REMOTE_ADDR="10.0.0.1")

    rows = {str(day): count for day, count in ArticleViews.objects.values_list("day", "count")}
    assert rows == {"2026-12-01": 2, "2026-12-02": 1}
    field_names = {field.name for field in ArticleViews._meta.get_fields()}
    assert field_names == {"id", "article", "day", "count"}


def test_media_is_public_only_once_a_published_item_uses_it(client, personas, channel):
    image = media_upload(
        actor=personas.secretary, unit=channel.unit, uploaded_file=files.upload(files.png(), "p.png")
    )
    body = f'<p>图</p><figure><img src="/channels/media/{image.public_id}/" alt="图"></figure>'
    article = make_article(personas.propaganda, channel, body=body)
    url = reverse("channels:media", args=[image.public_id])

    assert client.get(url).status_code == 404
    client.force_login(personas.propaganda)  # a writer of the channel sees it while writing
    assert client.get(url).status_code == 200
    client.logout()

    services.article_submit(actor=personas.propaganda, article=article)
    services.review_decide(actor=personas.secretary, article=article, decision="approve")
    services.review_decide(actor=personas.college_officer, article=article, decision="approve")

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_video_is_served_in_byte_ranges(client, personas, channel):
    video_bytes = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2000
    article = make_article(personas.propaganda, channel, body="")
    article.kind = "video"
    article.save(update_fields=["kind"])
    services.article_update(
        actor=personas.propaganda,
        article=article,
        data=ArticleInput(title=article.title, video_file=files.upload(video_bytes, "v.mp4")),
    )
    article.refresh_from_db()
    services.article_submit(actor=personas.propaganda, article=article)
    services.review_decide(actor=personas.secretary, article=article, decision="approve")
    services.review_decide(actor=personas.college_officer, article=article, decision="approve")

    url = reverse("channels:media", args=[article.video.public_id])
    response = client.get(url, HTTP_RANGE="bytes=0-99")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-99/{len(video_bytes)}"
    assert b"".join(response.streaming_content) == video_bytes[:100]
    assert "<video" in article_page(client, article).content.decode()


def test_readers_caches_revalidate_so_a_withdrawal_shows_at_once(client, personas, channel):
    article = published(personas, channel)
    response = article_page(client, article)
    assert "max-age=0" in response["Cache-Control"] and "must-revalidate" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_a_reader_switches_the_public_pages_language_with_a_link(client, personas, channel):
    published(personas, channel)
    chinese = page(client, channel, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    switch = reverse("channels:language", args=["en"]) + f"?next=/channels/{channel.slug}/"
    assert (
        f'href="{reverse("channels:language", args=["en"])}?next=%2Fchannels%2F{channel.slug}%2F"' in chinese
    )

    response = client.get(switch, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert (response.status_code, response["Location"]) == (302, f"/channels/{channel.slug}/")
    english = page(client, channel, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Articles and videos" in english  # the cookie wins over the browser's language


def test_the_language_link_goes_nowhere_outside_the_site_and_knows_only_our_languages(client):
    outside = client.get(reverse("channels:language", args=["en"]) + "?next=https://evil.example/")
    assert outside["Location"] == "/"
    assert client.get(reverse("channels:language", args=["fr"])).status_code == 404
