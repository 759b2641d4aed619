"""What a historical import would do: each row's person, the comparison with the cases already
recorded, and the rules run over each history (their violations are warnings to confirm).

Reads only; a fixed number of queries per chunk of rows, whatever the number of rows.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from accounts.models import User
from development import queries, steps
from development.config import LocalRules
from development.history import DATE_RULES
from development.imports import FACTS_BY_KEY, VOTE_FIELDS, Finding, HistoryRow, ReadFile, step_key
from development.models import DevelopmentCase, StepRecord
from development.rule_engine import RuleContext, Violation, VoteCounts, params_as_json, run, violation
from development.rules import probation_end
from orgs.models import Membership, OrgUnit

LOOKUP_CHUNK = 500
# Steps whose record the procedure writes together with the next one (education lasts until then).
ONGOING = {
    steps.ACTIVIST_EDUCATION: steps.TARGET_CONFIRMATION,
    steps.PROBATION_EDUCATION: steps.CONVERSION_APPLICATION,
}
# Rules that read a fact of the step, run only when the file gives that fact.
_FACT_RULES = {
    "target.introducers_count": "introducers",
    "target.political_review_passed": "conclusion",
}


@dataclass
class PlannedCase:
    """A row that can be imported: a new case to write, or one already recorded the same way."""

    row: HistoryRow
    person: User
    branch: OrgUnit
    dates: dict[int, date]  # every step to record, the ongoing ones filled in
    data: dict[int, dict[str, Any]]  # per step, its fields (people as ids)
    action: str  # "new" or "unchanged"
    warnings: list[Finding] = field(default_factory=list)
    case: DevelopmentCase | None = None

    @property
    def last_step(self) -> int:
        return max(self.dates)


@dataclass
class ImportPlan:
    """The outcome of checking a history file against the database."""

    rows_total: int
    planned: list[PlannedCase]
    errors: list[Finding]
    notes: list[Finding]  # warnings about the file itself (an unknown column): nothing to confirm
    warnings: list[Finding]  # rule warnings of the new cases: each becomes an exception when confirmed

    @property
    def count_new(self) -> int:
        return sum(1 for item in self.planned if item.action == "new")

    @property
    def count_unchanged(self) -> int:
        return sum(1 for item in self.planned if item.action == "unchanged")

    @property
    def rows_with_errors(self) -> int:
        return len({finding.row for finding in self.errors if finding.row is not None})

    @property
    def can_apply(self) -> bool:
        return not self.errors and self.count_new > 0

    @property
    def warnings_digest(self) -> str:
        """A fingerprint of the warnings: confirming them confirms exactly these."""
        items = [
            [finding.row, finding.step, finding.code, params_as_json(finding.params)]
            for finding in self.warnings
        ]
        return hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        yield ordered[start : start + LOOKUP_CHUNK]


@dataclass
class _Context:
    """Everything the rows are compared with, looked up once."""

    memberships: dict[str, Membership]
    references: dict[str, int]
    cases: dict[int, list[DevelopmentCase]]
    records: dict[int, dict[int, date]]
    local: dict[str, LocalRules]


def _context(rows: list[HistoryRow], scope_unit: OrgUnit, *, lock: bool) -> _Context:
    numbers = {row.number for row in rows if row.number}
    memberships: dict[str, Membership] = {}
    for chunk in _chunks(numbers):
        found = Membership.objects.filter(
            person__number__in=chunk, person__is_active=True, unit__path__startswith=scope_unit.path
        ).select_related("person", "unit")
        if lock:
            found = found.select_for_update(of=("self",))
        memberships.update({membership.person.number: membership for membership in found})
    references: dict[str, int] = {}
    for chunk in _chunks(set().union(*(row.referenced_numbers() for row in rows)) if rows else set()):
        references.update(User.objects.filter(number__in=chunk, is_active=True).values_list("number", "pk"))
    person_ids = [membership.person_id for membership in memberships.values()]
    cases: dict[int, list[DevelopmentCase]] = defaultdict(list)
    for case in DevelopmentCase.objects.filter(person_id__in=person_ids).order_by("-opened_on", "-id"):
        cases[case.person_id].append(case)
    records: dict[int, dict[int, date]] = defaultdict(dict)
    case_ids = [case.pk for person_cases in cases.values() for case in person_cases]
    for case_id, step, day in StepRecord.objects.filter(case_id__in=case_ids, probation_round=1).values_list(
        "case_id", "step", "date"
    ):
        records[case_id][step] = day
    return _Context(memberships, references, cases, records, queries.local_rules_by_root())


def _duplicates(rows: list[HistoryRow]) -> list[Finding]:
    by_number: dict[str, list[HistoryRow]] = defaultdict(list)
    for row in rows:
        if row.number:
            by_number[row.number].append(row)
    findings = []
    for same in by_number.values():
        for row in same if len(same) > 1 else ():
            others = ", ".join(str(other.row) for other in same if other is not row)
            findings.append(Finding(row.row, "number", "duplicate_in_file", row.number, {"rows": others}))
    return findings


def _filled_dates(dates: dict[int, date]) -> dict[int, date]:
    """The step dates with each ongoing step completed on the date of the step after it."""
    filled = dict(dates)
    for ongoing, following in ONGOING.items():
        if ongoing not in filled and following in filled and ongoing - 1 in filled:
            filled[ongoing] = filled[following]
    return filled


def _step_data(row: HistoryRow, context: _Context) -> tuple[dict[int, dict[str, Any]], list[Finding]]:
    """Each step's fields with people as ids; an error for each number nobody has."""
    data: dict[int, dict[str, Any]] = defaultdict(dict)
    findings: list[Finding] = []
    for key, value in row.facts.items():
        spec = FACTS_BY_KEY[key]
        if spec.kind in ("person", "persons"):
            numbers = [value] if spec.kind == "person" else list(value)
            unknown = [number for number in numbers if number not in context.references]
            if unknown:
                findings.append(
                    Finding(
                        row.row, key, "unknown_reference", ", ".join(numbers), {"numbers": ", ".join(unknown)}
                    )
                )
                continue
            ids = [context.references[number] for number in numbers]
            data[spec.step][spec.data_field] = ids[0] if spec.kind == "person" else ids
        else:
            data[spec.step][spec.data_field] = value
    if steps.CONVERSION_MEETING in row.dates:
        # A history records the way to full membership: the conversion voted was on time.
        data[steps.CONVERSION_MEETING].setdefault("proposal", "convert")
    return dict(data), findings


def _compare(
    row: HistoryRow, person: User, dates: dict[int, date], context: _Context
) -> tuple[str, DevelopmentCase | None, list[Finding]]:
    """ "new", or "unchanged" with the case already recorded the same way, or an error."""
    cases = context.cases.get(person.pk, [])
    same_start = next((case for case in cases if case.opened_on == dates[steps.APPLICATION]), None)
    if same_start is not None:
        recorded = context.records.get(same_start.pk, {})
        for step in sorted(dates):
            if recorded.get(step) != dates[step]:
                given = dates[step].isoformat()
                shown = recorded[step].isoformat() if step in recorded else "—"
                params = {"name": person.name, "step": step, "recorded": shown, "given": given}
                return "", None, [Finding(row.row, step_key(step), "history_differs", given, params)]
        return "unchanged", same_start, []
    open_case = next((case for case in cases if case.is_open), None)
    if open_case is not None:
        params = {"name": person.name, "opened_on": open_case.opened_on.isoformat()}
        return "", None, [Finding(row.row, step_key(steps.APPLICATION), "case_open", "", params)]
    return "new", None, []


def _vote_counts(data: dict[str, Any]) -> VoteCounts | None:
    if not all(name in data for name in VOTE_FIELDS):
        return None
    return VoteCounts(
        members_with_voting_rights=data["members_with_voting_rights"],
        attended=data["attended"],
        written_opinions=data.get("written_opinions", 0),
        yes=data["yes"],
        no=data["no"],
        abstain=data["abstain"],
    )


def history_warnings(
    row: int,
    dates: dict[int, date],
    data: dict[int, dict[str, Any]],
    birth_date: date | None,
    local: LocalRules,
) -> list[Finding]:
    """The rules a history breaks, step by step: order and dates, and the facts the file gives.

    Rules about people (a talker's position, an introducer's status) are not run: the file cannot
    say what those people were on the day, years ago.
    """
    found: list[Finding] = []
    start = dates.get(steps.ADMISSION_MEETING)
    end = probation_end(start) if start else None
    expected = steps.APPLICATION
    for number in sorted(dates):
        definition = steps.STEPS_BY_NUMBER[number]
        step_data = data.get(number, {})
        vote = _vote_counts(step_data)
        codes = [
            "steps.date_order",
            *(
                code
                for code in definition.rules
                if code in DATE_RULES or code == "application.birth_date_known"
            ),
            *(code for code, fact in _FACT_RULES.items() if code in definition.rules and fact in step_data),
        ]
        if number == steps.TRAINING and ("class_hours" in step_data or "days" in step_data):
            codes.append("target.training_duration")
        if vote is not None:
            codes += ["vote.quorum", "vote.majority"]
        context = RuleContext(
            step=number,
            on=dates[number],
            data=step_data,
            local=local,
            step_dates={step: day for step, day in dates.items() if step < number},
            birth_date=birth_date,
            activist_on=dates.get(steps.ACTIVIST_CONFIRMATION),
            probation_start=start,
            probation_end=end,
            vote=vote,
        )
        violations: list[Violation] = []
        if number != expected:
            violations.append(violation("steps.order", expected=expected, step=number))
        violations += run(codes, context)
        found += [
            Finding(
                row,
                step_key(number),
                item.code,
                dates[number].isoformat(),
                dict(item.params),
                "warning",
                number,
            )
            for item in violations
        ]
        expected = number + 1
    return found


def plan_history(read: ReadFile, scope_unit: OrgUnit, *, lock: bool = False) -> ImportPlan:
    """Compare every row with the database and run the rules over each new history."""
    errors = [finding for finding in read.findings if finding.level == "error"]
    notes = [finding for finding in read.findings if finding.level != "error"]
    errors += _duplicates(read.rows)
    refused_rows = {finding.row for finding in errors}
    context = _context(read.rows, scope_unit, lock=lock)
    planned: list[PlannedCase] = []
    warnings: list[Finding] = []
    for row in read.rows:
        if row.row in refused_rows:
            continue
        membership = context.memberships.get(row.number)
        if membership is None:
            errors.append(Finding(row.row, "number", "unknown_person", row.number))
            continue
        person = membership.person
        row_errors: list[Finding] = []
        if row.name and row.name != person.name:
            row_errors.append(Finding(row.row, "name", "name_mismatch", row.name, {"name": person.name}))
        data, reference_errors = _step_data(row, context)
        row_errors += reference_errors
        dates = _filled_dates(row.dates)
        action, case, comparison = _compare(row, person, dates, context) if not row_errors else ("", None, [])
        row_errors += comparison
        if row_errors:
            errors += row_errors
            continue
        item = PlannedCase(row, person, membership.unit, dates, data, action, case=case)
        if action == "new":
            local = queries.rules_for_path(context.local, membership.unit.path)
            item.warnings = history_warnings(row.row, dates, data, person.birth_date, local)
            warnings += item.warnings
        planned.append(item)
    errors.sort(key=lambda finding: (finding.row or 0, finding.column))
    return ImportPlan(
        rows_total=len(read.rows), planned=planned, errors=errors, notes=notes, warnings=warnings
    )
