"""Every transition of a development case: applying, recording steps and votes, approving,
returning, extending, cancelling, transferring, assessments, thought reports and documents.

Each service re-checks the actor's rights over the case's branch (pages, API and tasks all call
it): out of scope is 404, in scope without the capability 403. It then locks the case, runs the
rules (``development.engine``), writes, and records an audit event, all in one transaction. A
broken rule raises ``RuleViolation`` unless the actor holds ``development.record_exception`` and
gives a reason: the exception is then written and stays in the dossier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from archive.models import Document
from archive.services import document_create
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.permissions import require
from development import capabilities as caps
from development import facts, permissions, step_data, steps
from development.documents import DOSSIER_PURPOSE, KEEP_FOREVER
from development.engine import (
    Attachments,
    RuleViolation,
    attach,
    clean_attachments,
    clean_reason,
    complete_step,
    copy_state,
    evaluate,
    lock_open_case,
    require_rights,
    today,
    with_case,
    write_exceptions,
)
from development.models import (
    Batch,
    CaseStatus,
    DevelopmentCase,
    StepRecord,
    Vote,
)
from development.rule_engine import RULES, VoteCounts
from orgs.models import Membership, PartyStatus

__all__ = [
    "CandidateVote",
    "RuleViolation",
    "assessment_record",
    "batch_record_meeting",
    "case_apply",
    "case_approve",
    "case_cancel",
    "case_document_upload",
    "case_extend_probation",
    "case_resubmit",
    "case_return",
    "case_transfer_in",
    "case_transfer_out",
    "dossier_record_view",
    "step_add_documents",
    "step_record",
    "thought_report_record",
    "thought_report_submit",
    "transfer_in_check",
    "vote_record",
]

# --- Applying ---------------------------------------------------------------------------------


def case_apply(
    *,
    actor: User,
    person: User | None = None,
    received_on: date | None = None,
    written_on: date | None = None,
    documents: Attachments = (),
    exception_reason: str | None = None,
) -> DevelopmentCase:
    """Open a case with step 1, the written application.

    A person applies for themselves online (received today; they must be in a branch), or the
    branch records a paper application for a person of its branch (``development.record_steps``).
    The person becomes an applicant from the day the application was received.
    """
    person = person or actor
    membership = Membership.objects.select_related("unit").filter(person=person).first()
    own = person.pk == actor.pk
    if membership is None:
        if not own:
            raise Http404
        raise DomainError(
            "no_branch", _("You can apply once you belong to a branch; ask your branch secretary.")
        )
    branch = membership.unit
    reason = clean_reason(exception_reason)
    if own and reason is None:
        received = today()
    else:
        require(actor, caps.RECORD_EXCEPTION if reason else caps.RECORD_STEPS, branch)
        if received_on is None:
            raise FieldErrors.single("date", _("Give the date the application was received."))
        received = received_on
    if membership.party_status in (PartyStatus.PROBATIONARY, PartyStatus.FULL):
        raise DomainError("already_member", _("%(person)s is already a party member.") % {"person": person})
    definition = steps.get(steps.APPLICATION)
    raw: dict[str, Any] = {"date": received}
    if written_on is not None:
        raw["written_on"] = written_on
    cleaned = step_data.clean_step_data(definition, raw, today=today())
    with transaction.atomic():
        Membership.objects.select_for_update().filter(pk=membership.pk).first()
        if DevelopmentCase.objects.filter(person=person, status=CaseStatus.OPEN).exists():
            raise DomainError(
                "case_already_open", _("%(person)s already has an open case.") % {"person": person}
            )
        case = DevelopmentCase(
            person=person, branch=branch, opened_on=received, step_since=received, current_step=1
        )
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            raise DomainError(
                "case_already_open", _("%(person)s already has an open case.") % {"person": person}
            ) from None
        attachments = clean_attachments(case, definition, documents)
        evaluation = evaluate(case, definition, received, cleaned, reason)
        complete_step(
            actor,
            case,
            definition,
            received,
            step_data.data_as_json(cleaned),
            evaluation,
            attachments,
            reason,
            audit_action="development.case.apply",
            audit_data={"own": own},
        )
    return case


# --- Steps ------------------------------------------------------------------------------------


def step_record(
    *,
    actor: User,
    case: DevelopmentCase,
    step: int,
    data: Mapping[str, Any],
    documents: Attachments = (),
    exception_reason: str | None = None,
) -> StepRecord:
    """Record step ``step`` of the case with its data (``date`` plus the step's fields) and documents.

    Refused out of order or when a rule breaks (``RuleViolation``), unless ``exception_reason`` is
    given by someone holding ``development.record_exception``. Steps 1, 15 and 23 have their own
    services (``case_apply`` and ``vote_record``).
    """
    definition = steps.get(step)
    if step == steps.APPLICATION:
        raise DomainError("step_by_application", _("Step 1 is recorded when the application is made."))
    if step in steps.VOTE_STEPS:
        raise DomainError(
            "step_by_vote",
            _("Record the meeting's vote: step %(step)s is recorded when the vote passes.") % {"step": step},
        )
    reason = require_rights(actor, case, (definition.capability,), exception_reason)
    cleaned = step_data.clean_step_data(definition, data, today=today())
    attachments = clean_attachments(case, definition, documents)
    with transaction.atomic():
        locked = lock_open_case(case)
        if locked.is_returned and definition.is_higher_committee_step:
            raise DomainError(
                "case_returned",
                _("The case was returned to the branch; it can go on once the branch resubmits it."),
            )
        persons = facts.person_facts(definition, cleaned, locked.branch, cleaned["date"])
        evaluation = evaluate(locked, definition, cleaned["date"], cleaned, reason, persons=persons)
        record = complete_step(
            actor,
            locked,
            definition,
            cleaned["date"],
            step_data.data_as_json(cleaned),
            evaluation,
            attachments,
            reason,
        )
    copy_state(case, locked)
    return record


def step_add_documents(
    *,
    actor: User,
    case: DevelopmentCase,
    step: int,
    documents: Attachments,
    probation_round: int | None = None,
) -> StepRecord:
    """Attach further documents to a step already recorded (what the timeline lists as missing)."""
    definition = steps.get(step)
    permissions.require_over_case(actor, case, (definition.capability, caps.RECORD_STEPS))
    attachments = clean_attachments(case, definition, documents)
    if not attachments:
        raise FieldErrors.single("documents", _("Choose at least one document."))
    round_number = probation_round or (case.probation_round if step in steps.PROBATION_STEPS else 1)
    with transaction.atomic():
        DevelopmentCase.objects.select_for_update().get(pk=case.pk)
        record = StepRecord.objects.filter(case=case, step=step, probation_round=round_number).first()
        if record is None:
            raise DomainError("step_not_recorded", _("Step %(step)s is not recorded yet.") % {"step": step})
        attach(actor, record, attachments)
        audit_record(
            actor=actor,
            action="development.step.add_documents",
            target=case,
            unit_id=case.branch_id,
            data={"step": step, "documents": [document.pk for _kind, document in attachments]},
        )
    return record


def case_document_upload(*, actor: User, case: DevelopmentCase, title: str, uploaded_file: Any) -> Document:
    """Store a file in the person's dossier (kept for good), ready to attach to a step or report."""
    permissions.require_over_case(actor, case, (caps.RECORD_STEPS, caps.APPROVE))
    return document_create(
        actor=actor,
        unit=case.branch,
        title=title,
        uploaded_file=uploaded_file,
        purpose=DOSSIER_PURPOSE,
        owner=case.person,
        retain_until=KEEP_FOREVER,
    )


def dossier_record_view(*, actor: User, case: DevelopmentCase, kind: str = "page") -> None:
    """Check that ``actor`` may open the case's full dossier and write the audit event of the opening.

    Pages and the PDF call this before they show the dossier (``kind`` is "page" or "pdf"): every
    reading of a dossier is in the audit log. The person may open their own dossier (DOMAIN.md §8:
    personal data is visible to the person); anyone else gets 404 out of scope, 403 without
    development.view_dossier.
    """
    if not permissions.is_own_case(actor, case):
        permissions.require_dossier_visible(actor, case)
    audit_record(
        actor=actor,
        action="development.dossier.read",
        target=case,
        unit_id=case.branch_id,
        data={"kind": kind},
    )


# --- Votes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateVote:
    """One candidate's counts in a batch meeting (the sitting's attendance is shared)."""

    case: DevelopmentCase
    yes: int
    no: int
    abstain: int
    written_opinions: int = 0
    proposal: str | None = None
    extension_months: int | None = None
    documents: Attachments = ()


def _vote_step(case: DevelopmentCase) -> int:
    return (
        steps.ADMISSION_MEETING if case.current_step <= steps.ADMISSION_MEETING else steps.CONVERSION_MEETING
    )


def _vote_data(
    step: int,
    *,
    meeting_on: date,
    members_with_voting_rights: int,
    attended: int,
    written_opinions: int,
    yes: int,
    no: int,
    abstain: int,
    proposal: str | None,
    extension_months: int | None,
) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "date": meeting_on,
        "members_with_voting_rights": members_with_voting_rights,
        "attended": attended,
        "written_opinions": written_opinions,
        "yes": yes,
        "no": no,
        "abstain": abstain,
    }
    if step == steps.CONVERSION_MEETING:
        raw["proposal"] = proposal
        if proposal == Vote.Proposal.EXTEND:
            raw["extension_months"] = extension_months
    cleaned = step_data.clean_step_data(steps.get(step), raw, today=today())
    cleaned.setdefault("written_opinions", 0)
    problems: dict[str, list[str]] = {}
    members, present = cleaned["members_with_voting_rights"], cleaned["attended"]
    if present > members:
        problems["attended"] = [_("More members present than members with voting rights.")]
    elif cleaned["written_opinions"] > members - present:
        problems["written_opinions"] = [_("Only absent members send written opinions.")]
    elif cleaned["yes"] + cleaned["no"] + cleaned["abstain"] > present + cleaned["written_opinions"]:
        problems["yes"] = [_("More votes than members present and written opinions.")]
    if problems:
        raise FieldErrors(problems, _("The vote counts do not add up."))
    return cleaned


def _record_vote(
    actor: User,
    case: DevelopmentCase,
    cleaned: dict[str, Any],
    attachments: Sequence[tuple[str, Document]],
    reason: str | None,
    batch: Batch | None,
) -> Vote:
    """On the locked case: check the rules, store the vote, and record the step when it passed."""
    step = _vote_step(case)
    definition = steps.get(step)
    counts = VoteCounts(
        members_with_voting_rights=cleaned["members_with_voting_rights"],
        attended=cleaned["attended"],
        written_opinions=cleaned["written_opinions"],
        yes=cleaned["yes"],
        no=cleaned["no"],
        abstain=cleaned["abstain"],
    )
    meeting_on: date = cleaned["date"]
    notices = facts.notice_facts(case) if step == steps.ADMISSION_MEETING else ()
    # Cancelling a probationary membership may be resolved at any time during the probation, not
    # only after the conversion application (step 22).
    cancelling = (
        cleaned.get("proposal") == Vote.Proposal.CANCEL and case.current_step > steps.ADMISSION_FILING
    )
    evaluation = evaluate(
        case,
        definition,
        meeting_on,
        cleaned,
        reason,
        notices=notices,
        vote=counts,
        expected_step=steps.CONVERSION_MEETING if cancelling else None,
    )
    passed = RULES["vote.majority"](evaluation.context) is None
    proposal = cleaned.get("proposal") or Vote.Proposal.ADMIT
    vote = Vote.objects.create(
        case=case,
        step=step,
        probation_round=case.probation_round if step == steps.CONVERSION_MEETING else 1,
        batch=batch,
        meeting_on=meeting_on,
        proposal=proposal,
        extension_months=cleaned.get("extension_months"),
        members_with_voting_rights=counts.members_with_voting_rights,
        attended=counts.attended,
        written_opinions=counts.written_opinions,
        yes=counts.yes,
        no=counts.no,
        abstain=counts.abstain,
        result=Vote.Result.PASSED if passed else Vote.Result.FAILED,
        recorded_by=actor,
    )
    audit = {
        "vote": vote.pk,
        "result": vote.result,
        "proposal": proposal,
        "batch": batch.pk if batch else None,
    }
    if passed:
        data = {**step_data.data_as_json(cleaned), "vote_id": vote.pk, "proposal": proposal}
        complete_step(
            actor,
            case,
            definition,
            meeting_on,
            data,
            evaluation,
            attachments,
            reason,
            audit_action="development.vote.record",
            audit_data=audit,
        )
    else:
        write_exceptions(actor, case, step, None, evaluation.excused, reason or "")
        audit_record(
            actor=actor,
            action="development.vote.record",
            target=case,
            unit_id=case.branch_id,
            data={**audit, "step": step, "date": meeting_on.isoformat()},
        )
    return vote


def vote_record(
    *,
    actor: User,
    case: DevelopmentCase,
    meeting_on: date,
    members_with_voting_rights: int,
    attended: int,
    yes: int,
    no: int,
    abstain: int,
    written_opinions: int = 0,
    proposal: str | None = None,
    extension_months: int | None = None,
    documents: Attachments = (),
    exception_reason: str | None = None,
) -> Vote:
    """Record a branch general meeting's vote on the case (step 15, or step 23 with its proposal).

    The quorum is checked (more than half present; exactly half is refused); the result is computed
    (yes votes, written opinions included, more than half of the members with voting rights). A
    passed vote records the step — at step 15 the probation starts on the meeting day; a failed
    vote stays in the dossier and the step waits for another meeting.
    """
    reason = require_rights(actor, case, (caps.RECORD_STEPS,), exception_reason)
    step = _vote_step(case)
    cleaned = _vote_data(
        step,
        meeting_on=meeting_on,
        members_with_voting_rights=members_with_voting_rights,
        attended=attended,
        written_opinions=written_opinions,
        yes=yes,
        no=no,
        abstain=abstain,
        proposal=proposal,
        extension_months=extension_months,
    )
    attachments = clean_attachments(case, steps.get(step), documents)
    with transaction.atomic():
        locked = lock_open_case(case)
        vote = _record_vote(actor, locked, cleaned, attachments, reason, None)
    copy_state(case, locked)
    return vote


def batch_record_meeting(
    *,
    actor: User,
    batch: Batch,
    meeting_on: date,
    members_with_voting_rights: int,
    attended: int,
    candidates: Sequence[CandidateVote],
    exception_reason: str | None = None,
) -> list[Vote]:
    """Record one sitting of a branch general meeting that votes on several candidates of a batch.

    Each candidate is voted on separately (their own counts and result); the attendance is the
    sitting's. All or nothing: when any candidate's vote is refused, nothing is recorded and the
    ``RuleViolation`` lists every refusal, each marked with its ``case_id``.
    """
    if not candidates:
        raise FieldErrors.single("candidates", _("Choose at least one candidate."))
    if len({c.case.pk for c in candidates}) != len(candidates):
        raise FieldErrors.single("candidates", _("Each candidate is voted on once."))
    if len({c.case.branch_id for c in candidates}) != 1:
        raise FieldErrors.single(
            "candidates", _("A branch general meeting votes on the candidates of its own branch.")
        )
    reason = None
    for candidate in candidates:
        reason = require_rights(actor, candidate.case, (caps.RECORD_STEPS,), exception_reason)
    prepared = []
    for candidate in candidates:
        if candidate.case.batch_id != batch.pk:
            raise FieldErrors.single(
                "candidates", _("%(person)s is not in this batch.") % {"person": candidate.case.person}
            )
        step = _vote_step(candidate.case)
        cleaned = _vote_data(
            step,
            meeting_on=meeting_on,
            members_with_voting_rights=members_with_voting_rights,
            attended=attended,
            written_opinions=candidate.written_opinions,
            yes=candidate.yes,
            no=candidate.no,
            abstain=candidate.abstain,
            proposal=candidate.proposal,
            extension_months=candidate.extension_months,
        )
        prepared.append(
            (candidate, cleaned, clean_attachments(candidate.case, steps.get(step), candidate.documents))
        )
    votes: list[Vote] = []
    refused = []
    with transaction.atomic():
        for candidate, cleaned, attachments in prepared:
            locked = lock_open_case(candidate.case)
            try:
                with transaction.atomic():
                    votes.append(_record_vote(actor, locked, cleaned, attachments, reason, batch))
            except RuleViolation as violation:
                refused += with_case(violation.violations, candidate.case.pk)
        if refused:
            raise RuleViolation(refused)
    for candidate in candidates:
        candidate.case.refresh_from_db()
    return votes


# --- The higher committee's steps -------------------------------------------------------------


def case_approve(
    *,
    actor: User,
    case: DevelopmentCase,
    approved_on: date,
    opinion: str = "",
    documents: Attachments = (),
    exception_reason: str | None = None,
) -> StepRecord:
    """Record the higher committee's approval at the case's current approval step (13, 17 or 24).

    At 17 the person becomes a probationary member from the meeting day; at 24 the meeting's
    resolution is carried out: conversion (full member from the end of probation), extension
    (once, 6–12 months; steps 21–24 are done again) or cancellation (the case closes).
    """
    step = steps.next_recordable(case.current_step)
    if step not in steps.APPROVAL_STEPS:
        permissions.require_over_case(actor, case, (caps.APPROVE,))
        raise DomainError(
            "not_awaiting_approval",
            _("The case is at step %(step)s, which the higher committee does not approve.") % {"step": step},
        )
    data: dict[str, Any] = {"date": approved_on}
    if opinion:
        data["opinion"] = opinion
    return step_record(
        actor=actor, case=case, step=step, data=data, documents=documents, exception_reason=exception_reason
    )


def case_extend_probation(
    *,
    actor: User,
    case: DevelopmentCase,
    approved_on: date,
    opinion: str = "",
    documents: Attachments = (),
    exception_reason: str | None = None,
) -> StepRecord:
    """Approve (step 24) the extension of the probation that the branch general meeting resolved.

    The extension lasts the months voted (6 to 12) and is allowed once; afterwards the probationary
    member is educated and assessed again and steps 21–24 are repeated.
    """
    meeting = StepRecord.objects.filter(
        case=case, step=steps.CONVERSION_MEETING, probation_round=case.probation_round
    ).first()
    if meeting is None or meeting.data.get("proposal") != Vote.Proposal.EXTEND:
        permissions.require_over_case(actor, case, (caps.APPROVE,))
        raise DomainError(
            "no_extension_resolved",
            _("The branch general meeting has not resolved to extend this probation."),
        )
    return case_approve(
        actor=actor,
        case=case,
        approved_on=approved_on,
        opinion=opinion,
        documents=documents,
        exception_reason=exception_reason,
    )


# The closing and moving of cases, assessments and thought reports live in services_cases; they are
# part of this module's interface, so every transition is found under development.services.
from development.services_cases import (  # noqa: E402
    assessment_record,
    case_cancel,
    case_resubmit,
    case_return,
    case_transfer_out,
    thought_report_record,
    thought_report_submit,
)
from development.services_transfers import case_transfer_in, transfer_in_check  # noqa: E402
