"""The machinery every transition of a case shares, used by ``development.services``.

Recording a step is always the same: on a locked open case, check the order and the step's rules,
refuse the errors (unless an authorised person excuses them with a reason, which writes a
``RuleException`` that stays), write the record with its documents and warnings, move the case on
and apply the step's effects (party status, probation dates, closing). The services check rights
first (``require_rights`` below, or ``development.permissions``); the rest of this module trusts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from archive.models import Document
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.permissions import is_system_admin
from development import capabilities as caps
from development import facts, permissions, queries, steps
from development.documents import DOSSIER_PURPOSE
from development.models import (
    LAST_STEP,
    CaseStatus,
    DevelopmentCase,
    RuleException,
    StepDocument,
    StepRecord,
    Vote,
)
from development.periods import add_months
from development.rule_engine import (
    Level,
    NoticeFacts,
    PersonFacts,
    RuleContext,
    Violation,
    VoteCounts,
    run,
)
from development.rules import probation_end
from orgs.models import Membership, OrgUnit, PartyStatus, Position
from orgs.services import membership_set_status

ORDER_RULES = ("steps.order", "steps.date_order")

Attachments = Iterable[tuple[str, Document]]


class RuleViolation(DomainError):
    """A refused action: the rules it breaks, each with its code, message, source and dates.

    ``violations`` are ``development.rules.Violation`` objects; ``as_dicts()`` gives them as JSON for
    the API (a 409 answer). When some of them cannot be excused, ``waivable`` is False.
    """

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = list(violations)
        super().__init__("rule_violation", " ".join(v.message for v in self.violations))

    @property
    def waivable(self) -> bool:
        return all(v.waivable for v in self.violations)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [v.as_dict() for v in self.violations]


def today() -> date:
    return timezone.localdate()


def lock_open_case(case: DevelopmentCase) -> DevelopmentCase:
    """The case row, locked until the end of the transaction; refused when the case is closed."""
    locked = DevelopmentCase.objects.select_for_update().get(pk=case.pk)
    if locked.status != CaseStatus.OPEN:
        raise DomainError(
            "case_closed",
            _("This case is closed (%(status)s); nothing more can be recorded.")
            % {"status": CaseStatus(locked.status).label},
        )
    return locked


def copy_state(target: DevelopmentCase, source: DevelopmentCase) -> None:
    """Bring the caller's case object up to date with the locked copy that was changed."""
    for field in DevelopmentCase._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def clean_attachments(
    case: DevelopmentCase, definition: steps.StepDefinition, documents: Attachments
) -> list[tuple[str, Document]]:
    """The documents to attach, checked: dossier documents of this person, of a kind the step knows."""
    cleaned = list(documents)
    kinds = {spec.kind for spec in definition.documents} | {"other"}
    for kind, document in cleaned:
        if kind not in kinds:
            raise FieldErrors.single(
                "documents", _("This step has no document of the kind “%(kind)s”.") % {"kind": kind}
            )
        if document.owner_id != case.person_id or document.purpose != DOSSIER_PURPOSE or document.is_deleted:
            raise FieldErrors.single(
                "documents",
                _("“%(title)s” is not a document of this person's dossier.") % {"title": document.title},
            )
    return cleaned


def attach(actor: User, record: StepRecord, attachments: Sequence[tuple[str, Document]]) -> None:
    existing = set(record.attachments.values_list("document_id", flat=True)) if record.pk else set()
    for kind, document in attachments:
        if document.pk in existing:
            continue
        StepDocument.objects.create(record=record, document=document, kind=kind, attached_by=actor)
        existing.add(document.pk)


@dataclass(frozen=True)
class Evaluation:
    """What the rules said about a step about to be recorded."""

    records: list[StepRecord]
    excused: list[Violation]
    warnings: list[Violation]
    context: RuleContext


def build_context(
    case: DevelopmentCase,
    definition: steps.StepDefinition,
    on: date,
    data: dict[str, Any],
    records: list[StepRecord],
    *,
    persons: dict[int, PersonFacts] | None = None,
    notices: tuple[NoticeFacts, ...] = (),
    vote: VoteCounts | None = None,
    expected_step: int | None = None,
) -> RuleContext:
    person = User.objects.only("pk", "birth_date").get(pk=case.person_id)
    membership = Membership.objects.filter(person_id=case.person_id).only("league_member").first()
    return RuleContext(
        step=definition.number,
        on=on,
        data=data,
        local=queries.local_rules_for(case.branch),
        step_dates=facts.dates_of(records),
        step_data={record.step: record.data for record in records},
        person_id=case.person_id,
        birth_date=person.birth_date,
        league_member=bool(membership and membership.league_member),
        persons=persons or {},
        notices=notices,
        vote=vote,
        assessments=facts.assessment_dates(case),
        thought_reports=facts.thought_report_dates(case),
        activist_on=case.activist_on,
        probation_start=case.probation_start,
        probation_end=case.probation_end,
        extended_once=case.extended_once,
        expected_step=expected_step or steps.next_recordable(case.current_step),
    )


def evaluate(
    case: DevelopmentCase,
    definition: steps.StepDefinition,
    on: date,
    data: dict[str, Any],
    exception_reason: str | None,
    *,
    persons: dict[int, PersonFacts] | None = None,
    notices: tuple[NoticeFacts, ...] = (),
    vote: VoteCounts | None = None,
    extra_rules: tuple[str, ...] = (),
    expected_step: int | None = None,
) -> Evaluation:
    """Run the order rules and the step's rules; raise ``RuleViolation`` for what cannot pass.

    Errors pass only with an exception reason (the caller checked the right to give one) and only
    when every one of them may be excused.
    """
    records = facts.round_records(case)
    if any(record.step == definition.number for record in records):
        raise DomainError(
            "step_already_recorded",
            _("Step %(step)s (%(name)s) is already recorded for this case.")
            % {"step": definition.number, "name": definition.name},
        )
    context = build_context(
        case,
        definition,
        on,
        data,
        records,
        persons=persons,
        notices=notices,
        vote=vote,
        expected_step=expected_step,
    )
    violations = run((*ORDER_RULES, *definition.rules, *extra_rules), context)
    errors = [v for v in violations if v.level == Level.ERROR]
    warnings = [v for v in violations if v.level == Level.WARNING]
    if errors and (not exception_reason or not all(v.waivable for v in errors)):
        raise RuleViolation(errors)
    return Evaluation(records, errors, warnings, context)


def write_record(
    actor: User,
    case: DevelopmentCase,
    definition: steps.StepDefinition,
    on: date,
    data: dict[str, Any],
    evaluation: Evaluation,
    attachments: Sequence[tuple[str, Document]],
) -> StepRecord:
    """Write the step record (and the record of the ongoing step it completes) with its documents."""
    round_number = case.probation_round if definition.number in steps.PROBATION_STEPS else 1
    recorded = {record.step for record in evaluation.records}
    current = steps.STEPS_BY_NUMBER[case.current_step]
    if current.ongoing and definition.number == current.number + 1 and current.number not in recorded:
        StepRecord.objects.create(
            case=case,
            step=current.number,
            probation_round=round_number,
            date=on,
            data={
                "assessments": len(evaluation.context.assessments),
                "thought_reports": len(evaluation.context.thought_reports),
            },
            recorded_by=actor,
        )
    record = StepRecord.objects.create(
        case=case,
        step=definition.number,
        probation_round=round_number,
        date=on,
        data=data,
        warnings=[{"code": w.code, "params": _json(w)} for w in evaluation.warnings],
        recorded_by=actor,
    )
    attach(actor, record, attachments)
    return record


def _json(violation: Violation) -> dict[str, Any]:
    return violation.as_dict()["params"]


def authority_of(actor: User, branch: OrgUnit, on: date) -> tuple[Position | None, str]:
    """The position by virtue of which ``actor`` may record exceptions over ``branch``, and its label."""
    positions = (
        Position.objects.active(on)
        .filter(person=actor)
        .select_related("unit", "position_type")
        .order_by("position_type__rank")
    )
    for position in positions:
        if caps.RECORD_EXCEPTION in position.position_type.capabilities and branch.path.startswith(
            position.unit.path
        ):
            return position, f"{position.position_type.name} · {position.unit.name}"[:200]
    if is_system_admin(actor):
        return None, _("System administrator")
    return None, ""


def write_exceptions(
    actor: User,
    case: DevelopmentCase,
    step: int,
    record: StepRecord | None,
    excused: Sequence[Violation],
    reason: str,
) -> list[RuleException]:
    """One append-only exception per excused rule, with the reason and the excusing authority."""
    if not excused:
        return []
    on = today()
    position, authority = authority_of(actor, case.branch, on)
    return [
        RuleException.objects.create(
            case=case,
            step=step,
            step_record=record,
            rule_code=violation.code,
            params=_json(violation),
            reason=reason,
            recorded_by=actor,
            position=position,
            authority=authority,
            recorded_on=on,
        )
        for violation in excused
    ]


def advance(case: DevelopmentCase, definition: steps.StepDefinition, on: date) -> list[str]:
    """Move the case past ``definition`` (never backwards) and keep its dates; returns changed fields."""
    changed: list[str] = []
    if definition.number >= case.current_step:
        case.current_step = min(definition.number + 1, LAST_STEP)
        case.step_since = on
        changed += ["current_step", "step_since"]
    if definition.number == steps.ACTIVIST_CONFIRMATION:
        case.activist_on = on
        changed.append("activist_on")
    elif definition.number == steps.TARGET_CONFIRMATION:
        case.target_on = on
        changed.append("target_on")
    elif definition.number == steps.ADMISSION_MEETING:
        case.probation_start = on
        case.probation_end = probation_end(on)
        changed += ["probation_start", "probation_end"]
    return changed


def status_reason(definition: steps.StepDefinition) -> str:
    return _("Development step %(number)s: %(name)s") % {"number": definition.number, "name": definition.name}


def apply_status(actor: User, case: DevelopmentCase, definition: steps.StepDefinition, on: date) -> None:
    """Change the person's party status as the step says (probation counts from the meeting day)."""
    if definition.sets_status is None:
        return
    order = list(PartyStatus.values)
    current = (
        Membership.objects.filter(person_id=case.person_id).values_list("party_status", flat=True).first()
    )
    if current is not None and order.index(current) >= order.index(definition.sets_status):
        return  # already there (e.g. an activist from the roster who applies again): never step back
    since = (
        case.probation_start if definition.number == steps.ADMISSION_APPROVAL and case.probation_start else on
    )
    membership_set_status(
        actor=actor,
        person=case.person,
        status=definition.sets_status,
        on=since,
        reason=status_reason(definition),
    )


def conversion_outcome(
    actor: User, case: DevelopmentCase, definition: steps.StepDefinition, record: StepRecord, on: date
) -> list[str]:
    """Step 24 carries out what the branch general meeting resolved at step 23 of this round."""
    meeting = next(r for r in facts.round_records(case) if r.step == steps.CONVERSION_MEETING)
    proposal = meeting.data.get("proposal")
    if proposal == Vote.Proposal.CONVERT:
        case.converted_on = case.probation_end
        membership_set_status(
            actor=actor,
            person=case.person,
            status=PartyStatus.FULL,
            on=case.probation_end or on,
            reason=status_reason(definition),
        )
        return ["converted_on"]
    if proposal == Vote.Proposal.EXTEND:
        months = int(meeting.data["extension_months"])
        assert case.probation_end is not None  # noqa: S101  (set at step 15, before any conversion)
        case.probation_end = add_months(case.probation_end, months)
        case.extended_once = True
        case.extension_months = months
        case.probation_round += 1
        case.current_step = steps.PROBATION_EDUCATION
        case.step_since = on
        return [
            "probation_end",
            "extended_once",
            "extension_months",
            "probation_round",
            "current_step",
            "step_since",
        ]
    case.status = CaseStatus.CANCELLED
    case.closed_on = on
    case.closing_reason = _("Probationary membership cancelled by the branch general meeting and approved.")[
        :200
    ]
    membership_set_status(
        actor=actor, person=case.person, status=PartyStatus.NONE, on=on, reason=status_reason(definition)
    )
    return ["status", "closed_on", "closing_reason"]


def complete_step(
    actor: User,
    case: DevelopmentCase,
    definition: steps.StepDefinition,
    on: date,
    data: dict[str, Any],
    evaluation: Evaluation,
    attachments: Sequence[tuple[str, Document]],
    exception_reason: str | None,
    *,
    audit_action: str = "development.step.record",
    audit_data: dict[str, Any] | None = None,
) -> StepRecord:
    """Write the record, its exceptions and effects on the locked case, and the audit event."""
    record = write_record(actor, case, definition, on, data, evaluation, attachments)
    exceptions = write_exceptions(
        actor, case, definition.number, record, evaluation.excused, exception_reason or ""
    )
    changed = advance(case, definition, on)
    apply_status(actor, case, definition, on)
    if definition.number == steps.CONVERSION_APPROVAL:
        changed += conversion_outcome(actor, case, definition, record, on)
    elif definition.number == steps.ARCHIVE:
        case.status = CaseStatus.CONVERTED
        case.closed_on = on
        changed += ["status", "closed_on"]
    case.save(update_fields=sorted(set(changed)))
    audit_record(
        actor=actor,
        action=audit_action,
        target=case,
        unit_id=case.branch_id,
        data={
            "step": definition.number,
            "round": record.probation_round,
            "date": on.isoformat(),
            "exceptions": [e.rule_code for e in exceptions],
            "warnings": [w.code for w in evaluation.warnings],
            **(audit_data or {}),
        },
    )
    return record


def with_case(violations: Iterable[Violation], case_id: int) -> list[Violation]:
    """The violations, each marked with the case it concerns (for a batch meeting's refusal)."""
    return [replace(v, params={**v.params, "case_id": case_id}) for v in violations]


REASON_MAX_LENGTH = 2000


def clean_reason(text: str | None) -> str | None:
    cleaned = (text or "").strip()
    return cleaned[:REASON_MAX_LENGTH] or None


def require_rights(
    actor: User, case: DevelopmentCase, capabilities: Sequence[str], exception_reason: str | None
) -> str | None:
    """404 out of scope; with an exception reason, 403 without development.record_exception (which
    then suffices to record the step on the branch's behalf); otherwise 403 without a capability."""
    reason = clean_reason(exception_reason)
    if not permissions.is_case_in_scope(actor, case):
        raise Http404
    if reason is not None:
        if not permissions.can_record_exception(actor, case):
            raise PermissionDenied
        return reason
    permissions.require_over_case(actor, case, capabilities)
    return None


def not_in_future(day: date, field: str, label: str) -> None:
    if day > today():
        raise FieldErrors.single(field, _("%(field)s cannot be in the future.") % {"field": label})
