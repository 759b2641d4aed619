"""The publishing API: public channels and items without login, and the authors' and reviewers'
endpoints with the same rules as the pages (stranger 404, member without the right 403)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from archive.tests import files
from publishing.models import ArticleStatus
from publishing.tests.helpers import make_article, published, submitted

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def test_public_endpoints_need_no_login_and_show_published_items_only(personas, channel):
    shown = published(personas, channel, title="公开文章")
    make_article(personas.propaganda, channel, title="草稿")
    hidden = submitted(personas.propaganda, channel, title="审核中")
    anonymous = client_for()

    channels = anonymous.get(f"{API}/channels").json()
    assert [item["slug"] for item in channels["items"]] == [channel.slug]
    items = anonymous.get(f"{API}/channels/{channel.slug}/articles").json()
    assert [item["title"] for item in items["items"]] == ["公开文章"]
    detail = anonymous.get(f"{API}/channels/{channel.slug}/articles/{shown.pk}").json()
    assert detail["body"].startswith("<h2>") and detail["category"] == "other"
    assert anonymous.get(f"{API}/channels/{channel.slug}/articles/{hidden.pk}").status_code == 404
    assert anonymous.get(f"{API}/channels/nobody").status_code == 404


def test_the_public_list_uses_a_fixed_number_of_queries(personas, channel, django_assert_num_queries):
    published(personas, channel)
    anonymous = client_for()
    with django_assert_num_queries(3):  # channel, count, items
        anonymous.get(f"{API}/channels/{channel.slug}/articles")
    for number in range(3):
        published(personas, channel, title=f"第{number}篇")
    with django_assert_num_queries(3):
        assert anonymous.get(f"{API}/channels/{channel.slug}/articles").json()["count"] == 4


def test_author_endpoints_need_a_login(channel):
    assert client_for().get(f"{API}/publishing/articles").status_code == 401


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", 404), ("student", 403), ("activist", 403), ("propaganda", 201), ("secretary", 201)],
)
def test_writing_through_the_api_follows_the_permission_matrix(personas, channel, persona, expected):
    response = post(
        client_for(getattr(personas, persona)),
        f"{API}/publishing/channels/{channel.pk}/articles",
        {
            "title": "接口文章",
            "body": "<p>正文<script>x</script></p>",
            "tags": ["学习"],
            "category": "policy",
        },
    )
    assert response.status_code == expected
    if expected == 201:
        assert response.json()["status"] == "draft"


def test_an_author_submits_and_the_reviewers_decide_through_the_api(personas, channel):
    author = client_for(personas.propaganda)
    created = post(
        author, f"{API}/publishing/channels/{channel.pk}/articles", {"title": "接口", "body": "<p>正文</p>"}
    )
    article_id = created.json()["id"]

    submitted_json = post(author, f"{API}/publishing/articles/{article_id}/submit", {}).json()
    assert (submitted_json["status"], submitted_json["review_level"]) == ("in_review", 1)
    again = post(author, f"{API}/publishing/articles/{article_id}/submit", {})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "publishing.not_a_draft")
    assert author.get(f"{API}/publishing/articles").json()["items"][0]["id"] == article_id

    secretary = client_for(personas.secretary)
    queue = secretary.get(f"{API}/publishing/reviews").json()
    assert [(row["article"]["id"], row["level"]) for row in queue["items"]] == [(article_id, 1)]
    assert author.get(f"{API}/publishing/reviews").json()["items"] == []  # never one's own

    missing_reason = post(
        secretary, f"{API}/publishing/articles/{article_id}/decision", {"decision": "return"}
    )
    assert (missing_reason.status_code, list(missing_reason.json()["error"]["fields"])) == (400, ["reason"])
    assert (
        post(secretary, f"{API}/publishing/articles/{article_id}/decision", {"decision": "approve"}).json()[
            "review_level"
        ]
        == 2
    )

    officer = client_for(personas.college_officer)
    final = post(officer, f"{API}/publishing/articles/{article_id}/decision", {"decision": "approve"}).json()
    assert final["status"] == ArticleStatus.PUBLISHED

    withdrawn = post(officer, f"{API}/publishing/articles/{article_id}/withdraw", {"reason": "过时"}).json()
    assert (withdrawn["status"], withdrawn["withdrawn_reason"]) == ("withdrawn", "过时")


@pytest.mark.parametrize(("persona", "expected"), [("outsider", 404), ("student", 403), ("propaganda", 403)])
def test_deciding_through_the_api_follows_the_permission_matrix(personas, channel, persona, expected):
    article = submitted(personas.propaganda, channel)
    response = post(
        client_for(getattr(personas, persona)),
        f"{API}/publishing/articles/{article.pk}/decision",
        {"decision": "approve"},
    )
    assert response.status_code == expected


def test_the_review_queue_uses_a_fixed_number_of_queries(personas, channel, django_assert_num_queries):
    submitted(personas.propaganda, channel)
    secretary = client_for(personas.secretary)
    secretary.get(f"{API}/publishing/reviews")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        secretary.get(f"{API}/publishing/reviews")
    count = len(few)
    for number in range(3):
        submitted(personas.propaganda, channel, title=f"第{number}篇")
    with django_assert_num_queries(count):
        assert secretary.get(f"{API}/publishing/reviews").json()["count"] == 4


def test_my_articles_use_a_fixed_number_of_queries(personas, channel, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_article(personas.propaganda, channel)
    author = client_for(personas.propaganda)
    author.get(f"{API}/publishing/articles")
    with CaptureQueriesContext(connection) as few:
        author.get(f"{API}/publishing/articles")
    count = len(few)
    for number in range(3):
        published(personas, channel, title=f"第{number}篇")
    with django_assert_num_queries(count):
        assert author.get(f"{API}/publishing/articles").json()["count"] == 4


# --- Editing and files through the API ------------------------------------------------------------


def put(client: Client, url: str, body: dict):
    return client.put(url, json.dumps(body, default=str), content_type="application/json")


def test_an_author_edits_a_returned_article_through_the_api_and_it_gains_a_revision(personas, channel):
    article = submitted(personas.propaganda, channel, title="初稿")
    secretary = client_for(personas.secretary)
    post(
        secretary,
        f"{API}/publishing/articles/{article.pk}/decision",
        {"decision": "return", "reason": "补充"},
    )

    author = client_for(personas.propaganda)
    changed = put(
        author, f"{API}/publishing/articles/{article.pk}", {"title": "修改稿", "body": "<p>新正文</p>"}
    )

    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["revision"]) == ("修改稿", 2)
    assert post(author, f"{API}/publishing/articles/{article.pk}/submit", {}).json()["status"] == "in_review"
    locked = put(author, f"{API}/publishing/articles/{article.pk}", {"title": "审核中再改"})
    assert (locked.status_code, locked.json()["error"]["code"]) == (409, "publishing.not_editable")


@pytest.mark.parametrize(
    ("persona", "expected"), [("outsider", 404), ("secretary", 403), ("propaganda", 200)]
)
def test_only_the_author_edits_through_the_api(personas, channel, persona, expected):
    article = make_article(personas.propaganda, channel)
    response = put(
        client_for(getattr(personas, persona)), f"{API}/publishing/articles/{article.pk}", {"title": "改"}
    )
    assert response.status_code == expected


def test_a_short_video_gets_its_files_through_the_api(personas, channel, media):
    author = client_for(personas.propaganda)
    created = post(
        author, f"{API}/publishing/channels/{channel.pk}/articles", {"kind": "video", "title": "微视频"}
    ).json()
    assert created["kind"] == "video" and created["video_url"] == ""

    response = author.post(
        f"{API}/publishing/articles/{created['id']}/files",
        {"video": files.upload(files.mp4(), "v.mp4"), "poster": files.upload(files.png(), "p.png")},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["video_url"].startswith("/channels/media/") and body["poster_url"].startswith(
        "/channels/media/"
    )
    assert author.get(body["video_url"]).status_code == 200  # the editor sees it before publishing
    assert client_for().get(body["video_url"]).status_code == 404  # nobody else yet


def test_a_wrong_file_is_refused_naming_its_field(personas, channel, media):
    article = make_article(personas.propaganda, channel)
    author = client_for(personas.propaganda)
    response = author.post(
        f"{API}/publishing/articles/{article.pk}/files", {"cover": files.upload(files.pdf(), "c.png")}
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["cover"]
    nothing = author.post(f"{API}/publishing/articles/{article.pk}/files", {})
    assert (nothing.status_code, list(nothing.json()["error"]["fields"])) == (400, ["cover"])


@pytest.mark.parametrize(("persona", "expected"), [("outsider", 404), ("student", 403), ("propaganda", 201)])
def test_uploading_an_image_for_the_text_follows_the_permission_matrix(
    personas, channel, media, persona, expected
):
    response = client_for(getattr(personas, persona)).post(
        f"{API}/publishing/channels/{channel.pk}/media", {"file": files.upload(files.png(), "图.png")}
    )
    assert response.status_code == expected
    if expected == 201:
        assert response.json()["url"].startswith("/channels/media/")
