"""Transitions that end, move or follow a case: returning it to the branch and resubmitting it,
cancelling or withdrawing it, transferring it out (transfers in: ``services_transfers``), and the
six-monthly assessments and thought reports that accompany it. Part of ``development.services`` (re-exported there).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from archive.models import Document
from archive.services import document_create, upload_checksum
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from development import capabilities as caps
from development import permissions, steps
from development.documents import (
    DOSSIER_PURPOSE,
    KEEP_FOREVER,
    THOUGHT_REPORT_MAX_BYTES,
    THOUGHT_REPORT_TYPES,
)
from development.engine import (
    REASON_MAX_LENGTH,
    RuleViolation,
    clean_attachments,
    clean_reason,
    copy_state,
    lock_open_case,
    not_in_future,
    today,
)
from development.models import (
    Assessment,
    CaseReturn,
    CaseStatus,
    DevelopmentCase,
    Phase,
    ThoughtReport,
)
from development.rule_engine import RuleContext, run
from dues import queries as dues_queries
from orgs.models import PartyStatus
from orgs.services import membership_set_status


def case_return(
    *, actor: User, case: DevelopmentCase, reason: str, returned_on: date | None = None
) -> CaseReturn:
    """Send the case back to the branch at a higher committee's step, with a reason (required)."""
    permissions.require_over_case(actor, case, (caps.APPROVE,))
    text = clean_reason(reason)
    if text is None:
        raise FieldErrors.single("reason", _("Say why the case is returned."))
    day = returned_on or today()
    not_in_future(day, "returned_on", _("The return date"))
    with transaction.atomic():
        locked = lock_open_case(case)
        step = steps.next_recordable(locked.current_step)
        if not steps.STEPS_BY_NUMBER[step].is_higher_committee_step:
            raise DomainError(
                "not_at_higher_committee",
                _("The case is at step %(step)s, which is the branch's; there is nothing to return.")
                % {"step": step},
            )
        if locked.is_returned:
            raise DomainError("already_returned", _("The case is already returned to the branch."))
        returned = CaseReturn.objects.create(
            case=locked, step=step, reason=text, returned_on=day, returned_by=actor
        )
        locked.is_returned = True
        locked.save(update_fields=["is_returned"])
        audit_record(
            actor=actor,
            action="development.case.return",
            target=locked,
            unit_id=locked.branch_id,
            data={"step": step, "date": day.isoformat()},
        )
    copy_state(case, locked)
    return returned


def case_resubmit(*, actor: User, case: DevelopmentCase, note: str = "") -> CaseReturn:
    """The branch sends a returned case up again, saying what it corrected."""
    permissions.require_over_case(actor, case, (caps.RECORD_STEPS,))
    with transaction.atomic():
        locked = lock_open_case(case)
        returned = CaseReturn.objects.filter(case=locked, resubmitted_on__isnull=True).order_by("-id").first()
        if not locked.is_returned or returned is None:
            raise DomainError("not_returned", _("The case was not returned to the branch."))
        returned.resubmitted_on = today()
        returned.resubmitted_by = actor
        returned.resubmit_note = (note or "").strip()[:REASON_MAX_LENGTH]
        returned.save(update_fields=["resubmitted_on", "resubmitted_by", "resubmit_note"])
        locked.is_returned = False
        locked.save(update_fields=["is_returned"])
        audit_record(
            actor=actor,
            action="development.case.resubmit",
            target=locked,
            unit_id=locked.branch_id,
            data={"step": returned.step},
        )
    copy_state(case, locked)
    return returned


# --- Closing and moving cases ---------------------------------------------------------------------


def _close(
    actor: User, locked: DevelopmentCase, status: str, on: date, reason: str, destination: str = ""
) -> None:
    if not locked.can_become(status):
        raise DomainError("case_closed", _("This case is already closed."))
    locked.status = status
    locked.closed_on = on
    locked.closing_reason = reason[:200]
    locked.destination = destination[:200]
    locked.save(update_fields=["status", "closed_on", "closing_reason", "destination"])


def case_cancel(
    *, actor: User, case: DevelopmentCase, reason: str, on: date | None = None, withdrawn: bool = False
) -> DevelopmentCase:
    """End a case before probation: the branch stops it (cancelled), or the person withdraws.

    A person may withdraw their own application; the branch (or the higher committee, which may
    refuse the admission) cancels. A probationary membership is cancelled only by a vote of the
    branch general meeting and approval (steps 23 and 24). The person's party status returns to none.
    """
    own = permissions.is_own_case(actor, case)
    if not (own and withdrawn):
        permissions.require_over_case(actor, case, (caps.RECORD_STEPS, caps.APPROVE))
    text = clean_reason(reason)
    if text is None:
        raise FieldErrors.single("reason", _("Say why the case ends."))
    day = on or today()
    not_in_future(day, "on", _("The date"))
    with transaction.atomic():
        locked = lock_open_case(case)
        refused = run(["probation.cancel_by_vote"], RuleContext(step=locked.current_step, on=day))
        if refused:
            raise RuleViolation(refused)
        status = CaseStatus.WITHDRAWN if withdrawn else CaseStatus.CANCELLED
        _close(actor, locked, status, day, text)
        membership_set_status(
            actor=actor,
            person=locked.person,
            status=PartyStatus.NONE,
            on=day,
            reason=str(CaseStatus(status).label),
        )
        audit_record(
            actor=actor,
            action="development.case.cancel",
            target=locked,
            unit_id=locked.branch_id,
            data={"status": status, "date": day.isoformat(), "step": locked.current_step},
        )
    copy_state(case, locked)
    return case


def case_transfer_out(
    *, actor: User, case: DevelopmentCase, destination: str, on: date | None = None, reason: str = ""
) -> DevelopmentCase:
    """Close the case because the person moves to another party organisation, naming it."""
    permissions.require_over_case(actor, case, (caps.RECORD_STEPS,))
    place = (destination or "").strip()
    if not place:
        raise FieldErrors.single("destination", _("Name the party organisation the person moves to."))
    day = on or today()
    not_in_future(day, "on", _("The date"))
    # DOMAIN.md §1: dues must be paid up to the month of the transfer (a person owing none is paid up).
    if not dues_queries.is_paid_up(case.person, day.replace(day=1)):
        raise DomainError(
            "dues_not_paid",
            _("Party dues must be paid up to the month of the transfer before it is recorded."),
        )
    with transaction.atomic():
        locked = lock_open_case(case)
        _close(actor, locked, CaseStatus.TRANSFERRED_OUT, day, reason.strip() or _("Transferred out"), place)
        audit_record(
            actor=actor,
            action="development.case.transfer_out",
            target=locked,
            unit_id=locked.branch_id,
            data={"destination": place, "date": day.isoformat(), "step": locked.current_step},
        )
    copy_state(case, locked)
    return case


# --- Assessments and thought reports ----------------------------------------------------------


def _phase(case: DevelopmentCase) -> str:
    return Phase.PROBATION if case.current_step > steps.ADMISSION_APPROVAL else Phase.ACTIVIST


def assessment_record(
    *,
    actor: User,
    case: DevelopmentCase,
    assessed_on: date,
    period: str,
    assessor: User,
    result: str,
    text: str = "",
) -> Assessment:
    """Record a six-monthly assessment of an activist, development target or probationary member."""
    permissions.require_over_case(actor, case, (caps.RECORD_STEPS,))
    problems: dict[str, list[str]] = {}
    if result not in Assessment.Result.values:
        problems["result"] = [_("Result: choose one of the options.")]
    label = (period or "").strip()
    if not label or len(label) > 40:
        problems["period"] = [_("Name the period, e.g. 2026 spring semester (at most 40 characters).")]
    if assessed_on > today():
        problems["assessed_on"] = [_("The assessment date cannot be in the future.")]
    if problems:
        raise FieldErrors(problems, _("Some fields are not valid."))
    with transaction.atomic():
        locked = lock_open_case(case)
        if locked.activist_on is None or locked.current_step <= steps.ACTIVIST_CONFIRMATION:
            raise DomainError(
                "not_assessed_yet", _("Assessments begin once the applicant is confirmed as an activist.")
            )
        phase = _phase(locked)
        start = locked.probation_start if phase == Phase.PROBATION else locked.activist_on
        if start is not None and assessed_on < start:
            raise FieldErrors.single(
                "assessed_on",
                _("The assessment cannot be dated before %(start)s.") % {"start": start.isoformat()},
            )
        assessment = Assessment.objects.create(
            case=locked,
            phase=phase,
            period=label,
            assessed_on=assessed_on,
            assessor=assessor,
            result=result,
            text=(text or "").strip(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="development.assessment.record",
            target=locked,
            unit_id=locked.branch_id,
            data={"assessment": assessment.pk, "date": assessed_on.isoformat(), "phase": phase},
        )
    return assessment


def thought_report_record(
    *, actor: User, case: DevelopmentCase, received_on: date, document: Document | None = None
) -> ThoughtReport:
    """Record a thought report received from the person (by the branch, or handed in by the person)."""
    if not permissions.is_own_case(actor, case):
        permissions.require_over_case(actor, case, (caps.RECORD_STEPS,))
    not_in_future(received_on, "received_on", _("The date received"))
    if document is not None:
        clean_attachments(case, steps.get(steps.ACTIVIST_EDUCATION), [("other", document)])
    with transaction.atomic():
        locked = lock_open_case(case)
        if received_on < locked.opened_on:
            raise FieldErrors.single(
                "received_on", _("A thought report cannot be dated before the application.")
            )
        report = ThoughtReport.objects.create(
            case=locked, phase=_phase(locked), received_on=received_on, document=document, recorded_by=actor
        )
        audit_record(
            actor=actor,
            action="development.thought_report.record",
            target=locked,
            unit_id=locked.branch_id,
            data={"report": report.pk, "date": received_on.isoformat()},
        )
    return report


def _clean_period(period: str) -> str | None:
    label = (period or "").strip()
    return label if 0 < len(label) <= 40 else None


def thought_report_submit(
    *, actor: User, received_on: date, period: str, uploaded_file: Any
) -> tuple[ThoughtReport, bool]:
    """The person hands in their own thought report (思想汇报) as a file on their open case.

    The file (PDF, Word or image, sniffed and size-limited by the archive) goes into their dossier,
    readable by them and by the branch; the report counts for the quarterly rule. Handing in the
    same file again (a retried upload) returns the report already recorded and ``False``.
    """
    case = (
        DevelopmentCase.objects.filter(person=actor, status=CaseStatus.OPEN).select_related("branch").first()
    )
    if case is None:
        raise Http404
    problems: dict[str, list[str]] = {}
    label = _clean_period(period)
    if label is None:
        problems["period"] = [_("Name the period, e.g. 2026 third quarter (at most 40 characters).")]
    if received_on > today():
        problems["received_on"] = [_("The date of the report cannot be in the future.")]
    elif received_on < case.opened_on:
        problems["received_on"] = [_("A thought report cannot be dated before the application.")]
    try:
        sha256 = upload_checksum(
            uploaded_file, max_bytes=THOUGHT_REPORT_MAX_BYTES, allowed_types=THOUGHT_REPORT_TYPES
        )
    except FieldErrors as error:
        problems.update(error.fields)
        sha256 = ""
    if problems:
        raise FieldErrors(problems, _("Some fields are not valid."))
    with transaction.atomic():
        locked = lock_open_case(case)
        existing = (
            ThoughtReport.objects.filter(case=locked, document__current_version__sha256=sha256)
            .select_related("document")
            .first()
        )
        if existing is not None:
            return existing, False
        document = document_create(
            actor=actor,
            unit=locked.branch,
            title=(_("%(person)s · thought report · %(period)s") % {"person": actor.name, "period": label})[
                :200
            ],
            uploaded_file=uploaded_file,
            purpose=DOSSIER_PURPOSE,
            owner=actor,
            max_bytes=THOUGHT_REPORT_MAX_BYTES,
            allowed_types=THOUGHT_REPORT_TYPES,
            retain_until=KEEP_FOREVER,
        )
        report = ThoughtReport.objects.create(
            case=locked,
            phase=_phase(locked),
            received_on=received_on,
            period=label or "",
            document=document,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="development.thought_report.submit",
            target=locked,
            unit_id=locked.branch_id,
            data={"report": report.pk, "date": received_on.isoformat(), "document": str(document.public_id)},
        )
    return report, True
