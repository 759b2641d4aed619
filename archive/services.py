"""Writes of the archive: storing documents and their versions, deleting them, recording reads.

Each upload is checked (permission, size, type sniffed from the content), checksummed, stored
through the storage API and recorded in one transaction. Files are written inside the
transaction, so a failed write leaves no row; if the transaction then fails, the files written
are deleted again. A file whose row was lost by an enclosing transaction rolling back later is
removed by ``archive_orphans_sweep`` (a daily job).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from archive import capabilities as caps
from archive import sniffing
from archive.models import UNIT_FILE, Document, DocumentVersion
from archive.permissions import owner_may_upload
from archive.thumbnails import ImageRefused, make_thumbnail
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.permissions import require
from orgs.models import OrgUnit

_PURPOSE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")
_READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class _CheckedFile:
    file: Any
    sniffed: sniffing.Sniffed
    size: int
    sha256: str
    original_name: str
    thumbnail: File[bytes] | None


def _refuse_file(message: str) -> NoReturn:
    raise FieldErrors.single("file", message)


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):.3g}"


def _clean_name(raw: str) -> str:
    """The uploader's file name without any path, control characters or surrounding space."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_NAME.sub("", name).strip()[:255]


def _checksum(file: Any, limit: int) -> tuple[int, str]:
    """Size and SHA-256 of the whole file, refusing as soon as it passes ``limit`` bytes."""
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    while chunk := file.read(_READ_CHUNK):
        size += len(chunk)
        if size > limit:
            _refuse_file(
                _("The file is larger than the limit of %(limit)s MB.") % {"limit": _megabytes(limit)}
            )
        digest.update(chunk)
    file.seek(0)
    return size, digest.hexdigest()


def _sniffed_type(uploaded_file: Any, allowed: frozenset[str]) -> sniffing.Sniffed:
    sniffed = sniffing.sniff(uploaded_file)
    if sniffed is None:
        _refuse_file(
            _("The type of this file could not be recognised. Accepted: %(accepted)s.")
            % {"accepted": ", ".join(sniffing.labels_of(allowed))}
        )
    if sniffed.mime not in allowed:
        _refuse_file(
            _("Files of this type are not accepted here: %(type)s. Accepted: %(accepted)s.")
            % {"type": sniffed.label, "accepted": ", ".join(sniffing.labels_of(allowed))}
        )
    return sniffed


def _check_file(
    uploaded_file: Any, *, max_bytes: int | None, allowed_types: Collection[str] | None
) -> _CheckedFile:
    """Size, checksum, type and (for images) thumbnail of an upload, or a FieldErrors on "file"."""
    if uploaded_file is None:
        _refuse_file(_("Choose a file to upload."))
    limit = max_bytes if max_bytes is not None else int(settings.ARCHIVE_MAX_UPLOAD_BYTES)
    allowed = frozenset(allowed_types) if allowed_types is not None else sniffing.DEFAULT_ALLOWED_TYPES
    declared = getattr(uploaded_file, "size", None)
    if isinstance(declared, int) and declared > limit:
        _refuse_file(_("The file is larger than the limit of %(limit)s MB.") % {"limit": _megabytes(limit)})
    size, sha256 = _checksum(uploaded_file, limit)
    if size == 0:
        _refuse_file(_("The file is empty."))
    sniffed = _sniffed_type(uploaded_file, allowed)
    thumbnail = None
    if sniffed.mime in sniffing.IMAGE_TYPES:
        try:
            thumbnail = make_thumbnail(uploaded_file, sniffed.mime)
        except ImageRefused as refusal:
            if refusal.reason == "too_many_pixels":
                _refuse_file(
                    _("The image has more than %(limit)s million pixels; make it smaller and try again.")
                    % {"limit": f"{refusal.limit / 1_000_000:g}"}
                )
            _refuse_file(_("The image is damaged and cannot be read."))
    original_name = _clean_name(getattr(uploaded_file, "name", "") or "") or f"document.{sniffed.extension}"
    return _CheckedFile(uploaded_file, sniffed, size, sha256, original_name, thumbnail)


def upload_checksum(
    uploaded_file: Any, *, max_bytes: int | None = None, allowed_types: Collection[str] | None = None
) -> str:
    """The SHA-256 of an upload as its version would record it, once its size and sniffed type pass.

    Lets a caller recognise a retried upload before storing anything, and name every bad field at
    once. Refuses (FieldErrors on "file") exactly as ``document_create`` would.
    """
    if uploaded_file is None:
        _refuse_file(_("Choose a file to upload."))
    limit = max_bytes if max_bytes is not None else int(settings.ARCHIVE_MAX_UPLOAD_BYTES)
    allowed = frozenset(allowed_types) if allowed_types is not None else sniffing.DEFAULT_ALLOWED_TYPES
    declared = getattr(uploaded_file, "size", None)
    if isinstance(declared, int) and declared > limit:
        _refuse_file(_("The file is larger than the limit of %(limit)s MB.") % {"limit": _megabytes(limit)})
    size, sha256 = _checksum(uploaded_file, limit)
    if size == 0:
        _refuse_file(_("The file is empty."))
    _sniffed_type(uploaded_file, allowed)
    uploaded_file.seek(0)
    return sha256


@contextmanager
def _files_removed_on_failure() -> Iterator[list[str]]:
    """Collect the names of files written; delete them again if the block fails."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _store_version(
    *, document: Document, number: int, checked: _CheckedFile, actor: Any, written: list[str]
) -> DocumentVersion:
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=checked.original_name,
        size=checked.size,
        content_type=checked.sniffed.content_type,
        sha256=checked.sha256,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    checked.file.seek(0)
    # The name passed here only carries the extension of the sniffed type (see version_upload_to).
    version.file.save(f"upload.{checked.sniffed.extension}", checked.file, save=False)
    written.append(version.file.name or "")
    if checked.thumbnail is not None:
        version.thumbnail.save(checked.thumbnail.name or "thumbnail", checked.thumbnail, save=False)
        written.append(version.thumbnail.name or "")
    version.save()
    return version


def _version_data(version: DocumentVersion) -> dict[str, Any]:
    return {
        "version": version.number,
        "name": version.original_name,
        "size": version.size,
        "content_type": version.content_type,
        "sha256": version.sha256,
    }


def document_create(
    *,
    actor: Any,
    unit: OrgUnit,
    title: str,
    uploaded_file: Any,
    purpose: str = UNIT_FILE,
    owner: Any = None,
    max_bytes: int | None = None,
    allowed_types: Collection[str] | None = None,
    retain_until: date | None = None,
) -> Document:
    """Store a new document in ``unit`` with ``uploaded_file`` as its version 1.

    Needs ``archive.upload_documents`` over the unit, unless the actor stores a document about
    themselves (``owner``) that the purpose's owner-upload policy allows. Refuses (FieldErrors on
    "file") an empty file, one over the size limit, or one whose sniffed type is not allowed.
    """
    if not owner_may_upload(actor, unit=unit, purpose=purpose, owner=owner):
        require(actor, caps.UPLOAD_DOCUMENTS, unit)
    title = (title or "").strip()
    if not title:
        raise FieldErrors.single("title", _("Give the document a title."))
    if len(title) > 200:
        raise FieldErrors.single("title", _("The title can have at most 200 characters."))
    if not _PURPOSE.match(purpose):
        raise ValueError(f"Invalid document purpose {purpose!r}")
    checked = _check_file(uploaded_file, max_bytes=max_bytes, allowed_types=allowed_types)
    with _files_removed_on_failure() as written, transaction.atomic():
        document = Document.objects.create(
            title=title,
            unit=unit,
            owner=owner,
            purpose=purpose,
            created_by=actor,
            retain_until=retain_until,
        )
        version = _store_version(document=document, number=1, checked=checked, actor=actor, written=written)
        document.current_version = version
        document.save(update_fields=["current_version"])
        audit_record(
            actor=actor,
            action="archive.document.create",
            target=document,
            unit_id=unit.pk,
            data={"purpose": purpose, **_version_data(version)},
        )
    return document


def document_add_version(
    *,
    actor: Any,
    document: Document,
    uploaded_file: Any,
    max_bytes: int | None = None,
    allowed_types: Collection[str] | None = None,
) -> DocumentVersion:
    """Add ``uploaded_file`` as the next numbered version of ``document``; older versions stay.

    Needs ``archive.upload_documents`` over the document's unit.
    """
    require(actor, caps.UPLOAD_DOCUMENTS, document.unit)
    checked = _check_file(uploaded_file, max_bytes=max_bytes, allowed_types=allowed_types)
    with _files_removed_on_failure() as written, transaction.atomic():
        locked = Document.objects.select_for_update().select_related("unit").get(pk=document.pk)
        if locked.is_deleted:
            raise DomainError("document_deleted", _("This document has been deleted."))
        last = locked.versions.aggregate(last=Max("number"))["last"] or 0
        version = _store_version(
            document=locked, number=last + 1, checked=checked, actor=actor, written=written
        )
        locked.current_version = version
        locked.save(update_fields=["current_version"])
        audit_record(
            actor=actor,
            action="archive.document.version",
            target=locked,
            unit_id=locked.unit_id,
            data=_version_data(version),
        )
    document.current_version = version
    return version


def document_delete(*, actor: Any, document: Document, reason: str) -> Document:
    """Mark ``document`` deleted (its files stay); refused while it must be retained.

    Needs ``archive.delete_documents`` over the document's unit and a reason.
    """
    require(actor, caps.DELETE_DOCUMENTS, document.unit)
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors.single("reason", _("Say why the document is deleted."))
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.is_deleted:
            return locked
        if locked.retain_until is not None and locked.is_retained():
            raise DomainError(
                "document_retained",
                _("This document must be kept until %(date)s and cannot be deleted before then.")
                % {"date": date_format(locked.retain_until)},
            )
        locked.is_deleted = True
        locked.deleted_at = timezone.now()
        locked.deleted_by = actor
        locked.delete_reason = reason[:200]
        locked.save(update_fields=["is_deleted", "deleted_at", "deleted_by", "delete_reason"])
        audit_record(
            actor=actor,
            action="archive.document.delete",
            target=locked,
            unit_id=locked.unit_id,
            data={"reason": locked.delete_reason},
        )
    return locked


def document_retention_set(
    *, actor: Any, document: Document, retain_until: date | None, reason: str
) -> Document:
    """Change the day until which ``document`` must be kept (its owner app's retention rule decided it).

    Needs ``archive.delete_documents`` over the document's unit, since a shorter retention opens
    the way to deletion; the old and new dates and the reason are in the audit log.
    """
    require(actor, caps.DELETE_DOCUMENTS, document.unit)
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors.single("reason", _("Say why the retention changes."))
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.retain_until == retain_until:
            return locked
        previous = locked.retain_until
        locked.retain_until = retain_until
        locked.save(update_fields=["retain_until"])
        audit_record(
            actor=actor,
            action="archive.document.retention",
            target=locked,
            unit_id=locked.unit_id,
            data={
                "from": previous.isoformat() if previous else None,
                "to": retain_until.isoformat() if retain_until else None,
                "reason": reason[:200],
            },
        )
    document.retain_until = retain_until
    return locked


def document_record_read(
    *,
    actor: Any,
    version: DocumentVersion,
    byte_range: tuple[int, int] | None = None,
    thumbnail: bool = False,
) -> None:
    """Write the audit event of one download of ``version`` (or of its thumbnail)."""
    data: dict[str, Any] = {"version": version.number}
    if byte_range is not None:
        data["range"] = f"{byte_range[0]}-{byte_range[1]}"
    if thumbnail:
        data["thumbnail"] = True
    audit_record(
        actor=actor,
        action="archive.document.read",
        target=version.document,
        unit_id=version.document.unit_id,
        data=data,
    )


def archive_orphans_sweep(*, older_than: timedelta = timedelta(days=1)) -> list[str]:
    """Delete stored files under ``archive/`` that no version refers to, once they are old enough.

    Such files are left when a transaction that wrote them rolled back after the upload service
    returned (an enclosing transaction) or when a process died mid-upload. The age limit keeps
    uploads that are still in flight.
    """
    cutoff = timezone.now() - older_than
    removed: list[str] = []
    for shard in _listdir("archive")[0]:
        folders = _listdir(f"archive/{shard}")[0]
        for batch_start in range(0, len(folders), 500):
            batch = folders[batch_start : batch_start + 500]
            removed.extend(_sweep_folders(shard, batch, cutoff))
    if removed:
        audit_record(actor=None, action="archive.orphans.sweep", data={"removed": len(removed)})
    return removed


def _listdir(path: str) -> tuple[list[str], list[str]]:
    try:
        return default_storage.listdir(path)
    except FileNotFoundError:
        return [], []


def _sweep_folders(shard: str, folders: list[str], cutoff: Any) -> list[str]:
    ids: dict[str, uuid.UUID] = {}
    for folder in folders:
        try:
            ids[folder] = uuid.UUID(folder)
        except ValueError:
            continue  # not a document's folder
    known: set[str] = set()
    versions = DocumentVersion.objects.filter(document__public_id__in=ids.values())
    for file_name, thumbnail_name in versions.values_list("file", "thumbnail"):
        known.update({file_name, thumbnail_name})
    removed = []
    for folder_name in ids:
        folder = f"archive/{shard}/{folder_name}"
        for name in _listdir(folder)[1]:
            path = f"{folder}/{name}"
            if path in known:
                continue
            try:
                if default_storage.get_modified_time(path) >= cutoff:
                    continue
            except (NotImplementedError, FileNotFoundError):
                continue  # without a reliable age, keep the file
            default_storage.delete(path)
            removed.append(path)
    return removed
