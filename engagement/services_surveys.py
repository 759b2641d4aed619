"""Writes of surveys and polls: building, opening and closing, answering, reminders, moderation.

Every function re-checks its permission (pages, API and the scheduler call the same code), works in
one transaction and records an audit event — except a person's answer to an anonymous survey, which
is deliberately not audited per person (an event's exact time next to the answer would tie them).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audiences as core_audiences
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.permissions import require
from core.services import notifications_send
from engagement import permissions_surveys as permissions
from engagement import queries_notices
from engagement.capabilities_surveys import RUN_SURVEYS
from engagement.models.surveys import (
    CHOICE_KINDS,
    TEXT_KINDS,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyReminder,
    SurveyResponse,
    SurveyStatus,
    SurveyTarget,
)
from moderation import services as moderation
from orgs.models import OrgUnit, PartyStatus
from publishing import queries as publishing_queries

REMINDER_KIND = "engagement.survey_reminder"
OPENED_KIND = "engagement.survey_opened"
SUBJECT_PREFIX = "survey-answer:"
MAX_OPTIONS = 20
MAX_SCALE_STEPS = 11
SHORT_TEXT_LIMIT = 200
LONG_TEXT_LIMIT = 5000
_shuffle = random.SystemRandom().shuffle  # from the operating system's randomness: not reproducible


@dataclass(frozen=True)
class TargetIn:
    """A unit (with or without its subtree), or an audience of ``core.audiences`` (``unit`` None)."""

    unit: OrgUnit | None
    include_subtree: bool = True
    audience_kind: str = ""
    audience_id: int | None = None


# --- Building ---------------------------------------------------------------------------------


def _check_details(
    *,
    actor: Any,
    unit: OrgUnit,
    title: str,
    party_statuses: Sequence[str],
    closes_at: datetime | None,
    targets: Sequence[TargetIn],
    is_poll: bool,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [str(_("Give the survey a title."))]
    unknown = [status for status in party_statuses if status not in PartyStatus.values]
    if unknown:
        errors["party_statuses"] = [str(_("Choose party statuses from the list."))]
    if closes_at is not None and closes_at <= timezone.now():
        errors["closes_at"] = [str(_("The closing time must be in the future."))]
    for target in targets:
        if target.unit is None:
            kind = core_audiences.audience_kind(target.audience_kind)
            if kind is None or target.audience_id not in dict(kind.choices_for(actor)):
                errors["audiences"] = [str(_("Choose groups from the list that you may ask."))]
        elif not target.unit.path.startswith(unit.path) or not permissions.can_run_surveys_in(
            actor, target.unit
        ):
            errors["targets"] = [str(_("Ask only units of the survey's unit that you may run surveys for."))]
    if not targets and not is_poll:
        errors["targets"] = [str(_("Choose at least one unit or group whose members are asked."))]
    return errors


def _check_attachment(*, actor: Any, unit: OrgUnit, attached_to: str, is_poll: bool) -> dict[str, list[str]]:
    """A poll may be shown in an article its author may write in, inside the poll's unit; or in a notice."""
    if not attached_to:
        return {}
    kind, _sep, ident = attached_to.partition(":")
    if not is_poll or kind not in ("article", "notice") or not ident.isdigit():
        return {"article": [str(_("Only a poll can be shown in an article or a notice."))]}
    if (
        kind == "article"
        and not publishing_queries.articles_for_polls(actor, unit).filter(pk=int(ident)).exists()
    ):
        return {"article": [str(_("Choose an article of the unit's channels that you may write in."))]}
    notices = queries_notices.sent_in_scope(actor).filter(unit__path__startswith=unit.path)
    if kind == "notice" and not notices.filter(pk=int(ident)).exists():
        return {"notice": [str(_("Choose a notice of the unit that you may send notices for."))]}
    return {}


def _set_targets(survey: Survey, targets: Sequence[TargetIn]) -> None:
    survey.targets.all().delete()
    SurveyTarget.objects.bulk_create(
        [
            SurveyTarget(
                survey=survey,
                unit=t.unit,
                include_subtree=t.include_subtree if t.unit is not None else False,
                audience_kind=t.audience_kind if t.unit is None else "",
                audience_id=t.audience_id if t.unit is None else None,
            )
            for t in targets
        ]
    )


def survey_create(
    *,
    actor: Any,
    unit: OrgUnit,
    title: str,
    introduction: str = "",
    is_anonymous: bool = False,
    party_statuses: Sequence[str] = (),
    closes_at: datetime | None = None,
    targets: Sequence[TargetIn] = (),
    is_poll: bool = False,
    attached_to: str = "",
) -> Survey:
    """A new draft survey (or poll) of ``unit``; needs ``engagement.run_surveys`` over the unit."""
    require(actor, RUN_SURVEYS, unit)
    errors = _check_details(
        actor=actor,
        unit=unit,
        title=title,
        party_statuses=party_statuses,
        closes_at=closes_at,
        targets=targets,
        is_poll=is_poll,
    )
    errors.update(_check_attachment(actor=actor, unit=unit, attached_to=attached_to, is_poll=is_poll))
    if errors:
        raise FieldErrors(errors, _("Some fields are not valid."))
    with transaction.atomic():
        survey = Survey.objects.create(
            unit=unit,
            title=title.strip(),
            introduction=introduction.strip(),
            is_anonymous=is_anonymous,
            party_statuses=list(party_statuses),
            closes_at=closes_at,
            created_by=actor,
            is_poll=is_poll,
            attached_to=attached_to,
        )
        _set_targets(survey, targets)
        audit_record(actor=actor, action="engagement.survey.create", target=survey, unit_id=unit.pk)
    return survey


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().select_related("unit").get(pk=survey.pk)


def survey_update(
    *,
    actor: Any,
    survey: Survey,
    title: str,
    introduction: str = "",
    is_anonymous: bool | None = None,
    party_statuses: Sequence[str] = (),
    closes_at: datetime | None = None,
    targets: Sequence[TargetIn] = (),
) -> Survey:
    """Change a survey that is not closed. Anonymity is chosen while it is a draft and never changes after;
    who is asked changes only while it is a draft too (response rates would lose their meaning)."""
    permissions.require_author(actor, survey)
    with transaction.atomic():
        survey = _locked(survey)
        if survey.status == SurveyStatus.CLOSED:
            raise DomainError("survey.closed", _("A closed survey can no longer be changed."))
        is_draft = survey.status == SurveyStatus.DRAFT
        if is_anonymous is not None and is_anonymous != survey.is_anonymous and not is_draft:
            raise DomainError(
                "survey.anonymity_fixed",
                _("Whether answers are anonymous cannot change once the survey is open."),
            )
        errors = _check_details(
            actor=actor,
            unit=survey.unit,
            title=title,
            party_statuses=party_statuses,
            closes_at=closes_at,
            targets=targets,
            is_poll=survey.is_poll,
        )
        if errors:
            raise FieldErrors(errors, _("Some fields are not valid."))
        survey.title = title.strip()
        survey.introduction = introduction.strip()
        survey.closes_at = closes_at
        fields = ["title", "introduction", "closes_at"]
        if is_draft:
            survey.party_statuses = list(party_statuses)
            fields.append("party_statuses")
            if is_anonymous is not None:
                survey.is_anonymous = is_anonymous
                fields.append("is_anonymous")
            _set_targets(survey, targets)
        survey.save(update_fields=fields)
        audit_record(actor=actor, action="engagement.survey.update", target=survey, unit_id=survey.unit_id)
    return survey


def _questions_locked(survey: Survey) -> None:
    if survey.status == SurveyStatus.CLOSED:
        raise DomainError("survey.closed", _("A closed survey can no longer be changed."))
    if survey.responses.exists():
        raise DomainError(
            "survey.has_answers", _("The questions cannot change: people have already answered this survey.")
        )


def _clean_options(options: Sequence[str]) -> list[str]:
    return [option.strip() for option in options if option and option.strip()]


def question_save(
    *,
    actor: Any,
    survey: Survey,
    question: SurveyQuestion | None = None,
    kind: str,
    text: str,
    help_text: str = "",
    is_required: bool = False,
    options: Sequence[str] = (),
    scale_min: int = 1,
    scale_max: int = 5,
    scale_min_label: str = "",
    scale_max_label: str = "",
    condition_question_id: int | None = None,
    condition_option: int | None = None,
) -> SurveyQuestion:
    """Add a question at the end (or change ``question``) while nobody has answered the survey."""
    permissions.require_author(actor, survey)
    with transaction.atomic():
        survey = _locked(survey)
        _questions_locked(survey)
        if question is not None and question.survey_id != survey.pk:
            raise DomainError("survey.other_question", _("This question belongs to another survey."))
        errors: dict[str, list[str]] = {}
        if kind not in QuestionKind.values:
            errors["kind"] = [str(_("Choose a kind of question."))]
        if not text.strip():
            errors["text"] = [str(_("Write the question."))]
        cleaned = _clean_options(options) if kind in CHOICE_KINDS else []
        if kind in CHOICE_KINDS:
            if len(cleaned) < 2:
                errors["options"] = [str(_("Give at least two options, one a line."))]
            elif len(cleaned) > MAX_OPTIONS:
                errors["options"] = [str(_("Give at most %(count)d options.") % {"count": MAX_OPTIONS})]
            elif len(set(cleaned)) != len(cleaned):
                errors["options"] = [str(_("Each option must be different."))]
        if kind == QuestionKind.RATING and not (scale_min < scale_max <= scale_min + MAX_SCALE_STEPS - 1):
            errors["scale_max"] = [
                str(
                    _("The highest rating must be above the lowest, at most %(steps)d steps.")
                    % {"steps": MAX_SCALE_STEPS}
                )
            ]
        if survey.is_poll and kind not in CHOICE_KINDS:
            errors["kind"] = [str(_("A poll asks a single or multiple choice question."))]
        others = [q for q in survey.questions.all() if question is None or q.pk != question.pk]
        if survey.is_poll and others:
            errors["text"] = [str(_("A poll has exactly one question."))]
        condition: SurveyQuestion | None = None
        if condition_question_id is not None:
            earlier = {q.pk: q for q in others if question is None or q.position < question.position}
            condition = earlier.get(condition_question_id)
            if condition is None or condition.kind not in CHOICE_KINDS:
                errors["condition_question"] = [str(_("A condition must name an earlier choice question."))]
            elif condition_option is None or not 0 <= condition_option < len(condition.options):
                errors["condition_option"] = [str(_("Choose one of that question's options."))]
        if errors:
            raise FieldErrors(errors, _("Some fields are not valid."))
        if question is None:
            position = (survey.questions.aggregate(top=Max("position"))["top"] or 0) + 1
            question = SurveyQuestion(survey=survey, position=position)
        question.kind = kind
        question.text = text.strip()
        question.help_text = help_text.strip()
        question.is_required = is_required or survey.is_poll  # a vote without a choice means nothing
        question.options = cleaned
        question.scale_min, question.scale_max = (
            (scale_min, scale_max) if kind == QuestionKind.RATING else (1, 5)
        )
        question.scale_min_label = scale_min_label.strip() if kind == QuestionKind.RATING else ""
        question.scale_max_label = scale_max_label.strip() if kind == QuestionKind.RATING else ""
        question.condition_question = condition
        question.condition_option = condition_option if condition is not None else None
        question.save()
        # A question that stopped being a choice question, or lost options, cannot be a condition any more.
        for dependant in question.dependants.all():
            if question.kind not in CHOICE_KINDS or (dependant.condition_option or 0) >= len(
                question.options
            ):
                dependant.condition_question = None
                dependant.condition_option = None
                dependant.save(update_fields=["condition_question", "condition_option"])
        audit_record(
            actor=actor,
            action="engagement.survey.question_save",
            target=survey,
            unit_id=survey.unit_id,
            data={"question": question.pk},
        )
    return question


def question_delete(*, actor: Any, question: SurveyQuestion) -> None:
    """Remove a question (and the conditions that name it) while nobody has answered the survey."""
    survey = question.survey
    permissions.require_author(actor, survey)
    with transaction.atomic():
        survey = _locked(survey)
        _questions_locked(survey)
        question.dependants.update(condition_question=None, condition_option=None)
        question.delete()
        audit_record(
            actor=actor, action="engagement.survey.question_delete", target=survey, unit_id=survey.unit_id
        )


def question_move(*, actor: Any, question: SurveyQuestion, up: bool) -> None:
    """Swap a question with the one before (``up``) or after it; a condition never moves above the
    question it depends on, nor a question below one that depends on it."""
    survey = question.survey
    permissions.require_author(actor, survey)
    with transaction.atomic():
        survey = _locked(survey)
        _questions_locked(survey)
        questions = list(survey.questions.all())
        index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
        other_index = index - 1 if up else index + 1
        if not 0 <= other_index < len(questions):
            return
        first, second = sorted((questions[index], questions[other_index]), key=questions.index)
        if second.condition_question_id == first.pk:
            raise DomainError(
                "survey.condition_order",
                _("A question must stay below the question its condition depends on."),
            )
        questions[index], questions[other_index] = questions[other_index], questions[index]
        for position, row in enumerate(questions, start=1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])


# --- Opening and closing ----------------------------------------------------------------------


def survey_open(*, actor: Any, survey: Survey, notify: bool = True) -> Survey:
    """Open a draft: people asked see it in "My surveys" and (unless ``notify`` is False, as for
    the demo data) get a notice in their inbox."""
    permissions.require_author(actor, survey)
    given = survey
    with transaction.atomic():
        survey = _locked(survey)
        if not survey.can_become(SurveyStatus.OPEN):
            raise DomainError("survey.not_draft", _("Only a draft survey can be opened."))
        if not survey.questions.exists():
            raise DomainError(
                "survey.no_questions", _("Add at least one question before opening the survey.")
            )
        if not survey.is_poll and not survey.targets.exists():
            raise DomainError("survey.no_targets", _("Choose who is asked before opening the survey."))
        if survey.closes_at is not None and survey.closes_at <= timezone.now():
            raise DomainError("survey.closes_in_past", _("The closing time has passed: change it first."))
        survey.status = given.status = SurveyStatus.OPEN
        survey.opened_at = given.opened_at = timezone.now()
        survey.save(update_fields=["status", "opened_at"])
        audit_record(actor=actor, action="engagement.survey.open", target=survey, unit_id=survey.unit_id)
        if notify and not survey.is_poll:
            from engagement.queries_surveys import asked_people

            notifications_send(
                recipients=asked_people(survey),
                kind=OPENED_KIND,
                title=_("New survey: %(title)s"),
                params={"title": survey.title},
                url=reverse("engagement:survey_answer", args=[survey.pk]),
                dedupe_key=f"survey-open:{survey.pk}",
            )
    return survey


def survey_delete(*, actor: Any, survey: Survey) -> None:
    """Delete a draft (never a survey that was opened: its answers and participations are a record)."""
    permissions.require_author(actor, survey)
    with transaction.atomic():
        survey = _locked(survey)
        if survey.status != SurveyStatus.DRAFT:
            raise DomainError(
                "survey.not_draft", _("Only a draft can be deleted; close an open survey instead.")
            )
        audit_record(
            actor=actor,
            action="engagement.survey.delete",
            target=survey,
            unit_id=survey.unit_id,
            data={"title": survey.title},
        )
        survey.delete()


def survey_close(*, actor: Any | None, survey: Survey) -> Survey:
    """Close an open survey: no more answers. ``actor`` None is the scheduler at the closing time."""
    if actor is not None:
        permissions.require_author(actor, survey)
    given = survey
    with transaction.atomic():
        survey = _locked(survey)
        if not survey.can_become(SurveyStatus.CLOSED):
            raise DomainError("survey.not_open", _("Only an open survey can be closed."))
        survey.status = given.status = SurveyStatus.CLOSED
        survey.closed_at = given.closed_at = timezone.now()
        survey.save(update_fields=["status", "closed_at"])
        survey_responses_shuffle(survey=survey)
        audit_record(actor=actor, action="engagement.survey.close", target=survey, unit_id=survey.unit_id)
    return survey


def survey_responses_shuffle(*, survey: Survey, shuffle: Callable[[list[Any]], None] = _shuffle) -> int:
    """Rewrite an anonymous survey's responses and answers in a random order; returns how many.

    Keys and times cannot tie a response to its participation row, but the order in which rows sit
    in the table can: SQLite numbers rows as they are inserted (the hidden ``rowid``), PostgreSQL
    appends them to its heap. Deleting and inserting them again (same keys, so moderation subjects
    keep their meaning) in a shuffled order leaves nothing but a random order. Run at closing and
    every night for open anonymous surveys (PostgreSQL's old row versions go with the next vacuum).
    """
    if not survey.is_anonymous:
        return 0
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=survey.pk).first()  # no answer arrives meanwhile
        responses = list(SurveyResponse.objects.filter(survey=survey))
        answers = list(SurveyAnswer.objects.filter(response__survey=survey))
        if len(responses) < 2:
            return len(responses)
        SurveyResponse.objects.filter(survey=survey).delete()  # the answers go with them (cascade)
        shuffle(responses)
        shuffle(answers)
        SurveyResponse.objects.bulk_create(responses)
        SurveyAnswer.objects.bulk_create(answers)
    return len(responses)


def anonymous_surveys_shuffle() -> int:
    """The nightly shuffle of every open anonymous survey (see ``survey_responses_shuffle``)."""
    return sum(
        survey_responses_shuffle(survey=survey)
        for survey in Survey.objects.filter(status=SurveyStatus.OPEN, is_anonymous=True)
    )


def surveys_close_due(*, now: datetime | None = None) -> int:
    """Close every open survey whose closing time has come (run by the scheduler); returns how many."""
    moment = now or timezone.now()
    closed = 0
    for survey in Survey.objects.filter(status=SurveyStatus.OPEN, closes_at__lte=moment):
        try:
            survey_close(actor=None, survey=survey)
        except DomainError:
            continue  # closed meanwhile by its author
        closed += 1
    return closed


# --- Answering --------------------------------------------------------------------------------


def visible_questions(
    questions: Sequence[SurveyQuestion], chosen: Mapping[int, list[int]]
) -> list[SurveyQuestion]:
    """The questions shown for the answers chosen so far: a conditional question only when its
    question is shown and answered with its option (conditions always name an earlier question)."""
    shown: list[SurveyQuestion] = []
    shown_ids: set[int] = set()
    for question in questions:
        if question.condition_question_id is not None and (
            question.condition_question_id not in shown_ids
            or question.condition_option not in chosen.get(question.condition_question_id, [])
        ):
            continue
        shown.append(question)
        shown_ids.add(question.pk)
    return shown


def _label(question: SurveyQuestion) -> str:
    return question.text if len(question.text) <= 60 else question.text[:59] + "…"


def _parse(question: SurveyQuestion, values: list[str]) -> tuple[Any, str | None]:
    """The answer to one question from the submitted strings, or an error message naming it."""
    values = [value.strip() for value in values if value is not None and str(value).strip()]
    name = _label(question)
    if not values:
        if question.is_required:
            return None, str(_("Answer the question “%(question)s”.") % {"question": name})
        return None, None
    if question.kind in CHOICE_KINDS:
        try:
            indexes = sorted({int(value) for value in values})
        except ValueError:
            indexes = [-1]
        if any(not 0 <= index < len(question.options) for index in indexes) or (
            question.kind == QuestionKind.SINGLE and len(indexes) > 1
        ):
            return None, str(_("Choose among the options of “%(question)s”.") % {"question": name})
        return indexes, None
    if question.kind == QuestionKind.RATING:
        try:
            rating = int(values[0])
        except ValueError:
            rating = question.scale_min - 1
        if len(values) > 1 or not question.scale_min <= rating <= question.scale_max:
            return None, str(
                _("Rate “%(question)s” from %(low)d to %(high)d.")
                % {"question": name, "low": question.scale_min, "high": question.scale_max}
            )
        return rating, None
    text = "\n".join(values)
    limit = SHORT_TEXT_LIMIT if question.kind == QuestionKind.SHORT_TEXT else LONG_TEXT_LIMIT
    if len(text) > limit:
        return None, str(
            _("The answer to “%(question)s” is too long: at most %(limit)d characters.")
            % {"question": name, "limit": limit}
        )
    return text, None


def field_name(question: SurveyQuestion) -> str:
    """The form field (and API field error key) of a question."""
    return f"q{question.pk}"


def _answers_from(survey: Survey, submitted: Mapping[str, list[str]]) -> list[tuple[SurveyQuestion, Any]]:
    """Validate a submission: only the questions its own answers make visible count, and must be valid."""
    questions = list(survey.questions.all())
    parsed: dict[int, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        value, error = _parse(question, list(submitted.get(field_name(question), [])))
        parsed[question.pk] = (value, error)
    chosen = {pk: value for pk, (value, error) in parsed.items() if isinstance(value, list) and error is None}
    shown = visible_questions(questions, chosen)
    answers: list[tuple[SurveyQuestion, Any]] = []
    for question in shown:
        value, error = parsed[question.pk]
        if error:
            errors[field_name(question)] = [error]
        elif value is not None:
            answers.append((question, value))
    if errors:
        raise FieldErrors(errors, _("Some answers need your attention."))
    if not answers:
        raise FieldErrors.single("__all__", _("Answer at least one question before sending."))
    return answers


def _screen_texts(survey: Survey, answers: list[tuple[SurveyQuestion, Any]]) -> dict[int, Any]:
    """The lexicon's verdict on each text answer; a blocked text is refused, naming its question."""
    texts = [(question, value) for question, value in answers if question.kind in TEXT_KINDS]
    results = moderation.texts_check(texts=[value for _q, value in texts], unit=survey.unit)
    errors: dict[str, list[str]] = {}
    verdicts: dict[int, Any] = {}
    for (question, _value), result in zip(texts, results, strict=True):
        if result.action == "block":
            errors[field_name(question)] = [
                str(_("The answer to “%(question)s” was refused: %(reason)s"))
                % {"question": _label(question), "reason": moderation.blocked_message(result)}
            ]
        verdicts[question.pk] = result
    if errors:
        raise FieldErrors(errors, _("Some answers need your attention."))
    return verdicts


def response_submit(
    *, actor: Any, survey: Survey, answers: Mapping[str, list[str]]
) -> tuple[SurveyParticipation, bool]:
    """Store a person's answers once: a retry (or a second submission) returns the first
    participation and ``False``. Answers cannot be changed after submission (docs/engagement-surveys.md).

    The response, its answers and the participation are written in one transaction; an anonymous
    survey's response carries no person, no time and random keys.
    """
    permissions.require_may_answer(actor, survey)
    existing = SurveyParticipation.objects.filter(survey=survey, person=actor).first()
    if existing is not None:
        return existing, False
    if survey.status != SurveyStatus.OPEN:
        raise DomainError("survey.not_open", _("This survey is closed: answers are no longer accepted."))
    parsed = _answers_from(survey, answers)
    verdicts = _screen_texts(survey, parsed)
    membership = permissions.membership_of(actor)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            locked = Survey.objects.select_for_update().get(pk=survey.pk)
            # Past its closing time the survey is closed, even before the scheduler's next run.
            if locked.status != SurveyStatus.OPEN or (
                locked.closes_at and locked.closes_at <= timezone.now()
            ):
                raise DomainError(
                    "survey.not_open", _("This survey is closed: answers are no longer accepted.")
                )
            participation = SurveyParticipation.objects.create(
                survey=survey, person=actor, unit=membership.unit if membership else None, answered_on=today
            )
            response = SurveyResponse.objects.create(
                survey=survey, submitted_on=None if locked.is_anonymous else today
            )
            held: list[SurveyAnswer] = []
            for question, value in parsed:
                answer = SurveyAnswer(response=response, question=question)
                if question.kind in CHOICE_KINDS:
                    answer.choices = value
                elif question.kind == QuestionKind.RATING:
                    answer.rating = value
                else:
                    result = verdicts[question.pk]
                    answer.text = result.masked_text
                    answer.is_held = result.action == "hold"
                    if answer.is_held:
                        held.append(answer)
                answer.save(force_insert=True)
            if not locked.is_anonymous:
                participation.response = response
                participation.save(update_fields=["response"])
                for answer in held:
                    moderation.submission_screen(
                        actor=actor,
                        text=answer.text,
                        unit=survey.unit,
                        subject=f"{SUBJECT_PREFIX}{answer.pk}",
                        snapshot_url=reverse("engagement:survey_results", args=[survey.pk]),
                    )
                audit_record(
                    actor=actor, action="engagement.survey.respond", target=survey, unit_id=survey.unit_id
                )
            else:
                # The review queue hears of an anonymous answer from the task worker, with no person and
                # no request origin: the item's author, address and time then say nothing about who wrote it.
                from engagement.tasks_surveys import survey_answer_queue

                for answer in held:
                    transaction.on_commit(partial(survey_answer_queue.enqueue, str(answer.pk)))
    except IntegrityError:
        # The same person's concurrent retry won the race: theirs is the one response.
        existing = SurveyParticipation.objects.filter(survey=survey, person=actor).first()
        if existing is None:
            raise
        return existing, False
    return participation, True


def survey_answer_queue(*, answer_id: str) -> None:
    """Put a held anonymous answer into the review queue, without its author (called by the worker)."""
    answer = SurveyAnswer.objects.select_related("response__survey__unit").filter(pk=answer_id).first()
    if answer is None or not answer.is_held:
        return
    survey = answer.response.survey
    with transaction.atomic():
        result = moderation.submission_screen(
            actor=None,
            text=answer.text,
            unit=survey.unit,
            subject=f"{SUBJECT_PREFIX}{answer.pk}",
            snapshot_url=reverse("engagement:survey_results", args=[survey.pk]),
        )
        if result.action != "hold":  # the lexicon changed meanwhile: nothing to review any more
            SurveyAnswer.objects.filter(pk=answer.pk).update(is_held=False, text=result.masked_text)


def on_moderation(event: Any) -> None:
    """A moderator decided on a held (or reported) answer: show it again or keep it out of the results."""
    answer_id = event.subject.removeprefix(SUBJECT_PREFIX)
    if event.status == "approved":
        SurveyAnswer.objects.filter(pk=answer_id).update(is_held=False, is_hidden=False)
    elif event.status == "pending":
        SurveyAnswer.objects.filter(pk=answer_id).update(is_held=True)
    else:
        SurveyAnswer.objects.filter(pk=answer_id).update(is_held=False, is_hidden=True)


# --- Reminders and polls ----------------------------------------------------------------------


def survey_remind(*, actor: Any, survey: Survey) -> int:
    """Send every person asked who has not answered a reminder in their inbox; at most once a day."""
    permissions.require_author(actor, survey)
    from engagement.queries_surveys import people_not_answered

    if survey.status != SurveyStatus.OPEN:
        raise DomainError("survey.not_open", _("Only an open survey's people can be reminded."))
    today = timezone.localdate()
    try:
        with transaction.atomic():
            reminder = SurveyReminder.objects.create(survey=survey, sent_on=today, sent_by=actor)
            people = list(people_not_answered(survey))
            notifications_send(
                recipients=people,
                kind=REMINDER_KIND,
                title=_("Reminder: please answer the survey “%(title)s”"),
                params={"title": survey.title},
                url=reverse("engagement:survey_answer", args=[survey.pk]),
                dedupe_key=f"survey-remind:{survey.pk}:{today.isoformat()}",
            )
            reminder.recipients = len(people)
            reminder.save(update_fields=["recipients"])
            audit_record(
                actor=actor,
                action="engagement.survey.remind",
                target=survey,
                unit_id=survey.unit_id,
                data={"recipients": len(people)},
            )
    except IntegrityError:
        raise DomainError(
            "survey.reminded_today",
            _("A reminder was already sent today; you can send the next one tomorrow."),
        ) from None
    return len(people)


def poll_vote(*, actor: Any, poll: Survey, choices: Sequence[str]) -> tuple[SurveyParticipation, bool]:
    """A vote in a poll: its one question answered once (a retry returns the first vote)."""
    question = poll.questions.first()
    if question is None:
        raise DomainError("survey.no_questions", _("This poll has no question."))
    return response_submit(actor=actor, survey=poll, answers={field_name(question): list(choices)})
