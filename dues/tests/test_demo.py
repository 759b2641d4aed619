"""The demo university's party dues (dues/demo.py), loaded by seed_demo."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from dues.config import share_of_stipend
from dues.models import DuesBase, DuesCategory, DuesPayment
from dues.queries import PAYING_STATUSES, standings_of, unit_status
from orgs.models import Membership, OrgUnit

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def mid_november(time_machine):
    time_machine.move_to(datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI), tick=False)


def test_every_paying_member_has_an_amount_by_their_kind_of_student():
    seed()
    paying = Membership.objects.filter(unit__code__startswith="YH-", party_status__in=PAYING_STATUSES)
    bases = {base.person_id: base for base in DuesBase.objects.all()}
    assert paying.count() > 50
    assert set(paying.values_list("person_id", flat=True)) == set(bases)
    for membership in paying.select_related("unit"):
        base = bases[membership.person_id]
        assert date(2025, 12, 1) <= base.effective_month <= date(2026, 11, 1)
        if membership.unit.code.endswith("-G"):
            assert base.category == DuesCategory.GRADUATE_STIPEND
            assert base.monthly_fen == share_of_stipend(base.stipend_fen)
        else:
            assert (base.category, base.monthly_fen) == (DuesCategory.UNDERGRADUATE, 20)
    assert len({b.monthly_fen for b in bases.values() if b.category == DuesCategory.GRADUATE_STIPEND}) >= 3


def test_most_have_paid_up_to_recent_months_and_a_few_are_three_months_behind():
    seed()
    people = list(DuesBase.objects.values_list("person_id", flat=True))
    standings = standings_of(people, date(2026, 11, 10)).values()
    behind = [s for s in standings if s.months_in_arrears >= 3]
    up_to_date = [s for s in standings if s.months_in_arrears == 0]
    assert len(up_to_date) >= 0.75 * len(people)
    assert 1 <= len(behind) <= 0.2 * len(people)
    assert not DuesPayment.objects.filter(paid_on__gt=date(2026, 11, 10)).exists()


def test_the_persona_branchs_arrears_list_is_not_empty(client):
    seed()
    branch = OrgUnit.objects.get(code="YH-CS-U2024")
    secretary = User.objects.get(number="2024020003")
    rows = unit_status(secretary, branch, date(2026, 11, 10))
    assert rows[0].standing.months_in_arrears >= 3
    client.force_login(secretary)
    response = client.get(reverse("dues:unit", args=[branch.pk]))
    assert response.status_code == 200
    assert rows[0].person.name in response.content.decode()


def test_loading_again_creates_nothing():
    seed()
    counts = (DuesBase.objects.count(), DuesPayment.objects.count())
    assert "dues payments" not in seed()
    assert (DuesBase.objects.count(), DuesPayment.objects.count()) == counts
