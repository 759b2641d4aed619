"""Services of the historical import: keeping the uploaded file, checking it, and applying it.

Applying is all or nothing and idempotent: a file with any error imports nothing; rule warnings
must be confirmed, and each confirmed warning becomes a ``RuleException`` with the reason
"historical import: <file> row N", so every later reader of the dossier sees it; a case already
recorded with the same history is left unchanged, and a different history for an existing case is
an error, never an overwrite.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from archive import sniffing
from archive.models import Document
from archive.permissions import register_read_policy
from archive.services import document_create
from core.audit import audit_record
from core.errors import DomainError
from core.permissions import can, grants, is_system_admin, require
from core.sections import Section, register_section
from development import capabilities as caps
from development import steps
from development.engine import authority_of, today
from development.imports import Finding, read_file
from development.imports_plan import ImportPlan, PlannedCase, plan_history
from development.models import CaseStatus, DevelopmentCase, RuleException, StepRecord
from development.rule_engine import RULES, Level, params_as_json
from development.rules import probation_end
from development.step_data import data_as_json
from orgs.imports_files import MAX_FILE_BYTES
from orgs.models import Membership, OrgUnit, PartyStatus
from orgs.services import membership_set_status

IMPORT_PURPOSE = "development_import"
ALLOWED_TYPES = frozenset({sniffing.XLSX.mime, sniffing.CSV.mime, sniffing.TEXT.mime})


# --- The uploaded file ----------------------------------------------------------------------------


def can_read_import_file(user: Any, document: Document) -> bool:
    """An import file (names and dates of many cases) is read only by those who may import it."""
    return can(user, caps.RECORD_STEPS, document.unit)


def imports_somewhere(user: Any) -> bool:
    """The user records a branch's steps somewhere, so may import its cases in progress."""
    return is_system_admin(user) or any(grant.capability == caps.RECORD_STEPS for grant in grants(user))


def register() -> None:
    """The import's registrations (called from the app's ready()): who reads kept import files, and
    the import page's section on the home page."""
    register_read_policy(IMPORT_PURPOSE, can_read_import_file)
    register_section(
        Section(
            code="development.history_import",
            label=gettext_lazy("Import cases in progress"),
            description=gettext_lazy(
                "Bring in development cases under way before the platform, from a spreadsheet"
            ),
            url_name="development_import:upload",
            is_open_to=imports_somewhere,
            order=35,
        )
    )


def _read_upload(uploaded_file: Any) -> bytes:
    uploaded_file.seek(0)
    data: bytes = uploaded_file.read(MAX_FILE_BYTES + 1)
    uploaded_file.seek(0)
    return data


def history_file_store(*, actor: User, scope_unit: OrgUnit, uploaded_file: Any) -> Document:
    """Keep an uploaded history file in the archive of ``scope_unit``, once it can be read at all.

    A file that cannot be read (damaged, not .xlsx or CSV, required columns missing) raises
    ``FieldErrors`` on "file" and is not kept. Needs ``development.record_steps`` over the unit.
    """
    require(actor, caps.RECORD_STEPS, scope_unit)
    file_name = os.path.basename(getattr(uploaded_file, "name", "") or "history.xlsx")[:200]
    read_file(file_name, _read_upload(uploaded_file), today())
    return document_create(
        actor=actor,
        unit=scope_unit,
        title=file_name,
        uploaded_file=uploaded_file,
        purpose=IMPORT_PURPOSE,
        max_bytes=MAX_FILE_BYTES,
        allowed_types=ALLOWED_TYPES,
    )


def history_file_content(document: Document) -> tuple[str, bytes]:
    """The file name and bytes of a kept history file."""
    version = document.current_version
    if version is None:
        raise DomainError("file_missing", _("The file of this import is missing; upload it again."))
    with version.file.open("rb") as handle:
        return document.title, handle.read()


# --- Checking and applying ------------------------------------------------------------------------


def case_history_check(*, actor: User, scope_unit: OrgUnit, file_name: str, data: bytes) -> ImportPlan:
    """What importing the file into ``scope_unit`` would do; nothing is written."""
    require(actor, caps.RECORD_STEPS, scope_unit)
    return plan_history(read_file(file_name, data, today()), scope_unit)


@dataclass
class ImportOutcome:
    created: list[DevelopmentCase] = field(default_factory=list)
    unchanged: int = 0
    exceptions: int = 0


def case_history_import(
    *,
    actor: User,
    scope_unit: OrgUnit,
    file_name: str,
    data: bytes,
    confirm_warnings: bool = False,
    warnings_digest: str | None = None,
) -> ImportOutcome:
    """Import the cases of a history file into ``scope_unit``: every new row, or nothing.

    Refused (``DomainError``) when a row has an error, when rule warnings are not confirmed, or
    when ``warnings_digest`` (what the person confirmed on the preview) no longer matches.
    Needs ``development.record_steps`` over the unit.
    """
    require(actor, caps.RECORD_STEPS, scope_unit)
    read = read_file(file_name, data, today())
    with transaction.atomic():
        plan = plan_history(read, scope_unit, lock=True)
        if plan.errors:
            raise DomainError(
                "import_has_errors",
                _("The file has errors in %(count)s rows; nothing was imported.")
                % {"count": plan.rows_with_errors},
            )
        if warnings_digest is not None and warnings_digest != plan.warnings_digest:
            raise DomainError(
                "import_changed",
                _("What the file would do has changed since you checked it; look at the preview again."),
            )
        if plan.warnings and not confirm_warnings:
            raise DomainError(
                "warnings_not_confirmed",
                _("Confirm the historical exceptions listed in the preview to import this file."),
            )
        outcome = ImportOutcome(unchanged=plan.count_unchanged)
        for item in plan.planned:
            if item.action == "new":
                case, exceptions = _create_case(actor, item, file_name)
                outcome.created.append(case)
                outcome.exceptions += exceptions
        if outcome.created:
            audit_record(
                actor=actor,
                action="development.import.apply",
                target=scope_unit,
                unit_id=scope_unit.pk,
                data={
                    "file": file_name,
                    "created": len(outcome.created),
                    "unchanged": outcome.unchanged,
                    "exceptions": outcome.exceptions,
                },
            )
    return outcome


def _case_row(item: PlannedCase) -> DevelopmentCase:
    dates = item.dates
    last = item.last_step
    start = dates.get(steps.ADMISSION_MEETING)
    end = probation_end(start) if start else None
    closed = steps.ARCHIVE in dates
    return DevelopmentCase(
        person=item.person,
        branch=item.branch,
        opened_on=dates[steps.APPLICATION],
        current_step=min(last + 1, steps.ARCHIVE),
        step_since=dates[last],
        activist_on=dates.get(steps.ACTIVIST_CONFIRMATION),
        target_on=dates.get(steps.TARGET_CONFIRMATION),
        probation_start=start,
        probation_end=end,
        converted_on=end if steps.CONVERSION_APPROVAL in dates else None,
        status=CaseStatus.CONVERTED if closed else CaseStatus.OPEN,
        closed_on=dates[steps.ARCHIVE] if closed else None,
    )


def _create_case(actor: User, item: PlannedCase, file_name: str) -> tuple[DevelopmentCase, int]:
    """Write one new case with its records, its confirmed exceptions and the person's status."""
    case = _case_row(item)
    case.save()
    reason = _("historical import: %(file)s row %(row)s") % {"file": file_name, "row": item.row.row}
    position, authority = authority_of(actor, item.branch, today())
    by_step: dict[int, list[Finding]] = {}
    for finding in item.warnings:
        by_step.setdefault(finding.step or steps.APPLICATION, []).append(finding)
    exceptions = 0
    for number in sorted(item.dates):
        findings = by_step.get(number, [])
        record = StepRecord.objects.create(
            case=case,
            step=number,
            probation_round=1,
            date=item.dates[number],
            data=data_as_json(item.data.get(number, {})),
            warnings=[
                {"code": f.code, "params": params_as_json(f.params)}
                for f in findings
                if RULES[f.code].level == Level.WARNING
            ],
            recorded_by=actor,
        )
        for finding in findings:
            if RULES[finding.code].level == Level.WARNING:
                continue
            RuleException.objects.create(
                case=case,
                step=number,
                step_record=record,
                rule_code=finding.code,
                params=params_as_json(finding.params),
                reason=reason,
                recorded_by=actor,
                position=position,
                authority=authority or _("Historical import"),
                recorded_on=today(),
            )
            exceptions += 1
    _set_status(actor, item)
    audit_record(
        actor=actor,
        action="development.case.import",
        target=case,
        unit_id=case.branch_id,
        data={
            "file": file_name,
            "row": item.row.row,
            "steps": sorted(item.dates),
            "exceptions": [finding.code for finding in item.warnings],
        },
    )
    return case, exceptions


def _status_after(item: PlannedCase) -> tuple[str, Any] | None:
    """The party status the history leads to, and since when."""
    dates = item.dates
    if steps.CONVERSION_APPROVAL in dates and steps.ADMISSION_MEETING in dates:
        return PartyStatus.FULL, probation_end(dates[steps.ADMISSION_MEETING])
    if steps.ADMISSION_APPROVAL in dates:
        return PartyStatus.PROBATIONARY, dates.get(steps.ADMISSION_MEETING, dates[steps.ADMISSION_APPROVAL])
    if steps.TARGET_CONFIRMATION in dates:
        return PartyStatus.TARGET, dates[steps.TARGET_CONFIRMATION]
    if steps.ACTIVIST_CONFIRMATION in dates:
        return PartyStatus.ACTIVIST, dates[steps.ACTIVIST_CONFIRMATION]
    return PartyStatus.APPLICANT, dates[steps.APPLICATION]


def _set_status(actor: User, item: PlannedCase) -> None:
    """Move the person's party status forward to where the history leads (never back)."""
    after = _status_after(item)
    if after is None:
        return
    status, since = after
    order = list(PartyStatus.values)
    current = Membership.objects.filter(person=item.person).values_list("party_status", flat=True).first()
    if current is not None and order.index(current) >= order.index(status):
        return
    membership_set_status(
        actor=actor, person=item.person, status=status, on=since, reason=_("Historical import")
    )
