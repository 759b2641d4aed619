"""Start-up registrations of the suggestion box: capabilities, moderation handlers, job, section."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.sections import Section, UnitLink, register_section, register_unit_link


def register() -> None:
    """Register everything; called once, from `EngagementConfig.ready`."""
    from engagement import (
        capabilities_suggestions,  # noqa: F401  (capabilities)
        demo_suggestions,
        services_suggestions,
        tasks_suggestions,
    )
    from engagement import permissions_suggestions as perms
    from moderation.services import register_decision_handler

    register_decision_handler("suggestion:", services_suggestions.on_item_decision)
    register_decision_handler("suggestion-event:", services_suggestions.on_event_decision)
    tasks_suggestions.register_jobs()
    demo_suggestions.register()
    register_section(
        Section(
            code="engagement.suggestions",
            label=_("Suggestion box"),
            description=_("Write to the secretary, follow your messages and their replies"),
            url_name="engagement:my_suggestions",
            is_open_to=lambda user: bool(user.is_authenticated),
            order=60,
        )
    )
    register_unit_link(
        UnitLink(
            code="engagement.suggestions",
            label=_("Suggestion box"),
            url_name="engagement:unit_suggestions",
            is_open_to=lambda user, unit: perms.can_manage_unit(user, unit),
            order=70,
        )
    )
