"""The democratic evaluation: opening, self-assessments, the secret ballot, and the one-third rule."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils import translation

from core.errors import DomainError, FieldErrors
from core.models import AuditEvent, Notification
from orglife import queries_evaluation, services_evaluation
from orglife.models_evaluation import (
    Ballot,
    BallotCast,
    CampaignStatus,
    EvaluationParticipant,
    Grade,
)
from orglife.tests.factories_compliance import local, make_member
from orgs.models import PartyStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(local(date(2026, 11, 20), 9), tick=False)
    return time_machine


@pytest.fixture
def members(tree, personas):
    """Branch A1's six members: the propaganda member, the secretary and four more (one probationary)."""
    extra = [make_member(tree.branch_a1) for _ in range(3)]
    extra.append(make_member(tree.branch_a1, PartyStatus.PROBATIONARY))
    return [personas.propaganda, personas.secretary, *extra]


@pytest.fixture
def campaign(tree, personas, members):
    return services_evaluation.campaign_open(actor=personas.secretary, branch=tree.branch_a1, year=2026)


def ballot_of(voter, members, grade: str = Grade.QUALIFIED, **special) -> dict[int, str]:
    return {m.pk: special.get(str(m.pk), grade) for m in members if m.pk != voter.pk}


# --- Opening ----------------------------------------------------------------------------------------


def test_opening_takes_in_every_full_and_probationary_member_and_tells_them(campaign, members, personas):
    evaluated = set(
        EvaluationParticipant.objects.filter(campaign=campaign).values_list("person_id", flat=True)
    )
    assert evaluated == {m.pk for m in members}
    assert personas.student.pk not in evaluated and personas.activist.pk not in evaluated
    assert Notification.objects.filter(kind="orglife.evaluation_opened").count() == len(members)
    assert AuditEvent.objects.filter(action="orglife.evaluation.open").count() == 1


def test_a_branch_opens_one_evaluation_a_year(campaign, tree, personas):
    with pytest.raises(DomainError) as refused:
        services_evaluation.campaign_open(actor=personas.secretary, branch=tree.branch_a1, year=2026)
    assert refused.value.code == "evaluation_exists"


def test_opening_needs_the_right_over_the_branch(tree, personas, members):
    with pytest.raises(PermissionDenied):
        services_evaluation.campaign_open(actor=personas.propaganda, branch=tree.branch_a1, year=2026)
    with pytest.raises(Http404):
        services_evaluation.campaign_open(actor=personas.outsider, branch=tree.branch_a1, year=2026)


def test_a_branch_with_fewer_than_two_members_cannot_be_evaluated(tree, personas):
    with pytest.raises(DomainError) as refused:
        services_evaluation.campaign_open(actor=personas.college_officer, branch=tree.branch_a2, year=2026)
    assert refused.value.code == "too_few_members"


# --- Self-assessment --------------------------------------------------------------------------------


def test_a_member_writes_their_self_assessment_and_may_rewrite_it(campaign, personas):
    services_evaluation.self_assessment_write(actor=personas.propaganda, campaign=campaign, text="认真学习。")
    saved = services_evaluation.self_assessment_write(
        actor=personas.propaganda, campaign=campaign, text=" 认真学习，按时交党费。 "
    )
    assert saved.self_assessment == "认真学习，按时交党费。"
    assert saved.self_assessed_at is not None


def test_someone_not_evaluated_cannot_write_a_self_assessment(campaign, personas):
    with pytest.raises(Http404):
        services_evaluation.self_assessment_write(actor=personas.student, campaign=campaign, text="我也想写")


def test_an_empty_or_abusive_self_assessment_is_refused(campaign, personas):
    with pytest.raises(FieldErrors) as empty:
        services_evaluation.self_assessment_write(actor=personas.propaganda, campaign=campaign, text="  ")
    assert "text" in empty.value.fields
    with pytest.raises(DomainError) as blocked:
        services_evaluation.self_assessment_write(
            actor=personas.propaganda, campaign=campaign, text="你是傻逼"
        )
    assert blocked.value.code == "moderation.blocked"


def test_personal_data_in_a_self_assessment_is_masked(campaign, personas):
    saved = services_evaluation.self_assessment_write(
        actor=personas.propaganda, campaign=campaign, text="有事打我电话13812345678"
    )
    assert "13812345678" not in saved.self_assessment


# --- The secret ballot ------------------------------------------------------------------------------


def test_a_ballot_stores_grades_without_the_voter_and_records_only_that_they_voted(
    campaign, members, personas
):
    services_evaluation.ballot_cast(
        actor=personas.propaganda, campaign=campaign, grades=ballot_of(personas.propaganda, members)
    )
    assert Ballot.objects.filter(campaign=campaign).count() == len(members) - 1
    assert list(BallotCast.objects.filter(campaign=campaign).values_list("voter_id", flat=True)) == [
        personas.propaganda.pk
    ]
    event = AuditEvent.objects.get(action="orglife.evaluation.vote")
    assert event.data == {}


def test_a_ballot_row_has_nothing_that_could_name_or_date_its_voter():
    fields = Ballot._meta.get_fields()
    assert not [
        f
        for f in fields
        if f.is_relation and f.related_model is not None and f.related_model._meta.label == "accounts.User"
    ]
    assert not [f for f in fields if isinstance(f, (models.DateTimeField, models.DateField))]
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    assert not [
        f for f in BallotCast._meta.get_fields() if isinstance(f, (models.DateTimeField, models.DateField))
    ]


def test_a_second_ballot_is_refused_and_nothing_is_doubled(campaign, members, personas):
    grades = ballot_of(personas.secretary, members)
    services_evaluation.ballot_cast(actor=personas.secretary, campaign=campaign, grades=grades)
    with pytest.raises(DomainError) as refused:
        services_evaluation.ballot_cast(actor=personas.secretary, campaign=campaign, grades=grades)
    assert refused.value.code == "already_voted"
    assert Ballot.objects.filter(campaign=campaign).count() == len(members) - 1
    assert BallotCast.objects.filter(campaign=campaign).count() == 1


def test_a_ballot_must_grade_every_other_member_with_a_known_grade(campaign, members, personas):
    grades = ballot_of(personas.secretary, members)
    missing = dict(list(grades.items())[1:])
    with pytest.raises(FieldErrors) as incomplete:
        services_evaluation.ballot_cast(actor=personas.secretary, campaign=campaign, grades=missing)
    assert "grades" in incomplete.value.fields
    with pytest.raises(FieldErrors) as themselves:
        services_evaluation.ballot_cast(
            actor=personas.secretary,
            campaign=campaign,
            grades={**grades, personas.secretary.pk: Grade.EXCELLENT},
        )
    assert "grades" in themselves.value.fields
    first = next(iter(grades))
    with pytest.raises(FieldErrors) as wrong:
        services_evaluation.ballot_cast(
            actor=personas.secretary, campaign=campaign, grades={**grades, first: "superb"}
        )
    assert f"grades.{first}" in wrong.value.fields
    assert not BallotCast.objects.exists()
    assert not Ballot.objects.exists()


def test_tallies_stay_hidden_until_the_ballot_is_closed(campaign, members, personas):
    services_evaluation.ballot_cast(
        actor=personas.secretary, campaign=campaign, grades=ballot_of(personas.secretary, members)
    )
    assert all(row.tally == {} for row in queries_evaluation.participants_with_tallies(campaign))
    campaign = services_evaluation.ballot_close(actor=personas.secretary, campaign=campaign)
    tallies = {
        row.participant.person_id: row.tally for row in queries_evaluation.participants_with_tallies(campaign)
    }
    assert tallies[personas.propaganda.pk][Grade.QUALIFIED] == 1
    assert tallies[personas.secretary.pk][Grade.QUALIFIED] == 0
    with pytest.raises(DomainError) as late:
        services_evaluation.ballot_cast(
            actor=personas.propaganda, campaign=campaign, grades=ballot_of(personas.propaganda, members)
        )
    assert late.value.code == "ballot_closed"


# --- Final grades -----------------------------------------------------------------------------------


def final(members, excellent: int) -> dict[int, str]:
    return {
        m.pk: Grade.EXCELLENT if index < excellent else Grade.QUALIFIED for index, m in enumerate(members)
    }


def test_at_most_one_third_may_be_excellent_rounding_down(campaign, members, personas):
    services_evaluation.ballot_close(actor=personas.secretary, campaign=campaign)
    with translation.override("en"), pytest.raises(DomainError) as refused:
        services_evaluation.campaign_close(
            actor=personas.secretary,
            campaign=campaign,
            grades=final(members, 3),
            meeting_on=date(2026, 11, 19),
        )
    assert refused.value.code == "too_many_excellent"
    assert "2 of 6" in str(refused.value.message)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.COUNTING
    assert not EvaluationParticipant.objects.exclude(final_grade="").exists()
    services_evaluation.campaign_close(
        actor=personas.secretary, campaign=campaign, grades=final(members, 2), meeting_on=date(2026, 11, 19)
    )
    campaign.refresh_from_db()
    assert (campaign.status, campaign.meeting_on) == (CampaignStatus.CLOSED, date(2026, 11, 19))


@pytest.mark.parametrize(
    ("participants", "limit"), [(2, 0), (3, 1), (5, 1), (6, 2), (7, 2), (9, 3), (50, 16)]
)
def test_one_third_is_rounded_down(participants, limit):
    assert services_evaluation.excellent_limit(participants) == limit


def test_grades_are_recorded_only_after_the_ballot_and_only_once(campaign, members, personas):
    with pytest.raises(DomainError) as early:
        services_evaluation.campaign_close(
            actor=personas.secretary,
            campaign=campaign,
            grades=final(members, 1),
            meeting_on=date(2026, 11, 19),
        )
    assert early.value.code == "ballot_open"
    services_evaluation.ballot_close(actor=personas.secretary, campaign=campaign)
    services_evaluation.campaign_close(
        actor=personas.secretary, campaign=campaign, grades=final(members, 1), meeting_on=date(2026, 11, 19)
    )
    with pytest.raises(DomainError) as again:
        services_evaluation.campaign_close(
            actor=personas.secretary,
            campaign=campaign,
            grades=final(members, 0),
            meeting_on=date(2026, 11, 19),
        )
    assert again.value.code == "evaluation_closed"


def test_every_member_needs_a_grade_and_the_meeting_cannot_be_in_the_future(campaign, members, personas):
    services_evaluation.ballot_close(actor=personas.secretary, campaign=campaign)
    with pytest.raises(FieldErrors) as missing:
        services_evaluation.campaign_close(
            actor=personas.secretary,
            campaign=campaign,
            grades=final(members[1:], 0),
            meeting_on=date(2026, 11, 19),
        )
    assert "grades" in missing.value.fields
    with pytest.raises(FieldErrors) as future:
        services_evaluation.campaign_close(
            actor=personas.secretary,
            campaign=campaign,
            grades=final(members, 0),
            meeting_on=date(2026, 11, 21),
        )
    assert "meeting_on" in future.value.fields


def test_the_results_go_into_each_members_record(campaign, members, personas):
    services_evaluation.ballot_close(actor=personas.secretary, campaign=campaign)
    services_evaluation.campaign_close(
        actor=personas.secretary, campaign=campaign, grades=final(members, 1), meeting_on=date(2026, 11, 19)
    )
    (first,) = queries_evaluation.evaluation_results_of(members[0])
    assert (first.year, first.grade, first.branch) == (2026, Grade.EXCELLENT, campaign.branch)
    assert queries_evaluation.evaluation_results_of(members[1])[0].grade == Grade.QUALIFIED
    assert queries_evaluation.evaluation_results_of(personas.student) == []
