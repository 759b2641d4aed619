"""The home-page sections of the development procedure, and its link on the unit card."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.permissions import can, grants, is_system_admin
from core.sections import Section, UnitLink, register_section, register_unit_link
from development import capabilities as caps


def sees_cases_somewhere(user: Any) -> bool:
    """Open to system administrators and to anyone holding development.view_cases over some unit."""
    return is_system_admin(user) or any(grant.capability == caps.VIEW_CASES for grant in grants(user))


def sees_cases_of(user: Any, unit: Any) -> bool:
    """The user holds development.view_cases over ``unit``."""
    return can(user, caps.VIEW_CASES, unit)


def register() -> None:
    """Register the sections and the unit link; safe to call more than once (keyed by code)."""
    register_section(
        Section(
            code="development.my_case",
            label=_("My application"),
            description=_(
                "Your application for party membership: every step, what is due and what is missing"
            ),
            url_name="development:my_case",
            is_open_to=lambda user: bool(user.is_authenticated),
            order=15,
        )
    )
    register_section(
        Section(
            code="development.cases",
            label=_("Development"),
            description=_("Development cases, what is due and overdue, batches and votes"),
            url_name="development:index",
            is_open_to=sees_cases_somewhere,
            order=25,
        )
    )
    register_unit_link(
        UnitLink(
            code="development.cases",
            label=_("Development cases"),
            url_name="development:cases",
            is_open_to=sees_cases_of,
            order=30,
        )
    )
