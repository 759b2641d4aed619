"""The home-page tile "My dues" and the dues link on a unit's card for its officers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.sections import Section, UnitLink, register_section, register_unit_link
from dues import permissions


def register() -> None:
    """Register the tile and the unit link; safe to call more than once (keyed by code)."""
    register_section(
        Section(
            code="dues.mine",
            label=_("My dues"),
            description=_("Your party dues: months paid, amount per month, paid up to and arrears"),
            url_name="dues:mine",
            is_open_to=lambda user: bool(user.is_authenticated),
            order=40,
        )
    )
    register_unit_link(
        UnitLink(
            code="dues.status",
            label=_("Party dues"),
            url_name="dues:unit",
            is_open_to=permissions.can_view_dues,
            order=40,
        )
    )
