"""position_appoint and position_end: rights, refusals, audit and the appointee's notification."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from core.errors import DomainError, FieldErrors
from core.models import AuditEvent, Notification
from core.permissions import can
from orgs import services
from orgs.models import Position, PositionType
from orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

START = date(2025, 9, 1)


def type_of(code: str) -> PositionType:
    return PositionType.objects.get(code=code)


def appoint(actor, person, unit, code="study_member", **kwargs):
    kwargs.setdefault("start_date", START)
    return services.position_appoint(
        actor=actor, person=person, unit=unit, position_type=type_of(code), **kwargs
    )


def test_a_secretary_appoints_a_member_of_the_branch(tree, personas):
    position = appoint(personas.secretary, personas.activist, tree.branch_a1, note="elected at the meeting")
    assert position.person == personas.activist
    assert position.appointed_by == personas.secretary
    assert position.note == "elected at the meeting"
    event = AuditEvent.objects.get(action="orgs.position.appoint")
    assert event.object_id == str(position.pk)
    assert event.unit_id == tree.branch_a1.pk
    assert event.data["position_type"] == "study_member"


def test_the_appointee_is_notified_once(tree, personas):
    position = appoint(personas.secretary, personas.activist, tree.branch_a1)
    items = Notification.objects.filter(recipient=personas.activist, kind=services.POSITION_APPOINTED)
    assert items.count() == 1
    assert items.get().dedupe_key == f"orgs.position_appointed:{position.pk}"
    # Retrying the whole call is refused (same term); retrying the notification adds nothing.
    with pytest.raises(DomainError):
        appoint(personas.secretary, personas.activist, tree.branch_a1)
    services._notify_appointee(position)
    assert items.count() == 1


def test_the_notification_is_written_in_the_appointees_language(tree, personas):
    personas.activist.language = "en"
    personas.activist.save(update_fields=["language"])
    appoint(personas.secretary, personas.activist, tree.branch_a1)
    item = Notification.objects.get(recipient=personas.activist)
    assert item.title == "You have been appointed Study member of 甲一支部"


def test_the_new_holder_gains_the_positions_powers(tree, personas):
    appoint(personas.secretary, personas.activist, tree.branch_a1)
    assert can(personas.activist, "orgs.view_unit", tree.branch_a1)


def test_it_refuses_an_outsider_with_404_and_a_member_without_the_right_with_403(tree, personas):
    with pytest.raises(Http404):
        appoint(personas.outsider, personas.activist, tree.branch_a1)
    with pytest.raises(PermissionDenied):
        appoint(personas.propaganda, personas.activist, tree.branch_a1)
    assert not Position.objects.filter(person=personas.activist).exists()


def test_it_refuses_a_person_the_actor_cannot_reach(tree, personas):
    stranger = make_person(tree.branch_b1)
    with pytest.raises(Http404):
        appoint(personas.secretary, stranger, tree.branch_a1)
    # Someone outside the party group is not a member of it either.
    with pytest.raises(Http404):
        appoint(personas.secretary, personas.activist, tree.group_a1, code="group_leader")


def test_a_person_not_yet_placed_anywhere_can_be_appointed(tree, personas):
    newcomer = make_person(None, name="新来的老师")
    position = appoint(personas.university_admin, newcomer, tree.college_a, code="college_organiser")
    assert position.person == newcomer


def test_it_accepts_someone_already_holding_a_position_in_scope(tree, personas):
    staff = make_person(None, name="无支部的组织员")
    appoint(personas.university_admin, staff, tree.college_a, code="college_organiser")
    position = appoint(personas.college_officer, staff, tree.branch_a2, code="deputy_secretary")
    assert position.unit == tree.branch_a2


def test_it_refuses_a_type_not_held_in_this_kind_of_unit(tree, personas):
    with pytest.raises(DomainError) as refused:
        appoint(personas.secretary, personas.activist, tree.branch_a1, code="group_leader")
    assert refused.value.code == "position_type_not_for_unit"
    assert "Party group leader" in str(refused.value.message) or "党小组组长" in str(refused.value.message)


def test_a_type_without_unit_kinds_fits_any_unit(tree, personas):
    PositionType.objects.create(code="contact", name="联络员", capabilities=[], unit_kinds=[])
    # The student belongs to party group A1-1 (through their membership of branch A1).
    position = appoint(personas.secretary, personas.student, tree.group_a1, code="contact")
    assert position.unit == tree.group_a1


def test_it_refuses_a_second_holder_while_the_first_term_runs(tree, personas):
    # The fixture's secretary of A1 holds the single secretary seat from 2020 with no end.
    with pytest.raises(DomainError) as refused:
        appoint(personas.college_officer, personas.activist, tree.branch_a1, code="secretary")
    assert refused.value.code == "too_many_holders"


def test_a_new_holder_may_follow_when_the_previous_term_ends(tree, personas):
    current = personas.secretary.positions.get()
    services.position_end(
        actor=personas.college_officer, position=current, end_date=START - timedelta(days=1)
    )
    position = appoint(personas.college_officer, personas.activist, tree.branch_a1, code="secretary")
    assert position.start_date == START


def test_the_holder_limit_counts_days_not_terms(tree, personas):
    # Two short past terms overlap a long new one, but never on the same day: with a limit of 2
    # the new term makes at most 2 holders on any day.
    kind = PositionType.objects.create(code="pair", name="双人岗", max_holders=2, unit_kinds=["branch"])
    first, second, third = (make_person(tree.branch_a1) for _ in range(3))
    appoint(
        personas.secretary,
        first,
        tree.branch_a1,
        code="pair",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 6, 30),
    )
    appoint(
        personas.secretary,
        second,
        tree.branch_a1,
        code="pair",
        start_date=date(2024, 7, 1),
        end_date=date(2024, 12, 31),
    )
    appoint(personas.secretary, third, tree.branch_a1, code="pair", start_date=date(2024, 1, 1))
    # A fourth would make three holders on 2024-03-01.
    with pytest.raises(DomainError):
        appoint(
            personas.secretary, personas.activist, tree.branch_a1, code="pair", start_date=date(2024, 3, 1)
        )
    assert Position.objects.filter(position_type=kind).count() == 3


def test_it_refuses_the_same_person_twice_in_overlapping_terms(tree, personas):
    appoint(personas.secretary, personas.activist, tree.branch_a1, end_date=date(2025, 12, 31))
    with pytest.raises(DomainError) as refused:
        appoint(personas.secretary, personas.activist, tree.branch_a1, start_date=date(2025, 12, 31))
    assert refused.value.code == "already_holds_position"
    later = appoint(personas.secretary, personas.activist, tree.branch_a1, start_date=date(2026, 1, 1))
    assert later.start_date == date(2026, 1, 1)


def test_it_refuses_an_end_before_the_start(tree, personas):
    with pytest.raises(FieldErrors) as refused:
        appoint(personas.secretary, personas.activist, tree.branch_a1, end_date=START - timedelta(days=1))
    assert list(refused.value.fields) == ["end_date"]
    assert not Notification.objects.exists()


def test_a_refused_appointment_writes_nothing(tree, personas):
    with pytest.raises(DomainError):
        appoint(personas.college_officer, personas.activist, tree.branch_a1, code="secretary")
    assert not AuditEvent.objects.filter(action="orgs.position.appoint").exists()
    assert not Notification.objects.exists()


def test_ending_a_term_keeps_it_as_history_and_audits(tree, personas):
    position = appoint(personas.secretary, personas.activist, tree.branch_a1)
    today = timezone.localdate()
    ended = services.position_end(actor=personas.secretary, position=position, end_date=today, reason="毕业")
    position.refresh_from_db()
    assert ended.end_date == position.end_date == today
    assert position.ended_by == personas.secretary
    event = AuditEvent.objects.get(action="orgs.position.end")
    assert event.data == {"end_date": today.isoformat(), "reason": "毕业"}


def test_it_refuses_ending_an_ended_term(tree, personas):
    position = appoint(personas.secretary, personas.activist, tree.branch_a1, end_date=date(2025, 12, 31))
    with pytest.raises(DomainError) as refused:
        services.position_end(actor=personas.secretary, position=position, end_date=date(2026, 1, 1))
    assert refused.value.code == "term_already_ended"


def test_it_refuses_ending_before_the_start(tree, personas):
    position = appoint(personas.secretary, personas.activist, tree.branch_a1)
    with pytest.raises(FieldErrors) as refused:
        services.position_end(actor=personas.secretary, position=position, end_date=START - timedelta(days=1))
    assert list(refused.value.fields) == ["end_date"]
    position.refresh_from_db()
    assert position.end_date is None


def test_ending_needs_the_right_over_the_unit(tree, personas):
    position = personas.secretary.positions.get()
    with pytest.raises(Http404):
        services.position_end(actor=personas.outsider, position=position, end_date=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.position_end(actor=personas.propaganda, position=position, end_date=timezone.localdate())


def test_an_ended_secretary_loses_the_powers_from_the_next_day(tree, personas):
    position = personas.secretary.positions.get()
    yesterday = timezone.localdate() - timedelta(days=1)
    services.position_end(actor=personas.college_officer, position=position, end_date=yesterday)
    assert not can(personas.secretary, "orgs.view_unit", tree.branch_a1)
