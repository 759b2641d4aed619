"""Comments: moderation outcomes, replies, retries, deleting, hiding, reporting, likes, favourites."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError, FieldErrors
from core.models import Notification
from engagement import queries_comments, services_comments
from engagement.models import Comment, CommentLike, CommentStatus, Favourite
from engagement.tests import factories_comments
from engagement.tests.factories_comments import article_target, write
from moderation import queries as moderation_queries
from moderation import services as moderation_services
from moderation.models import ModerationItem

pytestmark = pytest.mark.django_db

article = factories_comments.article
lesson = factories_comments.lesson
_empty_cache = factories_comments._empty_cache


def shown_to(user, article) -> list[str]:
    thread = queries_comments.thread_for(user, article_target(article))
    texts = []
    for comment in thread.comments:
        texts.append("" if comment.is_placeholder else comment.shown_text)
        texts.extend(reply.shown_text for reply in comment.reply_list)
    return texts


def test_an_allowed_comment_is_shown_to_everyone(personas, article):
    comment = write(personas.student, article, "学习了，很受启发")
    assert comment.status == CommentStatus.VISIBLE
    assert shown_to(None, article) == ["学习了，很受启发"]
    assert shown_to(personas.outsider, article) == ["学习了，很受启发"]


def test_blocked_text_is_refused_naming_the_field_and_nothing_is_stored(personas, article):
    with pytest.raises(FieldErrors) as refused:
        write(personas.student, article, "你是个傻逼")
    assert "text" in refused.value.fields
    assert "傻逼" not in str(refused.value.fields["text"])
    assert not Comment.objects.exists()
    assert not ModerationItem.objects.exists()


def test_held_text_waits_for_review_and_only_its_author_sees_it(personas, article):
    comment = write(personas.student, article, "加微信了解详情")
    assert comment.status == CommentStatus.PENDING
    assert moderation_queries.status_of(comment.subject) == "pending"
    assert shown_to(personas.student, article) == ["加微信了解详情"]
    thread = queries_comments.thread_for(personas.student, article_target(article))
    assert thread.comments[0].is_pending
    assert shown_to(personas.activist, article) == []
    assert shown_to(None, article) == []


def test_masked_text_is_stored_and_shown_masked(personas, article):
    comment = write(personas.student, article, "有事打我电话13812345678")
    assert comment.status == CommentStatus.VISIBLE
    assert comment.shown_text == "有事打我电话138****5678"
    assert shown_to(None, article) == ["有事打我电话138****5678"]


def test_a_moderators_approval_shows_a_held_comment_and_a_rejection_keeps_it_away(personas, article):
    held = write(personas.student, article, "加微信了解详情")
    other = write(personas.activist, article, "代写论文")
    item = ModerationItem.objects.get(subject=held.subject)
    moderation_services.item_decide(actor=personas.secretary, item=item, decision="approve", reason="没问题")
    rejected = ModerationItem.objects.get(subject=other.subject)
    moderation_services.item_decide(actor=personas.secretary, item=rejected, decision="reject", reason="广告")
    held.refresh_from_db()
    other.refresh_from_db()
    assert held.status == CommentStatus.VISIBLE
    assert other.status == CommentStatus.REJECTED
    assert shown_to(None, article) == ["加微信了解详情"]


def test_enough_reports_hide_a_comment_until_a_moderator_decides(personas, article, settings):
    settings.MODERATION_REPORT_THRESHOLD = 2
    comment = write(personas.student, article, "我有不同看法")
    services_comments.comment_report(actor=personas.activist, comment_id=comment.pk, reason="不友善")
    assert shown_to(None, article) == ["我有不同看法"]
    with pytest.raises(DomainError) as again:
        services_comments.comment_report(actor=personas.activist, comment_id=comment.pk, reason="再报")
    assert again.value.code == "moderation.already_reported"
    services_comments.comment_report(actor=personas.propaganda, comment_id=comment.pk, reason="不友善")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert shown_to(None, article) == []
    item = ModerationItem.objects.get(subject=comment.subject)
    moderation_services.item_decide(actor=personas.secretary, item=item, decision="hide", reason="确有不妥")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN


def test_a_reply_to_a_reply_attaches_to_the_top_comment(personas, article):
    top = write(personas.student, article, "第一条")
    reply = write(personas.activist, article, "回复第一条", parent_id=top.pk)
    deeper = write(personas.propaganda, article, "回复回复", parent_id=reply.pk)
    assert reply.parent_id == top.pk
    assert deeper.parent_id == top.pk
    thread = queries_comments.thread_for(None, article_target(article))
    assert [c.pk for c in thread.comments] == [top.pk]
    assert [r.pk for r in thread.comments[0].reply_list] == [reply.pk, deeper.pk]


def test_a_reply_to_a_comment_of_another_item_is_refused(personas, article, tree):
    from engagement.tests.factories_comments import make_published

    other = make_published(personas.activist, article.channel, title="另一篇")
    elsewhere = write(personas.student, other, "别处")
    with pytest.raises(FieldErrors) as refused:
        write(personas.activist, article, "回复", parent_id=elsewhere.pk)
    assert "parent_id" in refused.value.fields


def test_a_retry_with_the_same_client_key_returns_the_first_comment(personas, article):
    target = article_target(article)
    first = services_comments.comment_post(
        actor=personas.student, target=target, text="一次", client_key="k-1"
    )
    again = services_comments.comment_post(
        actor=personas.student, target=target, text="一次", client_key="k-1"
    )
    other = services_comments.comment_post(
        actor=personas.activist, target=target, text="一次", client_key="k-1"
    )
    assert first.created and not again.created and other.created
    assert first.comment.pk == again.comment.pk != other.comment.pk
    assert Comment.objects.count() == 2


def test_the_hourly_limit_refuses_the_comment_after_the_limit_with_a_time(personas, article, settings):
    settings.ENGAGEMENT_COMMENT_RATE_PER_HOUR = 3
    for number in range(3):
        write(personas.student, article, f"第{number}条")
    with pytest.raises(services_comments.RateLimited) as limited:
        write(personas.student, article, "第四条")
    assert "3" in str(limited.value.message)
    assert limited.value.retry_at is not None
    assert Comment.objects.count() == 3
    write(personas.activist, article, "别人不受影响")  # the limit is per person
    # A retry of a stored comment is not a new comment: it passes the limit.
    target = article_target(article)
    first = Comment.objects.filter(author=personas.student).first()
    first.client_key = "retry"
    first.save(update_fields=["client_key"])
    again = services_comments.comment_post(
        actor=personas.student, target=target, text="x", client_key="retry"
    )
    assert not again.created


def test_the_limit_slides_over_the_hour(personas, settings):
    settings.ENGAGEMENT_COMMENT_RATE_PER_HOUR = 2
    start = 1_800_000_000.0
    services_comments.comment_rate_take(actor=personas.student, now=start)
    services_comments.comment_rate_take(actor=personas.student, now=start + 600)
    with pytest.raises(services_comments.RateLimited) as limited:
        services_comments.comment_rate_take(actor=personas.student, now=start + 1200)
    # Free again when the first comment's minute leaves the hour.
    assert limited.value.retry_at.timestamp() == (int(start // 60) + 60) * 60
    services_comments.comment_rate_take(actor=personas.student, now=start + 3600)


def test_an_author_deletes_their_comment_and_it_stays_as_deleted_while_it_has_replies(personas, article):
    top = write(personas.student, article, "要删的")
    write(personas.activist, article, "回复", parent_id=top.pk)
    lone = write(personas.student, article, "单独的")
    with pytest.raises(PermissionDenied):
        services_comments.comment_delete(actor=personas.activist, comment_id=top.pk)
    services_comments.comment_delete(actor=personas.student, comment_id=top.pk)
    services_comments.comment_delete(actor=personas.student, comment_id=lone.pk)
    thread = queries_comments.thread_for(None, article_target(article))
    assert [c.pk for c in thread.comments] == [top.pk]
    assert thread.comments[0].is_placeholder
    assert "要删的" not in shown_to(None, article)


def test_the_items_author_hides_a_comment_with_a_reason_and_its_author_is_told(personas, article):
    comment = write(personas.student, article, "跑题了")
    with pytest.raises(FieldErrors) as missing:
        services_comments.comment_hide(actor=personas.activist, comment_id=comment.pk, reason=" ")
    assert "reason" in missing.value.fields
    services_comments.comment_hide(actor=personas.activist, comment_id=comment.pk, reason="与文章无关")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN
    assert comment.hidden_by == personas.activist
    note = Notification.objects.get(recipient=personas.student, kind="engagement.comment_hidden")
    assert "与文章无关" in note.body
    assert shown_to(None, article) == []
    # A moderator approving the text later does not undo the item author's decision.
    services_comments.on_moderation(
        moderation_services.ModerationEvent(
            subject=comment.subject, status="approved", queued_because="reports", is_hidden=False, item_id=0
        )
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("activist", True),  # the article's author
        ("propaganda", True),  # reviews text in branch A1
        ("secretary", True),
        ("college_officer", True),
        ("student", False),
        ("outsider", False),
    ],
)
def test_who_may_hide_a_comment(personas, article, persona, allowed):
    comment = write(personas.student, article, "一条评论")
    actor = getattr(personas, persona)
    if allowed:
        services_comments.comment_hide(actor=actor, comment_id=comment.pk, reason="理由")
        assert Comment.objects.get(pk=comment.pk).status == CommentStatus.HIDDEN
    else:
        with pytest.raises(PermissionDenied):
            services_comments.comment_hide(actor=actor, comment_id=comment.pk, reason="理由")


def test_a_like_counts_once_per_person(personas, article):
    comment = write(personas.student, article)
    assert services_comments.comment_like_set(actor=personas.activist, comment_id=comment.pk, liked=True) == (
        True,
        1,
    )
    assert services_comments.comment_like_set(actor=personas.activist, comment_id=comment.pk, liked=True) == (
        True,
        1,
    )
    assert services_comments.comment_like_set(
        actor=personas.secretary, comment_id=comment.pk, liked=True
    ) == (True, 2)
    assert services_comments.comment_like_set(
        actor=personas.activist, comment_id=comment.pk, liked=False
    ) == (False, 1)
    assert CommentLike.objects.count() == 1


def test_favourites_list_saved_articles_and_lessons_with_links(personas, article, lesson):
    from engagement.queries_comments import target_for

    services_comments.favourite_set(actor=personas.student, target=article_target(article), saved=True)
    services_comments.favourite_set(actor=personas.student, target=article_target(article), saved=True)
    lesson_target = target_for(personas.student, "lesson", lesson.pk)
    services_comments.favourite_set(actor=personas.student, target=lesson_target, saved=True)
    assert Favourite.objects.count() == 2
    _page, items = queries_comments.my_favourites(personas.student)
    assert [item.key for item in items] == [f"lesson:{lesson.pk}", f"article:{article.pk}"]
    assert items[0].url == f"/study/lessons/{lesson.pk}/"
    assert items[1].url == f"/channels/branch-a1/articles/{article.pk}/"
    article.status = "withdrawn"
    article.save(update_fields=["status"])
    _page, items = queries_comments.my_favourites(personas.student)
    assert items[1].available is False and items[1].url == ""


def test_a_lesson_takes_comments_from_those_who_may_open_it(personas, lesson):
    from django.http import Http404

    from engagement.queries_comments import target_for

    target = target_for(personas.student, "lesson", lesson.pk)
    assert target.unit == lesson.course.unit
    services_comments.comment_post(actor=personas.student, target=target, text="这一课讲得清楚")
    with pytest.raises(Http404):
        target_for(personas.outsider, "lesson", lesson.pk)
    with pytest.raises(Http404):
        target_for(None, "lesson", lesson.pk)


def test_a_comment_hidden_on_the_page_can_be_shown_again_by_those_who_may_hide(personas, article):
    comment = write(personas.student, article, "被误隐藏的评论")
    services_comments.comment_hide(actor=personas.activist, comment_id=comment.pk, reason="误操作")
    # Those who may hide see it with the reason; readers do not.
    moderator_view = queries_comments.thread_for(personas.secretary, article_target(article))
    assert moderator_view.comments[0].is_hidden_here and not moderator_view.comments[0].is_placeholder
    assert shown_to(personas.student, article) == []
    with pytest.raises(PermissionDenied):
        services_comments.comment_restore(actor=personas.student, comment_id=comment.pk)
    services_comments.comment_restore(actor=personas.secretary, comment_id=comment.pk)
    comment.refresh_from_db()
    assert (
        comment.status == CommentStatus.VISIBLE and comment.hidden_at is None and comment.hidden_reason == ""
    )
    assert shown_to(None, article) == ["被误隐藏的评论"]
    with pytest.raises(DomainError) as again:
        services_comments.comment_restore(actor=personas.secretary, comment_id=comment.pk)
    assert again.value.code == "engagement.comment_not_hidden_here"


def test_a_moderators_decision_is_not_undone_on_the_page(personas, article):
    comment = write(personas.student, article, "加微信看看")
    item = ModerationItem.objects.get(subject=comment.subject)
    moderation_services.item_decide(actor=personas.secretary, item=item, decision="hide", reason="广告")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN and comment.hidden_at is None
    with pytest.raises(DomainError):
        services_comments.comment_restore(actor=personas.secretary, comment_id=comment.pk)
    assert not queries_comments.thread_for(personas.secretary, article_target(article)).comments


def test_a_visible_reply_tells_the_top_comments_author_once(personas, article):
    from core.models import Notification
    from engagement.services_comments import comment_post
    from engagement.tests.factories_comments import article_target, write

    top = write(personas.student, article, text="第一条")
    target = article_target(article)
    comment_post(actor=personas.activist, target=target, text="同意 100%", parent_id=top.pk, client_key="r1")
    comment_post(actor=personas.activist, target=target, text="同意 100%", parent_id=top.pk, client_key="r1")
    comment_post(actor=personas.student, target=target, text="谢谢", parent_id=top.pk)  # one's own: no notice

    notices = Notification.objects.filter(recipient=personas.student, kind="engagement.comment_reply")
    assert notices.count() == 1
    assert "李积极" in notices.get().title and notices.get().body == "同意 100%"
    assert not Notification.objects.filter(
        recipient=personas.activist, kind="engagement.comment_reply"
    ).exists()
