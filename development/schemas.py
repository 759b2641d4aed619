"""Schemas of the development API: cases and their timelines, steps, votes and batches.

Labels (step names, stage names, status labels, rule messages) are in the caller's language;
codes never change with it. A case's step data and documents (the full dossier, 全程纪实) are
included only for readers holding ``development.view_dossier`` over the case's branch.
"""

from __future__ import annotations

import datetime
from datetime import date
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Schema

from accounts.api import RuleViolationOut
from development import steps
from development.deadlines import Deadline
from development.engine import REASON_MAX_LENGTH
from development.models import (
    Batch,
    BatchKind,
    CaseReturn,
    CaseStatus,
    DevelopmentCase,
    RuleException,
    StepRecord,
)
from development.queries import Timeline, TimelineEntry
from development.rule_engine import Level, Violation, params_as_json, params_from_json
from orgs.schemas import PersonRefOut, UnitRefOut

STEP_COUNT = len(steps.STEPS)
# "any" lists cases whatever their status; the others are ``CaseStatus`` values.
StatusFilter = Literal["open", "closed_converted", "closed_cancelled", "transferred_out", "withdrawn", "any"]


# --- Violations ---------------------------------------------------------------------------------


def violation_json(violation: Violation) -> dict[str, Any]:
    """A violation as the API shows it (a ``RuleViolationOut``)."""
    params = dict(violation.params)
    case_id = params.get("case_id")
    return {
        "code": violation.code,
        "message": violation.message,
        "source": violation.source,
        "scope": str(violation.rule.scope),
        "level": str(violation.level),
        "waivable": violation.waivable,
        "dates": violation.dates,
        "params": params_as_json(params),
        "case_id": case_id if isinstance(case_id, int) else None,
    }


def exception_json(exception: RuleException) -> dict[str, Any]:
    """A recorded exception to a rule, with the rule's message as it reads today."""
    violation = Violation(exception.rule_code, params_from_json(exception.params or {}), Level.ERROR)
    try:
        message, source = violation.message, violation.source
    except (KeyError, TypeError, ValueError):  # a rule retired or reworded since
        message, source = exception.rule_code, ""
    return {
        "id": exception.pk,
        "step": exception.step,
        "rule_code": exception.rule_code,
        "message": message,
        "source": source,
        "params": exception.params or {},
        "reason": exception.reason,
        "recorded_by": exception.recorded_by,
        "authority": exception.authority,
        "recorded_on": exception.recorded_on,
    }


# --- Small parts ----------------------------------------------------------------------------------


class BatchRefOut(Schema):
    id: int
    name: str


class ExceptionOut(Schema):
    id: int
    step: int
    rule_code: str = Field(examples=["application.talk_within_one_month"])
    message: str = Field(description="The rule's message with the dates of the exception.")
    source: str
    params: dict[str, Any] = Field(description="The dates and values involved.")
    reason: str = Field(description="Why the exception was made; stays in the dossier.")
    recorded_by: PersonRefOut
    authority: str = Field(description="The position by virtue of which it was recorded.")
    recorded_on: date


class VoteOut(Schema):
    id: int
    case_id: int
    step: int = Field(description="15 (admission) or 23 (conversion).")
    probation_round: int
    batch_id: int | None
    meeting_on: date
    proposal: str = Field(description="`admit`, `convert`, `extend` or `cancel`.")
    extension_months: int | None
    members_with_voting_rights: int
    attended: int
    written_opinions: int
    yes: int
    no: int
    abstain: int
    result: str = Field(description="`passed` or `failed`: computed by the rules, never typed.")


class DocumentRefOut(Schema):
    kind: str = Field(description="What the document is for this step, e.g. `application_letter`.")
    title: str
    public_id: str = Field(description="Download it from `/files/{public_id}/`.")


class DeadlineOut(Schema):
    code: str = Field(description="`talk`, `approval`, `assessment`, `thought_report` or `probation_end`.")
    label: str
    due_on: date
    overdue: bool


class MissingOut(Schema):
    kind: str = Field(description="`document` (of a recorded step) or `field` (of the next step).")
    step: int
    label: str


class FieldOut(Schema):
    name: str = Field(description="The key in a step's `data`.")
    kind: str = Field(description="`date`, `person`, `persons`, `choice`, `int`, `text` or `bool`.")
    label: str
    required: bool
    choices: list[dict[str, str]] = Field(description="For `choice`: each `value` with its `label`.")
    minimum: int | None
    maximum: int | None


class StepDefinitionOut(Schema):
    number: int
    code: str
    name: str
    stage: int
    stage_name: str
    date_label: str = Field(description="What the step's `date` means, e.g. the date of the talk.")
    capability: str = Field(description="The right that records it over the case's branch.")
    fields: list[FieldOut] = Field(description="Besides `date`, which every step has.")
    documents: list[dict[str, Any]] = Field(
        description="Documents the step expects: `kind`, `label`, `required`."
    )


class TimelineStepOut(Schema):
    number: int
    code: str
    name: str
    stage: int
    state: str = Field(description="`done`, `current`, `upcoming` or `skipped`.")
    probation_round: int = Field(description="2 for steps 21–25 repeated after an extension.")
    date: datetime.date | None = Field(description="When the step was done.")
    recorded_by: PersonRefOut | None = Field(description="Who recorded it.")
    transferred_in: bool = Field(description="Recorded from a dossier of another party organisation.")
    data: dict[str, Any] | None = Field(
        description="The step's fields (people by id); null unless you may open the full dossier."
    )
    documents: list[DocumentRefOut] = Field(description="Empty unless you may open the full dossier.")
    missing_documents: list[str] = Field(description="Required documents not attached yet.")
    warnings: list[RuleViolationOut] = Field(description="Rules the step did not meet but that never refuse.")
    exceptions: list[ExceptionOut] = Field(description="Rules excused for this step, with the reasons.")
    vote: VoteOut | None


class ReturnOut(Schema):
    step: int
    reason: str
    returned_on: date
    returned_by: PersonRefOut
    resubmitted_on: date | None
    resubmit_note: str


# --- Cases ----------------------------------------------------------------------------------------


class CaseFieldsOut(Schema):
    """The fields of a case row, without the resolvers that read them from a model instance."""

    id: int
    person: PersonRefOut
    grade: int | None = Field(description="The person's year of enrolment.")
    branch: UnitRefOut
    status: CaseStatus
    status_label: str
    stage: int = Field(
        description="1 application, 2 activist, 3 development target, 4 admission, 5 probation."
    )
    stage_name: str
    current_step: int = Field(description="The step being worked on (1–25).")
    current_step_code: str
    current_step_name: str
    step_since: date = Field(description="Since when the case is at its current step.")
    batch: BatchRefOut | None
    opened_on: date = Field(description="The day the application was received.")
    closed_on: date | None
    activist_on: date | None
    target_on: date | None
    probation_start: date | None
    probation_end: date | None
    is_returned: bool = Field(description="The higher committee returned it to the branch.")


class CaseOut(CaseFieldsOut):
    """One case, as a list row."""

    @staticmethod
    def resolve_grade(obj: DevelopmentCase) -> int | None:
        return obj.person.grade

    @staticmethod
    def resolve_status_label(obj: DevelopmentCase) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_stage_name(obj: DevelopmentCase) -> str:
        return str(steps.STAGES[obj.stage])

    @staticmethod
    def resolve_current_step_code(obj: DevelopmentCase) -> str:
        return steps.STEPS_BY_NUMBER[obj.current_step].code

    @staticmethod
    def resolve_current_step_name(obj: DevelopmentCase) -> str:
        return str(steps.STEPS_BY_NUMBER[obj.current_step].name)


class CaseDetailOut(CaseFieldsOut):
    """A case with its timeline: what is done, what is next, what is due and what is missing."""

    full_dossier: bool = Field(
        description="True when step data and documents are included (you hold `development.view_dossier`)."
    )
    steps: list[TimelineStepOut] = Field(description="All 25 steps (and repeated ones) in order.")
    next_step: StepDefinitionOut | None = Field(
        description="The step that can be recorded now, with its fields; null for a closed case."
    )
    earliest_on: date | None = Field(
        description="The first day the next step may be dated, if a rule says so."
    )
    next_due: DeadlineOut | None = Field(description="The earliest running deadline.")
    deadlines: list[DeadlineOut]
    missing: list[MissingOut]
    exceptions: list[ExceptionOut] = Field(description="Every exception recorded on the case.")
    failed_votes: list[VoteOut]
    returns: list[ReturnOut]
    transferred_in_from: str
    transfer_letter_number: str = Field(
        description="The transfer letter's number, for a case transferred in."
    )
    transferred_in_on: date | None = Field(description="The day the transfer letter was received.")
    destination: str = Field(description="Where the person transferred to, for a case transferred out.")


def _document_json(attachment: Any) -> dict[str, Any]:
    return {
        "kind": attachment.kind,
        "title": attachment.document.title,
        "public_id": str(attachment.document.public_id),
    }


def _entry_json(entry: TimelineEntry, *, full: bool) -> dict[str, Any]:
    definition = entry.definition
    record: StepRecord | None = entry.record
    return {
        "number": definition.number,
        "code": definition.code,
        "name": str(definition.name),
        "stage": definition.stage,
        "state": entry.state,
        "probation_round": entry.probation_round,
        "date": record.date if record else None,
        "recorded_by": record.recorded_by if record else None,
        "transferred_in": bool(record and record.transferred_in),
        "data": dict(record.data) if record and full else None,
        "documents": [_document_json(item) for item in entry.documents] if full else [],
        "missing_documents": [str(spec.label) for spec in entry.missing_documents],
        "warnings": [violation_json(item) for item in entry.warnings],
        "exceptions": [exception_json(item) for item in entry.exceptions],
        "vote": entry.vote,
    }


def step_definition_json(definition: steps.StepDefinition) -> dict[str, Any]:
    """A step's definition: what recording it needs."""
    return {
        "number": definition.number,
        "code": definition.code,
        "name": str(definition.name),
        "stage": definition.stage,
        "stage_name": str(definition.stage_name),
        "date_label": str(definition.date_label),
        "capability": definition.capability,
        "fields": [
            {
                "name": spec.name,
                "kind": str(spec.kind),
                "label": str(spec.label),
                "required": spec.required,
                "choices": [{"value": value, "label": str(label)} for value, label in spec.choices],
                "minimum": spec.minimum,
                "maximum": spec.maximum,
            }
            for spec in definition.fields
        ],
        "documents": [
            {"kind": spec.kind, "label": str(spec.label), "required": spec.required}
            for spec in definition.documents
        ],
    }


def _deadline_json(deadline: Deadline, today: date) -> dict[str, Any]:
    return {
        "code": deadline.code,
        "label": str(deadline.label),
        "due_on": deadline.due_on,
        "overdue": deadline.is_overdue(today),
    }


def _return_json(item: CaseReturn) -> dict[str, Any]:
    return {
        "step": item.step,
        "reason": item.reason,
        "returned_on": item.returned_on,
        "returned_by": item.returned_by,
        "resubmitted_on": item.resubmitted_on,
        "resubmit_note": item.resubmit_note,
    }


def case_detail(timeline: Timeline, *, full: bool) -> dict[str, Any]:
    """The timeline of a case as a ``CaseDetailOut`` (``full``: with step data and documents)."""
    case = timeline.case
    today = timezone.localdate()
    deadlines = [_deadline_json(deadline, today) for deadline in timeline.deadlines]
    return {
        **CaseOut.from_orm(case).model_dump(),
        # References stay objects: their schemas resolve names (in the reader's language) from them.
        "person": case.person,
        "branch": case.branch,
        "batch": case.batch,
        "full_dossier": full,
        "steps": [_entry_json(entry, full=full) for entry in timeline.entries],
        "next_step": step_definition_json(timeline.recordable) if timeline.recordable else None,
        "earliest_on": timeline.earliest_on,
        "next_due": deadlines[0] if deadlines else None,
        "deadlines": deadlines,
        "missing": [
            {"kind": item.kind, "step": item.step, "label": str(item.label)} for item in timeline.missing
        ],
        "exceptions": [exception_json(item) for item in timeline.exceptions],
        "failed_votes": timeline.failed_votes,
        "returns": [_return_json(item) for item in timeline.returns],
        "transferred_in_from": case.transferred_in_from,
        "transfer_letter_number": case.transfer_letter_number,
        "transferred_in_on": case.transferred_in_on,
        "destination": case.destination,
    }


class CaseFiltersIn(Schema):
    status: StatusFilter = Field("open", description="The cases' status; `any` for every status.")
    stage: int | None = Field(None, ge=1, le=5, description="Only cases at a step of this stage.")
    step: int | None = Field(None, ge=1, le=STEP_COUNT, description="Only cases at this step.")
    batch: int | None = Field(None, description="Only cases of this batch (an id).")
    grade: int | None = Field(None, ge=1900, le=2200, description="Only people of this year of enrolment.")
    unit: int | None = Field(None, description="Only cases of branches in this unit's subtree (an id).")
    q: str = Field("", max_length=100, description="Name contains this, or number starts with it.")


# --- Recording ------------------------------------------------------------------------------------


class StepIn(Schema):
    step: int = Field(ge=2, le=STEP_COUNT, description="The step to record: the case's next one.")
    data: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "`date` (YYYY-MM-DD) and the step's fields, as `next_step.fields` of `GET /cases/{case_id}` "
            "lists them; people by id. Steps 15 and 23 take the vote counts and record the vote."
        ),
        examples=[{"date": "2026-03-20", "talker": 12, "summary": "…"}],
    )
    exception_reason: str | None = Field(
        None,
        max_length=REASON_MAX_LENGTH,
        description=(
            "Record the step although a rule refuses it, for this reason (needs "
            "`development.record_exception`); each excused rule becomes an exception in the dossier."
        ),
    )


class RecordOut(Schema):
    step: int
    code: str
    name: str
    date: datetime.date
    probation_round: int
    data: dict[str, Any]

    @staticmethod
    def resolve_code(obj: StepRecord) -> str:
        return obj.definition.code

    @staticmethod
    def resolve_name(obj: StepRecord) -> str:
        return str(obj.definition.name)


class StepRecordedOut(Schema):
    recorded: bool = Field(description="False when a vote was recorded but did not pass: the step waits.")
    record: RecordOut | None
    vote: VoteOut | None = Field(description="For steps 15 and 23.")
    warnings: list[RuleViolationOut] = Field(description="Rules noted with the step (they never refuse).")
    exceptions: list[ExceptionOut] = Field(description="Rules excused with `exception_reason`.")
    case: CaseOut = Field(description="The case after the step.")


class ApproveIn(Schema):
    approved_on: date = Field(description="The day of the higher committee's decision.")
    opinion: str = Field("", max_length=2000)
    exception_reason: str | None = Field(None, max_length=REASON_MAX_LENGTH)


class ReturnIn(Schema):
    reason: str = Field(min_length=1, max_length=REASON_MAX_LENGTH, description="Why the case goes back.")
    returned_on: date | None = Field(None, description="Today when left out.")


class ApplyIn(Schema):
    written_on: date | None = Field(None, description="The date written on the application, if not today.")


# --- Batches --------------------------------------------------------------------------------------


class BatchOut(Schema):
    id: int
    name: str
    kind: BatchKind
    kind_label: str
    semester: str
    unit: UnitRefOut
    opened_on: date
    closed_on: date | None
    is_open: bool
    case_count: int = Field(description="Cases in the batch.")

    @staticmethod
    def resolve_kind_label(obj: Batch) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_case_count(obj: Batch) -> int:
        return int(getattr(obj, "case_count", 0) or 0)


class BatchFiltersIn(Schema):
    kind: BatchKind | None = Field(None, description="Only batches of this kind.")
    open: bool | None = Field(None, description="`true`: open batches; `false`: closed ones.")
    unit: int | None = Field(None, description="Only batches of units in this unit's subtree (an id).")


class BatchOpenIn(Schema):
    unit: int = Field(description="The branch or college that runs the batch (an id).")
    name: str = Field(max_length=100, examples=["2026 autumn development targets"])
    kind: BatchKind
    semester: str = Field(max_length=20, examples=["2026 autumn"])
    opened_on: date | None = Field(None, description="Today when left out.")
    cases: list[int] = Field(default_factory=list, description="Cases to put in the batch at once (ids).")


class BatchCasesIn(Schema):
    cases: list[int] = Field(min_length=1, description="Open cases of the batch's unit (ids).")


class CandidateIn(Schema):
    case: int = Field(description="The candidate's case (an id); it must be in the batch.")
    yes: int = Field(ge=0, le=1000, description="Yes votes, written opinions of absentees included.")
    no: int = Field(ge=0, le=1000)
    abstain: int = Field(ge=0, le=1000)
    written_opinions: int = Field(0, ge=0, le=1000, description="Written opinions of absent members.")
    proposal: Literal["convert", "extend", "cancel"] | None = Field(
        None, description="For a conversion vote (step 23): what is voted on."
    )
    extension_months: int | None = Field(None, ge=1, le=24, description="With `extend`: 6 to 12.")


class MeetingIn(Schema):
    meeting_on: date
    members_with_voting_rights: int = Field(
        ge=1, le=1000, description="Full members with voting rights who should attend."
    )
    attended: int = Field(ge=0, le=1000, description="Of them present.")
    candidates: list[CandidateIn] = Field(min_length=1, description="Each candidate is voted on separately.")
    exception_reason: str | None = Field(None, max_length=REASON_MAX_LENGTH)


class MeetingOut(Schema):
    batch: BatchOut
    votes: list[VoteOut] = Field(description="One per candidate, in the order given.")
