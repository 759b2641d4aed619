"""Pages of the archive: a unit's documents, and the permission-checked file downloads."""

from __future__ import annotations

import mimetypes
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from accounts.http import AuthedRequest
from archive import queries, services, serving, sniffing
from archive.forms import DocumentDeleteForm, DocumentUploadForm, VersionUploadForm
from archive.models import UNIT_FILE, Document
from archive.permissions import (
    can_delete_document,
    can_delete_unit_documents,
    can_upload_documents,
    can_view_unit_documents,
    check_or_refuse,
)
from core.errors import DomainError, FieldErrors
from orgs.models import OrgUnit

PAGE_SIZE = 25


def _messages_of(exc: FieldErrors | DomainError) -> list[str]:
    if isinstance(exc, DomainError):
        return [str(exc.message)]
    return [message for messages_ in exc.fields.values() for message in messages_]


@login_required
@require_safe
def download(request: AuthedRequest, public_id: UUID, number: int | None = None) -> HttpResponseBase:
    """The current version of a document, or version ``number``, streamed to a reader."""
    document = queries.readable_document(request.user, public_id)
    version = queries.version_of(document, number)
    response, served = serving.stream_file(
        request,
        name=version.file.name or "",
        size=version.size,
        content_type=version.content_type,
        download_name=version.download_name,
        inline=version.is_inline,
        etag=f'"{version.sha256}"',
    )
    if request.method == "GET" and response.status_code in (200, 206):
        services.document_record_read(actor=request.user, version=version, byte_range=served)
    return response


@login_required
@require_safe
def thumbnail(request: AuthedRequest, public_id: UUID) -> HttpResponseBase:
    """The small preview of an image document's current version."""
    document = queries.readable_document(request.user, public_id)
    version = queries.version_of(document, None)
    if not version.thumbnail:
        raise Http404
    name = version.thumbnail.name or ""
    response, served = serving.stream_file(
        request,
        name=name,
        size=version.thumbnail.size,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        download_name=f"{version.download_name.rsplit('.', 1)[0]}-thumbnail.{name.rsplit('.', 1)[-1]}",
        inline=True,
        etag=f'"{version.sha256}-thumbnail"',
    )
    if request.method == "GET" and response.status_code in (200, 206):
        services.document_record_read(actor=request.user, version=version, byte_range=served, thumbnail=True)
    return response


@login_required
@require_safe
def index(request: AuthedRequest) -> HttpResponse:
    """The units whose documents the person may list."""
    units = list(queries.units_with_documents_for(request.user))
    if not units:
        raise Http404
    top_depth = min(unit.depth for unit in units)
    rows = [{"unit": unit, "level": unit.depth - top_depth} for unit in units]
    return render(request, "archive/index.html", {"rows": rows})


def _render_documents(
    request: AuthedRequest,
    unit: OrgUnit,
    *,
    form: DocumentUploadForm | None = None,
    notice: str = "",
    error_for: UUID | None = None,
    row_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    page = Paginator(queries.unit_documents(unit), PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "unit": unit,
        "page": page,
        "form": form or DocumentUploadForm(),
        "version_form": VersionUploadForm(),
        "delete_form": DocumentDeleteForm(),
        "can_upload": can_upload_documents(request.user, unit),
        "can_delete": can_delete_unit_documents(request.user, unit),
        "accept": ",".join(sniffing.extensions_of(sniffing.DEFAULT_ALLOWED_TYPES)),
        "notice": notice,
        "error_for": error_for,
        "row_errors": row_errors or [],
    }
    template = "archive/unit_documents.html#panel" if request.htmx else "archive/unit_documents.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
def unit_documents(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """A unit's documents, with a form to upload a new one (for those who may)."""
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    check_or_refuse(request.user, can_view_unit_documents(request.user, unit), unit)
    if request.method != "POST":
        return _render_documents(request, unit)
    check_or_refuse(request.user, can_upload_documents(request.user, unit), unit)
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.document_create(
                actor=request.user,
                unit=unit,
                title=form.cleaned_data["title"],
                uploaded_file=form.cleaned_data["file"],
            )
        except FieldErrors as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            notice = _("“%(title)s” is stored.") % {"title": document.title}
            if not request.htmx:
                messages.success(request, notice)
                return redirect("archive:unit_documents", unit_id=unit.pk)
            return _render_documents(request, unit, notice=notice)
    return _render_documents(request, unit, form=form, status=200 if request.htmx else 400)


def _after_row_action(
    request: AuthedRequest, document: Document, *, notice: str, errors: list[str]
) -> HttpResponse:
    if request.htmx:
        if errors:
            return _render_documents(request, document.unit, error_for=document.public_id, row_errors=errors)
        return _render_documents(request, document.unit, notice=notice)
    for error in errors:
        messages.error(request, f"{document.title}: {error}")
    if not errors:
        messages.success(request, notice)
    return redirect("archive:unit_documents", unit_id=document.unit_id)


@login_required
@require_POST
def add_version(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Store an uploaded file as the next version of a unit document."""
    document = queries.live_document(public_id, purpose=UNIT_FILE)
    check_or_refuse(request.user, can_upload_documents(request.user, document.unit), document.unit)
    form = VersionUploadForm(request.POST, request.FILES)
    errors = [str(error) for error in form.errors.get("file", [])] if not form.is_valid() else []
    version = None
    if not errors:
        try:
            version = services.document_add_version(
                actor=request.user, document=document, uploaded_file=form.cleaned_data["file"]
            )
        except (FieldErrors, DomainError) as exc:
            errors = _messages_of(exc)
    notice = (
        _("Version %(number)s of “%(title)s” is stored.")
        % {"number": version.number, "title": document.title}
        if version
        else ""
    )
    return _after_row_action(request, document, notice=notice, errors=errors)


@login_required
@require_POST
def delete(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Delete a unit document (softly: its files and history stay)."""
    document = queries.live_document(public_id, purpose=UNIT_FILE)
    check_or_refuse(request.user, can_delete_document(request.user, document), document.unit)
    form = DocumentDeleteForm(request.POST)
    errors = [str(error) for error in form.errors.get("reason", [])] if not form.is_valid() else []
    if not errors:
        try:
            services.document_delete(
                actor=request.user, document=document, reason=form.cleaned_data["reason"]
            )
        except (FieldErrors, DomainError) as exc:
            errors = _messages_of(exc)
    notice = _("“%(title)s” is deleted.") % {"title": document.title}
    return _after_row_action(request, document, notice=notice, errors=errors)
