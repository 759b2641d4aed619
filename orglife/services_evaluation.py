"""Writes of the democratic evaluation of members (民主评议党员): open, self-assess, vote, close.

Every write locks the campaign row, checks the actor's right and the campaign's state, and is
audited. The ballot is secret: ``ballot_cast`` writes the grades (``Ballot``, no voter) and the
fact of voting (``BallotCast``) in one transaction, and its audit event names the voter but never
a grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.notifications import register_kind
from core.permissions import require
from core.services import notifications_send
from moderation.services import blocked_message, text_check
from orglife import capabilities as caps
from orglife.models_evaluation import (
    Ballot,
    BallotCast,
    CampaignStatus,
    EvaluationCampaign,
    EvaluationParticipant,
    Grade,
)
from orgs.models import Membership, OrgUnit, PartyStatus, UnitKind

EVALUATION_OPENED = register_kind(
    "orglife.evaluation_opened", _("Democratic evaluation opened: write your self-assessment and vote")
)
SELF_ASSESSMENT_MAX = 5000
MEMBER_STATUSES = (PartyStatus.FULL, PartyStatus.PROBATIONARY)


def excellent_limit(participants: int) -> int:
    """At most one third of the evaluated members may be graded excellent, rounded down."""
    return participants // 3


def _locked(campaign: EvaluationCampaign) -> EvaluationCampaign:
    return EvaluationCampaign.objects.select_for_update().select_related("branch").get(pk=campaign.pk)


def _require_open(campaign: EvaluationCampaign) -> None:
    if not campaign.is_open:
        raise DomainError(
            "ballot_closed",
            _("The ballot of the democratic evaluation of %(year)s is closed.") % {"year": campaign.year},
        )


def ballot_close(*, actor: Any, campaign: EvaluationCampaign) -> EvaluationCampaign:
    """Close the ballot box: no more self-assessments or votes; the tallies become visible."""
    require(actor, caps.RUN_EVALUATIONS, campaign.branch)
    with transaction.atomic():
        campaign = _locked(campaign)
        if not campaign.can_become(CampaignStatus.COUNTING):
            raise DomainError("ballot_closed", _("The ballot of this evaluation is already closed."))
        campaign.status = CampaignStatus.COUNTING
        campaign.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="orglife.evaluation.close_ballot",
            target=campaign,
            unit_id=campaign.branch_id,
            data={"votes": BallotCast.objects.filter(campaign=campaign).count()},
        )
    return campaign


def _participant_of(actor: Any, campaign: EvaluationCampaign) -> EvaluationParticipant:
    """The actor's own row in the campaign; anyone else is answered as if it did not exist."""
    participant = EvaluationParticipant.objects.filter(campaign=campaign, person_id=actor.pk).first()
    if participant is None:
        raise Http404
    return participant


def campaign_open(*, actor: Any, branch: OrgUnit, year: int) -> EvaluationCampaign:
    """Open the branch's evaluation of ``year`` for its full and probationary members (once a year)."""
    require(actor, caps.RUN_EVALUATIONS, branch)
    if branch.kind != UnitKind.BRANCH:
        raise DomainError("not_a_branch", _("A democratic evaluation is run by a branch."))
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise FieldErrors.single("year", _("Choose this year, last year or next year."))
    with transaction.atomic():
        OrgUnit.objects.select_for_update().filter(pk=branch.pk).first()
        if EvaluationCampaign.objects.filter(branch=branch, year=year).exists():
            raise DomainError(
                "evaluation_exists",
                _("The branch's democratic evaluation of %(year)s was already opened.") % {"year": year},
            )
        members = list(
            Membership.objects.filter(unit=branch, party_status__in=MEMBER_STATUSES).select_related("person")
        )
        if len(members) < 2:
            raise DomainError(
                "too_few_members",
                _("A democratic evaluation needs at least two full or probationary members in the branch."),
            )
        try:
            with transaction.atomic():
                campaign = EvaluationCampaign.objects.create(branch=branch, year=year, opened_by=actor)
        except IntegrityError as error:  # opened at the same moment by someone else
            raise DomainError(
                "evaluation_exists",
                _("The branch's democratic evaluation of %(year)s was already opened.") % {"year": year},
            ) from error
        EvaluationParticipant.objects.bulk_create(
            EvaluationParticipant(campaign=campaign, person=m.person, party_status=m.party_status)
            for m in members
        )
        audit_record(
            actor=actor,
            action="orglife.evaluation.open",
            target=campaign,
            unit_id=branch.pk,
            data={"year": year, "participants": len(members)},
        )
        notifications_send(
            recipients=[m.person for m in members],
            kind=EVALUATION_OPENED,
            title=_("The democratic evaluation of %(year)s is open"),
            body=_("Write your self-assessment and rate the other members of your branch by secret ballot."),
            params={"year": year},
            url=reverse("orglife:my_evaluation"),
            dedupe_key=f"orglife.evaluation.{campaign.pk}",
        )
    return campaign


def self_assessment_write(*, actor: Any, campaign: EvaluationCampaign, text: str) -> EvaluationParticipant:
    """The member writes (or rewrites) their own self-assessment while the campaign is open."""
    text = (text or "").strip()
    if not text:
        raise FieldErrors.single("text", _("Write your self-assessment."))
    if len(text) > SELF_ASSESSMENT_MAX:
        raise FieldErrors.single(
            "text", _("Keep it under %(max)d characters.") % {"max": SELF_ASSESSMENT_MAX}
        )
    with transaction.atomic():
        campaign = _locked(campaign)
        participant = _participant_of(actor, campaign)
        _require_open(campaign)
        result = text_check(text=text, unit=campaign.branch)
        if result.action == "block":
            raise DomainError("moderation.blocked", blocked_message(result))
        participant.self_assessment = result.masked_text
        participant.self_assessed_at = timezone.now()
        participant.save(update_fields=["self_assessment", "self_assessed_at"])
        audit_record(
            actor=actor,
            action="orglife.evaluation.self_assess",
            target=participant,
            unit_id=campaign.branch_id,
            data={"campaign": campaign.pk},
        )
    return participant


def _checked_grades(
    grades: Mapping[int, str], expected: set[int], field_name: str = "grades"
) -> dict[int, str]:
    problems: dict[str, list[str]] = {}
    missing = expected - set(grades)
    if missing:
        problems[field_name] = [str(_("Give a grade to every member listed."))]
    unknown = set(grades) - expected
    if unknown:
        problems[field_name] = [str(_("Some of the people graded are not evaluated here."))]
    for person_id, grade in grades.items():
        if grade not in Grade.values:
            problems[f"{field_name}.{person_id}"] = [str(_("Choose one of the four grades."))]
    if problems:
        raise FieldErrors(problems, _("Some grades are missing or not valid."))
    return dict(grades)


def ballot_cast(*, actor: Any, campaign: EvaluationCampaign, grades: Mapping[int, str]) -> None:
    """The member rates every other member by secret ballot, once.

    ``grades`` maps each other participant's person id to a grade. The grades are stored without
    the voter; the voter is recorded only as having voted.
    """
    with transaction.atomic():
        campaign = _locked(campaign)
        voter = _participant_of(actor, campaign)
        _require_open(campaign)
        others = {
            person_id: participant_id
            for participant_id, person_id in EvaluationParticipant.objects.filter(campaign=campaign)
            .exclude(pk=voter.pk)
            .values_list("pk", "person_id")
        }
        checked = _checked_grades(grades, set(others))
        if BallotCast.objects.filter(campaign=campaign, voter_id=actor.pk).exists():
            raise DomainError(
                "already_voted", _("You have already voted in this evaluation; a ballot is final.")
            )
        try:
            with transaction.atomic():
                BallotCast.objects.create(campaign=campaign, voter_id=actor.pk)
        except IntegrityError as error:
            raise DomainError(
                "already_voted", _("You have already voted in this evaluation; a ballot is final.")
            ) from error
        # Shuffled by the random keys' order, not by the voter's: the rows carry no order of casting.
        Ballot.objects.bulk_create(
            Ballot(campaign=campaign, ratee_id=others[person_id], grade=grade)
            for person_id, grade in sorted(checked.items())
        )
        audit_record(
            actor=actor,
            action="orglife.evaluation.vote",
            target=campaign,
            unit_id=campaign.branch_id,
            data={},
        )


def campaign_close(
    *, actor: Any, campaign: EvaluationCampaign, grades: Mapping[int, str], meeting_on: date
) -> EvaluationCampaign:
    """The branch meeting's final grades: every member graded, at most one third excellent."""
    require(actor, caps.RUN_EVALUATIONS, campaign.branch)
    if meeting_on > timezone.localdate():
        raise FieldErrors.single("meeting_on", _("The branch meeting cannot be in the future."))
    with transaction.atomic():
        campaign = _locked(campaign)
        if not campaign.can_become(CampaignStatus.CLOSED):
            if campaign.is_open:
                raise DomainError(
                    "ballot_open", _("Close the ballot first: the grades are decided on its tallies.")
                )
            raise DomainError(
                "evaluation_closed",
                _("The democratic evaluation of %(year)s is closed; its grades are recorded.")
                % {"year": campaign.year},
            )
        participants = list(EvaluationParticipant.objects.filter(campaign=campaign))
        checked = _checked_grades(grades, {p.person_id for p in participants})
        excellent = sum(1 for grade in checked.values() if grade == Grade.EXCELLENT)
        limit = excellent_limit(len(participants))
        if excellent > limit:
            raise DomainError(
                "too_many_excellent",
                _(
                    "At most one third of the members may be graded excellent: %(limit)d of %(total)d "
                    "(rounded down), and %(chosen)d were chosen."
                )
                % {"limit": limit, "total": len(participants), "chosen": excellent},
            )
        for participant in participants:
            participant.final_grade = checked[participant.person_id]
        EvaluationParticipant.objects.bulk_update(participants, ["final_grade"])
        campaign.status = CampaignStatus.CLOSED
        campaign.meeting_on = meeting_on
        campaign.closed_by = actor
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["status", "meeting_on", "closed_by", "closed_at"])
        audit_record(
            actor=actor,
            action="orglife.evaluation.close",
            target=campaign,
            unit_id=campaign.branch_id,
            data={
                "meeting_on": meeting_on.isoformat(),
                "grades": {grade: sum(1 for g in checked.values() if g == grade) for grade in Grade.values},
            },
        )
    return campaign
