"""Democratic evaluation of members (民主评议党员) and one-on-one talks (谈心谈话).

A campaign runs once a year per branch: each member writes a self-assessment, members rate each
other by secret ballot, and the branch meeting records the final grades. The ballot is secret by
construction: a ``Ballot`` row holds a grade for one ratee and nothing about its voter — no voter,
no time, a random key — while ``BallotCast`` records only *that* a person voted. Both are written
in one transaction by ``orglife.services_evaluation.ballot_cast``.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.models import OrgUnit


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")  # 优秀
    QUALIFIED = "qualified", _("Qualified")  # 合格
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified")  # 基本合格
    UNQUALIFIED = "unqualified", _("Unqualified")  # 不合格


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Open: self-assessments and ballots")
    # The ballot box is closed: the tallies are shown only now, so that watching them change
    # while people vote cannot tell anyone how a given person voted.
    COUNTING = "counting", _("Ballot closed: the branch meeting grades")
    CLOSED = "closed", _("Closed: grades recorded")


class EvaluationCampaign(models.Model):
    """One branch's democratic evaluation of its members for one year (民主评议党员)."""

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        CampaignStatus.OPEN: {CampaignStatus.COUNTING},
        CampaignStatus.COUNTING: {CampaignStatus.CLOSED},
        CampaignStatus.CLOSED: set(),
    }

    branch = models.ForeignKey(OrgUnit, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    meeting_on = models.DateField(_("date of the branch meeting"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("democratic evaluation")
        verbose_name_plural = _("democratic evaluations")
        ordering = ("-year", "branch__path")
        constraints = (
            models.UniqueConstraint(fields=("branch", "year"), name="orglife_one_evaluation_per_branch_year"),
            models.CheckConstraint(
                condition=Q(status__in=CampaignStatus.values), name="orglife_evaluation_status_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.branch} · {self.year}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN


class EvaluationParticipant(models.Model):
    """A member evaluated in a campaign: their self-assessment and, once closed, their final grade."""

    campaign = models.ForeignKey(EvaluationCampaign, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    party_status = models.CharField(_("party status"), max_length=20)
    # Plain text, shown escaped; screened by the moderation lexicon when written.
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    self_assessed_at = models.DateTimeField(_("self-assessment written at"), null=True, blank=True)
    final_grade = models.CharField(_("grade"), max_length=30, choices=Grade.choices, blank=True)

    class Meta:
        verbose_name = _("evaluated member")
        verbose_name_plural = _("evaluated members")
        ordering = ("campaign", "person__number")
        constraints = (
            models.UniqueConstraint(
                fields=("campaign", "person"), name="orglife_one_participation_per_person"
            ),
            models.CheckConstraint(
                condition=Q(final_grade="") | Q(final_grade__in=Grade.values),
                name="orglife_final_grade_valid",
            ),
        )

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.person_id}"


class Ballot(models.Model):
    """One grade given to one ratee in a secret ballot: deliberately nothing about the voter.

    The key is random and there is no timestamp, so neither the key's order nor a time can be
    matched with the order or time of ``BallotCast`` rows.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(EvaluationCampaign, on_delete=models.CASCADE, related_name="+")
    ratee = models.ForeignKey(EvaluationParticipant, on_delete=models.CASCADE, related_name="+")
    grade = models.CharField(_("grade"), max_length=30, choices=Grade.choices)

    class Meta:
        verbose_name = _("ballot grade")
        verbose_name_plural = _("ballot grades")
        ordering = ("ratee", "grade")
        constraints = (
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="orglife_ballot_grade_valid"),
        )

    def __str__(self) -> str:
        return str(self.grade)


class BallotCast(models.Model):
    """That a person voted in a campaign (and so may not vote again); never what they voted."""

    campaign = models.ForeignKey(EvaluationCampaign, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("vote cast")
        verbose_name_plural = _("votes cast")
        constraints = (
            models.UniqueConstraint(fields=("campaign", "voter"), name="orglife_one_ballot_per_voter"),
        )

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.voter_id}"


class Talk(models.Model):
    """A one-on-one talk (谈心谈话) between a committee member and a member; the summary is the
    committee's alone."""

    branch = models.ForeignKey(OrgUnit, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    talked_on = models.DateField(_("date"))
    talked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("talked with by"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("one-on-one talk")
        verbose_name_plural = _("one-on-one talks")
        ordering = ("-talked_on", "-id")
        indexes = (models.Index(fields=("branch", "talked_on")), models.Index(fields=("person", "talked_on")))

    def __str__(self) -> str:
        return f"{self.person_id} · {self.talked_on.isoformat()}"
