"""Home tiles and unit-card links of the compliance calendar, the democratic evaluation and talks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.sections import Section, UnitLink, register_section, register_unit_link
from orglife import capabilities as caps
from orglife.permissions_evaluation import (
    can_record_talks,
    can_run_evaluations,
    can_view_compliance,
    holds_somewhere,
)


def register() -> None:
    """Register the sections and unit links; safe to call more than once (keyed by code)."""
    register_section(
        Section(
            code="orglife.compliance",
            label=_("Compliance calendar"),
            description=_("Which required meetings, lessons, evaluations and talks are done, due or overdue"),
            url_name="orglife:compliance_index",
            is_open_to=lambda user: holds_somewhere(user, caps.VIEW_COMPLIANCE),
            order=40,
        )
    )
    register_section(
        Section(
            code="orglife.my_evaluation",
            label=_("My democratic evaluation"),
            description=_("Your self-assessment, your secret ballot and your grades"),
            url_name="orglife:my_evaluation",
            is_open_to=lambda user: bool(user.is_authenticated),
            order=45,
        )
    )
    register_unit_link(
        UnitLink(
            code="orglife.compliance",
            label=_("Compliance calendar"),
            url_name="orglife:compliance",
            is_open_to=can_view_compliance,
            order=40,
        )
    )
    register_unit_link(
        UnitLink(
            code="orglife.evaluations",
            label=_("Democratic evaluation"),
            url_name="orglife:evaluations",
            is_open_to=can_run_evaluations,
            order=41,
        )
    )
    register_unit_link(
        UnitLink(
            code="orglife.talks",
            label=_("One-on-one talks"),
            url_name="orglife:talks",
            is_open_to=can_record_talks,
            order=42,
        )
    )


def register_all() -> None:
    """Everything the compliance part registers at start-up: its admin, notification kinds and links."""
    from orglife import admin_compliance, services_evaluation  # noqa: F401  (registrations)

    register()
