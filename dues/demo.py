"""Party dues of the demo university, so that `make run` shows amounts, payments and arrears.

Every probationary and full member of 云湖示范大学 gets a dues amount from a year ago (or from the
month they joined the party, if later): undergraduates the university's flat amount (0.20 yuan by
default), graduate students a share of a stipend drawn from the usual range, so every band shows.
Most have paid up to last month or this one; a few are a month or two behind, and a few stopped
paying three to five months ago — at least one in every branch of the persona college — so the
arrears lists and the warnings have something to show. Relative to the load day; inserted in bulk.
Registered with ``core.demo`` and run by ``seed_demo``; idempotent.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.demo import DemoLoader, register_demo_loader
from dues.config import share_of_stipend
from dues.models import DuesBase, DuesCategory, DuesPayment
from dues.months import add_months, month_of, months_from
from dues.queries import PAYING_STATUSES, rules_for_unit
from orgs.management.demo_plan import UNIVERSITY_CODE
from orgs.models import Membership, OrgUnit, PartyStatus, Position

SEED = "yunhu-demo-dues"
HISTORY_MONTHS = 12
# Monthly stipends of graduate students, in fen: 2,000 to 5,500 yuan, across the first three bands.
STIPENDS_FEN = (200_000, 250_000, 280_000, 300_000, 350_000, 420_000, 500_000, 550_000)
COLLEGE_BEHIND = f"{UNIVERSITY_CODE}-CS"  # the persona college: each of its branches has arrears
COMMITTEE = ("organisation_member", "secretary")


def _recorders(root: OrgUnit) -> dict[int, int]:
    """Who records dues in each branch: its organisation member, else its secretary."""
    rows = Position.objects.filter(
        unit__path__startswith=root.path, end_date__isnull=True, position_type__code__in=COMMITTEE
    ).values_list("unit_id", "position_type__code", "person_id")
    found: dict[int, dict[str, int]] = {}
    for unit_id, code, person_id in rows:
        found.setdefault(unit_id, {})[code] = person_id
    return {
        unit_id: next(codes[code] for code in COMMITTEE if code in codes) for unit_id, codes in found.items()
    }


def _paid_until(rng: random.Random, current: date, forced_behind: bool) -> date:
    """The last month a member paid: this month or last for most, months ago for a few."""
    if forced_behind:
        return add_months(current, -rng.randint(4, 6))  # three to five months unpaid before this one
    draw = rng.random()
    if draw < 0.06:
        return add_months(current, -rng.randint(4, 6))
    if draw < 0.14:
        return add_months(current, -rng.randint(2, 3))
    return current if draw < 0.55 else add_months(current, -1)


def _paid_on(month: date, today: date, rng: random.Random) -> date:
    """A day in the month paid for (branches collect at their monthly meetings), never after today."""
    return min(month + timedelta(days=rng.randint(4, 20)), today)


def load_demo_dues() -> dict[str, int]:
    """Give every paying member of the demo university a dues amount and payments; nothing when any exists."""
    root = OrgUnit.objects.filter(code=UNIVERSITY_CODE, depth=1).first()
    if root is None:
        return {}
    members = list(
        Membership.objects.filter(unit__path__startswith=root.path, party_status__in=PAYING_STATUSES)
        .select_related("unit")
        .order_by("unit__path", "person__number")
    )
    if not members or DuesBase.objects.filter(person_id__in=[m.person_id for m in members]).exists():
        return {}
    rng = random.Random(SEED)  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    current = month_of(today)
    rules = rules_for_unit(root)
    recorder_of = _recorders(root)
    # In the persona college, the last full member of each branch has fallen behind.
    behind = {}
    for membership in members:
        if (
            membership.unit.code.startswith(COLLEGE_BEHIND + "-")
            and membership.party_status == PartyStatus.FULL
            and recorder_of.get(membership.unit_id) != membership.person_id
        ):
            behind[membership.unit_id] = membership.person_id
    bases: list[DuesBase] = []
    payments: list[DuesPayment] = []
    for membership in members:
        recorder = recorder_of.get(membership.unit_id)
        if recorder is None:
            continue
        start = add_months(current, -(HISTORY_MONTHS - 1))
        if membership.party_status == PartyStatus.PROBATIONARY and membership.status_since:
            start = max(start, month_of(membership.status_since))
        if membership.unit.code.endswith("-G"):  # the graduate branches
            stipend = rng.choice(STIPENDS_FEN)
            base = DuesBase(
                person_id=membership.person_id,
                category=DuesCategory.GRADUATE_STIPEND,
                effective_month=start,
                stipend_fen=stipend,
                monthly_fen=share_of_stipend(stipend, rules.bands),
                recorded_by_id=recorder,
                note="演示数据",
            )
        else:
            base = DuesBase(
                person_id=membership.person_id,
                category=DuesCategory.UNDERGRADUATE,
                effective_month=start,
                monthly_fen=rules.undergraduate_fen,
                recorded_by_id=recorder,
                note="演示数据",
            )
        bases.append(base)
        last = _paid_until(rng, current, behind.get(membership.unit_id) == membership.person_id)
        if last < start:
            continue
        payments += [
            DuesPayment(
                person_id=membership.person_id,
                unit_id=membership.unit_id,
                month=month,
                amount_fen=base.monthly_fen,
                paid_on=_paid_on(month, today, rng),
                recorded_by_id=recorder,
            )
            for month in months_from(start, last)
        ]
    with transaction.atomic():
        DuesBase.objects.bulk_create(bases, batch_size=500)
        DuesPayment.objects.bulk_create(payments, batch_size=1000)
        counts = {"dues amounts": len(bases), "dues payments": len(payments)}
        audit_record(actor=None, action="dues.demo.seed", data=counts)
    return counts


def register() -> None:
    register_demo_loader(DemoLoader(name="dues.payments", load=load_demo_dues, order=30))
