"""The case roster as .xlsx: one row per development case of a unit's subtree, a column per step.

The foundation's rules for member exports hold here too (``orgs.exports``): ID and phone numbers
are masked unless the exporter holds orgs.view_personal_data over the case's branch, every cell
goes through ``core.text.spreadsheet_safe`` so nothing runs as a formula when the file is opened,
and the sheet is written in openpyxl's write-only mode, chunk by chunk, with a fixed number of
queries per chunk, so a university's whole roster needs little memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import IO, Any, cast

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import User
from core.audit import audit_record
from core.permissions import can, require, scope_q
from core.text import mask_national_id, mask_phone, spreadsheet_safe
from development import capabilities as caps
from development import queries, steps
from development.config import LocalRules
from development.models import CaseStatus, DevelopmentCase, RuleException, StepRecord
from orgs import capabilities as org_caps
from orgs.models import OrgUnit, UnitKind

CHUNK_SIZE = 1000
_LEADING = (
    "number",
    "name",
    "national_id",
    "phone",
    "branch",
    "grade",
    "batch",
    "status",
    "stage",
    "current",
)
_TRAILING = ("next_due_on", "next_due", "overdue", "exceptions")
_WIDTHS = {"number": 14, "name": 12, "national_id": 21, "phone": 14, "branch": 20, "batch": 22}
_WIDTHS |= {"status": 14, "stage": 14, "current": 28, "next_due": 22, "next_due_on": 12}


def _labels() -> dict[str, str]:
    return {
        "number": _("Number"),
        "name": pgettext("person", "Name"),
        "national_id": _("National ID number"),
        "phone": _("Mobile phone"),
        "branch": _("Branch"),
        "grade": _("Grade"),
        "batch": _("Batch"),
        "status": _("Case status"),
        "stage": _("Stage"),
        "current": _("Current step"),
        "next_due_on": _("Next due date"),
        "next_due": _("Next due"),
        "overdue": _("Overdue"),
        "exceptions": _("Rule exceptions"),
    }


def header() -> list[str]:
    """The header row in the reader's language: the case's columns, then one column per step."""
    labels = _labels()
    step_columns = [f"{step.number}. {step.name}" for step in steps.STEPS]
    return [labels[name] for name in _LEADING] + step_columns + [labels[name] for name in _TRAILING]


def _yes_no(value: bool) -> str:
    return pgettext("case roster cell", "yes") if value else pgettext("case roster cell", "no")


@dataclass(frozen=True)
class CaseFacts:
    """What a row needs beyond the case itself, read for a whole chunk of cases at once."""

    step_dates: dict[int, date]
    exceptions: int


def _chunk_facts(cases: list[DevelopmentCase]) -> dict[int, CaseFacts]:
    """Each case's step dates (the latest probation round's) and exception count: two queries."""
    ids = [case.pk for case in cases]
    dates: dict[int, dict[int, tuple[int, date]]] = {case_id: {} for case_id in ids}
    for case_id, step, round_number, day in StepRecord.objects.filter(case_id__in=ids).values_list(
        "case_id", "step", "probation_round", "date"
    ):
        known = dates[case_id].get(step)
        if known is None or round_number > known[0]:
            dates[case_id][step] = (round_number, day)
    counts = dict(
        RuleException.objects.filter(case_id__in=ids)
        .order_by()
        .values_list("case_id")
        .annotate(count=Count("id"))
        .values_list("case_id", "count")
    )
    return {
        case_id: CaseFacts(
            {step: day for step, (_round, day) in dates[case_id].items()}, counts.get(case_id, 0)
        )
        for case_id in ids
    }


def case_row(
    case: DevelopmentCase, facts: CaseFacts, *, full: bool, local: LocalRules, today: date
) -> list[object]:
    """One case as the cells of a roster row; ID and phone masked unless ``full``."""
    person = case.person
    national_id, phone = person.national_id, person.phone
    if not full:
        national_id, phone = mask_national_id(national_id), mask_phone(phone)
    deadlines = queries.deadlines_of(case, local) if case.status == CaseStatus.OPEN else []
    upcoming = deadlines[0] if deadlines else None
    current = steps.STEPS_BY_NUMBER[case.current_step]
    values: dict[str, object] = {
        "number": person.number,
        "name": person.name,
        "national_id": national_id,
        "phone": phone,
        "branch": case.branch.display_name,
        "grade": person.grade,
        "batch": case.batch.name if case.batch else "",
        "status": case.get_status_display(),
        "stage": str(current.stage_name),
        "current": f"{current.number}. {current.name}" if case.status == CaseStatus.OPEN else "",
        "next_due_on": upcoming.due_on if upcoming else None,
        "next_due": str(upcoming.label) if upcoming else "",
        "overdue": _yes_no(any(deadline.is_overdue(today) for deadline in deadlines)),
        "exceptions": facts.exceptions,
    }
    cells = [values[name] for name in _LEADING]
    cells += [facts.step_dates.get(step.number) for step in steps.STEPS]
    cells += [values[name] for name in _TRAILING]
    return [spreadsheet_safe(cell) for cell in cells]


def _chunks(rows: Iterable[DevelopmentCase], size: int) -> Iterator[list[DevelopmentCase]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _prepare(sheet: Worksheet) -> None:
    names = [*_LEADING, *(f"step_{step.number}" for step in steps.STEPS), *_TRAILING]
    for index, name in enumerate(names, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(name, 11)
    sheet.freeze_panes = "C2"


def write_cases_xlsx(
    rows: QuerySet[DevelopmentCase], out: IO[bytes], *, actor: User | None, today: date
) -> tuple[int, int]:
    """Write the cases to ``out``; returns how many rows were written and how many were masked."""
    by_root = queries.local_rules_by_root()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Development cases")[:31])
    # Write-only sheets have column dimensions too, though the type stubs do not say so.
    _prepare(cast(Worksheet, sheet))
    sheet.append([spreadsheet_safe(label) for label in header()])
    count = masked = 0
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        facts = _chunk_facts(chunk)
        for case in chunk:
            full = actor is not None and can(actor, org_caps.VIEW_PERSONAL_DATA, case.branch)
            local = queries.rules_for_path(by_root, case.branch.path)
            sheet.append(case_row(case, facts[case.pk], full=full, local=local, today=today))
            count += 1
            masked += not full
    book.save(out)
    return count, masked


def export_units(user: Any) -> QuerySet[OrgUnit]:
    """Units whose case roster the user may export: development.view_cases and orgs.export_members."""
    return (
        OrgUnit.objects.filter(scope_q(user, caps.VIEW_CASES), is_active=True)
        .filter(scope_q(user, org_caps.EXPORT_MEMBERS))
        .exclude(kind=UnitKind.PARTY_GROUP)
        .order_by("path")
    )


def roster_rows(
    actor: User, unit: OrgUnit, *, stage: int | None, batch_id: int | None, grade: int | None
) -> QuerySet[DevelopmentCase]:
    """The open cases of ``unit``'s subtree the actor sees, filtered, with what a row reads."""
    rows = queries.cases_for(actor, stage=stage, batch_id=batch_id, grade=grade, branch=unit)
    return queries.with_last_dates(rows).order_by("branch__path", "person__number", "id")


@dataclass(frozen=True)
class ExportResult:
    count: int
    masked_rows: int


def cases_export(
    *,
    actor: User,
    unit: OrgUnit,
    out: IO[bytes],
    stage: int | None = None,
    batch_id: int | None = None,
    grade: int | None = None,
) -> ExportResult:
    """Write the open cases of ``unit``'s subtree to ``out`` as .xlsx and record it in the audit log.

    Needs development.view_cases and orgs.export_members over the unit (404 out of scope, 403
    without either right).
    """
    require(actor, caps.VIEW_CASES, unit)
    require(actor, org_caps.EXPORT_MEMBERS, unit)
    rows = roster_rows(actor, unit, stage=stage, batch_id=batch_id, grade=grade)
    count, masked_rows = write_cases_xlsx(rows, out, actor=actor, today=timezone.localdate())
    audit_record(
        actor=actor,
        action="development.cases.export",
        target=unit,
        unit_id=unit.pk,
        data={
            "count": count,
            "masked_rows": masked_rows,
            "filters": {"stage": stage, "batch": batch_id, "grade": grade},
        },
    )
    return ExportResult(count=count, masked_rows=masked_rows)


def export_file_name(unit: OrgUnit) -> str:
    return f"development-cases-{unit.code}-{date_format(timezone.localdate(), 'Ymd')}.xlsx"
