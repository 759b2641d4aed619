"""The review workflow (三审三校): every transition by every persona, reasons, revisions, withdrawal."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.errors import DomainError, FieldErrors
from core.models import AuditEvent, Notification
from publishing import queries, services
from publishing.models import ArticleRevision, ArticleStatus, ReviewStatus, ReviewTask
from publishing.services import ArticleInput
from publishing.tests.helpers import approved_once, make_article, published, submitted

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALLOWED, FORBIDDEN, NOT_FOUND = "allowed", PermissionDenied, Http404


def outcome(call):
    try:
        call()
    except (PermissionDenied, Http404) as refusal:
        return type(refusal)
    return ALLOWED


# Who may start an article in branch A1's channel.
WRITE = {
    "student": FORBIDDEN,
    "activist": FORBIDDEN,
    "propaganda": ALLOWED,
    "secretary": ALLOWED,
    "college_officer": ALLOWED,
    "university_admin": ALLOWED,
    "system_admin": ALLOWED,
    "outsider": NOT_FOUND,
}
# Who may decide level 1 (publishing.review) of the propaganda member's article.
LEVEL_1 = {
    "student": FORBIDDEN,
    "activist": FORBIDDEN,
    "propaganda": FORBIDDEN,  # the author
    "secretary": ALLOWED,
    "college_officer": ALLOWED,
    "university_admin": ALLOWED,
    "system_admin": ALLOWED,
    "outsider": NOT_FOUND,
}
# Who may decide level 2 (publishing.approve) after the secretary approved level 1.
LEVEL_2 = {
    "student": FORBIDDEN,
    "activist": FORBIDDEN,
    "propaganda": FORBIDDEN,
    "secretary": DomainError,  # approved level 1 of this submission already
    "college_officer": ALLOWED,
    "university_admin": ALLOWED,
    "system_admin": ALLOWED,
    "outsider": NOT_FOUND,
}
WITHDRAW = {
    "student": FORBIDDEN,
    "activist": FORBIDDEN,
    "propaganda": FORBIDDEN,
    "secretary": ALLOWED,
    "college_officer": ALLOWED,
    "university_admin": ALLOWED,
    "system_admin": ALLOWED,
    "outsider": NOT_FOUND,
}


@pytest.mark.parametrize(("persona", "expected"), WRITE.items())
def test_writing_needs_the_write_capability_over_the_channel(personas, channel, persona, expected):
    actor = getattr(personas, persona)
    assert outcome(lambda: make_article(actor, channel)) == expected


@pytest.mark.parametrize(("persona", "expected"), LEVEL_1.items())
def test_level_one_is_decided_by_reviewers_but_never_by_the_author(personas, channel, persona, expected):
    article = submitted(personas.propaganda, channel)

    assert (
        outcome(
            lambda: services.review_decide(
                actor=getattr(personas, persona), article=article, decision="approve"
            )
        )
        == expected
    )
    article.refresh_from_db()
    assert article.review_level == (2 if expected == ALLOWED else 1)


@pytest.mark.parametrize(("persona", "expected"), LEVEL_2.items())
def test_level_two_is_decided_by_approvers_other_than_the_first_reviewer(
    personas, channel, persona, expected
):
    article = approved_once(personas, channel)

    def decide():
        services.review_decide(actor=getattr(personas, persona), article=article, decision="approve")

    if expected is DomainError:
        with pytest.raises(DomainError) as refusal:
            decide()
        assert refusal.value.code == "publishing.same_reviewer"
    else:
        assert outcome(decide) == expected
    article.refresh_from_db()
    assert article.status == (ArticleStatus.PUBLISHED if expected == ALLOWED else ArticleStatus.IN_REVIEW)


@pytest.mark.parametrize(("persona", "expected"), WITHDRAW.items())
def test_withdrawal_needs_the_approve_capability(personas, channel, persona, expected):
    article = published(personas, channel)

    assert (
        outcome(
            lambda: services.article_withdraw(
                actor=getattr(personas, persona), article=article, reason="有误"
            )
        )
        == expected
    )
    article.refresh_from_db()
    assert article.status == (ArticleStatus.WITHDRAWN if expected == ALLOWED else ArticleStatus.PUBLISHED)


@pytest.mark.parametrize("persona", ["secretary", "college_officer", "student", "outsider"])
def test_only_the_author_submits_a_draft(personas, channel, persona):
    article = make_article(personas.propaganda, channel)

    with pytest.raises((PermissionDenied, Http404)):
        services.article_submit(actor=getattr(personas, persona), article=article)
    services.article_submit(actor=personas.propaganda, article=article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW


def test_the_whole_path_reaches_readers_only_after_both_levels(personas, channel):
    article = submitted(personas.propaganda, channel)
    assert not queries.published_items(channel).exists()

    services.review_decide(actor=personas.secretary, article=article, decision="approve")
    assert not queries.published_items(channel).exists()

    services.review_decide(actor=personas.college_officer, article=article, decision="approve")
    assert list(queries.published_items(channel)) == [article]
    tasks = list(ReviewTask.objects.filter(article=article).order_by("level"))
    assert [(t.level, t.status, t.decided_by) for t in tasks] == [
        (1, ReviewStatus.APPROVED, personas.secretary),
        (2, ReviewStatus.APPROVED, personas.college_officer),
    ]


def test_a_return_needs_a_reason_and_sends_the_draft_back_to_the_author(personas, channel):
    article = submitted(personas.propaganda, channel)

    with pytest.raises(FieldErrors) as missing:
        services.review_decide(actor=personas.secretary, article=article, decision="return", reason="  ")
    assert "reason" in missing.value.fields

    services.review_decide(actor=personas.secretary, article=article, decision="return", reason="标题需修改")
    article.refresh_from_db()
    assert (article.status, article.review_level) == (ArticleStatus.DRAFT, 0)
    note = Notification.objects.get(recipient=personas.propaganda, kind="publishing.returned")
    assert "标题需修改" in note.title


def test_submitting_tells_the_level_one_reviewers_and_approving_tells_the_next(personas, channel):
    article = submitted(personas.propaganda, channel)
    reviewers = set(
        Notification.objects.filter(kind="publishing.review_waiting").values_list("recipient", flat=True)
    )
    assert personas.secretary.pk in reviewers
    assert personas.propaganda.pk not in reviewers  # the author, although a reviewer
    assert personas.outsider.pk not in reviewers

    services.review_decide(actor=personas.secretary, article=article, decision="approve")
    level_two = Notification.objects.filter(
        kind="publishing.review_waiting", url__endswith=f"/{article.pk}/review/"
    )
    assert level_two.filter(recipient=personas.college_officer).exists()


def test_a_draft_can_be_submitted_only_once(personas, channel):
    article = submitted(personas.propaganda, channel)

    with pytest.raises(DomainError) as refusal:
        services.article_submit(actor=personas.propaganda, article=article)
    assert refusal.value.code == "publishing.not_a_draft"
    assert ReviewTask.objects.filter(article=article, status=ReviewStatus.ACTIVE).count() == 1


def test_an_empty_article_cannot_be_submitted(personas, channel):
    article = make_article(personas.propaganda, channel, body="<p>  </p>")
    with pytest.raises(DomainError) as refusal:
        services.article_submit(actor=personas.propaganda, article=article)
    assert refusal.value.code == "publishing.empty"


def test_an_article_in_review_cannot_be_edited(personas, channel):
    article = submitted(personas.propaganda, channel)
    with pytest.raises(DomainError) as refusal:
        services.article_update(actor=personas.propaganda, article=article, data=ArticleInput(title="新标题"))
    assert refusal.value.code == "publishing.not_editable"


def test_every_changed_save_is_kept_as_a_revision_and_two_can_be_compared(personas, channel):
    article = make_article(personas.propaganda, channel, body="<p>第一句。第二句。</p>")
    services.article_update(
        actor=personas.propaganda,
        article=article,
        data=ArticleInput(title="主题党日活动", summary="一次活动的记录", body="<p>第一句。第三句。</p>"),
    )
    services.article_update(
        actor=personas.propaganda,
        article=article,
        data=ArticleInput(title="主题党日活动", summary="一次活动的记录", body="<p>第一句。第三句。</p>"),
    )  # nothing changed: no new revision

    assert list(
        ArticleRevision.objects.filter(article=article).values_list("number", flat=True).order_by("number")
    ) == [1, 2]
    diff = queries.revision_diff(article, 1, 2)
    assert ("removed", "第二句。") in [(line.kind, line.text) for line in diff]
    assert ("added", "第三句。") in [(line.kind, line.text) for line in diff]


def test_revisions_are_append_only(personas, channel):
    revision = ArticleRevision.objects.get(article=make_article(personas.propaganda, channel))
    revision.title = "改写历史"
    with pytest.raises(ValueError):
        revision.save()
    with pytest.raises(ValueError):
        revision.delete()


def test_a_returned_article_is_edited_resubmitted_and_reviewed_again_from_level_one(personas, channel):
    article = submitted(personas.propaganda, channel)
    services.review_decide(
        actor=personas.secretary, article=article, decision="return", reason="补充图片说明"
    )
    services.article_update(
        actor=personas.propaganda,
        article=article,
        data=ArticleInput(title="主题党日活动（修改）", body="<p>改好了</p>"),
    )
    services.article_submit(actor=personas.propaganda, article=article)
    article.refresh_from_db()

    active = ReviewTask.objects.get(article=article, status=ReviewStatus.ACTIVE)
    assert (active.level, active.revision.number) == (1, 2)
    # The secretary returned revision 1; approving revision 2 at level 1 is a new round.
    services.review_decide(actor=personas.secretary, article=article, decision="approve")


def test_the_approver_schedules_publication_shown_in_shanghai_time(personas, channel, time_machine):
    time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False)
    at = datetime(2026, 12, 1, 18, 30, tzinfo=SHANGHAI)
    article = published(personas, channel, publish_at=at)

    assert (article.status, article.publish_at) == (ArticleStatus.SCHEDULED, at)
    assert not queries.published_items(channel).exists()

    time_machine.move_to(datetime(2026, 12, 1, 18, 29, tzinfo=SHANGHAI), tick=False)
    assert services.due_articles_publish() == []
    time_machine.move_to(datetime(2026, 12, 1, 18, 31, tzinfo=SHANGHAI), tick=False)
    assert services.due_articles_publish() == [article.pk]
    article.refresh_from_db()
    assert (article.status, article.published_at) == (ArticleStatus.PUBLISHED, at)
    assert services.due_articles_publish() == []  # idempotent


def test_the_publish_task_leaves_an_early_or_withdrawn_item_alone(personas, channel, time_machine):
    time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False)
    article = published(personas, channel, publish_at=datetime(2026, 12, 2, 8, 0, tzinfo=SHANGHAI))

    assert services.article_publish_if_due(article_id=article.pk) is False
    services.article_withdraw(actor=personas.secretary, article=article, reason="活动延期")
    time_machine.move_to(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI), tick=False)
    assert services.article_publish_if_due(article_id=article.pk) is False
    article.refresh_from_db()
    assert article.status == ArticleStatus.WITHDRAWN


def test_withdrawal_needs_a_reason_hides_the_item_and_tells_the_author(personas, channel):
    article = published(personas, channel)

    with pytest.raises(FieldErrors):
        services.article_withdraw(actor=personas.secretary, article=article, reason="")
    services.article_withdraw(actor=personas.secretary, article=article, reason="数据有误")

    article.refresh_from_db()
    assert (article.status, article.withdrawn_reason) == (ArticleStatus.WITHDRAWN, "数据有误")
    assert not queries.published_items(channel).exists()
    assert Notification.objects.filter(recipient=personas.propaganda, kind="publishing.withdrawn").exists()
    with pytest.raises(DomainError):
        services.article_withdraw(actor=personas.secretary, article=article, reason="again")


def test_a_withdrawn_item_edited_becomes_a_draft_that_must_pass_review_again(personas, channel):
    article = published(personas, channel)
    services.article_withdraw(actor=personas.secretary, article=article, reason="数据有误")

    services.article_update(
        actor=personas.propaganda, article=article, data=ArticleInput(title="更正后", body="<p>更正</p>")
    )
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_one_review_level_makes_the_approver_the_only_reviewer(personas, channel, settings):
    settings.PUBLISHING_REVIEW_LEVELS = 1
    article = submitted(personas.propaganda, channel)
    with pytest.raises(PermissionDenied):  # the propaganda member may review, but not approve
        services.review_decide(actor=personas.propaganda, article=article, decision="approve")
    services.review_decide(actor=personas.secretary, article=article, decision="approve")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_three_review_levels_need_three_different_people(personas, channel, settings):
    settings.PUBLISHING_REVIEW_LEVELS = 3
    article = submitted(personas.propaganda, channel)
    services.review_decide(actor=personas.secretary, article=article, decision="approve")
    services.review_decide(actor=personas.college_officer, article=article, decision="approve")
    article.refresh_from_db()
    assert (article.status, article.review_level) == (ArticleStatus.IN_REVIEW, 3)
    services.review_decide(actor=personas.university_admin, article=article, decision="approve")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_every_transition_is_audited(personas, channel):
    article = published(personas, channel)
    services.article_withdraw(actor=personas.secretary, article=article, reason="x")

    actions = list(AuditEvent.objects.filter(object_id=str(article.pk)).values_list("action", flat=True))
    for action in ("publishing.article.create", "publishing.article.submit", "publishing.review.decide",
                   "publishing.article.publish", "publishing.article.withdraw"):  # fmt: skip
        assert action in actions


def test_a_decision_for_a_level_decided_meanwhile_is_refused_not_moved_on(personas, channel):
    article = submitted(personas.propaganda, channel)
    services.review_decide(actor=personas.secretary, article=article, decision="approve", level=1)

    with pytest.raises(DomainError) as refusal:
        services.review_decide(actor=personas.college_officer, article=article, decision="approve", level=1)
    assert refusal.value.code == "publishing.review_moved"
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW


@pytest.mark.parametrize("persona", ["secretary", "college_officer", "student", "outsider"])
def test_only_the_author_changes_a_draft(personas, channel, persona):
    article = make_article(personas.propaganda, channel)
    with pytest.raises((PermissionDenied, Http404)):
        services.article_update(
            actor=getattr(personas, persona), article=article, data=ArticleInput(title="改")
        )
    article.refresh_from_db()
    assert article.title == "主题党日活动"


def test_the_safety_job_is_scheduled_and_publishes_what_is_due(personas, channel, time_machine):
    from core.scheduler import schedule_due_jobs
    from publishing.tests.helpers import committed

    time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False)
    article = published(personas, channel, publish_at=datetime(2026, 12, 1, 9, 3, tzinfo=SHANGHAI))
    time_machine.move_to(datetime(2026, 12, 1, 9, 5, tzinfo=SHANGHAI), tick=False)

    with committed():
        assert "publishing.publish_due" in schedule_due_jobs()
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
