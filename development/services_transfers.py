"""A person arriving with a dossier in progress from another university or party organisation
(转入): the branch records where they come from, the transfer letter, the day it was received, the
steps already done there with their dates, and the documents that came with them.

``transfer_in_check`` validates everything and says what would be recorded (the preview);
``case_transfer_in`` runs the very same check and then writes it all in one transaction. Part of
``development.services`` (re-exported there).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from archive.services import document_create, upload_checksum
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.permissions import require
from development import capabilities as caps
from development import steps
from development.documents import DOSSIER_PURPOSE, KEEP_FOREVER
from development.engine import Attachments, attach, clean_attachments, today
from development.models import CaseStatus, DevelopmentCase, StepRecord
from development.rules import probation_end
from orgs.models import Membership, OrgUnit, PartyStatus
from orgs.services import membership_set_status

# Steps a transferred history may hold: a probationary member's case may arrive up to the
# conversion meeting; after that the person is a full member and transfers as one (not a case).
LAST_TRANSFERRED_STEP = steps.CONVERSION_MEETING
TRANSFERABLE_STEPS = tuple(d for d in steps.STEPS if d.number <= LAST_TRANSFERRED_STEP)
LETTER_MAX_LENGTH = 60

Uploads = Mapping[int, Sequence[Any]]

_STATUS_AFTER_STEP = (
    (steps.ADMISSION_APPROVAL, PartyStatus.PROBATIONARY),
    (steps.TARGET_CONFIRMATION, PartyStatus.TARGET),
    (steps.ACTIVIST_CONFIRMATION, PartyStatus.ACTIVIST),
    (steps.APPLICATION, PartyStatus.APPLICANT),
)


def step_field(number: int) -> str:
    """The name of the input (form field, API field, error key) holding the date of step ``number``."""
    return f"step_{number}"


def document_field(number: int) -> str:
    """The name of the input holding the documents of step ``number``."""
    return f"document_{number}"


def document_kind(definition: steps.StepDefinition) -> str:
    """The kind under which a transferred document of this step is attached."""
    return definition.documents[0].kind if definition.documents else "other"


@dataclass(frozen=True)
class TransferredStep:
    number: int
    name: str
    stage_name: str
    on: date
    documents: tuple[str, ...]


@dataclass(frozen=True)
class TransferInPlan:
    """What a transfer-in records, once every field passed: shown as the preview, then written."""

    person: User
    branch: OrgUnit
    transferred_in_from: str
    letter_number: str
    received_on: date
    history: dict[int, date]
    steps: tuple[TransferredStep, ...]
    current_step: int
    party_status: str

    @property
    def current_step_name(self) -> str:
        return str(steps.STEPS_BY_NUMBER[self.current_step].name)

    @property
    def party_status_label(self) -> str:
        return str(PartyStatus(self.party_status).label)


def _history_problems(history: Mapping[int, date], received_on: date | None) -> dict[str, list[str]]:
    """Every problem of the dates, each on the field of the step it concerns."""
    problems: dict[str, list[str]] = {}
    unknown = [n for n in history if n not in steps.STEPS_BY_NUMBER or n > LAST_TRANSFERRED_STEP]
    if unknown:
        problems["history"] = [
            _("A transferred history holds steps 1 to %(last)d only.") % {"last": LAST_TRANSFERRED_STEP}
        ]
        return problems
    if steps.APPLICATION not in history:
        problems[step_field(steps.APPLICATION)] = [
            _("Give the date of the application (step 1): every transferred history starts with it.")
        ]
        return problems
    last = max(history)
    previous: tuple[int, date] | None = None
    for definition in TRANSFERABLE_STEPS[:last]:
        number = definition.number
        field = step_field(number)
        day = history.get(number)
        if day is None:
            problems[field] = [
                _("Step %(number)d (%(name)s) is missing: steps up to %(last)d were done, so give its date.")
                % {"number": number, "name": definition.name, "last": last}
            ]
            continue
        if day > today():
            problems[field] = [
                _("Step %(number)d (%(name)s) cannot be dated in the future.")
                % {"number": number, "name": definition.name}
            ]
        elif previous is not None and day < previous[1]:
            problems[field] = [
                _("Step %(number)d (%(name)s) cannot be dated before step %(before)d (%(date)s).")
                % {
                    "number": number,
                    "name": definition.name,
                    "before": previous[0],
                    "date": previous[1].isoformat(),
                }
            ]
        previous = (number, day)
    if received_on is not None and previous is not None and received_on < previous[1]:
        problems["received_on"] = [
            _(
                "The letter cannot be received before the last step done elsewhere (step %(number)d, %(date)s)."
            )
            % {"number": previous[0], "date": previous[1].isoformat()}
        ]
    return problems


def _document_problems(history: Mapping[int, date], uploads: Uploads) -> dict[str, list[str]]:
    """Type and size of every file (as the archive will check them), and that its step was done."""
    problems: dict[str, list[str]] = {}
    for number, files in uploads.items():
        field = document_field(number)
        if not files:
            continue
        if number not in history:
            problems[field] = [
                _("Documents of step %(number)d need the date of that step.") % {"number": number}
            ]
            continue
        for uploaded in files:
            try:
                upload_checksum(uploaded)
            except FieldErrors as error:
                problems[field] = [
                    f"{getattr(uploaded, 'name', '')}: {m}" for m in error.fields.get("file", [])
                ]
                break
    return problems


def _party_status(history: Mapping[int, date]) -> str:
    return next((status for step, status in _STATUS_AFTER_STEP if step in history), PartyStatus.APPLICANT)


def transfer_in_check(
    *,
    actor: User,
    person: User,
    history: Mapping[int, date],
    transferred_in_from: str,
    letter_number: str,
    received_on: date | None,
    uploads: Uploads | None = None,
) -> TransferInPlan:
    """Validate a transfer-in completely, writing nothing: the plan to preview, or a ``FieldErrors``
    naming every bad field at once (the origin, the letter, the date received, each step's date and
    documents). Needs development.record_steps over the person's branch (404 out of scope, 403
    without); a person with an open case is refused (``case_already_open``).
    """
    membership = Membership.objects.select_related("unit").filter(person=person).first()
    if membership is None:
        raise Http404
    require(actor, caps.RECORD_STEPS, membership.unit)
    problems: dict[str, list[str]] = {}
    origin = (transferred_in_from or "").strip()
    if not origin:
        problems["transferred_in_from"] = [_("Name the party organisation the person comes from.")]
    elif len(origin) > 200:
        problems["transferred_in_from"] = [_("The name of the organisation can have at most 200 characters.")]
    letter = (letter_number or "").strip()
    if not letter:
        problems["letter_number"] = [_("Give the number of the transfer letter.")]
    elif len(letter) > LETTER_MAX_LENGTH:
        problems["letter_number"] = [
            _("The letter number can have at most %(limit)d characters.") % {"limit": LETTER_MAX_LENGTH}
        ]
    if received_on is None:
        problems["received_on"] = [_("Give the date the transfer letter was received.")]
    elif received_on > today():
        problems["received_on"] = [_("The date received cannot be in the future.")]
    for field, messages in _history_problems(history, received_on).items():
        problems.setdefault(field, []).extend(messages)
    problems.update(_document_problems(history, uploads or {}))
    if problems:
        raise FieldErrors(problems, _("Some fields are not valid."))
    if DevelopmentCase.objects.filter(person=person, status=CaseStatus.OPEN).exists():
        raise DomainError("case_already_open", _("%(person)s already has an open case.") % {"person": person})
    assert received_on is not None  # noqa: S101  (checked above)
    last = max(history)
    return TransferInPlan(
        person=person,
        branch=membership.unit,
        transferred_in_from=origin,
        letter_number=letter,
        received_on=received_on,
        history=dict(sorted(history.items())),
        steps=tuple(
            TransferredStep(
                number=number,
                name=str(steps.STEPS_BY_NUMBER[number].name),
                stage_name=str(steps.STEPS_BY_NUMBER[number].stage_name),
                on=day,
                documents=tuple(str(getattr(f, "name", "") or "") for f in (uploads or {}).get(number, ())),
            )
            for number, day in sorted(history.items())
        ),
        current_step=min(last + 1, steps.ARCHIVE),
        party_status=_party_status(history),
    )


def _store(actor: User, plan: TransferInPlan, uploads: Uploads) -> dict[int, list[tuple[str, Any]]]:
    stored: dict[int, list[tuple[str, Any]]] = {}
    for number, files in sorted(uploads.items()):
        definition = steps.STEPS_BY_NUMBER[number]
        kind = document_kind(definition)
        label = next((spec.label for spec in definition.documents if spec.kind == kind), definition.name)
        for uploaded in files:
            document = document_create(
                actor=actor,
                unit=plan.branch,
                title=f"{plan.person.name} · {label} · {_('transferred in')}"[:200],
                uploaded_file=uploaded,
                purpose=DOSSIER_PURPOSE,
                owner=plan.person,
                retain_until=KEEP_FOREVER,
            )
            stored.setdefault(number, []).append((kind, document))
    return stored


def case_transfer_in(
    *,
    actor: User,
    person: User,
    history: Mapping[int, date],
    transferred_in_from: str,
    letter_number: str,
    received_on: date | None,
    uploads: Uploads | None = None,
    documents: Attachments = (),
) -> DevelopmentCase:
    """Open the case of a person who arrives with a dossier in progress from another organisation.

    ``history`` gives the date of each step already done there (step 1 to the last one done, at
    most step 23, without gaps). The records are marked as transferred in and their rules are not
    checked; the dates must follow each other. ``uploads`` (files by step) are stored in the
    person's dossier and attached to their steps; ``documents`` already in the dossier are attached
    to the application. The person's party status follows the history. All or nothing.
    """
    plan = transfer_in_check(
        actor=actor,
        person=person,
        history=history,
        transferred_in_from=transferred_in_from,
        letter_number=letter_number,
        received_on=received_on,
        uploads=uploads,
    )
    history = plan.history
    last = max(history)
    with transaction.atomic():
        Membership.objects.select_for_update().filter(person=person).first()
        if DevelopmentCase.objects.filter(person=person, status=CaseStatus.OPEN).exists():
            raise DomainError(
                "case_already_open", _("%(person)s already has an open case.") % {"person": person}
            )
        case = DevelopmentCase.objects.create(
            person=person,
            branch=plan.branch,
            opened_on=history[steps.APPLICATION],
            step_since=history[last],
            current_step=plan.current_step,
            transferred_in_from=plan.transferred_in_from[:200],
            transfer_letter_number=plan.letter_number,
            transferred_in_on=plan.received_on,
            activist_on=history.get(steps.ACTIVIST_CONFIRMATION),
            target_on=history.get(steps.TARGET_CONFIRMATION),
            probation_start=history.get(steps.ADMISSION_MEETING),
            probation_end=probation_end(history[steps.ADMISSION_MEETING])
            if steps.ADMISSION_MEETING in history
            else None,
        )
        records = {
            number: StepRecord.objects.create(
                case=case, step=number, date=day, transferred_in=True, recorded_by=actor
            )
            for number, day in history.items()
        }
        for number, attachments in _store(actor, plan, uploads or {}).items():
            attach(actor, records[number], attachments)
        if documents:
            application = steps.get(steps.APPLICATION)
            attach(actor, records[steps.APPLICATION], clean_attachments(case, application, documents))
        _set_status(actor, person, history)
        audit_record(
            actor=actor,
            action="development.case.transfer_in",
            target=case,
            unit_id=case.branch_id,
            data={
                "from": case.transferred_in_from,
                "letter": case.transfer_letter_number,
                "received_on": plan.received_on.isoformat(),
                "steps": sorted(history),
                "documents": sum(len(files) for files in (uploads or {}).values()),
            },
        )
    return case


def _set_status(actor: User, person: User, history: Mapping[int, date]) -> None:
    for step, status in _STATUS_AFTER_STEP:
        if step in history:
            since = (
                history.get(steps.ADMISSION_MEETING, history[step])
                if step == steps.ADMISSION_APPROVAL
                else history[step]
            )
            membership_set_status(
                actor=actor, person=person, status=status, on=since, reason=_("Transferred in")
            )
            return
