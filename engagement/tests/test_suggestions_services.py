"""The suggestion box's rules: sending and its moderation outcomes, handlers, replies, follow-ups,
ratings only after a reply, reassignment, retries, and the event log."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError, FieldErrors
from core.models import AuditEvent, Notification
from engagement import queries_suggestions as queries
from engagement import services_suggestions as services
from engagement.models import EventKind, Suggestion, SuggestionEvent, SuggestionStatus
from engagement.tests.factories_suggestions import decide, local, send
from moderation import queries as moderation_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(local(date(2026, 11, 23), 10), tick=False)  # a Monday
    return time_machine


def test_a_student_writes_to_their_branch_and_its_secretary_handles_it(tree, personas):
    item = send(personas.student, tree.branch_a1)
    assert (item.status, item.handler, item.unit) == (
        SuggestionStatus.OPEN,
        personas.secretary,
        tree.branch_a1,
    )
    assert (item.opened_on, item.due_on) == (date(2026, 11, 23), date(2026, 11, 26))  # 3 working days
    assert Notification.objects.filter(recipient=personas.secretary, kind=services.INBOX_KIND).count() == 1
    assert list(item.events.values_list("kind", flat=True)) == [EventKind.SENT]


def test_the_destinations_are_the_branch_and_the_units_above_it(tree, personas):
    assert queries.destinations_for(personas.student) == [tree.branch_a1, tree.college_a, tree.university]
    assert queries.destinations_for(personas.college_officer) == []  # staff with no branch


def test_a_unit_outside_the_senders_line_is_refused_naming_the_field(tree, personas):
    with pytest.raises(FieldErrors) as refused:
        send(personas.student, tree.branch_b1)
    assert "unit" in refused.value.fields
    with pytest.raises(FieldErrors) as refused:
        send(personas.student, tree.branch_a1, subject=" ", text="")
    assert set(refused.value.fields) == {"subject", "text"}


def test_without_a_mailbox_holder_the_item_waits_for_an_officer_to_assign_it(tree, personas):
    item = send(personas.student, tree.college_a)  # the college has an organiser but no committee secretary
    assert item.handler is None
    told = Notification.objects.get(kind=services.INBOX_KIND)
    assert told.recipient == personas.college_officer  # the officer with oversight is asked to assign it
    services.suggestion_assign(
        actor=personas.college_officer, suggestion_id=item.pk, handler_id=personas.college_officer.pk
    )
    item.refresh_from_db()
    assert item.handler == personas.college_officer
    assert (
        Notification.objects.filter(recipient=personas.college_officer, kind=services.INBOX_KIND).count() == 2
    )


def test_blocked_words_are_refused_naming_the_field_and_nothing_is_kept(tree, personas):
    with pytest.raises(FieldErrors) as refused:
        send(personas.student, tree.branch_a1, text="你这个傻逼")
    assert list(refused.value.fields) == ["text"]
    assert "傻逼" not in str(refused.value.fields)
    with pytest.raises(FieldErrors) as refused:
        send(personas.student, tree.branch_a1, subject="傻逼食堂")
    assert list(refused.value.fields) == ["subject"]
    assert not Suggestion.objects.exists()


def test_personal_data_is_stored_masked(tree, personas):
    item = send(personas.student, tree.branch_a1, text="请联系我 13812345678")
    assert item.text == "请联系我 138****5678"


def test_held_text_reaches_the_handler_only_once_approved(tree, personas):
    item = send(personas.student, tree.branch_a1, text="这个规定真 sb")
    assert item.status == SuggestionStatus.REVIEW and item.due_on is None
    assert not Notification.objects.filter(recipient=personas.secretary).exists()
    assert not queries.box_of(tree.branch_a1, "all").exists()
    assert list(queries.mine(personas.student)) == [item]
    decide(personas.secretary, tree.branch_a1, item.moderation_subject)
    item.refresh_from_db()
    assert item.status == SuggestionStatus.OPEN and item.due_on == date(2026, 11, 26)
    assert Notification.objects.filter(recipient=personas.secretary, kind=services.INBOX_KIND).count() == 1


def test_a_rejected_held_item_is_never_passed_on(tree, personas):
    item = send(personas.student, tree.branch_a1, text="这个规定真 sb")
    decide(personas.secretary, tree.branch_a1, item.moderation_subject, "reject")
    item.refresh_from_db()
    assert item.status == SuggestionStatus.REJECTED
    assert not queries.box_of(tree.branch_a1, "all").exists()


def test_a_retried_send_returns_the_first_item(tree, personas):
    first = send(personas.student, tree.branch_a1, request_key="k1")
    again = send(personas.student, tree.branch_a1, request_key="k1")
    assert first.pk == again.pk and Suggestion.objects.count() == 1


def test_the_handler_replies_and_the_reply_time_counts_working_days(tree, personas, clock):
    item = send(personas.student, tree.branch_a1)
    clock.move_to(local(date(2026, 11, 25), 15))
    services.suggestion_reply(
        actor=personas.secretary, suggestion_id=item.pk, text="已与食堂沟通，下周起延长。"
    )
    item.refresh_from_db()
    assert item.status == SuggestionStatus.ANSWERED and item.reply_working_days == 2
    assert Notification.objects.filter(recipient=personas.student, kind=services.REPLY_KIND).count() == 1


def test_only_the_handler_replies(tree, personas):
    item = send(personas.student, tree.branch_a1)
    with pytest.raises(PermissionDenied):
        services.suggestion_reply(actor=personas.college_officer, suggestion_id=item.pk, text="收到")
    with pytest.raises(PermissionDenied):
        services.suggestion_reply(actor=personas.student, suggestion_id=item.pk, text="收到")


def test_a_retried_reply_is_stored_once(tree, personas):
    item = send(personas.student, tree.branch_a1)
    for _attempt in range(2):
        services.suggestion_reply(
            actor=personas.secretary, suggestion_id=item.pk, text="收到", request_key="r1"
        )
    assert item.events.filter(kind=EventKind.REPLY).count() == 1
    assert Notification.objects.filter(recipient=personas.student).count() == 1


def test_satisfaction_only_after_a_reply_and_it_closes_the_item(tree, personas):
    item = send(personas.student, tree.branch_a1)
    with pytest.raises(DomainError) as refused:
        services.suggestion_rate(actor=personas.student, suggestion_id=item.pk, rating=5)
    assert refused.value.code == "suggestion.not_answered"
    services.suggestion_reply(actor=personas.secretary, suggestion_id=item.pk, text="已处理")
    with pytest.raises(FieldErrors) as refused:
        services.suggestion_rate(actor=personas.student, suggestion_id=item.pk, rating=6)
    assert list(refused.value.fields) == ["rating"]
    with pytest.raises(PermissionDenied):
        services.suggestion_rate(actor=personas.secretary, suggestion_id=item.pk, rating=5)
    services.suggestion_rate(actor=personas.student, suggestion_id=item.pk, rating=4, comment="回复及时")
    item.refresh_from_db()
    assert (item.status, item.rating, item.rating_comment) == (SuggestionStatus.CLOSED, 4, "回复及时")


def test_a_follow_up_reopens_the_item_with_a_new_deadline(tree, personas, clock):
    item = send(personas.student, tree.branch_a1)
    with pytest.raises(DomainError):
        services.suggestion_follow_up(actor=personas.student, suggestion_id=item.pk, text="还没有回复吗？")
    services.suggestion_reply(actor=personas.secretary, suggestion_id=item.pk, text="已处理")
    services.suggestion_rate(actor=personas.student, suggestion_id=item.pk, rating=2)
    clock.move_to(local(date(2026, 11, 27), 10))  # Friday
    services.suggestion_follow_up(actor=personas.student, suggestion_id=item.pk, text="但是还没有变化")
    item.refresh_from_db()
    assert (item.status, item.round, item.rating) == (SuggestionStatus.OPEN, 2, None)
    assert item.due_on == date(2026, 12, 2)  # Mon, Tue, Wed
    assert Notification.objects.filter(recipient=personas.secretary, kind=services.INBOX_KIND).count() == 2


def test_a_held_follow_up_reopens_only_when_approved_and_only_its_writer_sees_it_meanwhile(tree, personas):
    item = send(personas.student, tree.branch_a1)
    services.suggestion_reply(actor=personas.secretary, suggestion_id=item.pk, text="已处理")
    event = services.suggestion_follow_up(actor=personas.student, suggestion_id=item.pk, text="你们真 sb")
    item.refresh_from_db()
    assert item.status == SuggestionStatus.ANSWERED
    assert event.pk in queries.thread_of(item, for_sender=True).pending
    assert event not in queries.thread_of(item, for_sender=False).events
    decide(personas.secretary, tree.branch_a1, event.moderation_subject)
    item.refresh_from_db()
    assert item.status == SuggestionStatus.OPEN and item.round == 2
    assert event in queries.thread_of(item, for_sender=False).events


def test_reassignment_needs_oversight_and_a_rightful_new_handler(tree, personas):
    item = send(personas.student, tree.branch_a1)
    with pytest.raises(PermissionDenied):
        services.suggestion_assign(
            actor=personas.propaganda, suggestion_id=item.pk, handler_id=personas.propaganda.pk
        )
    with pytest.raises(FieldErrors) as refused:
        services.suggestion_assign(
            actor=personas.secretary, suggestion_id=item.pk, handler_id=personas.student.pk
        )
    assert list(refused.value.fields) == ["handler"]
    services.suggestion_assign(
        actor=personas.college_officer, suggestion_id=item.pk, handler_id=personas.university_admin.pk
    )
    item.refresh_from_db()
    assert item.handler == personas.university_admin
    with pytest.raises(PermissionDenied):  # the former handler may no longer reply
        services.suggestion_reply(actor=personas.secretary, suggestion_id=item.pk, text="收到")


def test_events_are_append_only(tree, personas):
    item = send(personas.student, tree.branch_a1)
    event = SuggestionEvent.objects.get(suggestion=item)
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_a_hidden_name_leaves_no_trace_in_events_audit_or_moderation(tree, personas):
    item = send(personas.student, tree.branch_a1, text="这个规定真 sb", hide_name=True)
    assert not SuggestionEvent.objects.filter(suggestion=item).exclude(actor=None).exists()
    audit = AuditEvent.objects.get(action="engagement.suggestion.send")
    assert audit.actor is None and personas.student.name not in audit.actor_label
    held = moderation_queries.review_queue(tree.branch_a1).get(subject=item.moderation_subject)
    assert held.author is None


def test_figures_count_reply_times_of_the_unit_and_of_each_branch(tree, personas, clock):
    first = send(personas.student, tree.branch_a1, request_key="a")
    second = send(personas.activist, tree.branch_a1, request_key="b")
    clock.move_to(local(date(2026, 11, 24), 10))
    services.suggestion_reply(actor=personas.secretary, suggestion_id=first.pk, text="好")
    clock.move_to(local(date(2026, 11, 30), 10))  # Monday after: second is overdue
    figures = queries.unit_figures(tree.branch_a1)
    assert (figures.received, figures.open, figures.overdue, figures.answered) == (2, 1, 1, 1)
    assert figures.median_days == 1.0
    by_unit = {row.unit: row for row in queries.sub_unit_figures(tree.college_a)}
    assert (by_unit[tree.branch_a1].received, by_unit[tree.branch_a1].overdue) == (2, 1)
    assert by_unit[tree.branch_a2].received == 0
    assert second.pk


def test_a_held_reply_answers_the_item_only_once_approved(tree, personas):
    item = send(personas.student, tree.branch_a1)
    event = services.suggestion_reply(actor=personas.secretary, suggestion_id=item.pk, text="别 sb 了")
    item.refresh_from_db()
    assert item.status == SuggestionStatus.OPEN
    assert not Notification.objects.filter(recipient=personas.student).exists()
    assert event not in queries.thread_of(item, for_sender=True).events  # the student does not see it yet
    decide(personas.college_officer, tree.branch_a1, event.moderation_subject)
    item.refresh_from_db()
    assert item.status == SuggestionStatus.ANSWERED
    assert Notification.objects.filter(recipient=personas.student, kind=services.REPLY_KIND).count() == 1
