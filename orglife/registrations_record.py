"""Registrations of check-in and the meeting record: the photos' read policy, a notification kind,
and the home-page sections for checking in and for one's own attendance."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from archive.permissions import register_read_policy
from core.notifications import register_kind
from core.sections import Section, register_section
from orglife.permissions_record import PHOTO_PURPOSE, can_read_meeting_photo
from orglife.services_record import TASK_ASSIGNED


def _is_person(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def register() -> None:
    """Safe to call more than once (every registry is keyed)."""
    register_read_policy(PHOTO_PURPOSE, can_read_meeting_photo)
    register_kind(
        TASK_ASSIGNED,
        _("A follow-up task from a meeting"),
        description=_("A meeting gave you a task with a due date."),
    )
    register_section(
        Section(
            code="orglife.check_in",
            label=_("Check in"),
            description=_("Type the code shown at a meeting; see your attendance"),
            url_name="orglife:checkin",
            is_open_to=_is_person,
            order=45,
        )
    )
