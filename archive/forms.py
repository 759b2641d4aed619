"""Forms of the archive pages. They check presence and length; the services check the file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from archive import sniffing


class _FileInput(forms.ClearableFileInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        accept = ",".join(sniffing.extensions_of(sniffing.DEFAULT_ALLOWED_TYPES))
        super().__init__(attrs={"accept": accept, **(attrs or {})})


class DocumentUploadForm(forms.Form):
    """A new document: its title and its first file."""

    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        widget=_FileInput(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, images, Word, Excel, PowerPoint, text or CSV, MP4/WebM video, MP3/M4A audio; "
            "at most %(limit)s MB."
        ) % {"limit": settings.ARCHIVE_MAX_UPLOAD_BYTES // (1024 * 1024)}


class VersionUploadForm(forms.Form):
    """A new version of an existing document."""

    file = forms.FileField(label=_("New version"), widget=_FileInput())


class DocumentDeleteForm(forms.Form):
    """Deleting a document needs a reason, which is kept in the audit log."""

    reason = forms.CharField(label=_("Reason"), max_length=200)
