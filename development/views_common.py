"""What the development pages share: the timeline as the templates show it, refusals, uploads.

The timeline partial (``development/_timeline.html``) is the same for the person's own page and
the committee's case page; ``detailed`` decides whether the step's data and documents are shown
(the person sees dates, who acted, exceptions and what is missing — not the opinions others wrote).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from accounts.http import AuthedRequest
from accounts.models import User
from archive.models import Document
from core.permissions import can
from development import capabilities as caps
from development import services, steps
from development.deadlines import Deadline
from development.models import DevelopmentCase, RuleException, StepRecord
from development.queries import Timeline, TimelineEntry
from development.queries_people import names_of
from development.rule_engine import Violation
from development.rule_names import describe, describe_stored
from orgs import queries as org_queries
from orgs.capabilities import VIEW_UNIT
from orgs.models import OrgUnit


class HtmxRequest(AuthedRequest):
    """A logged-in request as django-htmx's middleware leaves it."""

    htmx: HtmxDetails


def wants_fragment(request: HtmxRequest) -> bool:
    # A history restore after a cache miss asks for the whole page, although it comes from htmx.
    return bool(request.htmx) and not request.htmx.history_restore_request


# --- Units ---------------------------------------------------------------------------------------------


def unit_breadcrumb(user: Any, unit: OrgUnit) -> list[dict[str, Any]]:
    """The unit's ancestors; only those the user may open are links (one query)."""
    return [
        {"unit": ancestor, "linked": can(user, VIEW_UNIT, ancestor)}
        for ancestor in org_queries.unit_ancestors(unit)
    ]


def may_record_in(user: Any, unit: OrgUnit) -> bool:
    """The user records steps in ``unit``, or may record exceptions there."""
    return can(user, caps.RECORD_STEPS, unit) or can(user, caps.RECORD_EXCEPTION, unit)


# --- Refusals ------------------------------------------------------------------------------------------


def refusal(violations: Iterable[Violation]) -> list[dict[str, Any]]:
    """Every broken rule of a refusal, as the page lists them (name, message, source, dates)."""
    return [describe(violation) for violation in violations]


# --- The timeline --------------------------------------------------------------------------------------


def _person_ids(records: Iterable[StepRecord]) -> set[int]:
    ids: set[int] = set()
    for record in records:
        for spec in record.definition.fields:
            value = record.data.get(spec.name)
            if spec.kind == steps.FieldKind.PERSON and isinstance(value, int):
                ids.add(value)
            elif spec.kind == steps.FieldKind.PERSONS and isinstance(value, list):
                ids.update(v for v in value if isinstance(v, int))
    return ids


def _display(spec: steps.FieldSpec, value: Any, people: dict[int, User]) -> str:
    if spec.kind == steps.FieldKind.PERSON:
        person = people.get(value)
        return person.name if person else "—"
    if spec.kind == steps.FieldKind.PERSONS:
        return "、".join(people[v].name if v in people else "—" for v in value or [])
    if spec.kind == steps.FieldKind.CHOICE:
        return str(dict(spec.choices).get(value, value))
    if spec.kind == steps.FieldKind.BOOL:
        return _("Yes") if value else _("No")
    if spec.kind == steps.FieldKind.DATE and isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return value
    return str(value)


def _details(record: StepRecord, people: dict[int, User]) -> list[dict[str, str]]:
    details = []
    for spec in record.definition.fields:
        value = record.data.get(spec.name)
        if value is None or value == "" or value == []:
            continue
        details.append({"label": str(spec.label), "value": _display(spec, value, people)})
    if record.definition.ongoing and record.data:
        details.append(
            {
                "label": _("Assessments and thought reports"),
                "value": _("%(assessments)s assessments, %(reports)s thought reports")
                % {
                    "assessments": record.data.get("assessments", 0),
                    "reports": record.data.get("thought_reports", 0),
                },
            }
        )
    return details


def exception_row(exception: RuleException) -> dict[str, Any]:
    return {
        **describe_stored(exception.rule_code, exception.params),
        "reason": exception.reason,
        "recorded_by": exception.recorded_by,
        "authority": exception.authority,
        "recorded_on": exception.recorded_on,
        "step": exception.step,
    }


def _entry_row(
    entry: TimelineEntry, people: dict[int, User], detailed: bool, loose: list[RuleException]
) -> dict[str, Any]:
    record = entry.record
    definition = entry.definition
    exceptions = [*entry.exceptions, *(e for e in loose if e.step == definition.number)]
    return {
        "number": definition.number,
        "name": definition.name,
        "stage": definition.stage,
        "stage_name": definition.stage_name,
        "state": entry.state,
        "round": entry.probation_round if definition.number in steps.PROBATION_STEPS else 1,
        "higher": definition.is_higher_committee_step,
        "record": record,
        "details": _details(record, people) if record is not None and detailed else [],
        "vote": entry.vote,
        "exceptions": [exception_row(e) for e in exceptions],
        "warnings": [describe(w) for w in entry.warnings],
        "documents": entry.documents if detailed else [],
        "document_labels": {d.kind: d.label for d in definition.documents},
        "missing_documents": entry.missing_documents,
    }


def timeline_context(timeline: Timeline, *, detailed: bool) -> dict[str, Any]:
    """Everything ``development/_timeline.html`` and the next-step summary need (one extra query)."""
    records = [entry.record for entry in timeline.entries if entry.record is not None]
    people = names_of(_person_ids(records)) if detailed else {}
    loose = [e for e in timeline.exceptions if e.step_record_id is None]
    today_ = timezone.localdate()
    rows = [_entry_row(entry, people, detailed, loose) for entry in timeline.entries]
    return {
        "timeline": timeline,
        "rows": rows,
        "current_row": next((row for row in rows if row["state"] == "current"), None),
        "deadlines": [_deadline_row(deadline, today_) for deadline in timeline.deadlines],
        "exceptions": [exception_row(e) for e in timeline.exceptions],
        "detailed": detailed,
        "stages": steps.STAGES,
    }


def _deadline_row(deadline: Deadline, today_: date) -> dict[str, Any]:
    return {
        "label": deadline.label,
        "due_on": deadline.due_on,
        "overdue": deadline.is_overdue(today_),
        "days_left": deadline.days_left(today_),
        "days_overdue": -deadline.days_left(today_),
    }


# --- Uploads -------------------------------------------------------------------------------------------


def store_uploads(
    actor: User, case: DevelopmentCase, uploads: Sequence[tuple[str, Any]]
) -> list[tuple[str, Document]]:
    """Store the chosen files in the person's dossier; call inside the transaction that uses them,
    so that a refused step leaves no document behind."""
    documents = []
    for kind, uploaded in uploads:
        title = _title_for(case, kind, uploaded)
        document = services.case_document_upload(actor=actor, case=case, title=title, uploaded_file=uploaded)
        documents.append((kind, document))
    return documents


def _title_for(case: DevelopmentCase, kind: str, uploaded: Any) -> str:
    for definition in steps.STEPS:
        for spec in definition.documents:
            if spec.kind == kind:
                return f"{case.person.name} · {spec.label}"[:200]
    name = str(getattr(uploaded, "name", "") or "")
    return f"{case.person.name} · {name}"[:200] if name else case.person.name
