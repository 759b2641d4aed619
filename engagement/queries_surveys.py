"""Reads of surveys and polls: a unit's surveys, "My surveys", who is asked, results and response rates.

Results never name a person for an anonymous survey; for any survey they leave out text that waits
for review or that a moderator hid.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from core.audiences import audience_kind, audience_kinds
from engagement.models.surveys import (
    CHOICE_KINDS,
    TEXT_KINDS,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyStatus,
    SurveyTarget,
)
from engagement.permissions_surveys import membership_of
from orgs.models import Membership, OrgUnit

TEXTS_SHOWN = 200


def ancestor_paths(path: str) -> list[str]:
    """The paths of the unit at ``path`` and of every unit above it."""
    step = OrgUnit.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def survey_get(survey_id: int) -> Survey:
    return get_object_or_404(Survey.objects.select_related("unit", "created_by"), pk=survey_id)


def questions_of(survey: Survey) -> list[SurveyQuestion]:
    return list(survey.questions.all())


def targets_of(survey: Survey) -> list[SurveyTarget]:
    """The survey's targets, units in tree order then audiences, each with a ``label``."""
    rows = list(survey.targets.select_related("unit").order_by("unit__path", "audience_kind", "audience_id"))
    for target in rows:
        if target.unit is not None:
            target.label = target.unit.display_name  # type: ignore[attr-defined]
            continue
        kind = audience_kind(target.audience_kind)
        known = (
            kind.label_of(target.audience_id) if kind is not None and target.audience_id is not None else ""
        )
        target.label = f"{kind.label}: {known}" if kind is not None else target.audience_kind  # type: ignore[attr-defined]
    return rows


def polls_attached_to(attached_to: str) -> list[Survey]:
    """The polls shown in an article or notice (``"article:12"``), not drafts, newest first."""
    return list(
        Survey.objects.filter(attached_to=attached_to, is_poll=True)
        .exclude(status=SurveyStatus.DRAFT)
        .order_by("-pk")
    )


def unit_surveys(unit: OrgUnit) -> QuerySet[Survey]:
    """Surveys and polls of the unit and below it, newest first, with how many have answered."""
    return (
        Survey.objects.filter(unit__path__startswith=unit.path)
        .select_related("unit")
        .annotate(answered=Count("participations", distinct=True))
        .order_by("-created_at", "-pk")
    )


def _asked_q(person: Any) -> Q:
    """Surveys whose targets reach the person (before party statuses): their branch or group, a unit
    above it with its subtree, or an audience of theirs (one subquery per audience kind)."""
    membership = membership_of(person)
    reach = Q(pk__in=[])
    if membership is not None:
        paths = ancestor_paths(membership.unit.path)
        own = [membership.unit_id]
        if membership.group_id is not None and membership.group is not None:
            paths += ancestor_paths(membership.group.path)
            own.append(membership.group_id)
        reach |= Q(include_subtree=True, unit__path__in=set(paths)) | Q(unit_id__in=own)
    for kind in audience_kinds():
        reach |= Q(audience_kind=kind.code, audience_id__in=kind.audiences_of(person.pk))
    return Q(Exists(SurveyTarget.objects.filter(survey=OuterRef("pk")).filter(reach)))


def my_surveys(person: Any) -> list[Survey]:
    """Surveys (not polls) that ask the person and are open, or closed after they answered, open first;
    each with ``answered`` True/False. Three queries whatever their number."""
    if not person.is_authenticated:
        return []
    condition = _asked_q(person)
    membership = membership_of(person)
    status = membership.party_status if membership is not None else ""
    answered = SurveyParticipation.objects.filter(survey=OuterRef("pk"), person=person)
    rows = (
        Survey.objects.filter(condition, is_poll=False)
        .filter(Q(status=SurveyStatus.OPEN) | Q(status=SurveyStatus.CLOSED, participations__person=person))
        .annotate(answered=Exists(answered))
        .select_related("unit")
        .distinct()
        .order_by("-pk")
    )
    mine = [survey for survey in rows if not survey.party_statuses or status in survey.party_statuses]
    # Open ones first, those closing soonest at the top; then the rest, newest first.
    return sorted(
        mine,
        key=lambda s: (s.status != SurveyStatus.OPEN, s.closes_at is None, s.closes_at or timezone.now()),
    )


def has_answered(person: Any, survey: Survey) -> bool:
    return SurveyParticipation.objects.filter(survey=survey, person=person).exists()


def asked_memberships(survey: Survey) -> QuerySet[Membership]:
    """The memberships of everyone the survey asks (nobody for a poll without targets)."""
    condition = Q(pk__in=[])
    for target in survey.targets.select_related("unit"):
        if target.unit is None:
            kind = audience_kind(target.audience_kind)
            if kind is not None and target.audience_id is not None:
                condition |= Q(person_id__in=kind.people(target.audience_id))
        elif target.include_subtree:
            condition |= Q(unit__path__startswith=target.unit.path) | Q(
                group__path__startswith=target.unit.path
            )
        else:
            condition |= Q(unit=target.unit) | Q(group=target.unit)
    rows = Membership.objects.filter(condition, person__is_active=True)
    if survey.party_statuses:
        rows = rows.filter(party_status__in=survey.party_statuses)
    return rows


def asked_people(survey: Survey) -> QuerySet[User]:
    return User.objects.filter(pk__in=asked_memberships(survey).values("person_id"))


def people_not_answered(survey: Survey) -> QuerySet[User]:
    answered = SurveyParticipation.objects.filter(survey=survey).values("person_id")
    return asked_people(survey).exclude(pk__in=answered)


@dataclass
class UnitRate:
    unit: OrgUnit
    asked: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.asked) if self.asked else 0


def response_rates(survey: Survey) -> list[UnitRate]:
    """Per branch: how many are asked and how many of them have answered (two queries)."""
    answered_people = SurveyParticipation.objects.filter(survey=survey).values("person_id")
    rows = (
        asked_memberships(survey)
        .values("unit")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(person_id__in=answered_people)))
        .order_by()
    )
    counts = {row["unit"]: (row["asked"], row["answered"]) for row in rows}
    units = OrgUnit.objects.filter(pk__in=counts).order_by("path")
    return [UnitRate(unit, *counts[unit.pk]) for unit in units]


@dataclass
class OptionCount:
    label: str
    count: int
    percent: int


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    options: list[OptionCount] = field(default_factory=list)
    average: float | None = None
    texts: list[str] = field(default_factory=list)
    texts_waiting: int = 0

    @property
    def is_chart(self) -> bool:
        return self.question.kind not in TEXT_KINDS


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    asked: int
    questions: list[QuestionResult]

    @property
    def percent(self) -> int:
        return round(100 * self.responses / self.asked) if self.asked else 0


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def survey_results(survey: Survey) -> SurveyResults:
    """Counts and percentages per question (of those who answered it), the average rating, and the
    texts readers may see (not waiting for review, not hidden). A fixed number of queries."""
    questions = questions_of(survey)
    option_counts: dict[int, Counter[int]] = defaultdict(Counter)
    answered: Counter[int] = Counter()
    texts: dict[int, list[str]] = defaultdict(list)
    waiting: Counter[int] = Counter()
    rows = SurveyAnswer.objects.filter(response__survey=survey).values_list(
        "question_id", "choices", "rating", "text", "is_held", "is_hidden"
    )
    for question_id, choices, rating, text, is_held, is_hidden in rows.iterator(chunk_size=2000):
        answered[question_id] += 1
        if choices:
            option_counts[question_id].update(choices)
        elif rating is not None:
            option_counts[question_id][rating] += 1
        elif text:
            if is_held:
                waiting[question_id] += 1
            elif not is_hidden and len(texts[question_id]) < TEXTS_SHOWN:
                texts[question_id].append(text)
    results = []
    for question in questions:
        result = QuestionResult(question, answered=answered[question.pk])
        counts = option_counts[question.pk]
        if question.kind in CHOICE_KINDS:
            result.options = [
                OptionCount(label, counts[index], _percent(counts[index], result.answered))
                for index, label in enumerate(question.options)
            ]
        elif question.kind == QuestionKind.RATING:
            result.options = [
                OptionCount(str(value), counts[value], _percent(counts[value], result.answered))
                for value in range(question.scale_min, question.scale_max + 1)
            ]
            total = sum(value * count for value, count in counts.items())
            result.average = round(total / result.answered, 2) if result.answered else None
        else:
            result.texts = texts[question.pk]
            result.texts_waiting = waiting[question.pk]
        results.append(result)
    responses = survey.responses.count()
    asked = asked_memberships(survey).count() if not survey.is_poll or survey.targets.exists() else responses
    return SurveyResults(survey, responses, asked, results)


def poll_counts(poll: Survey) -> QuestionResult | None:
    """The one question of a poll with its counts, or None for a poll without a question."""
    results = survey_results(poll)
    return results.questions[0] if results.questions else None


def chart_data(results: SurveyResults) -> list[dict[str, Any]]:
    """What the results page hands to ECharts (JSON in the page): one bar chart per countable question."""
    return [
        {
            "id": f"chart-{result.question.pk}",
            "labels": [option.label for option in result.options],
            "counts": [option.count for option in result.options],
        }
        for result in results.questions
        if result.is_chart
    ]
