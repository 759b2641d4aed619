"""Setting monthly amounts, recording payments (single, batch, ahead, idempotent), corrections,
the append-only ledger, and what a member's standing says."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.errors import DomainError, FieldErrors
from core.models import AuditEvent
from dues import queries, services
from dues.models import DuesCategory, DuesConfig, DuesPayment, PaymentKind
from dues.tests.helpers import make_member, new_key, pay, set_base
from orgs.models import PartyStatus

pytestmark = pytest.mark.django_db


def months_paid(person) -> list[str]:
    return sorted(m.strftime("%Y-%m") for m in queries.paid_months_of([person.pk]).get(person.pk, set()))


# --- Amounts ----------------------------------------------------------------------------------------


def test_an_undergraduate_pays_twenty_fen_a_month(member):
    assert queries.standing_of(member).monthly_fen == 20


def test_a_graduate_with_a_stipend_pays_by_the_band(tree, personas, clock):
    person = make_member(tree.branch_a1)
    base = set_base(
        personas.secretary, person, date(2026, 9, 1), DuesCategory.GRADUATE_STIPEND, stipend_fen=400_000
    )
    assert (base.monthly_fen, base.stipend_fen) == (4_000, 400_000)


def test_the_university_s_own_undergraduate_amount_applies(tree, personas, clock):
    DuesConfig.objects.create(root_unit=tree.university, parameters={"undergraduate_fen": 50})
    person = make_member(tree.branch_a1)
    assert set_base(personas.secretary, person, date(2026, 9, 1)).monthly_fen == 50


def test_other_members_pay_the_amount_entered(tree, personas, clock):
    person = make_member(tree.branch_a1)
    base = set_base(personas.secretary, person, date(2026, 9, 1), DuesCategory.OTHER, amount_fen=1_000)
    assert base.monthly_fen == 1_000


@pytest.mark.parametrize(
    ("category", "field"),
    [(DuesCategory.GRADUATE_STIPEND, "stipend"), (DuesCategory.OTHER, "amount"), ("x", "category")],
)
def test_a_missing_amount_is_refused_naming_the_field(tree, personas, clock, category, field):
    person = make_member(tree.branch_a1)
    with pytest.raises(FieldErrors) as error:
        set_base(personas.secretary, person, date(2026, 9, 1), category)
    assert set(error.value.fields) == {field}


def test_an_amount_changes_from_its_month_and_the_past_keeps_its_own(member, personas):
    set_base(personas.secretary, member, date(2026, 7, 1), DuesCategory.OTHER, amount_fen=100)
    standing = queries.standing_of(member)
    assert standing.amount_for(date(2026, 6, 1)) == 20
    assert standing.amount_for(date(2026, 7, 1)) == 100
    assert standing.monthly_fen == 100


def test_setting_the_same_month_again_replaces_it_and_is_audited(member, personas):
    set_base(personas.secretary, member, date(2026, 1, 1), DuesCategory.OTHER, amount_fen=300)
    assert [b.monthly_fen for b in queries.bases_of([member.pk])[member.pk]] == [300]
    assert AuditEvent.objects.filter(action="dues.base.set").count() == 2


@pytest.mark.parametrize(
    ("persona", "error"), [("propaganda", PermissionDenied), ("outsider", Http404), ("student", Http404)]
)
def test_only_those_with_the_right_set_amounts(tree, personas, clock, persona, error):
    person = make_member(tree.branch_a1)
    with pytest.raises(error):
        set_base(getattr(personas, persona), person, date(2026, 9, 1))


# --- Payments -------------------------------------------------------------------------------------


def test_a_payment_covers_the_first_unpaid_months(member, personas, tree):
    recorded = pay(personas.secretary, tree.branch_a1, member, months=3)
    assert [p.month for p in recorded.payments] == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert {p.amount_fen for p in recorded.payments} == {20}
    assert queries.paid_up_to(member) == date(2026, 3, 1)


def test_paying_ahead_goes_past_the_current_month(member, personas, tree):
    pay(personas.secretary, tree.branch_a1, member, months=13)
    assert queries.paid_up_to(member) == date(2027, 1, 1)
    assert queries.is_paid_up(member, date(2026, 11, 15))
    assert queries.standing_of(member).months_in_arrears == 0


def test_a_batch_pays_each_person_from_their_own_first_unpaid_month(member, personas, tree, clock):
    other = make_member(tree.branch_a2)
    set_base(personas.college_officer, other, date(2026, 10, 1), DuesCategory.OTHER, amount_fen=500)
    pay(personas.secretary, tree.branch_a1, member, months=2)
    recorded = services.payments_record(
        actor=personas.college_officer,
        unit=tree.college_a,
        entries=[services.PaymentEntry(member.pk, 2), services.PaymentEntry(other.pk, 2)],
        idempotency_key=new_key(),
    )
    assert sorted((p.person_id, p.month, p.amount_fen, p.unit_id) for p in recorded.payments) == sorted(
        [
            (member.pk, date(2026, 3, 1), 20, tree.branch_a1.pk),
            (member.pk, date(2026, 4, 1), 20, tree.branch_a1.pk),
            (other.pk, date(2026, 10, 1), 500, tree.branch_a2.pk),
            (other.pk, date(2026, 11, 1), 500, tree.branch_a2.pk),
        ]
    )


def test_the_same_key_records_once_and_answers_with_the_first_recording(member, personas, tree):
    first = pay(personas.secretary, tree.branch_a1, member, months=2, key="retry-key-0001")
    again = pay(personas.secretary, tree.branch_a1, member, months=2, key="retry-key-0001")
    assert not first.replayed and again.replayed
    assert [p.pk for p in again.payments] == [p.pk for p in first.payments]
    assert DuesPayment.objects.filter(person=member).count() == 2


def test_a_key_used_for_a_different_request_is_refused(member, personas, tree):
    pay(personas.secretary, tree.branch_a1, member, months=2, key="retry-key-0002")
    with pytest.raises(DomainError) as error:
        pay(personas.secretary, tree.branch_a1, member, months=3, key="retry-key-0002")
    assert error.value.code == "idempotency_key_reused"
    assert DuesPayment.objects.filter(person=member).count() == 2


def test_a_batch_with_one_bad_row_records_nothing_and_names_the_row(member, personas, tree):
    without_amount = make_member(tree.branch_a1, name="孙无额")
    with pytest.raises(FieldErrors) as error:
        services.payments_record(
            actor=personas.secretary,
            unit=tree.branch_a1,
            entries=[services.PaymentEntry(member.pk, 1), services.PaymentEntry(without_amount.pk, 1)],
            idempotency_key=new_key(),
        )
    assert list(error.value.fields) == ["entries.1.person_id"]
    assert "孙无额" in error.value.fields["entries.1.person_id"][0]
    assert not DuesPayment.objects.exists()


def test_a_person_outside_the_unit_cannot_be_paid_for_there(member, personas, tree):
    elsewhere = make_member(tree.branch_a2)
    set_base(personas.college_officer, elsewhere, date(2026, 1, 1))
    with pytest.raises(FieldErrors) as error:
        services.payments_record(
            actor=personas.secretary,
            unit=tree.branch_a1,
            entries=[services.PaymentEntry(elsewhere.pk, 1)],
            idempotency_key=new_key(),
        )
    assert list(error.value.fields) == ["entries.0.person_id"]


@pytest.mark.parametrize(
    ("entries", "key", "field"),
    [
        ([], "good-key-0001", "entries"),
        ([(0, 0)], "good-key-0001", "entries.0.months"),
        ([(0, 25)], "good-key-0001", "entries.0.months"),
        ([(0, 1), (0, 1)], "good-key-0001", "entries.1.person_id"),
        ([(0, 1)], "short", "idempotency_key"),
        ([(0, 1)], "bad key with spaces", "idempotency_key"),
    ],
)
def test_bad_input_is_refused_naming_the_field(member, personas, tree, entries, key, field):
    with pytest.raises(FieldErrors) as error:
        services.payments_record(
            actor=personas.secretary,
            unit=tree.branch_a1,
            entries=[services.PaymentEntry(member.pk, months) for _index, months in entries],
            idempotency_key=key,
        )
    assert field in error.value.fields


def test_a_payment_date_in_the_future_is_refused(member, personas, tree):
    with pytest.raises(FieldErrors) as error:
        services.payments_record(
            actor=personas.secretary,
            unit=tree.branch_a1,
            entries=[services.PaymentEntry(member.pk, 1)],
            idempotency_key=new_key(),
            paid_on=date(2026, 12, 1),
        )
    assert set(error.value.fields) == {"paid_on"}


@pytest.mark.parametrize(
    ("persona", "error"), [("propaganda", PermissionDenied), ("outsider", Http404), ("activist", Http404)]
)
def test_only_those_with_the_right_record_payments(member, personas, tree, persona, error):
    with pytest.raises(error):
        pay(getattr(personas, persona), tree.branch_a1, member)
    assert not DuesPayment.objects.exists()


def test_a_recording_is_audited(member, personas, tree):
    pay(personas.secretary, tree.branch_a1, member, months=2)
    event = AuditEvent.objects.get(action="dues.payments.record")
    assert event.data == {"people": 1, "months": 2, "amount_fen": 40}


# --- Corrections and the append-only ledger ---------------------------------------------------------


def test_a_correction_adds_an_opposite_row_and_the_month_is_unpaid_again(member, personas, tree):
    payments = pay(personas.secretary, tree.branch_a1, member, months=3).payments
    reversal = services.payment_reverse(actor=personas.secretary, payment=payments[1], reason="记错了人")
    assert (reversal.kind, reversal.amount_fen, reversal.reverses_id) == (
        PaymentKind.REVERSAL,
        -20,
        payments[1].pk,
    )
    assert DuesPayment.objects.filter(person=member).count() == 4
    assert months_paid(member) == ["2026-01", "2026-03"]
    assert queries.paid_up_to(member) == date(2026, 1, 1)
    # The next payment fills the gap first.
    assert [p.month for p in pay(personas.secretary, tree.branch_a1, member).payments] == [date(2026, 2, 1)]


def test_a_payment_is_corrected_only_once_and_a_correction_never(member, personas, tree):
    payment = pay(personas.secretary, tree.branch_a1, member).payments[0]
    reversal = services.payment_reverse(actor=personas.secretary, payment=payment, reason="重复")
    with pytest.raises(DomainError) as twice:
        services.payment_reverse(actor=personas.secretary, payment=payment, reason="重复")
    with pytest.raises(DomainError) as of_reversal:
        services.payment_reverse(actor=personas.secretary, payment=reversal, reason="重复")
    assert (twice.value.code, of_reversal.value.code) == ("already_reversed", "not_a_payment")


def test_a_correction_needs_a_reason(member, personas, tree):
    payment = pay(personas.secretary, tree.branch_a1, member).payments[0]
    with pytest.raises(FieldErrors) as error:
        services.payment_reverse(actor=personas.secretary, payment=payment, reason="  ")
    assert set(error.value.fields) == {"reason"}


def test_ledger_rows_can_be_neither_edited_nor_deleted(member, personas, tree):
    payment = pay(personas.secretary, tree.branch_a1, member).payments[0]
    payment.amount_fen = 1
    with pytest.raises(ValueError, match="append-only"):
        payment.save()
    with pytest.raises(ValueError, match="append-only"):
        payment.delete()
    assert DuesPayment.objects.get(pk=payment.pk).amount_fen == 20


# --- Standing ---------------------------------------------------------------------------------------


def test_arrears_are_the_unpaid_months_before_the_current_one(member, personas, tree):
    pay(personas.secretary, tree.branch_a1, member, months=7)  # January to July
    standing = queries.standing_of(member)
    assert [m.month for m in standing.arrears] == [8, 9, 10]  # November is due this month
    assert (standing.months_in_arrears, standing.owed_fen) == (3, 60)
    assert standing.paid_up_to == date(2026, 7, 1)


def test_nothing_paid_means_paid_up_to_nothing(member):
    standing = queries.standing_of(member)
    assert standing.paid_up_to is None
    assert standing.months_in_arrears == 10


def test_transfer_out_needs_dues_paid_up_to_the_current_month(member, personas, tree):
    pay(personas.secretary, tree.branch_a1, member, months=10)  # to October
    assert queries.is_paid_up(member, date(2026, 10, 31))
    assert not queries.is_paid_up(member, date(2026, 11, 15))
    pay(personas.secretary, tree.branch_a1, member, months=1)
    assert queries.is_paid_up(member, date(2026, 11, 15))


def test_a_person_with_no_amount_set_owes_nothing(tree, clock):
    person = make_member(tree.branch_a1, status=PartyStatus.ACTIVIST)
    assert queries.is_paid_up(person, date(2026, 11, 1))
    assert queries.paid_up_to(person) is None
