"""Course and library files in the archive: their purpose and who may read them there."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from archive.models import Document
from archive.permissions import register_read_policy
from learning import permissions
from learning.models import Lesson, LibraryItem

MEDIA_PURPOSE = "learning"


def can_read_learning_document(user: Any, document: Document) -> bool:
    """Authors over the document's unit; otherwise whoever may open a lesson or library item using it."""
    if permissions.can_author_in(user, document.unit):
        return True
    lessons = Lesson.objects.filter(Q(media=document) | Q(poster=document)).select_related("course__unit")
    if any(permissions.can_study_course(user, lesson.course) for lesson in lessons):
        return True
    items = LibraryItem.objects.filter(document=document).select_related("unit")
    return any(permissions.can_read_library_item(user, item) for item in items)


def register() -> None:
    register_read_policy(MEDIA_PURPOSE, can_read_learning_document)
