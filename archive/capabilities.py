"""Capabilities of the archive app: who may see, add to and remove a unit's documents."""

from django.utils.translation import gettext_lazy as _

from core.capabilities import register

VIEW_DOCUMENTS = register("archive.view_documents", _("See and download the unit's documents"))
UPLOAD_DOCUMENTS = register(
    "archive.upload_documents", _("Upload documents and new versions of them to the unit")
)
DELETE_DOCUMENTS = register("archive.delete_documents", _("Delete the unit's documents"))
