"""The editors' pages: who may open each (stranger 404, member without the right 403, rightful 200),
what their forms do, and fixed query counts on the lists."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.tests import files
from publishing.models import Article, ArticleStatus, Channel
from publishing.tests.helpers import make_article, published, submitted

pytestmark = pytest.mark.django_db
OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
SHANGHAI = ZoneInfo("Asia/Shanghai")

PERSONAS = (
    "outsider",
    "student",
    "activist",
    "propaganda",
    "secretary",
    "college_officer",
    "university_admin",
    "system_admin",
)


def matrix(**overrides: int) -> dict[str, int]:
    base = {"outsider": NOT_FOUND, "student": FORBIDDEN, "activist": FORBIDDEN}
    base.update({persona: OK for persona in PERSONAS if persona not in base})
    base.update(overrides)
    return base


WORKSPACE = matrix()
NEW_ARTICLE = matrix()
REVIEW = matrix(propaganda=FORBIDDEN)  # the author of the item under review
CHANNEL_EDIT = matrix(propaganda=FORBIDDEN)
SECTION = matrix(student=NOT_FOUND, activist=NOT_FOUND, outsider=OK)  # B1's secretary writes for B1


@pytest.mark.parametrize(("persona", "expected"), WORKSPACE.items())
def test_the_workspace_of_an_item_answers_each_persona(client, personas, channel, persona, expected):
    article = make_article(personas.propaganda, channel)
    client.force_login(getattr(personas, persona))
    for name in ("publishing:article", "publishing:compare"):
        assert client.get(reverse(name, args=[article.pk])).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), WORKSPACE.items())
def test_the_wechat_export_answers_each_persona(client, personas, channel, persona, expected):
    article = published(personas, channel)
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("publishing:wechat", args=[article.pk])).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), NEW_ARTICLE.items())
def test_the_new_article_page_answers_each_persona(client, personas, channel, persona, expected):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("publishing:article_new", args=[channel.pk])).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), REVIEW.items())
def test_the_review_page_answers_each_persona(client, personas, channel, persona, expected):
    article = submitted(personas.propaganda, channel)
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("publishing:review", args=[article.pk])).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), CHANNEL_EDIT.items())
def test_the_channel_page_answers_each_persona(client, tree, personas, channel, persona, expected):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("publishing:channel_edit", args=[tree.branch_a1.pk])).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), SECTION.items())
def test_the_section_pages_open_to_people_with_a_publishing_right(
    client, personas, channel, persona, expected
):
    client.force_login(getattr(personas, persona))
    for name in ("publishing:index", "publishing:reviews"):
        assert client.get(reverse(name)).status_code == (OK if expected == OK else NOT_FOUND)


def test_anonymous_people_are_sent_to_log_in(client, personas, channel):
    article = make_article(personas.propaganda, channel)
    response = client.get(reverse("publishing:article", args=[article.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_author_writes_submits_and_sees_the_status(client, personas, channel):
    client.force_login(personas.propaganda)
    response = client.post(
        reverse("publishing:article_new", args=[channel.pk]),
        {"title": "新闻稿", "summary": "摘要", "category": "current_affairs", "tags": "党史, 学习", "body": "<p>正文</p>",
         "cover_file": files.upload(files.png(), "cover.png")},
    )  # fmt: skip
    article = Article.objects.get()
    assert response.status_code == 302
    assert (article.tags, article.cover is not None) == (["党史", "学习"], True)

    client.post(reverse("publishing:article_submit", args=[article.pk]))
    page = client.get(reverse("publishing:article", args=[article.pk])).content.decode()
    assert "审核中" in page or "In review" in page


def test_a_form_with_a_missing_title_names_the_field(client, personas, channel):
    client.force_login(personas.propaganda)
    response = client.post(
        reverse("publishing:article_new", args=[channel.pk]), {"title": "", "category": "other"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["title"]


def test_the_reviewer_sees_the_lexicon_hits_highlighted(client, personas, channel):
    article = submitted(personas.propaganda, channel, body="<p>加我微信 13812345678 买粉丝</p>")
    client.force_login(personas.secretary)
    content = client.get(reverse("publishing:review", args=[article.pk])).content.decode()
    assert "<mark>13812345678</mark>" in content


def test_the_approver_schedules_through_the_page_in_shanghai_time(client, personas, channel, time_machine):
    time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False)
    article = submitted(personas.propaganda, channel)
    client.force_login(personas.secretary)
    client.post(reverse("publishing:review", args=[article.pk]), {"decision": "approve", "reason": ""})
    client.force_login(personas.college_officer)
    page = client.get(reverse("publishing:review", args=[article.pk])).content.decode()
    assert "Asia/Shanghai" in page

    response = client.post(
        reverse("publishing:review", args=[article.pk]),
        {"decision": "approve", "publish_at": "2026-12-01T20:00"},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (
        ArticleStatus.SCHEDULED,
        datetime(2026, 12, 1, 20, 0, tzinfo=SHANGHAI),
    )


def test_returning_without_a_reason_is_refused_on_the_page(client, personas, channel):
    article = submitted(personas.propaganda, channel)
    client.force_login(personas.secretary)
    response = client.post(
        reverse("publishing:review", args=[article.pk]), {"decision": "return", "reason": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]


def test_withdrawing_through_the_page(client, personas, channel):
    article = published(personas, channel)
    client.force_login(personas.secretary)
    client.post(reverse("publishing:article_withdraw", args=[article.pk]), {"reason": "内容过时"})
    article.refresh_from_db()
    assert (article.status, article.withdrawn_reason) == (ArticleStatus.WITHDRAWN, "内容过时")


def test_a_channel_is_created_with_a_logo_and_refuses_a_bad_colour(client, tree, personas):
    client.force_login(personas.secretary)
    url = reverse("publishing:channel_edit", args=[tree.branch_a1.pk])
    bad = client.post(
        url, {"name": "甲一", "slug": "a1", "primary_colour": "red", "accent_colour": "#ffffff"}
    )
    assert bad.status_code == 400 and bad.context["form"].errors["primary_colour"]

    client.post(
        url,
        {"name": "甲一", "slug": "a1", "primary_colour": "#AA0000", "accent_colour": "#ffffff",
         "logo_file": files.upload(files.png(), "logo.png")},
    )  # fmt: skip
    channel = Channel.objects.get()
    assert (channel.slug, channel.primary_colour, channel.logo is not None) == ("a1", "#aa0000", True)


def test_an_image_for_the_editor_is_uploaded_and_its_address_returned(client, personas, channel):
    client.force_login(personas.propaganda)
    response = client.post(
        reverse("publishing:media_upload", args=[channel.pk]), {"file": files.upload(files.png(), "a.png")}
    )
    assert response.status_code == 201
    assert response.json()["url"].startswith("/channels/media/")
    refused = client.post(
        reverse("publishing:media_upload", args=[channel.pk]), {"file": files.upload(b"%PDF-1.4 x", "a.pdf")}
    )
    assert refused.status_code == 400


def test_the_editor_page_loads_the_vendored_editor_and_keeps_the_textarea(client, personas, channel):
    client.force_login(personas.propaganda)
    content = client.get(reverse("publishing:article_new", args=[channel.pk])).content.decode()
    assert "/static/vendor/pell/pell.min.js" in content and "/static/js/richtext.js" in content
    assert "data-richtext" in content and "<textarea" in content
    assert "http://" not in content.replace("http://testserver", "")


def test_my_list_and_the_review_queue_use_a_fixed_number_of_queries(
    client, personas, channel, django_assert_num_queries
):
    submitted(personas.propaganda, channel)
    client.force_login(personas.propaganda)
    client.get(reverse("publishing:index"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("publishing:index"))
    index_queries = len(before)
    client.force_login(personas.secretary)
    client.get(reverse("publishing:reviews"))
    with CaptureQueriesContext(connection) as queue_before:
        client.get(reverse("publishing:reviews"))
    queue_queries = len(queue_before)
    for number in range(3):
        submitted(personas.propaganda, channel, title=f"第{number}篇")
    client.force_login(personas.propaganda)
    client.get(reverse("publishing:index"))  # the first page after logging in reads a little more
    with django_assert_num_queries(index_queries):
        client.get(reverse("publishing:index"))
    client.force_login(personas.secretary)
    client.get(reverse("publishing:reviews"))
    with django_assert_num_queries(queue_queries):
        client.get(reverse("publishing:reviews"))


def test_the_home_page_offers_publishing_to_writers_and_the_unit_card_links_the_channel(
    client, tree, personas
):
    client.force_login(personas.student)
    assert reverse("publishing:index") not in client.get(reverse("home")).content.decode()
    client.force_login(personas.secretary)
    assert reverse("publishing:index") in client.get(reverse("home")).content.decode()
    from core.sections import unit_links_for

    links = [link["url"] for link in unit_links_for(personas.secretary, tree.branch_a1)]
    assert reverse("publishing:channel_edit", args=[tree.branch_a1.pk]) in links
    assert not [
        link
        for link in unit_links_for(personas.propaganda, tree.branch_a1)
        if link["code"] == "publishing.channel"
    ]
