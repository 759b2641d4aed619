"""What surveys and polls register with the rest of the platform: notification kinds, the closing job,
the moderation handler, the home-page section, the unit link and the poll panels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.notifications import register_kind
from core.sections import Section, UnitLink, register_section, register_unit_link
from engagement import permissions_surveys as permissions


def register() -> None:
    """Safe to call more than once (every registry is keyed by code)."""
    from engagement import panels_surveys, services_surveys, tasks_surveys
    from moderation.services import register_decision_handler

    register_kind(services_surveys.OPENED_KIND, _("A survey asks for your opinion"))
    register_kind(services_surveys.REMINDER_KIND, _("Reminder of a survey you have not answered"))
    tasks_surveys.register_jobs()
    register_decision_handler(services_surveys.SUBJECT_PREFIX, services_surveys.on_moderation)
    panels_surveys.register()
    register_section(
        Section(
            code="engagement.surveys",
            label=_("Surveys"),
            description=_("Surveys that ask for your opinion, and those you have answered"),
            url_name="engagement:my_surveys",
            is_open_to=lambda user: bool(user.is_authenticated),
            order=60,
        )
    )
    register_unit_link(
        UnitLink(
            code="engagement.surveys",
            label=_("Surveys and polls"),
            url_name="engagement:unit_surveys",
            is_open_to=lambda user, unit: permissions.can_run_surveys_in(user, unit),
            order=70,
        )
    )
