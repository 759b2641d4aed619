"""The service API other apps call: screening, reports, decisions, handlers, and the lexicon."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.errors import DomainError, FieldErrors
from core.models import AuditEvent
from moderation import queries, services
from moderation.models import Decision, ItemStatus, LexiconEntry, ModerationDecision, ModerationItem, Report
from orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def handlers(monkeypatch):
    """A decision-handler registry thrown away after the test, recording every event for "comment:"."""
    monkeypatch.setattr(services, "_handlers", {})
    events = []
    services.register_decision_handler("comment:", events.append)
    return events


def screen(personas, tree, text, subject="comment:1"):
    return services.submission_screen(actor=personas.student, text=text, unit=tree.branch_a1, subject=subject)


def hold_item(personas, tree, subject="comment:1") -> ModerationItem:
    screen(personas, tree, "你这个 sb", subject=subject)
    return ModerationItem.objects.get(subject=subject)


# --- Screening --------------------------------------------------------------------------------


def test_blocked_text_is_refused_in_general_terms_without_echoing_the_list(tree, personas, default_lexicon):
    with pytest.raises(DomainError) as refused:
        screen(personas, tree, "你这个傻逼")
    assert refused.value.code == "moderation.blocked"
    assert "Abuse" in str(refused.value.message) or "辱骂" in str(refused.value.message)
    assert "傻逼" not in str(refused.value.message)
    assert not ModerationItem.objects.exists()


def test_held_text_waits_in_the_queue_hidden_from_readers(tree, personas, default_lexicon):
    text = "你这个 sb，我的电话 13812345678"
    result = screen(personas, tree, text)
    assert result.action == "hold"
    item = ModerationItem.objects.get(subject="comment:1")
    assert (item.status, item.reason, item.unit, item.author) == (
        "pending",
        "lexicon",
        tree.branch_a1,
        personas.student,
    )
    assert item.text == "你这个 sb，我的电话 138****5678"  # personal data masked even for moderators
    assert {hit["term"] for hit in item.hits} == {"sb", "mobile"}
    assert queries.is_hidden("comment:1")
    assert queries.status_of("comment:1") == "pending"
    assert AuditEvent.objects.filter(action="moderation.item.hold", object_id=str(item.pk)).exists()


def test_masked_and_clean_text_pass_without_an_item(tree, personas, default_lexicon):
    assert screen(personas, tree, "电话 13812345678").masked_text == "电话 138****5678"
    assert screen(personas, tree, "写得好", subject="comment:2").action == "allow"
    assert not ModerationItem.objects.exists()
    assert queries.status_of("comment:1") is None
    assert not queries.is_hidden("comment:1")


def test_a_resubmitted_subject_goes_back_to_the_queue_as_the_same_item(tree, personas, default_lexicon):
    item = hold_item(personas, tree)
    services.item_decide(actor=personas.secretary, item=item, decision="approve", reason="玩笑话")
    screen(personas, tree, "改过之后还是 sb")
    assert ModerationItem.objects.count() == 1
    item.refresh_from_db()
    assert item.status == "pending"
    assert item.text == "改过之后还是 sb"


# --- Reports ----------------------------------------------------------------------------------


def report(person, tree, subject="comment:7", reason="人身攻击"):
    return services.report_submit(
        actor=person, subject=subject, unit=tree.branch_a1, text="一段评论", reason=reason
    )


def test_a_person_reports_an_item_only_once(tree, personas):
    report(personas.student, tree)
    with pytest.raises(DomainError) as refused:
        report(personas.student, tree)
    assert refused.value.code == "moderation.already_reported"
    assert Report.objects.filter(subject="comment:7").count() == 1


def test_a_report_needs_a_reason(tree, personas):
    with pytest.raises(FieldErrors) as refused:
        report(personas.student, tree, reason="  ")
    assert "reason" in refused.value.fields


def test_an_item_reported_by_enough_people_is_hidden_until_reviewed(tree, personas, handlers):
    report(personas.student, tree)
    report(personas.activist, tree)
    assert not queries.is_hidden("comment:7")
    assert handlers == []
    report(personas.propaganda, tree)  # the third different person (default threshold)
    assert queries.is_hidden("comment:7")
    item = ModerationItem.objects.get(subject="comment:7")
    assert (item.status, item.reason, item.text) == ("pending", "reports", "一段评论")
    (event,) = handlers
    assert (event.subject, event.status, event.queued_because, event.is_hidden) == (
        "comment:7",
        "pending",
        "reports",
        True,
    )


def test_the_threshold_is_a_setting(tree, personas, settings):
    settings.MODERATION_REPORT_THRESHOLD = 2
    report(personas.student, tree)
    report(personas.activist, tree)
    assert queries.is_hidden("comment:7")


def test_after_an_approval_only_new_reports_count(tree, personas):
    for person in (personas.student, personas.activist, personas.propaganda):
        report(person, tree)
    item = ModerationItem.objects.get(subject="comment:7")
    services.item_decide(actor=personas.secretary, item=item, decision="approve", reason="没有问题")
    assert not queries.is_hidden("comment:7")
    others = [make_person(tree.branch_a1) for _ in range(3)]
    report(others[0], tree)
    report(others[1], tree)
    assert not queries.is_hidden("comment:7")
    report(others[2], tree)
    assert queries.is_hidden("comment:7")


def test_the_after_commit_recheck_is_idempotent(tree, personas, handlers):
    for person in (personas.student, personas.activist, personas.propaganda):
        report(person, tree)
    services._recheck_reports(subject="comment:7", unit_id=tree.branch_a1.pk, text="一段评论", actor_id=None)
    assert ModerationItem.objects.filter(subject="comment:7").count() == 1
    assert len(handlers) == 1


def test_reports_hide_through_the_recheck_when_concurrent_reports_each_missed_the_threshold(tree, personas):
    # As if three reports had committed at once, each counting fewer than three.
    for person in (personas.student, personas.activist, personas.propaganda):
        Report.objects.create(subject="comment:9", reporter=person, reason="垃圾广告")
    assert not queries.is_hidden("comment:9")
    services._recheck_reports(subject="comment:9", unit_id=tree.branch_a1.pk, text="广告", actor_id=None)
    assert queries.is_hidden("comment:9")


def test_an_inactive_or_anonymous_person_cannot_report(tree, personas):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        report(AnonymousUser(), tree)
    personas.student.is_active = False
    with pytest.raises(PermissionDenied):
        report(personas.student, tree)


# --- Decisions --------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["approve", "reject", "hide"])
def test_a_decision_is_logged_with_its_reason_and_told_to_the_owner(
    tree, personas, default_lexicon, handlers, decision
):
    item = hold_item(personas, tree)
    record = services.item_decide(actor=personas.propaganda, item=item, decision=decision, reason="依规处理")
    item.refresh_from_db()
    expected = {"approve": "approved", "reject": "rejected", "hide": "hidden"}[decision]
    assert item.status == expected
    assert (record.decision, record.previous_status, record.reason, record.moderator) == (
        decision,
        "pending",
        "依规处理",
        personas.propaganda,
    )
    assert queries.is_hidden("comment:1") is (decision != "approve")
    (event,) = handlers
    assert (event.status, event.decision, event.reason, event.actor_id) == (
        expected,
        decision,
        "依规处理",
        personas.propaganda.pk,
    )
    assert AuditEvent.objects.filter(action="moderation.item.decide", object_id=str(item.pk)).exists()


def test_a_decision_needs_a_reason_and_a_known_decision(tree, personas, default_lexicon):
    item = hold_item(personas, tree)
    with pytest.raises(FieldErrors) as refused:
        services.item_decide(actor=personas.secretary, item=item, decision="approve", reason=" ")
    assert "reason" in refused.value.fields
    with pytest.raises(FieldErrors) as refused:
        services.item_decide(actor=personas.secretary, item=item, decision="delete", reason="x")
    assert "decision" in refused.value.fields
    assert not ModerationDecision.objects.exists()


def test_a_decision_that_changes_nothing_is_refused(tree, personas, default_lexicon):
    item = hold_item(personas, tree)
    services.item_decide(actor=personas.secretary, item=item, decision="hide", reason="先隐藏")
    with pytest.raises(DomainError) as refused:
        services.item_decide(actor=personas.secretary, item=item, decision="hide", reason="再隐藏")
    assert refused.value.code == "moderation.no_change"
    services.item_decide(actor=personas.college_officer, item=item, decision="approve", reason="复核后恢复")
    assert [d.decision for d in ModerationDecision.objects.filter(item=item)] == ["hide", "approve"]


def test_only_reviewers_of_the_items_unit_may_decide(tree, personas, default_lexicon, study_member):
    item = hold_item(personas, tree)
    with pytest.raises(Http404):
        services.item_decide(actor=personas.outsider, item=item, decision="approve", reason="越权")
    with pytest.raises(Http404):
        services.item_decide(actor=personas.student, item=item, decision="approve", reason="越权")
    with pytest.raises(PermissionDenied):
        services.item_decide(actor=study_member, item=item, decision="approve", reason="越权")
    services.item_decide(actor=personas.university_admin, item=item, decision="approve", reason="可以")


def test_the_decision_log_is_append_only(tree, personas, default_lexicon):
    item = hold_item(personas, tree)
    record = services.item_decide(actor=personas.secretary, item=item, decision="reject", reason="违规")
    record.reason = "改写理由"
    with pytest.raises(ValueError, match="append-only"):
        record.save()
    with pytest.raises(ValueError, match="append-only"):
        record.delete()
    with pytest.raises(ValueError, match="append-only"):
        ModerationDecision.objects.filter(pk=record.pk).update(reason="改写")
    with pytest.raises(ValueError, match="append-only"):
        ModerationDecision.objects.filter(pk=record.pk).delete()
    assert ModerationDecision.objects.get(pk=record.pk).reason == "违规"


def test_a_decision_handler_needs_a_prefix():
    with pytest.raises(ValueError):
        services.register_decision_handler("", lambda event: None)


def test_handlers_hear_only_about_their_own_prefix(tree, personas, default_lexicon, handlers):
    item = hold_item(personas, tree, subject="survey-answer:3")
    services.item_decide(actor=personas.secretary, item=item, decision="approve", reason="可以")
    assert handlers == []


# --- Reads for the owning apps ----------------------------------------------------------------


def test_hidden_subjects_answers_for_a_whole_list_in_one_query(
    tree, personas, default_lexicon, django_assert_num_queries
):
    hold_item(personas, tree, subject="comment:1")
    approved = hold_item(personas, tree, subject="comment:2")
    services.item_decide(actor=personas.secretary, item=approved, decision="approve", reason="可以")
    subjects = [f"comment:{n}" for n in range(1, 50)]
    with django_assert_num_queries(1):
        assert queries.hidden_subjects(subjects) == {"comment:1"}
    with django_assert_num_queries(0):
        assert queries.hidden_subjects([]) == set()
    assert queries.statuses_of(subjects) == {"comment:1": "pending", "comment:2": "approved"}


# --- The lexicon ------------------------------------------------------------------------------


def test_a_term_is_refused_when_it_matches_an_existing_one_in_the_scope(
    tree, personas, add_term, default_lexicon
):
    with pytest.raises(FieldErrors) as refused:
        add_term("Ｓ Ｂ")
    assert "term" in refused.value.fields
    add_term("Ｓ Ｂ", unit=tree.branch_a1)  # another scope may list it again


def test_a_term_needs_two_letters_or_digits(tree, personas, add_term):
    for term in ("", "死", " . ! "):
        with pytest.raises(FieldErrors):
            add_term(term)


def test_keeping_the_lexicon_needs_the_right_over_the_scope(tree, personas, add_term, committee_secretary):
    with pytest.raises(PermissionDenied):
        add_term("某词", actor=personas.secretary, unit=tree.branch_a1)
    with pytest.raises(Http404):
        add_term("某词", actor=personas.outsider, unit=tree.branch_a1)
    with pytest.raises(Http404):  # the whole university is beyond a college
        add_term("某词", actor=committee_secretary)
    entry = add_term("某词", actor=committee_secretary, unit=tree.branch_a1)
    assert (entry.unit, entry.created_by) == (tree.branch_a1, committee_secretary)
    assert AuditEvent.objects.filter(action="moderation.lexicon.add", object_id=str(entry.pk)).exists()


def test_every_lexicon_change_gives_a_new_version(tree, personas, add_term):
    first = queries.lexicon_version()
    entry = add_term("版本词")
    services.lexicon_entry_update(
        actor=personas.university_admin, entry=entry, category="spam", action="hold", is_active=True
    )
    assert queries.lexicon_version() == first + 2
    services.lexicon_entry_update(
        actor=personas.university_admin, entry=entry, category="spam", action="hold", is_active=True
    )
    assert queries.lexicon_version() == first + 2  # nothing changed, nothing bumped


def test_a_bulk_import_adds_new_terms_and_reports_the_rest(tree, personas, default_lexicon):
    outcome = services.lexicon_entries_import(
        actor=personas.university_admin,
        unit=None,
        lines="新词一\n\n新词二\n 新 词 一 \nSB\n死\n",
        category="spam",
        action="hold",
    )
    assert outcome.added == ["新词一", "新词二"]
    assert [term for term, _why in outcome.skipped] == ["新 词 一", "死", "SB"]
    assert LexiconEntry.objects.filter(term__in=["新词一", "新词二"], action="hold").count() == 2
    assert services.text_check(text="新词二", unit=None).action == "hold"


def test_queue_reminders_reach_every_reviewer_of_the_unit_once_a_day(tree, personas, default_lexicon):
    from core.models import Notification

    hold_item(personas, tree)
    sent = services.queue_reminders_send()
    recipients = set(
        Notification.objects.filter(kind="moderation.queue_waiting").values_list("recipient__name", flat=True)
    )
    assert recipients == {"王宣传", "赵书记", "钱组织员", "孙组织部"}
    assert sent == 4
    assert services.queue_reminders_send() == 0  # the same day again: nothing new


def test_decision_choices_cover_every_status():
    assert {services.DECISION_STATUS[d] for d in Decision} == {
        ItemStatus.APPROVED,
        ItemStatus.REJECTED,
        ItemStatus.HIDDEN,
    }


@pytest.mark.parametrize(
    ("link", "kept"),
    [
        ("/publishing/articles/3/#comment-7", "/publishing/articles/3/#comment-7"),
        ("https://party.example.edu.cn/a/3", "https://party.example.edu.cn/a/3"),
        ("javascript:alert(1)", ""),
        ("//evil.example.com/x", ""),
    ],
)
def test_only_safe_links_to_the_context_are_kept(tree, personas, default_lexicon, link, kept):
    services.submission_screen(
        actor=personas.student, text="sb", unit=tree.branch_a1, subject="comment:1", snapshot_url=link
    )
    assert ModerationItem.objects.get(subject="comment:1").snapshot_url == kept
