"""The comments API: list, post (idempotent, moderated, limited), delete, hide, report, likes,
favourites — with the permission matrix and constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagement.models import Comment, CommentLike, CommentStatus, Favourite
from engagement.tests import factories_comments
from engagement.tests.factories_comments import client_for, make_published, post_json, write
from engagement.tests.test_comments_views import _fill

pytestmark = pytest.mark.django_db

article = factories_comments.article
lesson = factories_comments.lesson
_empty_cache = factories_comments._empty_cache


def test_posting_answers_201_then_200_for_a_retry_with_the_same_key(personas, article):
    client = client_for(personas.student)
    body = {"target": f"article:{article.pk}", "text": "好文章", "client_key": "phone-1"}
    first = post_json(client, "/api/v1/comments", body)
    again = post_json(client, "/api/v1/comments", body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["status"] == "visible" and first.json()["text"] == "好文章"
    header = post_json(
        client,
        "/api/v1/comments",
        {"target": f"article:{article.pk}", "text": "再一条"},
        HTTP_IDEMPOTENCY_KEY="h-1",
    )
    header_again = post_json(
        client,
        "/api/v1/comments",
        {"target": f"article:{article.pk}", "text": "再一条"},
        HTTP_IDEMPOTENCY_KEY="h-1",
    )
    assert header.status_code == 201 and header_again.status_code == 200
    assert Comment.objects.count() == 2


def test_a_reply_names_its_parent(personas, article):
    top = write(personas.student, article)
    response = post_json(
        client_for(personas.activist),
        "/api/v1/comments",
        {"target": f"article:{article.pk}", "text": "回复", "parent_id": top.pk},
    )
    assert response.status_code == 201
    assert response.json()["parent_id"] == top.pk
    listed = client_for(None).get(f"/api/v1/comments?target=article:{article.pk}")
    assert listed.status_code == 401  # the API needs a session or a token
    listed = client_for(personas.outsider).get(f"/api/v1/comments?target=article:{article.pk}").json()
    assert listed["count"] == 1
    assert [reply["text"] for reply in listed["items"][0]["replies"]] == ["回复"]


@pytest.mark.parametrize(
    ("text", "status", "expected"),
    [
        ("你这个傻逼", 400, None),
        ("加微信详聊", 201, "pending"),
        ("电话13812345678", 201, "visible"),
    ],
)
def test_moderation_outcomes_through_the_api(personas, article, text, status, expected):
    response = post_json(
        client_for(personas.student), "/api/v1/comments", {"target": f"article:{article.pk}", "text": text}
    )
    assert response.status_code == status
    if expected is None:
        error = response.json()["error"]
        assert "text" in error["fields"] and "not allowed" in error["message"]
        assert not Comment.objects.exists()
    else:
        assert response.json()["status"] == expected
    if text.startswith("电话"):
        assert response.json()["text"] == "电话138****5678"


def test_bad_input_names_the_field_in_the_users_language(personas, article):
    client = client_for(personas.student, "zh-hans")
    bad_target = post_json(client, "/api/v1/comments", {"target": "poll:1", "text": "x"})
    assert bad_target.status_code == 400 and "target" in bad_target.json()["error"]["fields"]
    empty = post_json(client, "/api/v1/comments", {"target": f"article:{article.pk}", "text": "  "})
    assert empty.status_code == 400
    assert "text" in empty.json()["error"]["fields"]
    assert empty.json()["error"]["fields"]["text"] == ["请先写下你的评论。"]


def test_over_the_limit_answers_429_with_when_to_retry(personas, article, settings):
    settings.ENGAGEMENT_COMMENT_RATE_PER_HOUR = 2
    client = client_for(personas.student)
    for number in range(2):
        assert (
            post_json(
                client, "/api/v1/comments", {"target": f"article:{article.pk}", "text": f"第{number}"}
            ).status_code
            == 201
        )
    limited = post_json(client, "/api/v1/comments", {"target": f"article:{article.pk}", "text": "第三"})
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert limited.json()["error"]["retry_at"]
    assert 0 < int(limited["Retry-After"]) <= 3600


def test_a_lesson_the_caller_cannot_open_is_404(personas, lesson):
    body = {"target": f"lesson:{lesson.pk}", "text": "课程评论"}
    assert post_json(client_for(personas.outsider), "/api/v1/comments", body).status_code == 404
    assert client_for(personas.outsider).get(f"/api/v1/comments?target=lesson:{lesson.pk}").status_code == 404
    assert post_json(client_for(personas.student), "/api/v1/comments", body).status_code == 201


OK, FORBIDDEN, NOT_FOUND = 200, 403, 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", NOT_FOUND), ("student", FORBIDDEN), ("college_officer", OK), ("university_admin", OK)],
)
def test_hiding_through_the_api(personas, lesson, persona, expected):
    from engagement.queries_comments import target_for
    from engagement.services_comments import comment_post

    comment = comment_post(
        actor=personas.activist, target=target_for(personas.activist, "lesson", lesson.pk), text="评论"
    ).comment
    response = post_json(
        client_for(getattr(personas, persona)), f"/api/v1/comments/{comment.pk}/hide", {"reason": "不妥"}
    )
    assert response.status_code == expected
    if expected == OK:
        assert response.json()["status"] == "hidden"


def test_hiding_without_a_reason_is_400_on_reason(personas, article):
    comment = write(personas.student, article)
    response = post_json(
        client_for(personas.secretary), f"/api/v1/comments/{comment.pk}/hide", {"reason": ""}
    )
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]


def test_deleting_is_for_the_author_only(personas, article):
    comment = write(personas.student, article)
    assert client_for(personas.activist).delete(f"/api/v1/comments/{comment.pk}").status_code == 403
    assert client_for(personas.student).delete(f"/api/v1/comments/{comment.pk}").status_code == 204
    assert client_for(personas.student).delete(f"/api/v1/comments/{comment.pk}").status_code == 404
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.DELETED


def test_reporting_twice_is_refused_politely(personas, article):
    comment = write(personas.student, article)
    client = client_for(personas.activist)
    assert post_json(client, f"/api/v1/comments/{comment.pk}/report", {"reason": "广告"}).status_code == 201
    again = post_json(client, f"/api/v1/comments/{comment.pk}/report", {"reason": "广告"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "moderation.already_reported"


def test_liking_is_once_per_person_and_can_be_taken_back(personas, article):
    comment = write(personas.student, article)
    client = client_for(personas.activist)
    assert client.put(f"/api/v1/comments/{comment.pk}/like").json() == {
        "comment_id": comment.pk,
        "liked": True,
        "likes": 1,
    }
    assert client.put(f"/api/v1/comments/{comment.pk}/like").json()["likes"] == 1
    assert client.delete(f"/api/v1/comments/{comment.pk}/like").json() == {
        "comment_id": comment.pk,
        "liked": False,
        "likes": 0,
    }
    assert CommentLike.objects.count() == 0
    assert client_for(personas.activist).put("/api/v1/comments/999999/like").status_code == 404


def test_favourites_through_the_api(personas, article, lesson):
    client = client_for(personas.student)
    assert client.put(f"/api/v1/favourites/article:{article.pk}").json() == {
        "target": f"article:{article.pk}",
        "saved": True,
    }
    assert client.put(f"/api/v1/favourites/article:{article.pk}").status_code == 200
    assert client.put(f"/api/v1/favourites/lesson:{lesson.pk}").status_code == 200
    listed = client.get("/api/v1/favourites").json()
    assert listed["count"] == 2
    assert [item["target"] for item in listed["items"]] == [f"lesson:{lesson.pk}", f"article:{article.pk}"]
    assert listed["items"][1]["url"] == f"/channels/branch-a1/articles/{article.pk}/"
    assert client.delete(f"/api/v1/favourites/article:{article.pk}").json()["saved"] is False
    assert Favourite.objects.count() == 1
    assert client_for(personas.outsider).put(f"/api/v1/favourites/lesson:{lesson.pk}").status_code == 404
    assert client.put("/api/v1/favourites/nonsense").status_code == 400


def test_the_api_list_costs_the_same_queries_for_1_and_500_comments(personas, article):
    client = client_for(personas.student)
    _fill(personas, article, 1)
    client.get(f"/api/v1/comments?target=article:{article.pk}")
    with CaptureQueriesContext(connection) as one:
        small = client.get(f"/api/v1/comments?target=article:{article.pk}")
    other = make_published(personas.activist, article.channel, title="热门文章")
    _fill(personas, other, 500)
    with CaptureQueriesContext(connection) as many:
        big = client.get(f"/api/v1/comments?target=article:{other.pk}")
    assert small.status_code == big.status_code == 200
    assert (
        big.json()["count"] == 501 and big.json()["pages"] == 11
    )  # 500 and the own held one; not the hidden one
    assert len(big.json()["items"]) == 50
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


@pytest.mark.parametrize(
    ("persona", "expected"), [("student", FORBIDDEN), ("activist", OK), ("secretary", OK)]
)
def test_showing_a_hidden_comment_again_through_the_api(personas, article, persona, expected):
    from engagement.services_comments import comment_hide

    comment = write(personas.student, article, "一条评论")
    comment_hide(actor=personas.secretary, comment_id=comment.pk, reason="先隐藏")
    listed = client_for(personas.activist).get(f"/api/v1/comments?target=article:{article.pk}").json()
    assert listed["items"][0]["can_restore"] is True and listed["items"][0]["hidden_reason"] == "先隐藏"
    assert (
        client_for(personas.student).get(f"/api/v1/comments?target=article:{article.pk}").json()["count"] == 0
    )
    response = post_json(client_for(getattr(personas, persona)), f"/api/v1/comments/{comment.pk}/restore", {})
    assert response.status_code == expected
    if expected == OK:
        assert response.json()["status"] == "visible"
