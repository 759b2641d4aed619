"""Dossier documents: kept in the archive with their own purpose and read policy.

Documents of a development dossier are stored by ``archive`` with purpose ``"development"``, the
case's branch as unit and the person as owner. They are kept for good (党员档案 are permanent), so
they carry a retention date no deletion can pass.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from archive.models import Document
from archive.permissions import register_read_policy
from core.permissions import can
from development import capabilities as caps

DOSSIER_PURPOSE = "development"
KEEP_FOREVER = date(9999, 12, 31)


def can_read_dossier_document(user: Any, document: Document) -> bool:
    """Readers of a dossier document: whoever may open dossiers over its unit, the person who
    uploaded it, and the person it is about when they handed it in themselves (their own application
    or thought report) — not the opinions and reviews others wrote about them."""
    if can(user, caps.VIEW_DOSSIER, document.unit):
        return True
    return document.created_by_id is not None and document.created_by_id == user.pk


def register() -> None:
    register_read_policy(DOSSIER_PURPOSE, can_read_dossier_document)
