"""Surveys and polls (问卷调查与投票): questions, who is asked, who has answered and what was answered.

Anonymity is built into the tables, not into the pages: a ``SurveyResponse`` and its ``SurveyAnswer``
rows carry no person, no time finer than the day and random UUID keys, so neither a foreign key nor
the order of ids or timestamps can tie them to the ``SurveyParticipation`` row (person, survey) that
is written in the same transaction. Only a survey that is *not* anonymous links the two, from the
participation side (``SurveyParticipation.response``); the response table has no column for a person.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.models import OrgUnit


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


# Which status may follow which; a closed survey stays closed (its results are a record).
SURVEY_TRANSITIONS: dict[str, frozenset[str]] = {
    SurveyStatus.DRAFT: frozenset({SurveyStatus.OPEN}),
    SurveyStatus.OPEN: frozenset({SurveyStatus.CLOSED}),
    SurveyStatus.CLOSED: frozenset(),
}


class Survey(models.Model):
    """A survey (问卷) or a poll (投票, one question shown inside an article or a notice) of a unit.

    ``attached_to`` names where a poll is shown (``"article:12"``, ``"notice:5"``); empty for a survey.
    """

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("No one, administrators included, can see who answered what; only who has answered."),
    )
    is_poll = models.BooleanField(_("poll"), default=False)
    attached_to = models.CharField(_("shown in"), max_length=60, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    party_statuses = models.JSONField(
        _("party statuses"), default=list, blank=True, help_text=_("Empty: everyone in the target units.")
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes: ClassVar = [models.Index(fields=["unit", "status"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=SurveyStatus.values), name="engagement_survey_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def can_become(self, status: str) -> bool:
        return status in SURVEY_TRANSITIONS.get(self.status, frozenset())


class SurveyTarget(models.Model):
    """Who is asked: the members of a unit (alone or with its whole subtree), or the people of an audience
    that a higher app registered in ``core.audiences`` (e.g. a batch of development targets)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    include_subtree = models.BooleanField(_("with the units below it"), default=True)
    audience_kind = models.CharField(_("audience kind"), max_length=60, blank=True)
    audience_id = models.PositiveIntegerField(_("audience"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey target")
        verbose_name_plural = _("survey targets")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "unit"], name="engagement_one_target_per_unit"),
            models.UniqueConstraint(
                fields=["survey", "audience_kind", "audience_id"],
                condition=Q(audience_id__isnull=False),
                name="engagement_one_target_per_audience",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=False, audience_kind="", audience_id__isnull=True)
                | (Q(unit__isnull=True, audience_id__isnull=False) & ~Q(audience_kind="")),
                name="engagement_target_unit_or_audience",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} → {self.unit_id or f'{self.audience_kind}:{self.audience_id}'}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    RATING = "rating", _("Rating scale")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})


class SurveyQuestion(models.Model):
    """One question. Choices are a list of labels, answered by their index; a rating runs from
    ``scale_min`` to ``scale_max``. With a condition, the question is shown (and required, and
    stored) only when the answer to ``condition_question`` includes the option ``condition_option``.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("explanation"), max_length=300, blank=True)
    is_required = models.BooleanField(_("required"), default=False)
    options = models.JSONField(_("options"), default=list, blank=True)
    scale_min = models.SmallIntegerField(_("lowest rating"), default=1)
    scale_max = models.SmallIntegerField(_("highest rating"), default=5)
    scale_min_label = models.CharField(_("label of the lowest rating"), max_length=50, blank=True)
    scale_max_label = models.CharField(_("label of the highest rating"), max_length=50, blank=True)
    condition_question = models.ForeignKey(
        "self",
        verbose_name=_("shown only after the question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependants",
    )
    condition_option = models.PositiveSmallIntegerField(_("shown only for the option"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ("position", "pk")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="engagement_question_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(condition_question__isnull=True, condition_option__isnull=True)
                | Q(condition_question__isnull=False, condition_option__isnull=False),
                name="engagement_question_condition_whole",
            ),
            models.CheckConstraint(
                condition=Q(scale_min__lt=models.F("scale_max")), name="engagement_scale_order"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One submitted questionnaire: no person, no time (the day only when not anonymous), a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Only for surveys that are not anonymous: with few people answering on a day, even the day
    # would tie an anonymous response to the participation row of that day.
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return str(self.pk)


class SurveyAnswer(models.Model):
    """The answer to one question: option indexes, a rating or text (held text waits for review).

    ``text`` is what is shown (already masked when the lexicon says so); ``is_held`` keeps it out of
    the results until a moderator approves it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    choices = models.JSONField(_("options chosen"), default=list, blank=True)
    rating = models.SmallIntegerField(_("rating"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    is_held = models.BooleanField(_("waiting for review"), default=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["response", "question"], name="engagement_one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return str(self.pk)


class SurveyParticipation(models.Model):
    """That a person has answered a survey (for response rates and reminders): never what they answered,
    unless the survey is not anonymous (then ``response`` points at their response).
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("branch"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_on = models.DateField(_("answered on"))
    response = models.OneToOneField(
        SurveyResponse,
        verbose_name=_("response"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participation",
    )

    class Meta:
        verbose_name = _("survey participation")
        verbose_name_plural = _("survey participations")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "person"], name="engagement_answer_survey_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.person_id}"


class SurveyReminder(models.Model):
    """A reminder sent for a survey on a day: at most one a day (the unique day makes retries safe)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("survey reminder")
        verbose_name_plural = _("survey reminders")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "sent_on"], name="engagement_one_reminder_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} @ {self.sent_on}"
