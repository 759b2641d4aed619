"""Meeting services: planning, publishing (idempotent, notified once), changes, cancelling, answers, leave."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.errors import DomainError, FieldErrors
from core.models import AuditEvent, Notification
from orglife import services
from orglife.models import CalendarFeed, Invitation, LeaveStatus, MeetingStatus, Response
from orglife.tests.factories import at, clock, draft, plan, published  # noqa: F401
from orgs.models import PartyStatus
from orgs.tests.factories import appoint, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

NOTICE = services.NOTICE_KIND
LEAVE = services.LEAVE_KIND


def notices(kind: str = NOTICE) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id", "pk"))


# --- Planning -------------------------------------------------------------------------------------


def test_a_new_meeting_is_a_draft_that_invites_nobody_yet(tree, personas):
    meeting = draft(personas.secretary, tree.branch_a1, people=(personas.student,))
    assert meeting.status == MeetingStatus.DRAFT
    assert list(meeting.invited_units.all()) == [tree.branch_a1]
    # People chosen one by one wait in the draft; nobody is notified.
    assert list(Invitation.objects.filter(meeting=meeting).values_list("person", flat=True)) == [
        personas.student.pk
    ]
    assert notices() == []
    assert AuditEvent.objects.filter(action="orglife.meeting.create", object_id=str(meeting.pk)).exists()


def test_planning_names_every_wrong_field(tree, personas):
    bad = plan(title=" ", place="", online_url="not a link")
    bad = services.MeetingPlan(**{**bad.__dict__, "ends_at": bad.starts_at - timedelta(hours=1)})
    with pytest.raises(FieldErrors) as raised:
        services.meeting_create(actor=personas.secretary, unit=tree.branch_a1, plan=bad)
    assert set(raised.value.fields) == {"title", "ends_at", "online_url"}


def test_a_meeting_needs_a_place_or_an_online_link(tree, personas):
    with pytest.raises(FieldErrors) as raised:
        services.meeting_create(actor=personas.secretary, unit=tree.branch_a1, plan=plan(place=""))
    assert set(raised.value.fields) == {"place"}
    online = services.meeting_create(
        actor=personas.secretary,
        unit=tree.branch_a1,
        plan=plan(place="", online_url="https://meeting.example.cn/123"),
    )
    assert online.online_url == "https://meeting.example.cn/123"


def test_invitees_must_lie_inside_the_organising_unit(tree, personas):
    with pytest.raises(FieldErrors) as raised:
        draft(personas.secretary, tree.branch_a1, units=(tree.branch_a2,))
    assert "invited_units" in raised.value.fields
    with pytest.raises(FieldErrors) as raised:
        draft(personas.secretary, tree.branch_a1, people=(personas.outsider,))
    assert "people" in raised.value.fields


def test_a_college_officer_invites_several_branches(tree, personas):
    a2_member = make_person(tree.branch_a2, status=PartyStatus.FULL)
    meeting = published(personas.college_officer, tree.college_a, units=(tree.branch_a1, tree.branch_a2))
    invited = set(Invitation.objects.filter(meeting=meeting).values_list("person", flat=True))
    assert a2_member.pk in invited
    assert {personas.student.pk, personas.secretary.pk} <= invited
    assert personas.outsider.pk not in invited


def test_a_group_meeting_invites_only_the_group(tree, personas):
    leader = personas.student
    appoint(leader, tree.group_a1, "group_leader")
    meeting = published(leader, tree.group_a1, kind="group_meeting")
    assert list(Invitation.objects.filter(meeting=meeting).values_list("person", flat=True)) == [leader.pk]


def test_planning_is_refused_out_of_scope_and_without_the_right(tree, personas):
    with pytest.raises(Http404):
        draft(personas.outsider, tree.branch_a1)
    with pytest.raises(PermissionDenied):
        draft(personas.propaganda, tree.branch_a1)


# --- Publishing -----------------------------------------------------------------------------------


def test_publishing_invites_the_branch_and_notifies_each_invitee_once(tree, personas):
    meeting = draft(personas.secretary, tree.branch_a1)
    services.meeting_publish(actor=personas.secretary, meeting=meeting)
    services.meeting_publish(actor=personas.secretary, meeting=meeting)  # a retried request
    members = {personas.student.pk, personas.activist.pk, personas.propaganda.pk, personas.secretary.pk}
    assert set(Invitation.objects.filter(meeting=meeting).values_list("person", flat=True)) == members
    sent = notices()
    assert sorted(item.recipient_id for item in sent) == sorted(members)
    assert all(item.url == f"/orglife/meetings/{meeting.pk}/" for item in sent)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
    assert meeting.published_at is not None


def test_publishing_again_invites_members_who_joined_since_and_only_notifies_them(tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    newcomer = make_person(tree.branch_a1, status=PartyStatus.PROBATIONARY)
    services.meeting_publish(actor=personas.secretary, meeting=meeting)
    assert Invitation.objects.filter(meeting=meeting, person=newcomer).exists()
    assert Notification.objects.filter(kind=NOTICE, recipient=newcomer).count() == 1
    assert Notification.objects.filter(kind=NOTICE, recipient=personas.student).count() == 1


def test_a_meeting_without_invitees_cannot_be_published(tree, personas):
    meeting = draft(personas.secretary, tree.branch_a1, units=())
    with pytest.raises(DomainError) as raised:
        services.meeting_publish(actor=personas.secretary, meeting=meeting)
    assert raised.value.code == "no_invitees"
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT


def test_a_cancelled_meeting_cannot_be_published(tree, personas):
    meeting = draft(personas.secretary, tree.branch_a1)
    services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="改期")
    with pytest.raises(DomainError) as raised:
        services.meeting_publish(actor=personas.secretary, meeting=meeting)
    assert raised.value.code == "meeting_not_draft"


# --- Changing and cancelling ------------------------------------------------------------------------


def test_a_draft_changes_freely_and_notifies_nobody(tree, personas):
    meeting = draft(personas.secretary, tree.branch_a1)
    services.meeting_update(
        actor=personas.secretary,
        meeting=meeting,
        plan=plan(title="改名", units=(tree.group_a1,), people=(personas.activist,), place="新地点"),
    )
    meeting.refresh_from_db()
    assert meeting.title == "改名"
    assert list(meeting.invited_units.all()) == [tree.group_a1]
    assert meeting.sequence == 0
    assert notices() == []


def test_a_new_time_after_publishing_notifies_every_invitee_again(tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    later = plan(starts_at=at(2026, 12, 11))
    changed = services.MeetingPlan(**{**later.__dict__, "invited_unit_ids": None, "person_ids": None})
    services.meeting_update(actor=personas.secretary, meeting=meeting, plan=changed)
    services.meeting_update(actor=personas.secretary, meeting=meeting, plan=changed)  # nothing changes
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    changes = Notification.objects.filter(kind=NOTICE, dedupe_key__startswith="orglife.changed:")
    assert changes.count() == 4
    assert "2026-12-11 19:00" in changes.get(recipient=personas.student).body


def test_a_new_title_after_publishing_notifies_nobody(tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    renamed = services.MeetingPlan(
        **{**plan(title="新标题").__dict__, "invited_unit_ids": None, "person_ids": None}
    )
    services.meeting_update(actor=personas.secretary, meeting=meeting, plan=renamed)
    assert not Notification.objects.filter(dedupe_key__startswith="orglife.changed:").exists()


def test_invitees_are_fixed_once_the_notice_is_out(tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    with pytest.raises(DomainError) as raised:
        services.meeting_update(actor=personas.secretary, meeting=meeting, plan=plan(units=(tree.group_a1,)))
    assert raised.value.code == "invitees_fixed"


def test_cancelling_needs_a_reason_and_tells_the_invitees_once(tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    with pytest.raises(FieldErrors) as raised:
        services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="  ")
    assert "reason" in raised.value.fields
    services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="场地冲突")
    services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="场地冲突")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    cancelled = Notification.objects.filter(dedupe_key=f"orglife.cancelled:{meeting.pk}")
    assert cancelled.count() == 4
    assert "场地冲突" in cancelled.get(recipient=personas.student).body


def test_a_cancelled_meeting_cannot_be_changed(tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="改期")
    with pytest.raises(DomainError) as raised:
        services.meeting_update(actor=personas.secretary, meeting=meeting, plan=plan())
    assert raised.value.code == "meeting_locked"


def test_a_closed_meeting_cannot_be_cancelled(tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status"])
    with pytest.raises(DomainError) as raised:
        services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="x")
    assert raised.value.code == "meeting_closed"


# --- Read receipts and answers ----------------------------------------------------------------------


def test_reading_is_recorded_once_and_never_for_a_draft(tree, personas, time_machine):
    meeting = draft(personas.secretary, tree.branch_a1, people=(personas.student,))
    assert services.invitation_mark_read(actor=personas.student, meeting=meeting) is False
    services.meeting_publish(actor=personas.secretary, meeting=meeting)
    assert services.invitation_mark_read(actor=personas.student, meeting=meeting) is True
    first = Invitation.objects.get(meeting=meeting, person=personas.student).read_at
    time_machine.shift(timedelta(hours=1))
    assert services.invitation_mark_read(actor=personas.student, meeting=meeting) is False
    assert Invitation.objects.get(meeting=meeting, person=personas.student).read_at == first


def test_asking_for_leave_needs_a_reason_and_tells_the_organiser(tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    with pytest.raises(FieldErrors) as raised:
        services.invitation_answer(actor=personas.student, meeting=meeting, response=Response.LEAVE)
    assert "reason" in raised.value.fields
    invitation = services.invitation_answer(
        actor=personas.student, meeting=meeting, response=Response.LEAVE, reason="实习在外地"
    )
    services.invitation_answer(
        actor=personas.student, meeting=meeting, response=Response.LEAVE, reason="实习在外地"
    )
    assert invitation.leave_status == LeaveStatus.REQUESTED
    assert invitation.read_at is not None
    assert Notification.objects.filter(kind=LEAVE, recipient=personas.secretary).count() == 1


def test_answering_attend_after_asking_for_leave_withdraws_the_request(tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    services.invitation_answer(
        actor=personas.student, meeting=meeting, response=Response.LEAVE, reason="生病"
    )
    invitation = services.invitation_answer(actor=personas.student, meeting=meeting, response=Response.ATTEND)
    assert invitation.response == Response.ATTEND
    assert invitation.leave_status == LeaveStatus.NONE
    assert invitation.leave_reason == ""


def test_only_invitees_answer_and_only_while_the_meeting_is_open(tree, personas, time_machine):
    meeting = published(personas.secretary, tree.branch_a1)
    with pytest.raises(Http404):
        services.invitation_answer(actor=personas.outsider, meeting=meeting, response=Response.ATTEND)
    time_machine.move_to(at(2026, 12, 10, 22))
    with pytest.raises(DomainError) as raised:
        services.invitation_answer(actor=personas.student, meeting=meeting, response=Response.ATTEND)
    assert raised.value.code == "meeting_over"


def test_a_cancelled_meeting_takes_no_answers(tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="改期")
    with pytest.raises(DomainError) as raised:
        services.invitation_answer(actor=personas.student, meeting=meeting, response=Response.ATTEND)
    assert raised.value.code == "meeting_not_open"


# --- Leave decisions --------------------------------------------------------------------------------


@pytest.fixture
def leave_request(tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    return services.invitation_answer(
        actor=personas.student, meeting=meeting, response=Response.LEAVE, reason="参加竞赛"
    )


def test_the_organiser_approves_leave_and_the_invitee_is_told_once(personas, leave_request):
    services.leave_decide(actor=personas.secretary, invitation=leave_request, approve=True)
    decided = services.leave_decide(actor=personas.secretary, invitation=leave_request, approve=True)
    assert decided.leave_status == LeaveStatus.APPROVED
    assert decided.leave_decided_by == personas.secretary
    told = Notification.objects.filter(kind=LEAVE, recipient=personas.student)
    assert told.count() == 1
    assert AuditEvent.objects.filter(action="orglife.leave.approve").count() == 1


def test_refusing_leave_needs_a_note_which_the_invitee_reads(personas, leave_request):
    with pytest.raises(FieldErrors) as raised:
        services.leave_decide(actor=personas.secretary, invitation=leave_request, approve=False)
    assert "note" in raised.value.fields
    services.leave_decide(
        actor=personas.secretary, invitation=leave_request, approve=False, note="本次会议须全员参加"
    )
    told = Notification.objects.get(kind=LEAVE, recipient=personas.student)
    assert "本次会议须全员参加" in told.body


def test_leave_is_decided_only_by_an_organiser(personas, leave_request):
    with pytest.raises(PermissionDenied):
        services.leave_decide(actor=personas.propaganda, invitation=leave_request, approve=True)
    with pytest.raises(Http404):
        services.leave_decide(actor=personas.outsider, invitation=leave_request, approve=True)


def test_there_is_nothing_to_decide_without_a_leave_request(tree, personas):
    meeting = published(personas.secretary, tree.branch_a1)
    invitation = Invitation.objects.get(meeting=meeting, person=personas.activist)
    with pytest.raises(DomainError) as raised:
        services.leave_decide(actor=personas.secretary, invitation=invitation, approve=True)
    assert raised.value.code == "no_leave_request"


def test_a_new_leave_request_after_a_refusal_is_decided_and_told_again(personas, leave_request):
    services.leave_decide(actor=personas.secretary, invitation=leave_request, approve=False, note="须参加")
    services.invitation_answer(
        actor=personas.student, meeting=leave_request.meeting, response=Response.LEAVE, reason="住院"
    )
    services.leave_decide(actor=personas.secretary, invitation=leave_request, approve=True)
    assert Notification.objects.filter(kind=LEAVE, recipient=personas.student).count() == 2


# --- Calendar feeds ---------------------------------------------------------------------------------


def test_a_calendar_feed_keeps_only_the_digest_and_a_new_one_replaces_it(personas):
    feed, raw = services.calendar_feed_create(actor=personas.student)
    assert raw.startswith("cal_")
    assert raw not in feed.digest
    assert services.calendar_feed_use(raw) == personas.student
    _second, new_raw = services.calendar_feed_create(actor=personas.student)
    assert services.calendar_feed_use(raw) is None
    assert services.calendar_feed_use(new_raw) == personas.student
    assert CalendarFeed.objects.filter(person=personas.student).count() == 1


def test_a_revoked_feed_or_an_inactive_person_reads_nothing(personas):
    _feed, raw = services.calendar_feed_create(actor=personas.student)
    personas.student.is_active = False
    personas.student.save(update_fields=["is_active"])
    assert services.calendar_feed_use(raw) is None
    personas.student.is_active = True
    personas.student.save(update_fields=["is_active"])
    assert services.calendar_feed_revoke(actor=personas.student) is True
    assert services.calendar_feed_use(raw) is None
    assert services.calendar_feed_use("cal_guess") is None
