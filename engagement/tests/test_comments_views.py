"""Comment pages: the panel on the cached article page and on the lesson, the htmx thread, posting
with and without JavaScript, the actions' permission matrix, favourites, and constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagement.models import Comment, CommentLike, CommentStatus, Favourite
from engagement.tests import factories_comments
from engagement.tests.factories_comments import client_for, make_published, write
from moderation.models import ModerationItem

pytestmark = pytest.mark.django_db

article = factories_comments.article
lesson = factories_comments.lesson
_empty_cache = factories_comments._empty_cache

HTMX = {"HTTP_HX_REQUEST": "true"}


def thread_url(kind: str, target_id: int) -> str:
    return f"/engagement/comments/{kind}/{target_id}/"


def test_the_cached_article_page_carries_the_same_placeholder_for_everyone(personas, article):
    url = f"/channels/branch-a1/articles/{article.pk}/"
    anonymous = client_for(None).get(url)
    student = client_for(personas.student).get(url)
    assert anonymous.status_code == student.status_code == 200
    body = anonymous.content.decode()
    assert body == student.content.decode()
    assert f'hx-get="/engagement/comments/article/{article.pk}/"' in body
    assert 'hx-trigger="load"' in body
    assert f'href="/engagement/comments/article/{article.pk}/"' in body  # without JavaScript
    assert "vendor/htmx/htmx.min.js" in body and " defer" in body
    assert "csrfmiddlewaretoken" not in body


def test_the_lesson_page_carries_the_comments_panel(personas, lesson):
    response = client_for(personas.student).get(f"/study/lessons/{lesson.pk}/")
    assert response.status_code == 200
    assert f'hx-get="/engagement/comments/lesson/{lesson.pk}/"' in response.content.decode()


def test_an_anonymous_reader_sees_comments_and_a_login_link(personas, article):
    write(personas.student, article, "支持")
    response = client_for(None).get(thread_url("article", article.pk), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "支持" in body and "Log in to comment" in body
    assert "<form" not in body
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]


def test_the_fragment_carries_a_form_with_its_csrf_token_for_a_logged_in_reader(personas, article):
    response = client_for(personas.student).get(thread_url("article", article.pk), **HTMX)
    body = response.content.decode()
    assert "<html" not in body  # the fragment, not the page
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'name="client_key"' in body
    assert "Save to favourites" in body


def test_posting_with_htmx_returns_the_thread_with_the_new_comment(personas, article):
    client = client_for(personas.student)
    client.get(thread_url("article", article.pk))
    response = client.post(thread_url("article", article.pk), {"text": "学习了", "client_key": "a"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "学习了" in body and "Your comment is posted." in body
    again = client.post(thread_url("article", article.pk), {"text": "学习了", "client_key": "a"}, **HTMX)
    assert again.status_code == 200
    assert Comment.objects.count() == 1


def test_posting_without_javascript_redirects_to_the_comments_page(personas, article):
    client = client_for(personas.student)
    response = client.post(thread_url("article", article.pk), {"text": "没有脚本也能评论"})
    assert response.status_code == 302
    assert response["Location"] == thread_url("article", article.pk)
    page = client.get(response["Location"])
    assert "没有脚本也能评论" in page.content.decode()
    assert "Your comment is posted." in page.content.decode()


def test_an_anonymous_post_is_sent_to_log_in(article):
    response = client_for(None).post(thread_url("article", article.pk), {"text": "匿名"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "contains words that are not allowed"), ("zh-hans", "不允许")],
)
def test_blocked_text_shows_the_error_on_the_field_in_the_readers_language(
    personas, article, language, expected
):
    client = client_for(personas.student, language)
    response = client.post(thread_url("article", article.pk), {"text": "傻逼"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in body and expected in body
    assert "傻逼</textarea>" in body  # the text stays to be changed
    assert not Comment.objects.exists()


def test_empty_text_is_an_error_on_the_field(personas, article):
    response = client_for(personas.student).post(thread_url("article", article.pk), {"text": "  "})
    assert response.status_code == 400
    assert "Write your comment first." in response.content.decode()


def test_a_held_comment_is_marked_waiting_for_its_author_and_absent_for_others(personas, article):
    client = client_for(personas.student)
    response = client.post(thread_url("article", article.pk), {"text": "加微信聊"}, **HTMX)
    assert "waiting for review" in response.content.decode()
    assert "Waiting for review" in response.content.decode()
    other = client_for(personas.activist).get(thread_url("article", article.pk), **HTMX)
    assert "加微信聊" not in other.content.decode()


def test_the_rate_limit_shows_when_one_may_post_again(personas, article, settings):
    settings.ENGAGEMENT_COMMENT_RATE_PER_HOUR = 1
    client = client_for(personas.student)
    client.post(thread_url("article", article.pk), {"text": "第一条"})
    response = client.post(thread_url("article", article.pk), {"text": "第二条"})
    assert response.status_code == 429
    assert "You may post again from" in response.content.decode()


# --- Actions: permission matrix -------------------------------------------------------------------

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("student", FORBIDDEN),  # reads the article, may not hide
        ("outsider", FORBIDDEN),  # the article is public: in reach, no right
        ("activist", OK),  # the article's author
        ("propaganda", OK),  # moderator of branch A1
        ("college_officer", OK),
        ("system_admin", OK),
    ],
)
def test_hiding_a_comment_on_an_article(personas, article, persona, expected):
    comment = write(personas.activist if persona == "student" else personas.student, article, "一条")
    response = client_for(getattr(personas, persona)).post(
        f"/engagement/comments/{comment.pk}/hide/", {"reason": "不妥"}, **HTMX
    )
    assert response.status_code == expected
    assert (Comment.objects.get(pk=comment.pk).status == CommentStatus.HIDDEN) == (expected == OK)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("outsider", NOT_FOUND),  # branch B1 cannot open college A's course
        ("student", FORBIDDEN),
        ("college_officer", OK),  # the course's author
        ("university_admin", OK),  # moderator above
    ],
)
def test_hiding_a_comment_on_a_lesson(personas, lesson, persona, expected):
    from engagement.queries_comments import target_for
    from engagement.services_comments import comment_post

    target = target_for(personas.activist, "lesson", lesson.pk)
    comment = comment_post(actor=personas.activist, target=target, text="课上的评论").comment
    response = client_for(getattr(personas, persona)).post(
        f"/engagement/comments/{comment.pk}/hide/", {"reason": "不妥"}, **HTMX
    )
    assert response.status_code == expected


def test_the_lesson_thread_is_404_outside_and_200_for_a_learner(personas, lesson):
    assert client_for(personas.outsider).get(thread_url("lesson", lesson.pk), **HTMX).status_code == 404
    assert client_for(None).get(thread_url("lesson", lesson.pk), **HTMX).status_code == 404
    assert client_for(personas.student).get(thread_url("lesson", lesson.pk), **HTMX).status_code == 200


def test_an_unpublished_article_or_unknown_kind_is_404(personas, article):
    article.status = "withdrawn"
    article.save(update_fields=["status"])
    assert client_for(personas.student).get(thread_url("article", article.pk)).status_code == 404
    assert client_for(personas.student).get(thread_url("poll", 1)).status_code == 404


def test_hiding_needs_a_reason_named_on_the_field(personas, article):
    comment = write(personas.student, article)
    response = client_for(personas.secretary).post(f"/engagement/comments/{comment.pk}/hide/", {"reason": ""})
    assert response.status_code == 400
    assert "Give a reason." in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.VISIBLE


def test_only_the_author_deletes_a_comment(personas, article):
    comment = write(personas.student, article)
    refused = client_for(personas.activist).post(f"/engagement/comments/{comment.pk}/delete/", **HTMX)
    assert refused.status_code == 403
    response = client_for(personas.student).post(f"/engagement/comments/{comment.pk}/delete/", **HTMX)
    assert response.status_code == 200
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.DELETED


def test_liking_and_reporting_from_the_thread(personas, article):
    comment = write(personas.student, article)
    client = client_for(personas.activist)
    client.post(f"/engagement/comments/{comment.pk}/like/", {"liked": "1"}, **HTMX)
    response = client.post(f"/engagement/comments/{comment.pk}/like/", {"liked": "1"}, **HTMX)
    assert CommentLike.objects.count() == 1
    assert 'aria-pressed="true"' in response.content.decode()
    first = client.post(f"/engagement/comments/{comment.pk}/report/", {"reason": "广告"}, **HTMX)
    assert "the moderators will look at this comment" in first.content.decode()
    second = client.post(f"/engagement/comments/{comment.pk}/report/", {"reason": "广告"}, **HTMX)
    assert second.status_code == 200
    assert "You have already reported this" in second.content.decode()


def test_a_comment_hidden_by_a_moderator_cannot_be_liked(personas, article):
    comment = write(personas.student, article, "加微信")
    assert comment.status == CommentStatus.PENDING
    response = client_for(personas.activist).post(f"/engagement/comments/{comment.pk}/like/", {"liked": "1"})
    assert response.status_code == 404


def test_my_favourites_page_lists_saved_items_with_links(personas, article, lesson):
    client = client_for(personas.student)
    client.post(f"/engagement/favourites/article/{article.pk}/", {"saved": "1"}, **HTMX)
    client.post(f"/engagement/favourites/lesson/{lesson.pk}/", {"saved": "1"})
    assert Favourite.objects.filter(person=personas.student).count() == 2
    page = client.get("/engagement/favourites/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f'href="/channels/branch-a1/articles/{article.pk}/"' in body
    assert f'href="/study/lessons/{lesson.pk}/"' in body
    client.post(f"/engagement/favourites/article/{article.pk}/", {"saved": "0", "next": "favourites"})
    assert Favourite.objects.filter(person=personas.student).count() == 1
    assert client_for(None).get("/engagement/favourites/").status_code == 302
    assert (
        client_for(personas.outsider)
        .post(f"/engagement/favourites/lesson/{lesson.pk}/", {"saved": "1"})
        .status_code
        == 404
    )


# --- Constant queries -----------------------------------------------------------------------------


def _fill(personas, article, tops: int) -> None:
    """``tops`` top comments, each with a reply and likes; plus one held and one hidden comment."""
    people = [personas.student, personas.activist, personas.propaganda, personas.secretary]
    rows = [
        Comment(
            target_kind="article",
            target_id=article.pk,
            unit=article.channel.unit,
            author=people[n % 4],
            text=f"评论{n}",
            shown_text=f"评论{n}",
        )
        for n in range(tops)
    ]
    Comment.objects.bulk_create(rows)
    replies = [
        Comment(
            target_kind="article",
            target_id=article.pk,
            unit=article.channel.unit,
            author=people[(n + 1) % 4],
            parent=top,
            text="回复",
            shown_text="回复",
        )
        for n, top in enumerate(rows)
    ]
    Comment.objects.bulk_create(replies)
    CommentLike.objects.bulk_create(
        [CommentLike(comment=comment, person=person) for comment in rows + replies for person in people[:2]]
    )
    write(personas.student, article, "加微信")  # held: pending, the student sees it
    hidden = write(personas.activist, article, "要被隐藏")
    item_subject = hidden.subject
    hidden.status = CommentStatus.HIDDEN
    hidden.save(update_fields=["status"])
    assert not ModerationItem.objects.filter(subject=item_subject).exists()


@pytest.mark.parametrize("persona", ["student", None])
def test_the_thread_costs_the_same_queries_for_1_and_500_comments(personas, article, persona):
    user = getattr(personas, persona) if persona else None
    client = client_for(user)
    _fill(personas, article, 1)
    client.get(thread_url("article", article.pk), **HTMX)
    with CaptureQueriesContext(connection) as one:
        small = client.get(thread_url("article", article.pk), **HTMX)
    other = make_published(personas.activist, article.channel, title="热门文章")
    _fill(personas, other, 500)
    with CaptureQueriesContext(connection) as many:
        big = client.get(thread_url("article", other.pk), **HTMX)
    assert small.status_code == big.status_code == 200
    body = big.content.decode()
    if user is None:
        assert body.count('class="comment"') == 100  # 50 top comments and their replies
    else:  # the student's own held comment comes first (newest), marked; then 49 with their replies
        assert body.count('class="comment"') == 99
        assert "加微信" in body and "Waiting for review" in body
    assert "要被隐藏" not in body
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
    assert len(one) <= 10  # … the favourite flag and the likes of the item itself


def test_a_comment_is_shown_as_text_never_as_markup(personas, article):
    write(personas.student, article, '<script>alert(1)</script><img src=x onerror="alert(1)">\n第二行')
    body = client_for(personas.activist).get(thread_url("article", article.pk), **HTMX).content.decode()
    assert "<script>alert" not in body and "<img" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<br>第二行" in body


def test_a_refused_reply_shows_its_error_in_the_reply_form_with_the_text_kept(personas, article):
    top = write(personas.activist, article, "欢迎讨论")
    response = client_for(personas.student).post(
        thread_url("article", article.pk), {"text": "傻逼", "parent_id": str(top.pk)}, **HTMX
    )
    body = response.content.decode()
    assert f'aria-describedby="reply-error-{top.pk}"' in body
    assert f'id="reply-error-{top.pk}"' in body and "not allowed" in body
    assert "傻逼</textarea>" in body
    assert 'aria-describedby="comment-text-error' not in body  # not on the top form
    gone = client_for(personas.student).post(
        thread_url("article", article.pk), {"text": "回复", "parent_id": "999999"}, **HTMX
    )
    assert "The comment you answer is not there any more." in gone.content.decode()


def test_the_items_author_sees_a_hidden_comment_with_its_reason_and_shows_it_again(personas, article):
    comment = write(personas.student, article, "先藏起来")
    client = client_for(personas.activist)
    client.post(f"/engagement/comments/{comment.pk}/hide/", {"reason": "需要核实"}, **HTMX)
    body = client.get(thread_url("article", article.pk), **HTMX).content.decode()
    assert "先藏起来" in body and "Hidden by 李积极: 需要核实" in body and "Show again" in body
    assert (
        "先藏起来"
        not in client_for(personas.student).get(thread_url("article", article.pk), **HTMX).content.decode()
    )
    refused = client_for(personas.student).post(f"/engagement/comments/{comment.pk}/restore/", **HTMX)
    assert refused.status_code == 403
    response = client.post(f"/engagement/comments/{comment.pk}/restore/", **HTMX)
    assert "The comment is shown again." in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.VISIBLE


def test_showing_again_a_comment_that_is_not_hidden_here_explains_why(personas, article):
    comment = write(personas.student, article, "正常评论")
    response = client_for(personas.secretary).post(f"/engagement/comments/{comment.pk}/restore/", **HTMX)
    assert response.status_code == 200
    assert "moderators&#x27; decisions are changed in the review queue" in response.content.decode()
    plain = client_for(personas.secretary).post(f"/engagement/comments/{comment.pk}/restore/")
    assert plain.status_code == 302
    assert client_for(personas.secretary).post("/engagement/comments/999999/restore/").status_code == 404
