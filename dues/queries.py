"""Reads of party dues, scoped to the reader: a person's standing and ledger, a unit's members.

A month counts as paid when its payments, less their reversals, add up to more than nothing. The
months a person owes run from the month of their first dues amount (``DuesBase``) onwards; a person
with no dues amount owes nothing. The current month is due during the month: arrears are the
unpaid months *before* it, and "paid up to" is the last month of the unbroken run of paid months
from the first month owed (so a payment made ahead counts, a gap does not).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core.permissions import require
from dues import capabilities as caps
from dues.config import DuesRules, dues_rules
from dues.models import DuesBase, DuesConfig, DuesPayment
from dues.months import add_months, month_of, months_from
from orglife import queries_record
from orgs.models import Membership, OrgUnit, PartyStatus

# Who pays dues: probationary and full members (预备党员、正式党员).
PAYING_STATUSES = (PartyStatus.PROBATIONARY, PartyStatus.FULL)


@dataclass(frozen=True)
class Standing:
    """Where one person stands with their dues in ``current`` (a month)."""

    person_id: int
    current: date
    bases: tuple[DuesBase, ...]
    paid: frozenset[date]
    start: date | None = field(init=False)
    first_unpaid: date | None = field(init=False)
    arrears: tuple[date, ...] = field(init=False)

    def __post_init__(self) -> None:
        start = self.bases[0].effective_month if self.bases else None
        object.__setattr__(self, "start", start)
        first_unpaid = None
        arrears: list[date] = []
        if start is not None:
            month = start
            while month in self.paid:
                month = add_months(month, 1)
            first_unpaid = month
            arrears = [m for m in months_from(start, add_months(self.current, -1)) if m not in self.paid]
        object.__setattr__(self, "first_unpaid", first_unpaid)
        object.__setattr__(self, "arrears", tuple(arrears))

    @property
    def has_amount(self) -> bool:
        return bool(self.bases)

    @property
    def paid_up_to(self) -> date | None:
        """The last month of the unbroken run of paid months (None when the first one is unpaid)."""
        if self.first_unpaid is None or self.first_unpaid == self.start:
            return None
        return add_months(self.first_unpaid, -1)

    @property
    def months_in_arrears(self) -> int:
        return len(self.arrears)

    @property
    def owed_fen(self) -> int:
        return sum(self.amount_for(month) for month in self.arrears)

    @property
    def monthly_fen(self) -> int | None:
        base = self.base_for(self.current)
        return base.monthly_fen if base else (self.bases[-1].monthly_fen if self.bases else None)

    @property
    def current_base(self) -> DuesBase | None:
        return self.base_for(self.current) or (self.bases[0] if self.bases else None)

    def base_for(self, month: date) -> DuesBase | None:
        """The dues amount in force in ``month`` (the latest one that started by then)."""
        found = None
        for base in self.bases:  # ordered by effective month
            if base.effective_month <= month:
                found = base
        return found

    def amount_for(self, month: date) -> int:
        base = self.base_for(month)
        return base.monthly_fen if base else 0

    def is_paid_up(self, month: date) -> bool:
        """Every month owed up to and including ``month`` is paid."""
        return self.first_unpaid is None or self.first_unpaid > month_of(month)

    def next_unpaid(self, count: int) -> list[date]:
        """The first ``count`` unpaid months from the first unpaid one (for paying ahead)."""
        months: list[date] = []
        month = self.first_unpaid
        while month is not None and len(months) < count:
            if month not in self.paid:
                months.append(month)
            month = add_months(month, 1)
        return months


# --- Building standings ---------------------------------------------------------------------------


# People are named by a list of ids or by a query of ids (``values("person_id")``): a query keeps a
# whole university's members out of the SQL parameters, which SQLite limits.
People = Iterable[int] | QuerySet[Any]


def _ids(people: People) -> list[int] | QuerySet[Any]:
    return people if isinstance(people, QuerySet) else list(people)


def bases_of(person_ids: People) -> dict[int, list[DuesBase]]:
    """Each person's dues amounts in month order (one query)."""
    found: dict[int, list[DuesBase]] = defaultdict(list)
    for base in DuesBase.objects.filter(person_id__in=_ids(person_ids)).order_by(
        "person_id", "effective_month"
    ):
        found[base.person_id].append(base)
    return found


def paid_months_of(person_ids: People) -> dict[int, set[date]]:
    """Each person's paid months: payments less reversals above zero (one query)."""
    found: dict[int, set[date]] = defaultdict(set)
    rows = (
        DuesPayment.objects.filter(person_id__in=_ids(person_ids))
        .order_by()
        .values("person_id", "month")
        .annotate(net=Sum("amount_fen"))
        .filter(net__gt=0)
        .values_list("person_id", "month")
    )
    for person_id, month in rows:
        found[person_id].add(month)
    return found


def standings_of(
    person_ids: Sequence[int], today: date | None = None, *, among: QuerySet[Any] | None = None
) -> dict[int, Standing]:
    """The standing of each person in the current month (two queries, whatever the number).

    ``among`` is a query of the same people's ids, used in the SQL instead of the list.
    """
    current = month_of(today or timezone.localdate())
    bases = bases_of(among if among is not None else person_ids)
    paid = paid_months_of(among if among is not None else person_ids)
    return {
        person_id: Standing(
            person_id, current, tuple(bases.get(person_id, ())), frozenset(paid.get(person_id, ()))
        )
        for person_id in person_ids
    }


def standing_of(person: Any, today: date | None = None) -> Standing:
    return standings_of([person.pk], today)[person.pk]


# --- For other apps (development's transfer out) ------------------------------------------------


def paid_up_to(person: Any) -> date | None:
    """The last month the person's dues are paid up to without a gap (None: nothing paid yet)."""
    return standing_of(person).paid_up_to


def is_paid_up(person: Any, month: date) -> bool:
    """True when every month the person owes, up to and including ``month``, is paid.

    A person with no dues amount set owes nothing and is paid up.
    """
    return standing_of(person).is_paid_up(month)


def last_organisational_life(person_ids: People) -> dict[int, date]:
    """The day of each person's last attended meeting or activity (absent: none recorded)."""
    return queries_record.last_attended(_ids(person_ids))


# --- Local rules ------------------------------------------------------------------------------------


def rules_by_root() -> dict[str, DuesRules]:
    """Every university's dues rules by its root path (one query)."""
    return {
        path: dues_rules(raw) for path, raw in DuesConfig.objects.values_list("root_unit__path", "parameters")
    }


def rules_for_path(by_root: dict[str, DuesRules], path: str) -> DuesRules:
    return by_root.get(path[: OrgUnit.steplen]) or dues_rules(None)


def rules_for_unit(unit: OrgUnit) -> DuesRules:
    row = DuesConfig.objects.filter(root_unit__path=unit.path[: OrgUnit.steplen]).values_list(
        "parameters", flat=True
    )
    return dues_rules(next(iter(row), None))


# --- Pages and API --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerLine:
    payment: DuesPayment
    reversed: bool


def ledger_of(person: Any) -> list[LedgerLine]:
    """Every ledger row of the person, latest month first, with whether it was reversed (one query)."""
    rows = list(
        DuesPayment.objects.filter(person=person)
        .select_related("recorded_by", "reverses")
        .order_by("-month", "-id")
    )
    reversed_ids = {row.reverses_id for row in rows if row.reverses_id is not None}
    return [LedgerLine(row, row.pk in reversed_ids) for row in rows]


@dataclass(frozen=True)
class MemberStatus:
    membership: Membership
    standing: Standing

    @property
    def person(self) -> User:
        return self.membership.person


def members_paying(unit: OrgUnit) -> QuerySet[Membership]:
    """The memberships of the unit's subtree whose people pay dues (probationary and full members)."""
    return (
        Membership.objects.filter(unit__path__startswith=unit.path, party_status__in=PAYING_STATUSES)
        .select_related("person", "unit")
        .order_by("unit__path", "person__number")
    )


def unit_status(user: Any, unit: OrgUnit, today: date | None = None) -> list[MemberStatus]:
    """The dues of every paying member of the unit's subtree, arrears first (404/403 as usual).

    Three queries whatever the number of members.
    """
    require(user, caps.VIEW_DUES, unit)
    members = members_paying(unit)
    memberships = list(members)
    standings = standings_of(
        [m.person_id for m in memberships], today, among=members.order_by().values("person_id")
    )
    rows = [MemberStatus(m, standings[m.person_id]) for m in memberships]
    rows.sort(
        key=lambda row: (
            -row.standing.months_in_arrears,
            -row.standing.owed_fen,
            row.standing.has_amount,  # no amount set: needs attention, before those who are fine
            row.membership.unit.path,
            row.person.number,
        )
    )
    return rows


def membership_in(user: Any, unit: OrgUnit, person_id: int) -> Membership:
    """A paying or other member of the unit's subtree, for a committee page (404 outside it)."""
    require(user, caps.VIEW_DUES, unit)
    found = (
        Membership.objects.filter(unit__path__startswith=unit.path, person_id=person_id)
        .select_related("person", "unit")
        .first()
    )
    if found is None:
        raise Http404
    return found
