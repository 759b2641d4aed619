"""Reads of the archive, checked against what the asking user may see."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from archive import capabilities as caps
from archive.models import UNIT_FILE, Document, DocumentVersion
from archive.permissions import check_read_or_refuse
from core.permissions import scope_q
from orgs.models import OrgUnit


def readable_document(user: Any, public_id: UUID) -> Document:
    """The live document with ``public_id`` if ``user`` may read it; 404 or 403 otherwise."""
    document = (
        Document.objects.alive().select_related("unit", "current_version").filter(public_id=public_id).first()
    )
    if document is None:
        raise Http404
    check_read_or_refuse(user, document)
    return document


def live_document(public_id: UUID, *, purpose: str) -> Document:
    """The live document of ``purpose`` with ``public_id`` (writes check their own permission)."""
    document = (
        Document.objects.alive().select_related("unit").filter(public_id=public_id, purpose=purpose).first()
    )
    if document is None:
        raise Http404
    return document


def version_of(document: Document, number: int | None) -> DocumentVersion:
    """The numbered version of ``document``, or its current version when ``number`` is None."""
    if number is None:
        if document.current_version is None:
            raise Http404
        version = document.current_version
    else:
        found = DocumentVersion.objects.filter(document=document, number=number).first()
        if found is None:
            raise Http404
        version = found
    version.document = document
    return version


def unit_documents(unit: OrgUnit, *, purpose: str = UNIT_FILE) -> QuerySet[Document]:
    """The unit's own live documents of ``purpose``, newest first, with what a list row shows.

    Only one purpose is listed: documents of other parts of the platform (dossiers, photos) have
    their own read policies and are shown by their own pages.
    """
    return (
        Document.objects.alive()
        .filter(unit=unit, purpose=purpose)
        .select_related("current_version", "current_version__uploaded_by", "created_by")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=DocumentVersion.objects.only(
                    "id", "document_id", "number", "size", "content_type", "original_name", "created_at"
                ).order_by("-number"),
            )
        )
        .order_by("-created_at", "-id")
    )


def units_with_documents_for(user: Any) -> QuerySet[OrgUnit]:
    """Units whose documents ``user`` may list, in tree order."""
    return OrgUnit.objects.filter(scope_q(user, caps.VIEW_DOCUMENTS)).order_by("path")
