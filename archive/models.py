"""The archive: documents kept for a unit, each with numbered, checksummed versions."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archive import sniffing
from orgs.models import OrgUnit

UNIT_FILE = "unit_file"
MEMBER_PHOTO = "member_photo"


def _folder(document: Document) -> str:
    # Sharded by the first characters of the id, so no directory grows to millions of entries.
    return f"archive/{document.public_id.hex[:2]}/{document.public_id}"


def version_upload_to(instance: DocumentVersion, filename: str) -> str:
    """Where a version's file is stored: named by ids, never by what the uploader called it.

    ``filename`` is only used for its extension, which the service takes from the sniffed type.
    """
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"{_folder(instance.document)}/v{instance.number}-{uuid.uuid4().hex}{suffix}"


def thumbnail_upload_to(instance: DocumentVersion, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"{_folder(instance.document)}/v{instance.number}-{uuid.uuid4().hex}-thumb{suffix}"


class DocumentQuerySet(models.QuerySet["Document"]):
    def alive(self) -> DocumentQuerySet:
        return self.filter(is_deleted=False)


class Document(models.Model):
    """A document kept for an org unit (档案): a title and its versions, oldest to newest.

    The unit is the document's scope; ``purpose`` says which part of the platform it belongs to
    and so which read policy applies. Deletion is soft, and refused while ``retain_until`` lies in
    the future.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="documents"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_documents",
        help_text=_("The person the document is about, who may always read it."),
    )
    purpose = models.SlugField(_("purpose"), max_length=40, default=UNIT_FILE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    current_version = models.ForeignKey(
        "DocumentVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_deleted = models.BooleanField(_("deleted"), default=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delete_reason = models.CharField(_("reason for deletion"), max_length=200, blank=True)
    retain_until = models.DateField(
        _("keep until"), null=True, blank=True, help_text=_("The document cannot be deleted before this day.")
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["unit", "purpose", "is_deleted", "-created_at"]),
            models.Index(fields=["owner", "purpose"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(is_deleted=False) | Q(deleted_at__isnull=False), name="document_deleted_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_retained(self, on: Any = None) -> bool:
        """True while the retention date has not passed: deleting is refused."""
        day = on or timezone.localdate()
        return self.retain_until is not None and self.retain_until > day


class DocumentVersion(models.Model):
    """One stored file of a document. Versions are numbered 1, 2, 3… and never change."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_upload_to, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("type"), max_length=120)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, db_index=True)
    thumbnail = models.FileField(_("thumbnail"), upload_to=thumbnail_upload_to, max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering: ClassVar = ["document", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_unique"),
            models.CheckConstraint(condition=Q(size__gt=0), name="document_version_size_positive"),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    @property
    def mime(self) -> str:
        return self.content_type.split(";", 1)[0].strip()

    @property
    def type_label(self) -> str:
        known = sniffing.type_of(self.content_type)
        return str(known.label) if known else self.mime

    @property
    def is_image(self) -> bool:
        return self.mime in sniffing.IMAGE_TYPES

    @property
    def is_media(self) -> bool:
        return self.mime in sniffing.MEDIA_TYPES

    @property
    def is_inline(self) -> bool:
        """Shown in the browser (images and PDF); everything else is downloaded."""
        known = sniffing.type_of(self.content_type)
        return bool(known and known.inline)

    @property
    def download_name(self) -> str:
        """The name offered on download: the uploader's name with the extension of the real type."""
        known = sniffing.type_of(self.content_type)
        extension = known.extension if known else "bin"
        stem = PurePosixPath(self.original_name).stem.strip() or "document"
        return f"{stem}.{extension}"
