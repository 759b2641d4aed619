"""Schemas of the dues API. Amounts are whole fen (分) with the same amount written as yuan
beside them; months are ``YYYY-MM``; labels are in the caller's language, codes never change."""

from __future__ import annotations

import datetime
import re

from ninja import Field, Schema
from pydantic import field_validator

from dues.config import yuan
from dues.models import DuesBase, DuesCategory, DuesPayment
from dues.months import month_label
from dues.queries import LedgerLine, MemberStatus, Standing
from dues.services import MAX_BATCH, MAX_MONTHS_AHEAD

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month(value: datetime.date | None) -> str | None:
    return month_label(value) if value else None


class PaymentOut(Schema):
    id: int
    person_id: int
    month: str = Field(description="YYYY-MM")
    amount_fen: int = Field(description="Negative for a correction.")
    amount_yuan: str
    kind: str = Field(description="`payment` or `reversal`.")
    reverses: int | None = Field(description="The payment a correction reverses.")
    reversed: bool = Field(description="A later correction reversed this payment.")
    reason: str
    paid_on: datetime.date
    recorded_at: datetime.datetime


def payment_json(payment: DuesPayment, reversed_: bool = False) -> dict[str, object]:
    return {
        "id": payment.pk,
        "person_id": payment.person_id,
        "month": month_label(payment.month),
        "amount_fen": payment.amount_fen,
        "amount_yuan": yuan(payment.amount_fen),
        "kind": payment.kind,
        "reverses": payment.reverses_id,
        "reversed": reversed_,
        "reason": payment.reason,
        "paid_on": payment.paid_on,
        "recorded_at": payment.recorded_at,
    }


class StandingOut(Schema):
    category: str | None = Field(description="`undergraduate`, `graduate_stipend`, `other`; null: not set.")
    category_label: str | None
    monthly_fen: int | None
    monthly_yuan: str | None
    paid_up_to: str | None = Field(description="The last month paid without a gap (YYYY-MM).")
    first_unpaid: str | None
    months_in_arrears: int = Field(description="Unpaid months before the current month.")
    arrears: list[str]
    owed_fen: int
    owed_yuan: str
    paid_up_this_month: bool


def standing_json(standing: Standing) -> dict[str, object]:
    base = standing.current_base
    return {
        "category": base.category if base else None,
        "category_label": str(base.get_category_display()) if base else None,
        "monthly_fen": standing.monthly_fen,
        "monthly_yuan": yuan(standing.monthly_fen) if standing.monthly_fen is not None else None,
        "paid_up_to": _month(standing.paid_up_to),
        "first_unpaid": _month(standing.first_unpaid),
        "months_in_arrears": standing.months_in_arrears,
        "arrears": [month_label(month) for month in standing.arrears],
        "owed_fen": standing.owed_fen,
        "owed_yuan": yuan(standing.owed_fen),
        "paid_up_this_month": standing.is_paid_up(standing.current),
    }


class MyDuesOut(StandingOut):
    ledger: list[PaymentOut] = Field(description="Every ledger row, latest month first.")


def my_dues_json(standing: Standing, ledger: list[LedgerLine]) -> dict[str, object]:
    return {
        **standing_json(standing),
        "ledger": [payment_json(line.payment, line.reversed) for line in ledger],
    }


class MemberDuesOut(StandingOut):
    person_id: int
    number: str
    name: str
    branch_id: int
    branch: str


def member_json(row: MemberStatus) -> dict[str, object]:
    return {
        **standing_json(row.standing),
        "person_id": row.person.pk,
        "number": row.person.number,
        "name": row.person.name,
        "branch_id": row.membership.unit_id,
        "branch": row.membership.unit.display_name,
    }


class EntryIn(Schema):
    person_id: int
    months: int = Field(1, ge=1, le=MAX_MONTHS_AHEAD, description="Months to pay from the first unpaid one.")


class PaymentsIn(Schema):
    idempotency_key: str = Field(
        min_length=8,
        max_length=64,
        description="Chosen by the client (a UUID) and sent again unchanged on a retry: it records once.",
    )
    paid_on: datetime.date | None = Field(None, description="Defaults to today.")
    entries: list[EntryIn] = Field(min_length=1, max_length=MAX_BATCH)


class RecordedOut(Schema):
    replayed: bool = Field(description="True when this key was recorded before: nothing new was written.")
    payments: list[PaymentOut]


class ReversalIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


class BaseIn(Schema):
    person_id: int
    category: DuesCategory
    effective_month: str = Field(description="YYYY-MM, the first month this amount applies to.")
    stipend_fen: int | None = Field(None, ge=1, description="For `graduate_stipend`: the monthly stipend.")
    amount_fen: int | None = Field(None, ge=1, description="For `other`: the monthly dues.")
    note: str = Field("", max_length=200)

    @field_validator("effective_month")
    @classmethod
    def _is_month(cls, value: str) -> str:
        if not _MONTH.match(value):
            raise ValueError("Enter a month such as 2026-09.")
        return value

    def month(self) -> datetime.date:
        year, month = self.effective_month.split("-")
        return datetime.date(int(year), int(month), 1)


class BaseOut(Schema):
    person_id: int
    category: str
    effective_month: str
    stipend_fen: int | None
    monthly_fen: int
    monthly_yuan: str


def base_json(base: DuesBase) -> dict[str, object]:
    return {
        "person_id": base.person_id,
        "category": base.category,
        "effective_month": month_label(base.effective_month),
        "stipend_fen": base.stipend_fen,
        "monthly_fen": base.monthly_fen,
        "monthly_yuan": yuan(base.monthly_fen),
    }
