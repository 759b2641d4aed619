"""The home-page section of meetings, and the link on a unit's card."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.sections import Section, UnitLink, register_section, register_unit_link
from orglife import permissions


def register() -> None:
    """Register the section and the unit link; safe to call more than once (keyed by code)."""
    register_section(
        Section(
            code="orglife.meetings",
            label=_("Meetings"),
            description=_("Meetings you are invited to: notices, answers, leave and your calendar"),
            url_name="orglife:my_meetings",
            is_open_to=lambda user: bool(user.is_authenticated),
            order=20,
        )
    )
    register_unit_link(
        UnitLink(
            code="orglife.meetings",
            label=_("Meetings"),
            url_name="orglife:unit_meetings",
            is_open_to=lambda user, unit: permissions.can_view_meetings_of(user, unit),
            order=40,
        )
    )
