"""The home-page sections of the organisation app."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.permissions import grants, is_system_admin
from core.sections import Section, register_section
from orgs import capabilities as caps


def may_browse_organisation(user: Any) -> bool:
    """Open to system administrators and to anyone holding orgs.view_unit over some unit."""
    return _holds(user, caps.VIEW_UNIT)


def register() -> None:
    """Register the sections; safe to call more than once (the registry is keyed by code)."""
    register_section(
        Section(
            code="orgs.profile",
            label=_("My profile"),
            description=_("Your party status, branch and positions"),
            url_name="orgs:my_profile",
            is_open_to=lambda user: bool(user.is_authenticated),
            order=10,
        )
    )
    register_section(
        Section(
            code="orgs.organisation",
            label=_("Organisation"),
            description=_("Units, members and positions in your care"),
            url_name="orgs:tree",
            is_open_to=may_browse_organisation,
            order=20,
        )
    )
    register_section(
        Section(
            code="orgs.roster_import",
            label=_("Import a roster"),
            description=_("Upload a roster, check every row, then apply it"),
            url_name="roster:import",
            is_open_to=lambda user: _holds(user, caps.IMPORT_ROSTER),
            order=30,
        )
    )
    register_section(
        Section(
            code="orgs.members_export",
            label=_("Export members"),
            description=_("Download member lists as .xlsx"),
            url_name="roster:export",
            is_open_to=lambda user: _holds(user, caps.EXPORT_MEMBERS),
            order=40,
        )
    )


def _holds(user: Any, capability: str) -> bool:
    return is_system_admin(user) or any(grant.capability == capability for grant in grants(user))
