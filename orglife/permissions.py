"""Who may see and organise meetings: pure yes/no questions over the meeting's organising unit.

An invited person always sees a meeting once its notice is published (through their invitation,
not through capabilities). Everyone else needs ``orglife.view_meetings`` over the organising unit
(directly or through an ancestor) to see it, and ``orglife.organise_meetings`` to change it.
Out of scope is 404, in scope without the capability 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.permissions import can, grants, in_scope, is_system_admin
from orglife import capabilities as caps
from orglife.models import Invitation, Meeting, MeetingStatus
from orgs.models import OrgUnit


def is_invited(invitation: Invitation | None, meeting: Meeting) -> bool:
    """The person holds an invitation to the meeting and its notice is out (drafts stay hidden)."""
    return invitation is not None and meeting.status != MeetingStatus.DRAFT


def can_view_meetings_of(user: Any, unit: OrgUnit) -> bool:
    """The user sees the meetings of ``unit`` (and below it), with who has read and answered."""
    return can(user, caps.VIEW_MEETINGS, unit)


def can_organise_meetings_in(user: Any, unit: OrgUnit) -> bool:
    """The user plans, publishes, edits and cancels meetings of ``unit`` and decides leave."""
    return can(user, caps.ORGANISE_MEETINGS, unit)


def can_view_meeting(user: Any, meeting: Meeting, invitation: Invitation | None) -> bool:
    """The user may open the meeting: invited to its published notice, or viewing the unit's meetings."""
    return is_invited(invitation, meeting) or can_view_meetings_of(user, meeting.unit)


def can_organise(user: Any, meeting: Meeting) -> bool:
    """The user may change the meeting and decide its leave requests."""
    return can_organise_meetings_in(user, meeting.unit)


def sees_meetings_somewhere(user: Any) -> bool:
    """The user holds ``orglife.view_meetings`` over some unit (or is a system administrator)."""
    return is_system_admin(user) or any(grant.capability == caps.VIEW_MEETINGS for grant in grants(user))


def require_meeting_visible(user: Any, meeting: Meeting, invitation: Invitation | None) -> None:
    """Raise 404 when the meeting is out of the user's reach, 403 when in scope but not visible."""
    if is_invited(invitation, meeting):
        return
    if not in_scope(user, meeting.unit):
        raise Http404
    if not can_view_meetings_of(user, meeting.unit):
        raise PermissionDenied


def require_organiser(user: Any, meeting: Meeting, invitation: Invitation | None = None) -> None:
    """Raise 404 when the meeting is out of the user's reach, 403 when they may not organise it.

    An invitee without the right gets 403 (they know the meeting exists), anyone else out of the
    unit's scope 404.
    """
    if not in_scope(user, meeting.unit):
        if is_invited(invitation, meeting):
            raise PermissionDenied
        raise Http404
    if not can_organise(user, meeting):
        raise PermissionDenied


def require_read_status_visible(user: Any, meeting: Meeting, invitation: Invitation | None) -> None:
    """Raise 404 or 403 unless the user may see who has read and answered (``orglife.view_meetings``).

    An invitee without that right knows the meeting exists, so they get 403, not 404.
    """
    if is_invited(invitation, meeting) and not can_view_meetings_of(user, meeting.unit):
        raise PermissionDenied
    require_meeting_visible(user, meeting, None)
