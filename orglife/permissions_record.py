"""Who may run a meeting's check-in, and who may read and write its record: yes/no predicates.

Organising (the check-in screen, marking people present, writing and closing the record) needs
``orglife.organise_meetings`` over the meeting's unit. Reading the record is open to whoever holds
``orglife.view_meetings`` (or organises) over the unit and to the meeting's invitees. Refusals
follow the house rule: out of scope 404, in scope without the right 403 (``require_*``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from archive.models import Document
from core.permissions import can, in_scope, require
from orglife import capabilities as caps
from orglife.models import Invitation, Meeting
from orglife.models_record import MeetingPhoto

PHOTO_PURPOSE = "meeting_photo"


def _is_person(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_invited(user: Any, meeting: Meeting) -> bool:
    """The user has an invitation to the meeting (only invitees check in)."""
    if not _is_person(user):
        return False
    return Invitation.objects.filter(meeting=meeting, person=user).exists()


def can_organise(user: Any, meeting: Meeting) -> bool:
    """The user may run the meeting's check-in and write, close and amend its record."""
    return _is_person(user) and can(user, caps.ORGANISE_MEETINGS, meeting.unit)


def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    """The user may read the meeting's record and attendance: viewers, organisers and invitees."""
    if not _is_person(user):
        return False
    if can(user, caps.VIEW_MEETINGS, meeting.unit) or can(user, caps.ORGANISE_MEETINGS, meeting.unit):
        return True
    return is_invited(user, meeting)


def require_organiser(user: Any, meeting: Meeting) -> None:
    """Raise 404 when the meeting's unit is out of the user's scope, 403 without the right to organise."""
    require(user, caps.ORGANISE_MEETINGS, meeting.unit)


def require_viewer(user: Any, meeting: Meeting) -> None:
    """Raise 404 unless the user may know the meeting, 403 when in scope but not allowed to read it."""
    if can_view_meeting(user, meeting):
        return
    if _is_person(user) and in_scope(user, meeting.unit):
        raise PermissionDenied
    raise Http404


def can_read_meeting_photo(user: Any, document: Document) -> bool:
    """Read policy of the archive for meeting photos: whoever may view the meeting."""
    photo = MeetingPhoto.objects.select_related("meeting__unit").filter(document=document).first()
    return photo is not None and can_view_meeting(user, photo.meeting)
