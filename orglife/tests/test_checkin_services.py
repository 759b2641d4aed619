"""Check-in rules: only invitees, only while open, only with a fresh code of this meeting, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone, translation

from core.errors import DomainError, FieldErrors
from core.models import AuditEvent
from orglife import checkin_codes, services_checkin
from orglife.models import CheckIn, CheckInMethod, MeetingStatus
from orglife.tests import factories_record
from orglife.tests.factories_record import START, make_meeting
from orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

# Fixtures shared by the check-in and record tests.
during = factories_record.during
meeting = factories_record.meeting


def current_code(meeting) -> str:
    return checkin_codes.short_code(
        meeting.check_in_secret, meeting.pk, checkin_codes.window_at(timezone.now())
    )


def current_token(meeting) -> str:
    return checkin_codes.token(meeting.check_in_secret, meeting.pk, checkin_codes.window_at(timezone.now()))


def refusal_code(call) -> str:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.code


def test_an_invitee_checks_in_with_the_current_short_code(personas, meeting, during):
    result = services_checkin.check_in_by_code(
        actor=personas.student, code=current_code(meeting), meeting_id=meeting.pk
    )
    assert result.created
    assert result.check_in.method == CheckInMethod.CODE
    assert AuditEvent.objects.filter(
        action="orglife.check_in.record", object_id=str(result.check_in.pk)
    ).exists()


def test_the_short_code_alone_finds_the_meeting(personas, meeting, during, tree):
    make_meeting(tree.branch_a2, personas.college_officer, title="另一个会议")
    result = services_checkin.check_in_by_code(actor=personas.student, code=current_code(meeting))
    assert result.check_in.meeting_id == meeting.pk


def test_a_code_scanned_in_the_previous_window_still_checks_in(personas, meeting, during):
    token = current_token(meeting)
    during.shift(timedelta(seconds=30))
    result = services_checkin.check_in_by_token(actor=personas.student, meeting_id=meeting.pk, token=token)
    assert result.created
    assert result.check_in.method == CheckInMethod.QR


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_an_expired_code_is_refused_with_a_clear_message(personas, meeting, during, english):
    code = current_code(meeting)
    during.shift(timedelta(seconds=61))
    with pytest.raises(DomainError) as refused:
        services_checkin.check_in_by_code(actor=personas.student, code=code, meeting_id=meeting.pk)
    assert refused.value.code == "check_in_code_expired"
    assert "expired" in str(refused.value.message)
    assert not CheckIn.objects.exists()


def test_a_token_replayed_after_it_expired_is_refused(personas, meeting, during):
    token = current_token(meeting)
    services_checkin.check_in_by_token(actor=personas.student, meeting_id=meeting.pk, token=token)
    during.shift(timedelta(minutes=2))
    code = refusal_code(
        lambda: services_checkin.check_in_by_token(
            actor=personas.activist, meeting_id=meeting.pk, token=token
        )
    )
    assert code == "check_in_code_expired"
    assert list(CheckIn.objects.values_list("person", flat=True)) == [personas.student.pk]


def test_a_code_from_another_meeting_is_refused(personas, meeting, during, tree):
    other = make_meeting(tree.branch_a1, personas.secretary, invitees=(personas.student,), title="支委会")
    assert (
        refusal_code(
            lambda: services_checkin.check_in_by_code(
                actor=personas.student, code=current_code(other), meeting_id=meeting.pk
            )
        )
        == "check_in_code_invalid"
    )
    assert (
        refusal_code(
            lambda: services_checkin.check_in_by_token(
                actor=personas.student, meeting_id=meeting.pk, token=current_token(other)
            )
        )
        == "check_in_code_invalid"
    )
    assert not CheckIn.objects.exists()


def test_a_person_not_invited_gets_a_clear_refusal(personas, meeting, during, english):
    for call in (
        lambda: services_checkin.check_in_by_code(actor=personas.outsider, code=current_code(meeting)),
        lambda: services_checkin.check_in_by_token(
            actor=personas.college_officer, meeting_id=meeting.pk, token=current_token(meeting)
        ),
    ):
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.code == "check_in_not_invited"
        assert "not on the list" in str(refused.value.message)
    assert not CheckIn.objects.exists()


def test_a_double_scan_counts_once(personas, meeting, during):
    token = current_token(meeting)
    first = services_checkin.check_in_by_token(actor=personas.student, meeting_id=meeting.pk, token=token)
    second = services_checkin.check_in_by_token(actor=personas.student, meeting_id=meeting.pk, token=token)
    third = services_checkin.check_in_by_code(actor=personas.student, code=current_code(meeting))
    assert first.created
    assert not second.created
    assert not third.created
    assert second.check_in.pk == first.check_in.pk == third.check_in.pk
    assert CheckIn.objects.count() == 1
    assert AuditEvent.objects.filter(action="orglife.check_in.record").count() == 1


def test_a_retry_after_the_code_expired_returns_the_existing_check_in(personas, meeting, during):
    token = current_token(meeting)
    first = services_checkin.check_in_by_token(actor=personas.student, meeting_id=meeting.pk, token=token)
    during.shift(timedelta(minutes=3))
    retry = services_checkin.check_in_by_token(actor=personas.student, meeting_id=meeting.pk, token=token)
    assert not retry.created
    assert retry.check_in.pk == first.check_in.pk


def test_check_in_opens_thirty_minutes_before_the_start_and_ends_with_the_meeting(
    personas, meeting, time_machine
):
    time_machine.move_to(START - timedelta(minutes=31), tick=False)
    assert (
        refusal_code(
            lambda: services_checkin.check_in_by_code(
                actor=personas.student, code=current_code(meeting), meeting_id=meeting.pk
            )
        )
        == "check_in_not_open"
    )
    time_machine.move_to(START - timedelta(minutes=29), tick=False)
    assert services_checkin.check_in_by_code(
        actor=personas.student, code=current_code(meeting), meeting_id=meeting.pk
    ).created
    time_machine.move_to(meeting.ends_at + timedelta(seconds=1), tick=False)
    assert (
        refusal_code(
            lambda: services_checkin.check_in_by_code(
                actor=personas.activist, code=current_code(meeting), meeting_id=meeting.pk
            )
        )
        == "check_in_ended"
    )


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (MeetingStatus.CLOSED, "meeting_closed"),
        (MeetingStatus.CANCELLED, "meeting_cancelled"),
        (MeetingStatus.DRAFT, "meeting_not_published"),
    ],
)
def test_no_check_in_unless_the_notice_is_published(personas, meeting, during, status, code):
    meeting.status = status
    meeting.save(update_fields=["status"])
    assert (
        refusal_code(
            lambda: services_checkin.check_in_by_code(
                actor=personas.student, code=current_code(meeting), meeting_id=meeting.pk
            )
        )
        == code
    )


def test_a_scan_seen_before_logging_in_is_honoured_for_ten_minutes(personas, meeting, during):
    token = current_token(meeting)
    scanned_at = timezone.now()
    during.shift(timedelta(minutes=4))
    result = services_checkin.check_in_by_token(
        actor=personas.student, meeting_id=meeting.pk, token=token, scanned_at=scanned_at
    )
    assert result.created
    during.shift(timedelta(minutes=7))
    assert (
        refusal_code(
            lambda: services_checkin.check_in_by_token(
                actor=personas.activist, meeting_id=meeting.pk, token=token, scanned_at=scanned_at
            )
        )
        == "check_in_code_expired"
    )


def test_a_code_of_the_wrong_length_names_the_field(personas, meeting, during):
    with pytest.raises(FieldErrors) as refused:
        services_checkin.check_in_by_code(actor=personas.student, code="ABC", meeting_id=meeting.pk)
    assert "code" in refused.value.fields


def test_an_unknown_code_without_a_meeting_is_refused(personas, meeting, during):
    assert refusal_code(lambda: services_checkin.check_in_by_code(actor=personas.student, code="ZZZZZZ")) in {
        "check_in_code_unknown"
    }


def test_the_organiser_marks_an_invitee_present_once(personas, meeting, during):
    first = services_checkin.check_in_mark_present(
        actor=personas.secretary, meeting_id=meeting.pk, person_id=personas.activist.pk
    )
    again = services_checkin.check_in_mark_present(
        actor=personas.secretary, meeting_id=meeting.pk, person_id=personas.activist.pk
    )
    assert first.created and not again.created
    assert first.check_in.method == CheckInMethod.MANUAL
    assert first.check_in.recorded_by == personas.secretary


def test_marking_present_after_the_end_works_until_the_meeting_is_closed(personas, meeting, time_machine):
    time_machine.move_to(meeting.ends_at + timedelta(hours=2), tick=False)
    assert services_checkin.check_in_mark_present(
        actor=personas.secretary, meeting_id=meeting.pk, person_id=personas.student.pk
    ).created
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status"])
    with pytest.raises(DomainError):
        services_checkin.check_in_mark_present(
            actor=personas.secretary, meeting_id=meeting.pk, person_id=personas.activist.pk
        )


def test_only_invitees_can_be_marked_present(personas, meeting, during, tree):
    stranger = make_person(tree.branch_a1, name="未邀请")
    with pytest.raises(FieldErrors) as refused:
        services_checkin.check_in_mark_present(
            actor=personas.secretary, meeting_id=meeting.pk, person_id=stranger.pk
        )
    assert "person" in refused.value.fields


@pytest.mark.parametrize(
    ("persona", "error"), [("outsider", Http404), ("propaganda", PermissionDenied), ("student", Http404)]
)
def test_marking_present_needs_the_right_to_organise(personas, meeting, during, persona, error):
    with pytest.raises(error):
        services_checkin.check_in_mark_present(
            actor=getattr(personas, persona), meeting_id=meeting.pk, person_id=personas.student.pk
        )
    assert not CheckIn.objects.exists()


def test_a_check_in_racing_the_close_of_the_meeting_is_rolled_back(personas, meeting, during):
    code = current_code(meeting)
    # The meeting was closed by another request after this one read it as published.
    type(meeting).objects.filter(pk=meeting.pk).update(status=MeetingStatus.CLOSED)
    with pytest.raises(DomainError) as refused:
        services_checkin._record(meeting=meeting, person=personas.student, method=CheckInMethod.CODE)
    assert refused.value.code == "meeting_closed"
    assert not CheckIn.objects.exists()
    assert code  # the code itself was fine
