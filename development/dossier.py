"""The dossier (全程纪实) of one development case, assembled once for the page and the PDF.

``build_dossier`` reads everything the dossier shows in a fixed number of queries, whatever the
number of steps, votes or documents, and returns a frozen tree of plain values: labels already in
the viewer's language, people by name, the person's ID number masked unless the viewer may see it.
Templates only lay it out. Who may open a dossier is decided (and every opening audited) by
``development.services.dossier_record_view`` before this runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.models import User
from archive.models import Document
from archive.permissions import can_read_document
from core.permissions import can
from development import queries, steps
from development.models import (
    Assessment,
    CaseReturn,
    DevelopmentCase,
    RuleException,
    StepDocument,
    StepRecord,
    Vote,
)
from development.permissions import is_own_case
from development.rule_engine import Violation
from development.rule_names import describe_stored, rule_name
from learning.queries import TrainingHours
from orgs import capabilities as org_caps
from orgs.models import Membership

# Data an ongoing step (6, 21) keeps when the next step completes it; not fields of its form.
_ONGOING_COUNTS = (
    ("assessments", gettext_lazy("Assessments during the step")),
    ("thought_reports", gettext_lazy("Thought reports during the step")),
)
# Free-text fields that record what people said about the candidate: listed again as opinions.
_OPINION_FIELDS = frozenset({"opinion", "opinions_heard", "summary"})


# --- The tree -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonPart:
    """Who the dossier is about. ``national_id`` is masked unless ``id_in_full``."""

    name: str
    number: str
    branch: str
    group: str
    birth_date: date | None
    gender: str
    grade: int | None
    major: str
    party_status: str
    national_id: str
    id_in_full: bool


@dataclass(frozen=True)
class DocumentPart:
    """A document of the dossier; ``url`` is the archive's permission-checked download, when readable."""

    title: str
    kind: str
    type_label: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime | None
    url: str | None


@dataclass(frozen=True)
class FieldPart:
    label: str
    value: str
    is_text: bool = False  # free text: shown as a paragraph rather than a short value


@dataclass(frozen=True)
class VotePart:
    step: int
    probation_round: int
    meeting_on: date
    proposal: str
    extension_months: int | None
    members_with_voting_rights: int
    attended: int
    written_opinions: int
    yes: int
    no: int
    abstain: int
    passed: bool
    result: str
    in_batch_meeting: bool
    recorded_by: str


@dataclass(frozen=True)
class ExceptionPart:
    """An exception to a rule: shown to every reader of the dossier, wherever it applies."""

    step: int
    step_name: str
    rule_code: str
    rule_name: str
    rule: str  # the rule's message with the dates and values involved
    source: str
    national: bool
    dates: tuple[tuple[str, date], ...]
    reason: str
    recorded_by: str
    authority: str
    recorded_on: date


@dataclass(frozen=True)
class WarningPart:
    rule_name: str
    rule: str
    source: str


@dataclass(frozen=True)
class ReturnPart:
    step: int
    step_name: str
    reason: str
    returned_on: date
    returned_by: str
    resubmitted_on: date | None
    resubmitted_by: str
    note: str


@dataclass(frozen=True)
class OpinionPart:
    step: int
    step_name: str
    label: str
    text: str
    on: date


@dataclass(frozen=True)
class StepPart:
    """One step: done (with its record) or not yet done (``state`` current, upcoming or skipped)."""

    number: int
    name: str
    stage: int
    state: str
    probation_round: int
    date_label: str
    date: date | None
    recorded_by: str
    transferred_in: bool
    fields: tuple[FieldPart, ...]
    votes: tuple[VotePart, ...]
    exceptions: tuple[ExceptionPart, ...]
    warnings: tuple[WarningPart, ...]
    returns: tuple[ReturnPart, ...]
    documents: tuple[DocumentPart, ...]
    missing_documents: tuple[str, ...]

    @property
    def is_done(self) -> bool:
        return self.state == "done"


@dataclass(frozen=True)
class StagePart:
    number: int
    name: str
    steps: tuple[StepPart, ...]


@dataclass(frozen=True)
class AssessmentPart:
    phase: str
    period: str
    assessed_on: date
    assessor: str
    result: str
    text: str


@dataclass(frozen=True)
class ThoughtReportPart:
    phase: str
    received_on: date
    documents: tuple[DocumentPart, ...]
    period: str = ""


@dataclass(frozen=True)
class DeadlinePart:
    label: str
    due_on: date
    overdue: bool


@dataclass(frozen=True)
class Milestone:
    label: str
    on: date


@dataclass(frozen=True)
class Dossier:
    """The full-process record of one case, ready to lay out."""

    case_id: int
    person: PersonPart
    status: str
    status_label: str
    is_open: bool
    current_step: int
    current_step_name: str
    batch: str
    opened_on: date
    closed_on: date | None
    closing_reason: str
    destination: str
    transferred_in_from: str
    milestones: tuple[Milestone, ...]
    stages: tuple[StagePart, ...]
    remaining: tuple[StepPart, ...]
    deadlines: tuple[DeadlinePart, ...]
    votes: tuple[VotePart, ...]
    exceptions: tuple[ExceptionPart, ...]
    returns: tuple[ReturnPart, ...]
    opinions: tuple[OpinionPart, ...]
    assessments: tuple[AssessmentPart, ...]
    thought_reports: tuple[ThoughtReportPart, ...]
    document_count: int
    generated_at: datetime
    viewer: str
    transfer_letter_number: str = ""
    transferred_in_on: date | None = None
    training: TrainingHours | None = None  # step 11's class hours, from the study app

    @property
    def done_count(self) -> int:
        return sum(1 for stage in self.stages for step in stage.steps if step.is_done)


# --- Assembling -----------------------------------------------------------------------------------


def _name(people: Mapping[int, User], person_id: int | None) -> str:
    if person_id is None:
        return ""
    person = people.get(person_id)
    return person.name if person is not None else _("(unknown person)")


def _list(names: Iterable[str]) -> str:
    return pgettext("list separator", ", ").join(names)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _field_value(spec: steps.FieldSpec, value: Any, people: Mapping[int, User]) -> str:
    """A stored step value as people read it: choices by label, people by name, dates as dates."""
    kind = spec.kind
    if kind == steps.FieldKind.PERSON:
        return _name(people, value) if isinstance(value, int) else ""
    if kind == steps.FieldKind.PERSONS:
        ids = value if isinstance(value, list) else []
        return _list(_name(people, item) for item in ids if isinstance(item, int))
    if kind == steps.FieldKind.CHOICE:
        return str(dict(spec.choices).get(str(value), value))
    if kind == steps.FieldKind.BOOL:
        return _yes_no(bool(value))
    return str(value)


def _fields(record: StepRecord, people: Mapping[int, User]) -> tuple[FieldPart, ...]:
    definition = record.definition
    parts: list[FieldPart] = []
    if definition.number in steps.VOTE_STEPS and "vote_id" in record.data:
        return ()  # the vote's counts and proposal are shown with the vote
    for spec in definition.fields:
        value = record.data.get(spec.name)
        if value is None or value == "" or value == []:
            continue
        parts.append(
            FieldPart(
                str(spec.label),
                _field_value(spec, value, people),
                is_text=spec.kind == steps.FieldKind.TEXT and spec.max_length > 200,
            )
        )
    if definition.ongoing:
        for key, label in _ONGOING_COUNTS:
            if key in record.data:
                parts.append(FieldPart(str(label), str(record.data[key])))
    return tuple(parts)


def _person_ids(records: Iterable[StepRecord]) -> set[int]:
    ids: set[int] = set()
    for record in records:
        for spec in record.definition.fields:
            value = record.data.get(spec.name)
            if spec.kind == steps.FieldKind.PERSON and isinstance(value, int):
                ids.add(value)
            elif spec.kind == steps.FieldKind.PERSONS and isinstance(value, list):
                ids.update(item for item in value if isinstance(item, int))
    return ids


def _described(code: str, params: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return describe_stored(code, params)
    except (KeyError, TypeError, ValueError):
        # A stored rule whose message no longer fits its values is still named, never hidden.
        return {"name": rule_name(code), "message": code, "source": "", "national": False, "dates": []}


def _step_name(number: int) -> str:
    definition = steps.STEPS_BY_NUMBER.get(number)
    return str(definition.name) if definition else str(number)


def _exception(exception: RuleException) -> ExceptionPart:
    rule = _described(exception.rule_code, exception.params or {})
    return ExceptionPart(
        step=exception.step,
        step_name=_step_name(exception.step),
        rule_code=exception.rule_code,
        rule_name=rule["name"],
        rule=rule["message"],
        source=rule["source"],
        national=rule["national"],
        dates=tuple((item["label"], item["date"]) for item in rule["dates"]),
        reason=exception.reason,
        recorded_by=exception.recorded_by.name,
        authority=exception.authority,
        recorded_on=exception.recorded_on,
    )


def _warning(warning: Violation) -> WarningPart:
    return WarningPart(rule_name(warning.code), warning.message, warning.source)


def _return(returned: CaseReturn) -> ReturnPart:
    return ReturnPart(
        step=returned.step,
        step_name=_step_name(returned.step),
        reason=returned.reason,
        returned_on=returned.returned_on,
        returned_by=returned.returned_by.name,
        resubmitted_on=returned.resubmitted_on,
        resubmitted_by=returned.resubmitted_by.name if returned.resubmitted_by else "",
        note=returned.resubmit_note,
    )


def _vote(vote: Vote, people: Mapping[int, User]) -> VotePart:
    return VotePart(
        step=vote.step,
        probation_round=vote.probation_round,
        meeting_on=vote.meeting_on,
        proposal=vote.get_proposal_display(),
        extension_months=vote.extension_months,
        members_with_voting_rights=vote.members_with_voting_rights,
        attended=vote.attended,
        written_opinions=vote.written_opinions,
        yes=vote.yes,
        no=vote.no,
        abstain=vote.abstain,
        passed=vote.passed,
        result=vote.get_result_display(),
        in_batch_meeting=vote.batch_id is not None,
        recorded_by=_name(people, vote.recorded_by_id),
    )


class _Documents:
    """The dossier's documents with their current version and uploader, read in one query."""

    def __init__(self, document_ids: set[int], viewer: Any) -> None:
        rows = Document.objects.filter(pk__in=document_ids).select_related(
            "unit", "current_version__uploaded_by"
        )
        self._by_id = {document.pk: document for document in rows}
        self._viewer = viewer

    def part(self, document_id: int, kind: str = "") -> DocumentPart | None:
        document = self._by_id.get(document_id)
        if document is None:
            return None
        version = document.current_version
        readable = can_read_document(self._viewer, document)
        return DocumentPart(
            title=document.title,
            kind=kind,
            type_label=version.type_label if version else "",
            size=version.size if version else 0,
            sha256=version.sha256 if version else "",
            uploaded_by=version.uploaded_by.name if version and version.uploaded_by else "",
            uploaded_at=version.created_at if version else None,
            url=reverse("archive:download", args=[document.public_id]) if readable else None,
        )

    def parts(self, document_ids: Iterable[int]) -> tuple[DocumentPart, ...]:
        found = (self.part(document_id) for document_id in document_ids)
        return tuple(part for part in found if part is not None)

    def __len__(self) -> int:
        return len(self._by_id)


def _kind_labels(definition: steps.StepDefinition) -> dict[str, str]:
    return {spec.kind: str(spec.label) for spec in definition.documents}


@dataclass(frozen=True)
class _Context:
    people: Mapping[int, User]
    documents: _Documents
    exceptions_by_record: Mapping[int, list[RuleException]]
    loose_exceptions: Mapping[tuple[int, int], list[RuleException]]
    votes: Mapping[tuple[int, int], list[Vote]]
    returns: Mapping[int, list[CaseReturn]]


def _step(entry: queries.TimelineEntry, context: _Context) -> StepPart:
    definition = entry.definition
    record = entry.record
    key = (definition.number, entry.probation_round)
    exceptions = list(context.exceptions_by_record.get(record.pk, [])) if record is not None else []
    exceptions += context.loose_exceptions.get(key, [])
    labels = _kind_labels(definition)
    documents = [
        context.documents.part(attachment.document_id, labels.get(attachment.kind, attachment.kind))
        for attachment in entry.documents
    ]
    return StepPart(
        number=definition.number,
        name=str(definition.name),
        stage=definition.stage,
        state=entry.state,
        probation_round=entry.probation_round,
        date_label=str(definition.date_label),
        date=record.date if record else None,
        recorded_by=record.recorded_by.name if record else "",
        transferred_in=bool(record and record.transferred_in),
        fields=_fields(record, context.people) if record else (),
        votes=tuple(_vote(vote, context.people) for vote in context.votes.get(key, [])),
        exceptions=tuple(_exception(exception) for exception in exceptions),
        warnings=tuple(_warning(w) for w in entry.warnings),
        returns=tuple(_return(returned) for returned in context.returns.get(definition.number, [])),
        documents=tuple(part for part in documents if part is not None),
        missing_documents=tuple(str(spec.label) for spec in entry.missing_documents),
    )


def _person(case: DevelopmentCase, membership: Membership | None, viewer: Any) -> PersonPart:
    person = case.person
    in_full = is_own_case(viewer, case) or can(viewer, org_caps.VIEW_PERSONAL_DATA, case.branch)
    return PersonPart(
        name=person.name,
        number=person.number,
        branch=case.branch.display_name,
        group=membership.group.display_name if membership and membership.group else "",
        birth_date=person.birth_date,
        gender=person.get_gender_display() if person.gender else "",
        grade=person.grade,
        major=person.major,
        party_status=membership.get_party_status_display() if membership else "",
        national_id=person.national_id if in_full else person.masked_national_id,
        id_in_full=in_full,
    )


def _milestones(case: DevelopmentCase) -> tuple[Milestone, ...]:
    candidates = (
        (_("Application received"), case.opened_on),
        (_("Activist since"), case.activist_on),
        (_("Development target since"), case.target_on),
        (_("Probation from"), case.probation_start),
        (_("Probation until"), case.probation_end),
        (_("Full member since"), case.converted_on),
        (_("Case closed"), case.closed_on),
    )
    return tuple(Milestone(label, day) for label, day in candidates if day is not None)


def _opinions(records: Iterable[StepRecord]) -> tuple[OpinionPart, ...]:
    found = []
    for record in records:
        for spec in record.definition.fields:
            text = record.data.get(spec.name)
            if spec.name in _OPINION_FIELDS and isinstance(text, str) and text.strip():
                found.append(
                    OpinionPart(record.step, _step_name(record.step), str(spec.label), text, record.date)
                )
    return tuple(found)


def build_dossier(case: DevelopmentCase, *, viewer: Any) -> Dossier:
    """Everything the dossier of ``case`` shows, as seen by ``viewer`` (masking and links depend on them).

    A fixed number of queries: the timeline's reads, then the documents, the people named and the
    person's membership, one query each.
    """
    timeline = queries.case_timeline(case)
    records = [entry.record for entry in timeline.entries if entry.record is not None]
    attachments: list[StepDocument] = [a for entry in timeline.entries for a in entry.documents]
    document_ids = {a.document_id for a in attachments}
    document_ids |= {r.document_id for r in timeline.thought_reports if r.document_id is not None}
    votes = sorted({*timeline.failed_votes, *(e.vote for e in timeline.entries if e.vote)}, key=_vote_order)
    people_ids = _person_ids(records) | {vote.recorded_by_id for vote in votes}
    people = User.objects.in_bulk(people_ids) if people_ids else {}
    membership = Membership.objects.filter(person_id=case.person_id).select_related("group").first()
    context = _context(timeline, votes, people, _Documents(document_ids, viewer))
    parts = [_step(entry, context) for entry in timeline.entries]
    today = timezone.localdate()
    return Dossier(
        case_id=case.pk,
        person=_person(case, membership, viewer),
        status=case.status,
        status_label=case.get_status_display(),
        is_open=case.is_open,
        current_step=case.current_step,
        current_step_name=_step_name(case.current_step),
        batch=case.batch.name if case.batch_id and case.batch else "",
        opened_on=case.opened_on,
        closed_on=case.closed_on,
        closing_reason=case.closing_reason,
        destination=case.destination,
        transferred_in_from=case.transferred_in_from,
        transfer_letter_number=case.transfer_letter_number,
        transferred_in_on=case.transferred_in_on,
        milestones=_milestones(case),
        stages=tuple(
            StagePart(number, str(name), tuple(part for part in parts if part.stage == number))
            for number, name in steps.STAGES.items()
        ),
        remaining=tuple(part for part in parts if not part.is_done),
        deadlines=tuple(
            DeadlinePart(str(d.label), d.due_on, d.is_overdue(today)) for d in timeline.deadlines
        ),
        votes=tuple(_vote(vote, people) for vote in votes),
        exceptions=tuple(_exception(exception) for exception in timeline.exceptions),
        returns=tuple(_return(returned) for returned in timeline.returns),
        opinions=_opinions(records),
        assessments=tuple(_assessment(a) for a in timeline.assessments),
        thought_reports=tuple(
            ThoughtReportPart(
                report.get_phase_display(),
                report.received_on,
                context.documents.parts([report.document_id] if report.document_id else []),
                report.period,
            )
            for report in timeline.thought_reports
        ),
        document_count=len(context.documents),
        generated_at=timezone.localtime(),
        viewer=getattr(viewer, "name", ""),
        training=queries.case_training(timeline),
    )


def dossier_file_name(dossier: Dossier) -> str:
    """The PDF's name in the viewer's language, e.g. ``发展党员全程纪实-张三-2023010101.pdf``."""
    parts = (_("Development dossier"), dossier.person.name, dossier.person.number)
    # Path separators and quotes have no place in a file name a browser will save.
    cleaned = ["".join(ch for ch in part if ch not in '/\\"\r\n\t:*?<>|').strip() for part in parts]
    return "-".join(part for part in cleaned if part) + ".pdf"


def _vote_order(vote: Vote) -> tuple[date, int]:
    return (vote.meeting_on, vote.pk)


def _assessment(assessment: Assessment) -> AssessmentPart:
    return AssessmentPart(
        phase=assessment.get_phase_display(),
        period=assessment.period,
        assessed_on=assessment.assessed_on,
        assessor=assessment.assessor.name,
        result=assessment.get_result_display(),
        text=assessment.text,
    )


def _context(
    timeline: queries.Timeline, votes: list[Vote], people: Mapping[int, User], documents: _Documents
) -> _Context:
    by_record: dict[int, list[RuleException]] = defaultdict(list)
    loose: dict[tuple[int, int], list[RuleException]] = defaultdict(list)
    rounds = _rounds_by_step(timeline)
    for exception in timeline.exceptions:
        if exception.step_record_id is not None:
            by_record[exception.step_record_id].append(exception)
        else:
            loose[(exception.step, rounds.get(exception.step, 1))].append(exception)
    votes_by_step: dict[tuple[int, int], list[Vote]] = defaultdict(list)
    for vote in votes:
        votes_by_step[(vote.step, vote.probation_round)].append(vote)
    returns: dict[int, list[CaseReturn]] = defaultdict(list)
    for returned in timeline.returns:
        returns[returned.step].append(returned)
    return _Context(people, documents, by_record, loose, votes_by_step, returns)


def _rounds_by_step(timeline: queries.Timeline) -> dict[int, int]:
    """The latest probation round each step appears in (an exception without a record goes there)."""
    rounds: dict[int, int] = {}
    for entry in timeline.entries:
        number = entry.definition.number
        rounds[number] = max(rounds.get(number, 1), entry.probation_round)
    return rounds
