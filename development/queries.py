"""Reads of the development procedure, scoped to what the asking user may see.

A user sees the cases whose branch lies in a scope where they hold ``development.view_cases``, and
always their own case. Lists have a fixed number of queries whatever their length.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.permissions import is_system_admin, scope_q
from development import capabilities as caps
from development import steps
from development.config import LocalRules, local_rules
from development.deadlines import CaseDates, Deadline, case_deadlines, earliest_on, horizon_days
from development.models import (
    Assessment,
    Batch,
    CaseReturn,
    CaseStatus,
    DevelopmentCase,
    DevelopmentConfig,
    RuleException,
    StepDocument,
    StepRecord,
    ThoughtReport,
    Vote,
)
from development.permissions import require_case_visible
from development.rule_engine import Level, Violation, params_from_json
from learning.queries import TrainingHours, training_hours
from orgs.models import OrgUnit

# --- Local rules ----------------------------------------------------------------------------------


def _root_path(path: str) -> str:
    return path[: OrgUnit.steplen]


def local_rules_for(unit: OrgUnit) -> LocalRules:
    """The local rules of the university ``unit`` belongs to (one query)."""
    parameters = (
        DevelopmentConfig.objects.filter(root_unit__path=_root_path(unit.path))
        .values_list("parameters", flat=True)
        .first()
    )
    return local_rules(parameters)


def local_rules_by_root() -> dict[str, LocalRules]:
    """Every university's local rules by its root path (one query); missing ones use the defaults."""
    rows = DevelopmentConfig.objects.values_list("root_unit__path", "parameters")
    return {path: local_rules(parameters) for path, parameters in rows}


def rules_for_path(by_root: dict[str, LocalRules], path: str) -> LocalRules:
    return by_root.get(_root_path(path)) or local_rules(None)


# --- Cases ----------------------------------------------------------------------------------------


def cases_visible_to(user: Any) -> QuerySet[DevelopmentCase]:
    """Cases the user may see: in a scope with development.view_cases, and their own."""
    if is_system_admin(user):
        return DevelopmentCase.objects.all()
    return DevelopmentCase.objects.filter(
        scope_q(user, caps.VIEW_CASES, path_field="branch__path") | Q(person_id=user.pk)
    )


def cases_in_scope(user: Any) -> QuerySet[DevelopmentCase]:
    """Cases the user works on through their positions (their own case is not among them)."""
    if is_system_admin(user):
        return DevelopmentCase.objects.all()
    return DevelopmentCase.objects.filter(scope_q(user, caps.VIEW_CASES, path_field="branch__path"))


def cases_for(
    user: Any,
    *,
    status: str | None = CaseStatus.OPEN,
    stage: int | None = None,
    step: int | None = None,
    batch_id: int | None = None,
    grade: int | None = None,
    branch: OrgUnit | None = None,
    search: str = "",
) -> QuerySet[DevelopmentCase]:
    """The cases a committee works on, filtered, with what a list row shows (one query)."""
    rows = cases_in_scope(user).select_related("person", "branch", "batch")
    if status:
        rows = rows.filter(status=status)
    if stage:
        first, last = steps.stage_steps(stage)
        rows = rows.filter(current_step__gte=first, current_step__lte=last)
    if step:
        rows = rows.filter(current_step=step)
    if batch_id:
        rows = rows.filter(batch_id=batch_id)
    if grade:
        rows = rows.filter(person__grade=grade)
    if branch is not None:
        rows = rows.filter(branch__path__startswith=branch.path)
    if search:
        rows = rows.filter(Q(person__name__icontains=search) | Q(person__number__startswith=search))
    return rows.order_by("current_step", "opened_on", "id")


def stage_counts(user: Any, *, branch: OrgUnit | None = None) -> dict[int, int]:
    """Open cases per stage (1–5) in the user's scope (one query)."""
    rows = cases_in_scope(user).filter(status=CaseStatus.OPEN)
    if branch is not None:
        rows = rows.filter(branch__path__startswith=branch.path)
    counts = dict.fromkeys(steps.STAGES, 0)
    for current_step, count in _count_by_step(rows):
        counts[steps.STEPS_BY_NUMBER[current_step].stage] += count
    return counts


def _count_by_step(rows: QuerySet[DevelopmentCase]) -> list[tuple[int, int]]:
    return list(rows.order_by().values_list("current_step").annotate(count=Count("id")))


def case_for(user: Any, case_id: int) -> DevelopmentCase:
    """The case with this id if the user may see it: 404 out of scope, 403 in scope without the right."""
    case = get_object_or_404(DevelopmentCase.objects.select_related("person", "branch", "batch"), pk=case_id)
    require_case_visible(user, case)
    return case


def my_case(user: Any) -> DevelopmentCase | None:
    """The user's own case: the open one, or else the latest closed one."""
    rows = DevelopmentCase.objects.filter(person_id=user.pk).select_related("branch", "batch")
    return rows.filter(status=CaseStatus.OPEN).first() or rows.order_by("-opened_on", "-id").first()


def batches_for(user: Any) -> QuerySet[Batch]:
    """Batches opened in units the user may see cases in."""
    if is_system_admin(user):
        return Batch.objects.select_related("unit")
    return Batch.objects.filter(scope_q(user, caps.VIEW_CASES, path_field="unit__path")).select_related(
        "unit"
    )


# --- The timeline of one case ---------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """Something the dossier lacks: a document of a recorded step, or a field of the next step."""

    kind: str  # "document" or "field"
    step: int
    label: Any


@dataclass
class TimelineEntry:
    definition: steps.StepDefinition
    state: str  # "done", "current", "upcoming" or "skipped"
    probation_round: int = 1
    record: StepRecord | None = None
    vote: Vote | None = None
    exceptions: list[RuleException] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    documents: list[StepDocument] = field(default_factory=list)
    missing_documents: list[steps.DocumentSpec] = field(default_factory=list)


@dataclass
class Timeline:
    case: DevelopmentCase
    entries: list[TimelineEntry]
    recordable: steps.StepDefinition | None  # the step that can be recorded now
    deadlines: list[Deadline]
    earliest_on: date | None  # the first day the recordable step may be dated, if a rule says so
    missing: list[Missing]
    failed_votes: list[Vote]
    returns: list[CaseReturn]
    assessments: list[Assessment]
    thought_reports: list[ThoughtReport]
    exceptions: list[RuleException]
    local: LocalRules | None = None  # the local rules the timeline was read with

    @property
    def overdue(self) -> list[Deadline]:
        day = timezone.localdate()
        return [deadline for deadline in self.deadlines if deadline.is_overdue(day)]


def case_dates(case: DevelopmentCase, last_assessment: date | None, last_report: date | None) -> CaseDates:
    return CaseDates(
        current_step=case.current_step,
        opened_on=case.opened_on,
        step_since=case.step_since,
        activist_on=case.activist_on,
        probation_start=case.probation_start,
        probation_end=case.probation_end,
        last_assessment_on=last_assessment,
        last_thought_report_on=last_report,
    )


def _entry_round(record: StepRecord) -> tuple[int, int]:
    return (record.probation_round if record.step in steps.PROBATION_STEPS else 1, record.step)


def case_timeline(case: DevelopmentCase) -> Timeline:
    """Every step done (date, who, data, documents, votes, exceptions, warnings), the step that can be
    recorded now, what is due and by when, and what is missing. A fixed number of queries."""
    records = list(
        StepRecord.objects.filter(case=case)
        .select_related("recorded_by")
        .prefetch_related("attachments__document")
    )
    exceptions = list(RuleException.objects.filter(case=case).select_related("recorded_by"))
    votes = list(Vote.objects.filter(case=case).order_by("meeting_on", "id"))
    assessments = list(Assessment.objects.filter(case=case).select_related("assessor"))
    reports = list(ThoughtReport.objects.filter(case=case).select_related("document"))
    returns = list(CaseReturn.objects.filter(case=case).select_related("returned_by", "resubmitted_by"))
    by_record: dict[int, list[RuleException]] = defaultdict(list)
    for exception in exceptions:
        if exception.step_record_id is not None:
            by_record[exception.step_record_id].append(exception)
    votes_by_id = {vote.pk: vote for vote in votes}

    entries: list[TimelineEntry] = []
    for record in sorted(records, key=_entry_round):
        attached = list(record.attachments.all())
        kinds = {attachment.kind for attachment in attached}
        definition = record.definition
        entries.append(
            TimelineEntry(
                definition=definition,
                state="done",
                probation_round=record.probation_round,
                record=record,
                vote=votes_by_id.get(record.data.get("vote_id", 0)),
                exceptions=by_record.get(record.pk, []),
                warnings=[
                    Violation(item["code"], params_from_json(item.get("params", {})), Level.WARNING)
                    for item in record.warnings
                ],
                documents=attached,
                missing_documents=[
                    spec
                    for spec in definition.documents
                    if spec.required and spec.kind not in kinds and not record.transferred_in
                ],
            )
        )
    recorded_now = {
        record.step
        for record in records
        if record.step not in steps.PROBATION_STEPS or record.probation_round == case.probation_round
    }
    recordable = None
    if case.status == CaseStatus.OPEN:
        recordable = steps.STEPS_BY_NUMBER[steps.next_recordable(case.current_step)]
        for definition in steps.STEPS:
            if definition.number in recorded_now:
                continue
            if definition.number < case.current_step:
                state = "skipped"
            elif definition.number == case.current_step:
                state = "current"
            else:
                state = "upcoming"
            entries.append(
                TimelineEntry(definition=definition, state=state, probation_round=case.probation_round)
            )
        entries.sort(
            key=lambda e: (
                e.probation_round if e.definition.number in steps.PROBATION_STEPS else 1,
                e.definition.number,
            )
        )

    local = local_rules_for(case.branch)
    last_assessment = max((a.assessed_on for a in assessments), default=None)
    last_report = max((r.received_on for r in reports), default=None)
    dates = case_dates(case, last_assessment, last_report)
    missing = [
        Missing("document", entry.definition.number, spec.label)
        for entry in entries
        if entry.state == "done"
        for spec in entry.missing_documents
    ]
    if recordable is not None:
        missing += [
            Missing("field", recordable.number, spec.label) for spec in recordable.fields if spec.required
        ]
    return Timeline(
        case=case,
        entries=entries,
        recordable=recordable,
        deadlines=case_deadlines(dates, local) if case.status == CaseStatus.OPEN else [],
        earliest_on=earliest_on(recordable.number, dates, local) if recordable else None,
        missing=missing,
        failed_votes=[vote for vote in votes if not vote.passed],
        returns=returns,
        assessments=assessments,
        thought_reports=reports,
        exceptions=exceptions,
        local=local,
    )


def case_training(timeline: Timeline) -> TrainingHours | None:
    """The class hours of the person's intensive-training track, for step 11 (three queries).

    Asked of the study app through its queries, once the person is a development target; None
    before that or when the university has no track with the configured code.
    """
    case = timeline.case
    if case.current_step <= steps.TARGET_CONFIRMATION:
        return None
    local = timeline.local or local_rules(None)
    return training_hours(case.person, local.intensive_training_track)


# --- Due and overdue, for the committees -------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    case: DevelopmentCase
    deadline: Deadline
    overdue: bool


@dataclass
class DueReport:
    overdue: list[DueItem]
    due_soon: list[DueItem]


def with_last_dates(rows: QuerySet[DevelopmentCase]) -> QuerySet[DevelopmentCase]:
    """Annotate each case with its last assessment and last thought report date (subqueries)."""
    last_assessment = (
        Assessment.objects.filter(case=OuterRef("pk")).order_by("-assessed_on").values("assessed_on")[:1]
    )
    last_report = (
        ThoughtReport.objects.filter(case=OuterRef("pk")).order_by("-received_on").values("received_on")[:1]
    )
    return rows.annotate(
        last_assessment_on=Subquery(last_assessment), last_thought_report_on=Subquery(last_report)
    )


def open_cases_with_deadlines(rows: QuerySet[DevelopmentCase]) -> QuerySet[DevelopmentCase]:
    """Open cases with everything their deadlines are computed from, in one query."""
    return with_last_dates(
        rows.filter(status=CaseStatus.OPEN, current_step__gt=steps.APPLICATION)
        .select_related("person", "branch")
        .only(
            "id",
            "current_step",
            "opened_on",
            "step_since",
            "activist_on",
            "probation_start",
            "probation_end",
            "probation_round",
            "status",
            "branch_id",
            "branch__path",
            "branch__name",
            "branch__name_en",
            "person_id",
            "person__name",
            "person__number",
            "person__grade",
            "person__language",
        )
    ).order_by("id")


def deadlines_of(case: DevelopmentCase, local: LocalRules) -> list[Deadline]:
    """The deadlines of a case annotated by ``with_last_dates``."""
    dates = case_dates(
        case, getattr(case, "last_assessment_on", None), getattr(case, "last_thought_report_on", None)
    )
    return case_deadlines(dates, local)


def due_and_overdue(user: Any, today: date, *, branch: OrgUnit | None = None) -> DueReport:
    """What is overdue and what is due soon on the open cases of the user's scope.

    Overdue: talk not held within a month, approval pending past three months, six-monthly
    assessment or thought report missing, probation ended without a conversion meeting. Due soon:
    within a week, or probation ending within the local number of days. Two queries, whatever the
    number of cases.
    """
    by_root = local_rules_by_root()
    rows = cases_in_scope(user)
    if branch is not None:
        rows = rows.filter(branch__path__startswith=branch.path)
    overdue: list[DueItem] = []
    due_soon: list[DueItem] = []
    for case in open_cases_with_deadlines(rows):
        local = rules_for_path(by_root, case.branch.path)
        for deadline in deadlines_of(case, local):
            if deadline.is_overdue(today):
                overdue.append(DueItem(case, deadline, True))
            elif deadline.days_left(today) <= horizon_days(deadline.code, local):
                due_soon.append(DueItem(case, deadline, False))
    overdue.sort(key=lambda item: (item.deadline.due_on, item.case.pk))
    due_soon.sort(key=lambda item: (item.deadline.due_on, item.case.pk))
    return DueReport(overdue=overdue, due_soon=due_soon)
