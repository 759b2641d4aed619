"""Retention of dossier documents (党员发展档案材料的保管期限), per kind of document, as local
configuration of each university (``development.config``).

- Documents of an open case, or of a case that ended with the person a full member, are the
  party-member file: kept permanently. This is the national rule and no parameter changes it.
- Documents of a case withdrawn or cancelled are kept ``retention_years_withdrawn`` years (default
  10) after the case closed; of a case transferred out, ``retention_years_transferred_out`` years
  (default 10).
- Thought reports follow their case (``retention_years_thought_reports`` = 0, the default) or,
  when set, are kept that many years after a case that ended without admission closed.

A document tied to several cases (rare) is kept as long as the longest of them says; a dossier
document tied to no case is kept. ``documents_past_retention`` lists what may go;
``retention_apply`` deletes it through the archive's services, each deletion audited with the
reason.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from archive.models import Document
from archive.services import document_delete, document_retention_set
from development.config import LocalRules
from development.documents import DOSSIER_PURPOSE
from development.models import CaseStatus, DevelopmentCase, StepDocument, ThoughtReport
from development.periods import add_years
from development.queries import local_rules_by_root, rules_for_path

STEP_DOCUMENT = "step_document"
THOUGHT_REPORT = "thought_report"
ENDED_WITHOUT_ADMISSION = (CaseStatus.WITHDRAWN, CaseStatus.CANCELLED, CaseStatus.TRANSFERRED_OUT)


@dataclass(frozen=True)
class Expired:
    """A dossier document whose retention period has run out."""

    document: Document
    case_id: int
    case_status: str
    closed_on: date
    kind: str
    keep_until: date


def years_kept(rules: LocalRules, status: str, kind: str) -> int | None:
    """Years a document of ``kind`` is kept after a case of ``status`` closed; None: permanently."""
    if status not in ENDED_WITHOUT_ADMISSION:
        return None
    if kind == THOUGHT_REPORT and rules.retention_years_thought_reports:
        return rules.retention_years_thought_reports
    if status == CaseStatus.TRANSFERRED_OUT:
        return rules.retention_years_transferred_out
    return rules.retention_years_withdrawn


def _links() -> dict[int, list[tuple[int, str]]]:
    """Every dossier document's cases, with the kind of document it is there (two queries)."""
    links: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for document_id, case_id in StepDocument.objects.values_list("document_id", "record__case_id"):
        links[document_id].append((case_id, STEP_DOCUMENT))
    reports = ThoughtReport.objects.filter(document__isnull=False).values_list("document_id", "case_id")
    for document_id, case_id in reports:
        if document_id is not None:
            links[document_id].append((case_id, THOUGHT_REPORT))
    return links


def documents_past_retention(today: date) -> list[Expired]:
    """The live dossier documents that may be deleted on ``today``, oldest expiry first."""
    ended = {
        case.pk: case
        for case in DevelopmentCase.objects.filter(status__in=ENDED_WITHOUT_ADMISSION).select_related(
            "branch"
        )
    }
    if not ended:
        return []
    by_root = local_rules_by_root()
    candidates: dict[int, Expired] = {}
    permanent: set[int] = set()
    for document_id, links in _links().items():
        for case_id, kind in links:
            case = ended.get(case_id)
            years = (
                None
                if case is None
                else years_kept(rules_for_path(by_root, case.branch.path), case.status, kind)
            )
            if case is None or years is None or case.closed_on is None:
                permanent.add(document_id)
                continue
            until = add_years(case.closed_on, years)
            known = candidates.get(document_id)
            if known is None or until > known.keep_until:
                candidates[document_id] = Expired(
                    document=Document(pk=document_id),
                    case_id=case.pk,
                    case_status=case.status,
                    closed_on=case.closed_on,
                    kind=kind,
                    keep_until=until,
                )
    due = {pk: item for pk, item in candidates.items() if pk not in permanent and item.keep_until <= today}
    documents = Document.objects.alive().filter(pk__in=due, purpose=DOSSIER_PURPOSE).select_related("unit")
    found = [
        Expired(
            document=document,
            case_id=due[document.pk].case_id,
            case_status=due[document.pk].case_status,
            closed_on=due[document.pk].closed_on,
            kind=due[document.pk].kind,
            keep_until=due[document.pk].keep_until,
        )
        for document in documents
    ]
    return sorted(found, key=lambda item: (item.keep_until, item.document.pk))


def retention_apply(*, actor: Any, expired: list[Expired], reason: str) -> int:
    """Delete each expired document through the archive (its retention date first brought down to
    the day its period ended), each in its own transaction: a stop halfway leaves every document
    either untouched or deleted, and running again carries on. Returns how many were deleted."""
    deleted = 0
    for item in expired:
        with transaction.atomic():
            document_retention_set(
                actor=actor, document=item.document, retain_until=item.keep_until, reason=reason
            )
            document_delete(actor=actor, document=item.document, reason=reason)
        deleted += 1
    return deleted
