"""Reads of democratic evaluations and one-on-one talks, each in a fixed number of queries.

Nothing here returns a ballot with anything that could identify its voter: tallies are counts per
ratee and grade, read only once the ballot box is closed, and who voted is only ever a count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from orglife.models_evaluation import (
    Ballot,
    BallotCast,
    CampaignStatus,
    EvaluationCampaign,
    EvaluationParticipant,
    Grade,
    Talk,
)
from orgs.models import Membership, OrgUnit, PartyStatus

MEMBER_STATUSES = (PartyStatus.FULL, PartyStatus.PROBATIONARY)

# --- Campaigns ------------------------------------------------------------------------------------


def campaigns_of(branch: OrgUnit) -> QuerySet[EvaluationCampaign]:
    """The branch's campaigns, newest first, with their counts (one query)."""
    return (
        EvaluationCampaign.objects.filter(branch=branch)
        .annotate(
            participant_count=Count("participants", distinct=True),
            assessed_count=Count(
                "participants", filter=Q(participants__self_assessed_at__isnull=False), distinct=True
            ),
        )
        .order_by("-year")
    )


def campaign_get(campaign_id: int) -> EvaluationCampaign:
    """The campaign with its branch, or 404; the caller checks the user's rights over the branch."""
    return get_object_or_404(EvaluationCampaign.objects.select_related("branch"), pk=campaign_id)


def votes_cast(campaign: EvaluationCampaign) -> int:
    """How many members have voted (one query); never who voted what."""
    return BallotCast.objects.filter(campaign=campaign).count()


@dataclass(frozen=True)
class ParticipantRow:
    participant: EvaluationParticipant
    tally: dict[str, int]  # grade -> ballots; empty while the ballot is open


def participants_with_tallies(campaign: EvaluationCampaign) -> list[ParticipantRow]:
    """Every evaluated member with their self-assessment and, once the ballot box is closed, how many
    ballots gave them each grade (two queries)."""
    participants = list(
        EvaluationParticipant.objects.filter(campaign=campaign)
        .select_related("person")
        .order_by("person__number", "pk")
    )
    tallies: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Grade.values, 0))
    if campaign.status != CampaignStatus.OPEN:
        rows = Ballot.objects.filter(campaign=campaign).values("ratee_id", "grade").annotate(n=Count("pk"))
        for row in rows:
            tallies[row["ratee_id"]][row["grade"]] = row["n"]
    return [
        ParticipantRow(p, tallies[p.pk] if campaign.status != CampaignStatus.OPEN else {})
        for p in participants
    ]


@dataclass(frozen=True)
class MyEvaluation:
    """A campaign the person takes part in, as they see it."""

    participant: EvaluationParticipant
    campaign: EvaluationCampaign
    has_voted: bool


def my_evaluations(person: Any) -> list[MyEvaluation]:
    """The person's campaigns, newest first, with whether they have voted (one query)."""
    rows = (
        EvaluationParticipant.objects.filter(person_id=person.pk)
        .select_related("campaign__branch")
        .annotate(
            has_voted=Exists(
                BallotCast.objects.filter(campaign_id=OuterRef("campaign_id"), voter_id=OuterRef("person_id"))
            )
        )
        .order_by("-campaign__year", "-pk")
    )
    return [MyEvaluation(row, row.campaign, bool(row.has_voted)) for row in rows]


def my_participation(person: Any, campaign_id: int) -> EvaluationParticipant:
    """The person's own row in the campaign, or 404 (for anyone who is not evaluated in it)."""
    return get_object_or_404(
        EvaluationParticipant.objects.select_related("campaign__branch"),
        campaign_id=campaign_id,
        person_id=person.pk,
    )


def ratees_for(participant: EvaluationParticipant) -> list[EvaluationParticipant]:
    """The other members the participant rates (one query)."""
    return list(
        EvaluationParticipant.objects.filter(campaign_id=participant.campaign_id)
        .exclude(pk=participant.pk)
        .select_related("person")
        .order_by("person__number", "pk")
    )


def has_voted(person: Any, campaign: EvaluationCampaign) -> bool:
    return BallotCast.objects.filter(campaign=campaign, voter_id=person.pk).exists()


@dataclass(frozen=True)
class EvaluationResult:
    year: int
    branch: OrgUnit
    grade: str
    grade_label: str
    meeting_on: date | None


def evaluation_results_of(person: Any) -> list[EvaluationResult]:
    """The person's final grades of closed evaluations, newest first: their record (one query)."""
    rows = (
        EvaluationParticipant.objects.filter(person_id=person.pk, campaign__status=CampaignStatus.CLOSED)
        .exclude(final_grade="")
        .select_related("campaign__branch")
        .order_by("-campaign__year")
    )
    return [
        EvaluationResult(
            row.campaign.year,
            row.campaign.branch,
            row.final_grade,
            str(Grade(row.final_grade).label),
            row.campaign.meeting_on,
        )
        for row in rows
    ]


# --- Talks ----------------------------------------------------------------------------------------


def talks_of(branch: OrgUnit, year: int) -> QuerySet[Talk]:
    """The branch's talks of ``year``, newest first, with who was talked with and by whom."""
    return (
        Talk.objects.filter(branch=branch, talked_on__year=year)
        .select_related("person", "talked_by")
        .order_by("-talked_on", "-pk")
    )


def members_of_branch(branch: OrgUnit) -> QuerySet[Membership]:
    """The branch's full and probationary members (those talks and evaluations are for)."""
    return (
        Membership.objects.filter(unit=branch, party_status__in=MEMBER_STATUSES)
        .select_related("person")
        .order_by("person__number")
    )


def members_without_talk(branch: OrgUnit, year: int) -> QuerySet[Membership]:
    """The branch's members with no talk recorded in ``year`` (one query)."""
    talked = Talk.objects.filter(talked_on__year=year, person_id=OuterRef("person_id"))
    return members_of_branch(branch).exclude(Exists(talked))
