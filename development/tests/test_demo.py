"""The demo university's development cases (development/demo.py), loaded by seed_demo."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from development import steps
from development.models import DevelopmentCase, StepRecord
from orgs.management.demo_plan import PERSONAS
from orgs.models import Membership, PartyStatus

pytestmark = pytest.mark.django_db

STEP_OF_STATUS = {
    PartyStatus.APPLICANT: (1, 3),
    PartyStatus.ACTIVIST: (4, 7),
    PartyStatus.TARGET: (8, 17),
    PartyStatus.PROBATIONARY: (18, 24),
}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_people_being_developed_have_cases_that_agree_with_their_status_and_the_rules():
    seed()
    developing = Membership.objects.filter(party_status__in=list(STEP_OF_STATUS))
    cases = {case.person_id: case for case in DevelopmentCase.objects.select_related("person")}
    assert len(cases) >= 0.9 * developing.count()
    for membership in developing:
        case = cases.get(membership.person_id)
        if case is None:
            continue
        low, high = STEP_OF_STATUS[membership.party_status]
        assert low <= case.current_step <= high, membership.party_status
        assert case.branch_id == membership.unit_id
        born = case.person.birth_date
        assert case.opened_on >= born.replace(year=born.year + 18)
        if case.activist_on:
            assert case.activist_on - case.opened_on >= timedelta(days=183)
        if case.target_on:
            assert case.target_on - case.activist_on >= timedelta(days=365)
        days = list(StepRecord.objects.filter(case=case).order_by("step").values_list("date", flat=True))
        assert days == sorted(days)


def test_loading_again_creates_nothing():
    seed()
    counts = (DevelopmentCase.objects.count(), StepRecord.objects.count())
    assert "development cases" not in seed()
    assert (DevelopmentCase.objects.count(), StepRecord.objects.count()) == counts


def test_the_activist_persona_sees_their_own_case(client):
    seed()
    activist = next(p for p in PERSONAS if p.password == "demo-activist")
    user = User.objects.get(number=activist.number)
    case = DevelopmentCase.objects.get(person=user)
    assert case.current_step > steps.ACTIVIST_CONFIRMATION
    client.force_login(user)
    response = client.get(reverse("development:my_case"))
    assert response.status_code == 200
    assert str(case.current_step) in response.content.decode()
