"""seed_scale_cases: open development cases in every stage for the scale data, at size XS."""

from __future__ import annotations

from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from development import steps
from development.management.scale_cases import AS_OF, STATUS_STEP
from development.models import CaseStatus, DevelopmentCase, StepRecord
from development.rules import probation_end
from orgs.models import Membership, StatusChange

pytestmark = pytest.mark.django_db
SETS_STATUS = {
    number: definition.sets_status
    for number, definition in steps.STEPS_BY_NUMBER.items()
    if definition.sets_status
}


def seed_cases(size: str = "XS") -> str:
    out = StringIO()
    call_command("seed_scale_cases", "--size", size, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded() -> str:
    call_command("seed_scale", "--size", "XS", stdout=StringIO())
    return seed_cases()


def test_it_opens_cases_in_every_stage_for_a_share_of_the_people_being_developed(seeded):
    cases = DevelopmentCase.objects.all()
    developing = Membership.objects.filter(party_status__in=list(STATUS_STEP)).count()
    assert 0.1 * developing < cases.count() < 0.5 * developing
    assert all(case.status == CaseStatus.OPEN for case in cases)
    assert {case.stage for case in cases} == {1, 2, 3, 4, 5}
    assert f"Created: {cases.count()} cases" in seeded


def test_every_case_matches_its_records_and_the_persons_status(seeded):
    records: dict[int, dict[int, object]] = defaultdict(dict)
    for case_id, step, day in StepRecord.objects.values_list("case_id", "step", "date"):
        records[case_id][step] = day
    status_of = dict(Membership.objects.values_list("person_id", "party_status"))
    branch_of = dict(Membership.objects.values_list("person_id", "unit_id"))
    for case in DevelopmentCase.objects.all():
        dates = records[case.pk]
        done = sorted(dates)
        assert done == list(range(1, case.current_step)), case.pk
        ordered = [dates[number] for number in done]
        assert ordered == sorted(ordered), case.pk
        assert ordered[-1] <= AS_OF
        assert case.step_since == dates[done[-1]]
        assert case.opened_on == dates[steps.APPLICATION]
        assert case.activist_on == dates.get(steps.ACTIVIST_CONFIRMATION)
        assert case.target_on == dates.get(steps.TARGET_CONFIRMATION)
        assert case.probation_start == dates.get(steps.ADMISSION_MEETING)
        if case.probation_start:
            assert case.probation_end == probation_end(case.probation_start)
        assert case.branch_id == branch_of[case.person_id]
        status = status_of[case.person_id]
        # The last status-setting step done gives the person's status, from the date in the history.
        assert SETS_STATUS[max(number for number in SETS_STATUS if number in dates)] == status
        assert (
            dates[STATUS_STEP[status]]
            == StatusChange.objects.get(person_id=case.person_id, to_status=status).changed_on
        )


def test_running_it_again_creates_nothing(seeded):
    before = (DevelopmentCase.objects.count(), StepRecord.objects.count())
    assert "already loaded" in seed_cases()
    assert (DevelopmentCase.objects.count(), StepRecord.objects.count()) == before


def test_the_same_seed_gives_the_same_cases(seeded):
    first = sorted(DevelopmentCase.objects.values_list("person__number", "current_step", "step_since"))
    StepRecord.objects.all()._raw_delete(StepRecord.objects.db)
    DevelopmentCase.objects.all()._raw_delete(DevelopmentCase.objects.db)
    seed_cases()
    again = sorted(DevelopmentCase.objects.values_list("person__number", "current_step", "step_since"))
    assert again == first


def test_it_refuses_a_size_that_is_not_loaded():
    with pytest.raises(CommandError, match="seed_scale --size S"):
        seed_cases("S")
