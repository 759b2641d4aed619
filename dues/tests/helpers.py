"""Small builders for the dues tests."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from accounts.models import User
from dues import services
from dues.models import DuesBase, DuesCategory
from orgs.models import OrgUnit, PartyStatus
from orgs.tests.factories import make_person

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    """A moment on ``day`` in Shanghai, for time-machine."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def make_member(branch: OrgUnit, *, name: str = "", status: str = PartyStatus.FULL, **fields: object) -> User:
    return make_person(branch, name=name, status=status, **fields)


def set_base(
    actor: User,
    person: User,
    month: date,
    category: str = DuesCategory.UNDERGRADUATE,
    *,
    stipend_fen: int | None = None,
    amount_fen: int | None = None,
) -> DuesBase:
    return services.dues_base_set(
        actor=actor,
        person=person,
        category=category,
        effective_month=month,
        stipend_fen=stipend_fen,
        amount_fen=amount_fen,
    )


_keys = iter(range(1, 10**9))


def new_key() -> str:
    return f"test-key-{next(_keys):08d}"


def pay(
    actor: User, unit: OrgUnit, person: User, months: int = 1, key: str | None = None
) -> services.Recorded:
    return services.payments_record(
        actor=actor,
        unit=unit,
        entries=[services.PaymentEntry(person.pk, months)],
        idempotency_key=key or new_key(),
    )
