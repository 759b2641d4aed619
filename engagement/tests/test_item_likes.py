"""Readers like articles, videos and lessons themselves (not only comments): once each, a toggle."""

from __future__ import annotations

import pytest

from engagement.models import ItemLike
from engagement.tests import factories_comments
from engagement.tests.factories_comments import client_for

pytestmark = pytest.mark.django_db

article = factories_comments.article
lesson = factories_comments.lesson
_empty_cache = factories_comments._empty_cache
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_liking_an_article_through_the_page_is_a_toggle_counted_once(personas, article):
    url = f"/engagement/likes/article/{article.pk}/"
    student = client_for(personas.student)

    assert student.post(url, {"liked": "1"}, **HTMX).status_code == 200
    client_for(personas.activist).post(url, {"liked": "1"}, **HTMX)
    again = student.post(url, {"liked": "1"}, **HTMX)  # a double tap

    assert ItemLike.objects.filter(target_kind="article", target_id=article.pk).count() == 2
    page = again.content.decode()
    assert "2 likes" in page and 'aria-pressed="true"' in page
    student.post(url, {"liked": "0"}, **HTMX)
    thread = client_for(personas.student).get(f"/engagement/comments/article/{article.pk}/", **HTMX)
    assert "1 like" in thread.content.decode()
    assert ItemLike.objects.filter(person=personas.student).count() == 0


def test_liking_through_the_api(personas, article, lesson):
    client = client_for(personas.student)
    assert client.put(f"/api/v1/likes/article:{article.pk}").json() == {
        "target": f"article:{article.pk}",
        "liked": True,
        "likes": 1,
    }
    assert client.put(f"/api/v1/likes/article:{article.pk}").json()["likes"] == 1
    assert client.put(f"/api/v1/likes/lesson:{lesson.pk}").status_code == 200
    listed = client.get(f"/api/v1/comments?target=article:{article.pk}").json()
    assert (listed["likes"], listed["is_liked"]) == (1, True)
    assert client.delete(f"/api/v1/likes/article:{article.pk}").json() == {
        "target": f"article:{article.pk}",
        "liked": False,
        "likes": 0,
    }


@pytest.mark.parametrize(("persona", "expected"), [("outsider", 404), ("student", 200)])
def test_a_lesson_can_be_liked_only_by_who_may_open_it(personas, lesson, persona, expected):
    client = client_for(getattr(personas, persona))
    assert client.put(f"/api/v1/likes/lesson:{lesson.pk}").status_code == expected
    assert client.post(f"/engagement/likes/lesson/{lesson.pk}/", {"liked": "1"}).status_code in (
        (302,) if expected == 200 else (404,)
    )


def test_liking_needs_a_login(article):
    anonymous = client_for(None)
    assert anonymous.put(f"/api/v1/likes/article:{article.pk}").status_code == 401
    response = anonymous.post(f"/engagement/likes/article/{article.pk}/", {"liked": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ItemLike.objects.exists()
