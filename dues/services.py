"""Writes of party dues: setting a member's monthly amount, recording payments, reversing one.

Every write checks ``dues.record_payments`` over the person's branch (404 outside the actor's
scope, 403 inside it without the right), runs in one transaction and writes the audit log. The
ledger is append-only: a correction is a reversing row with a reason. Recording payments is
idempotent: the submission's key is unique, so a retried (or doubled) submission records once.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.permissions import require
from dues import capabilities as caps
from dues.config import share_of_stipend
from dues.models import DuesBase, DuesCategory, DuesPayment, DuesSubmission, PaymentKind
from dues.months import month_label, month_of
from dues.queries import Standing, bases_of, paid_months_of, rules_for_unit
from orgs.models import Membership, OrgUnit

MAX_MONTHS_AHEAD = 24
MAX_BATCH = 500
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def _membership(person: User) -> Membership:
    """The person's branch membership; a person in no branch is in no one's scope (404)."""
    membership = Membership.objects.select_related("unit").filter(person=person).first()
    if membership is None:
        raise Http404
    return membership


# --- The monthly amount -------------------------------------------------------------------------


def monthly_amount(*, category: str, unit: OrgUnit, stipend_fen: int | None, amount_fen: int | None) -> int:
    """The monthly dues of a category under the unit's university's rules (FieldErrors if incomplete)."""
    if category == DuesCategory.UNDERGRADUATE:
        return rules_for_unit(unit).undergraduate_fen
    if category == DuesCategory.GRADUATE_STIPEND:
        if stipend_fen is None or stipend_fen <= 0:
            raise FieldErrors.single("stipend", _("Enter the monthly stipend in yuan, e.g. 3000."))
        return share_of_stipend(stipend_fen, rules_for_unit(unit).bands)
    if category == DuesCategory.OTHER:
        if amount_fen is None or amount_fen <= 0:
            raise FieldErrors.single("amount", _("Enter the monthly dues in yuan, e.g. 5.00."))
        return amount_fen
    raise FieldErrors.single("category", _("Choose one of the dues categories."))


def dues_base_set(
    *,
    actor: User,
    person: User,
    category: str,
    effective_month: date,
    stipend_fen: int | None = None,
    amount_fen: int | None = None,
    note: str = "",
) -> DuesBase:
    """Set the person's monthly dues from ``effective_month`` on; setting the same month again replaces it."""
    membership = _membership(person)
    require(actor, caps.RECORD_PAYMENTS, membership.unit)
    month = month_of(effective_month)
    monthly = monthly_amount(
        category=category, unit=membership.unit, stipend_fen=stipend_fen, amount_fen=amount_fen
    )
    stipend = stipend_fen if category == DuesCategory.GRADUATE_STIPEND else None
    with transaction.atomic():
        Membership.objects.select_for_update().filter(pk=membership.pk).first()
        base = DuesBase.objects.select_for_update().filter(person=person, effective_month=month).first()
        previous = None
        if base is None:
            base = DuesBase.objects.create(
                person=person,
                category=category,
                effective_month=month,
                stipend_fen=stipend,
                monthly_fen=monthly,
                note=note.strip()[:200],
                recorded_by=actor,
            )
        else:
            previous = {"category": base.category, "monthly_fen": base.monthly_fen}
            base.category, base.stipend_fen, base.monthly_fen = category, stipend, monthly
            base.note, base.recorded_by = note.strip()[:200], actor
            base.save(
                update_fields=["category", "stipend_fen", "monthly_fen", "note", "recorded_by", "recorded_at"]
            )
        audit_record(
            actor=actor,
            action="dues.base.set",
            target=base,
            unit_id=membership.unit_id,
            data={
                "person": person.pk,
                "month": month_label(month),
                "category": category,
                "monthly_fen": monthly,
                "previous": previous,
            },
        )
    return base


def dues_bases_set_many(
    *,
    actor: User,
    unit: OrgUnit,
    person_ids: Sequence[int],
    category: str,
    effective_month: date,
    amount_fen: int | None = None,
) -> list[DuesBase]:
    """Set the same monthly dues for several members of ``unit``'s subtree at once, all or nothing.

    Only for amounts that do not depend on the person: undergraduates, or "other" with one amount.
    """
    require(actor, caps.RECORD_PAYMENTS, unit)
    if not person_ids:
        raise FieldErrors.single("people", _("Choose at least one person."))
    if category not in (DuesCategory.UNDERGRADUATE, DuesCategory.OTHER):
        raise FieldErrors.single(
            "category", _("A stipend differs from person to person: set graduate students one by one.")
        )
    members = {
        m.person_id: m
        for m in Membership.objects.filter(
            person_id__in=person_ids, unit__path__startswith=unit.path
        ).select_related("person", "unit")
    }
    outside = [index for index, pk in enumerate(person_ids) if pk not in members]
    if outside:
        raise FieldErrors(
            {f"people.{index}": [str(_("This person is not a member of this unit."))] for index in outside},
            _("Nothing was saved: some people are not members of this unit."),
        )
    with transaction.atomic():
        return [
            dues_base_set(
                actor=actor,
                person=members[pk].person,
                category=category,
                effective_month=effective_month,
                amount_fen=amount_fen,
            )
            for pk in dict.fromkeys(person_ids)
        ]


# --- Payments -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentEntry:
    """Pay ``months`` months for ``person_id``, from their first unpaid month on."""

    person_id: int
    months: int


@dataclass(frozen=True)
class Recorded:
    submission: DuesSubmission
    payments: list[DuesPayment]
    replayed: bool  # True: this key was recorded before; nothing new was written


def _fingerprint(unit: OrgUnit, entries: Sequence[PaymentEntry], paid_on: date) -> str:
    asked = {
        "unit": unit.pk,
        "paid_on": paid_on.isoformat(),
        "entries": sorted([entry.person_id, entry.months] for entry in entries),
    }
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()


def _check_entries(entries: Sequence[PaymentEntry]) -> None:
    if not entries:
        raise FieldErrors.single("entries", _("Choose at least one person."))
    if len(entries) > MAX_BATCH:
        raise FieldErrors.single(
            "entries", _("Record at most %(count)d people at once.") % {"count": MAX_BATCH}
        )
    seen: set[int] = set()
    problems: dict[str, list[str]] = {}
    for index, entry in enumerate(entries):
        if not 1 <= entry.months <= MAX_MONTHS_AHEAD:
            problems[f"entries.{index}.months"] = [
                str(_("Pay from 1 to %(most)d months at a time.") % {"most": MAX_MONTHS_AHEAD})
            ]
        if entry.person_id in seen:
            problems[f"entries.{index}.person_id"] = [str(_("This person is listed twice."))]
        seen.add(entry.person_id)
    if problems:
        raise FieldErrors(problems, _("Some rows are not valid."))


def _replay(submission: DuesSubmission, fingerprint: str) -> Recorded:
    if submission.fingerprint != fingerprint:
        raise DomainError(
            "idempotency_key_reused",
            _(
                "This submission key was already used for different payments. Reload the form and submit again."
            ),
        )
    return Recorded(submission, list(submission.payments.order_by("person_id", "month")), replayed=True)


def payments_record(
    *,
    actor: User,
    unit: OrgUnit,
    entries: Sequence[PaymentEntry],
    idempotency_key: str,
    paid_on: date | None = None,
) -> Recorded:
    """Record dues for one person or a batch, each for N months from their first unpaid month.

    Every person must be a member of the unit's subtree with a monthly amount set; otherwise nothing
    is recorded and the error names the row. The same key with the same request answers with what
    was recorded the first time; with a different request it is refused.
    """
    require(actor, caps.RECORD_PAYMENTS, unit)
    key = (idempotency_key or "").strip()
    if not _KEY.match(key):
        raise FieldErrors.single(
            "idempotency_key", _("Send a submission key of 8 to 64 letters, digits or - _ . : characters.")
        )
    _check_entries(entries)
    day = paid_on or timezone.localdate()
    if day > timezone.localdate():
        raise FieldErrors.single("paid_on", _("The payment date cannot be in the future."))
    fingerprint = _fingerprint(unit, entries, day)
    existing = DuesSubmission.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _replay(existing, fingerprint)
    try:
        with transaction.atomic():
            submission = DuesSubmission.objects.create(
                idempotency_key=key, fingerprint=fingerprint, unit=unit, recorded_by=actor
            )
            payments = _record_payments(actor, unit, submission, entries, day)
            audit_record(
                actor=actor,
                action="dues.payments.record",
                target=submission,
                unit_id=unit.pk,
                data={
                    "people": len(entries),
                    "months": len(payments),
                    "amount_fen": sum(p.amount_fen for p in payments),
                },
            )
    except IntegrityError:
        # The same key committed by a parallel request while this one waited on the unique index.
        existing = DuesSubmission.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    return Recorded(submission, payments, replayed=False)


def _record_payments(
    actor: User, unit: OrgUnit, submission: DuesSubmission, entries: Sequence[PaymentEntry], day: date
) -> list[DuesPayment]:
    person_ids = [entry.person_id for entry in entries]
    # Locking the memberships serialises two submissions for the same person: the second one
    # sees the first one's months as paid and continues after them.
    memberships = {
        m.person_id: m
        for m in Membership.objects.select_for_update()
        .filter(person_id__in=person_ids, unit__path__startswith=unit.path)
        .select_related("person", "unit")
    }
    bases = bases_of(person_ids)
    paid = paid_months_of(person_ids)
    current = month_of(timezone.localdate())
    problems: dict[str, list[str]] = {}
    payments: list[DuesPayment] = []
    for index, entry in enumerate(entries):
        membership = memberships.get(entry.person_id)
        if membership is None:
            problems[f"entries.{index}.person_id"] = [str(_("This person is not a member of this unit."))]
            continue
        standing = Standing(
            entry.person_id,
            current,
            tuple(bases.get(entry.person_id, ())),
            frozenset(paid.get(entry.person_id, ())),
        )
        if not standing.has_amount:
            problems[f"entries.{index}.person_id"] = [
                str(
                    _("%(name)s has no monthly dues amount yet: set it first.")
                    % {"name": membership.person.name}
                )
            ]
            continue
        payments += [
            DuesPayment(
                person_id=entry.person_id,
                unit_id=membership.unit_id,
                month=month,
                amount_fen=standing.amount_for(month),
                kind=PaymentKind.PAYMENT,
                paid_on=day,
                submission=submission,
                recorded_by=actor,
            )
            for month in standing.next_unpaid(entry.months)
        ]
    if problems:
        raise FieldErrors(problems, _("Nothing was recorded: some rows are not valid."))
    return DuesPayment.objects.bulk_create(payments)


def payment_reverse(*, actor: User, payment: DuesPayment, reason: str) -> DuesPayment:
    """Correct a mistaken payment by an opposite row that names it; the payment itself stays."""
    require(actor, caps.RECORD_PAYMENTS, payment.unit)
    why = (reason or "").strip()
    if not why:
        raise FieldErrors.single("reason", _("Say why this payment is corrected."))
    if payment.kind != PaymentKind.PAYMENT:
        raise DomainError(
            "not_a_payment", _("A correction cannot itself be corrected; record a new payment.")
        )
    try:
        with transaction.atomic():
            locked = DuesPayment.objects.select_for_update().get(pk=payment.pk)
            if DuesPayment.objects.filter(reverses=locked).exists():
                raise DomainError("already_reversed", _("This payment was already corrected."))
            reversal = DuesPayment(
                person_id=locked.person_id,
                unit_id=locked.unit_id,
                month=locked.month,
                amount_fen=-locked.amount_fen,
                kind=PaymentKind.REVERSAL,
                reverses=locked,
                reason=why[:300],
                paid_on=timezone.localdate(),
                recorded_by=actor,
            )
            reversal.save()
            audit_record(
                actor=actor,
                action="dues.payment.reverse",
                target=locked,
                unit_id=locked.unit_id,
                data={"person": locked.person_id, "month": month_label(locked.month), "reason": why[:300]},
            )
    except IntegrityError as error:
        raise DomainError("already_reversed", _("This payment was already corrected.")) from error
    return reversal
