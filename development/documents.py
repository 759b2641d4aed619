"""Dossier documents: kept in the archive with their own purpose, read and upload policies.

Documents of a development dossier are stored by ``archive`` with purpose ``"development"``, the
case's branch as unit and the person as owner. They are stored with a retention date no deletion
can pass; ``development.retention`` shortens it for the documents of cases that ended without
admission once the university's retention period (local configuration) runs out. A person with
an open case may store their own thought reports (the owner-upload policy below).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from archive import sniffing
from archive.models import Document
from archive.permissions import register_read_policy, register_upload_policy
from core.permissions import can
from development import capabilities as caps
from development.models import CaseStatus, DevelopmentCase
from orgs.models import OrgUnit

DOSSIER_PURPOSE = "development"
KEEP_FOREVER = date(9999, 12, 31)

# What a person may hand in as their own thought report: a PDF, a Word document or a photo/scan.
THOUGHT_REPORT_TYPES = frozenset(
    {sniffing.PDF.mime, sniffing.DOC.mime, sniffing.DOCX.mime} | sniffing.IMAGE_TYPES
)
THOUGHT_REPORT_MAX_BYTES = 10 * 1024 * 1024


def can_read_dossier_document(user: Any, document: Document) -> bool:
    """Readers of a dossier document: whoever may open dossiers over its unit, the person who
    uploaded it, and the person it is about when they handed it in themselves (their own application
    or thought report) — not the opinions and reviews others wrote about them."""
    if can(user, caps.VIEW_DOSSIER, document.unit):
        return True
    return document.created_by_id is not None and document.created_by_id == user.pk


def may_upload_own_dossier_document(user: Any, unit: OrgUnit, owner: Any) -> bool:
    """A person stores a document about themselves only into the branch of their own open case
    (the services decide which documents: their thought reports)."""
    return DevelopmentCase.objects.filter(person=owner, branch=unit, status=CaseStatus.OPEN).exists()


def register() -> None:
    register_read_policy(DOSSIER_PURPOSE, can_read_dossier_document)
    register_upload_policy(DOSSIER_PURPOSE, may_upload_own_dossier_document)
