"""Start-up registrations of notices: capabilities, notification kind, section."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.sections import Section, UnitLink, register_section, register_unit_link


def register() -> None:
    """Register everything; called once, from `EngagementConfig.ready`."""
    from engagement import (
        capabilities_notices,  # noqa: F401  (capabilities)
        demo_notices,
        services_notices,  # noqa: F401  (notification kind)
    )
    from engagement import permissions_notices as perms

    demo_notices.register()
    register_section(
        Section(
            code="engagement.notices",
            label=_("Notices"),
            description=_("Notices from your branch, college and the university; acknowledge those that ask"),
            url_name="engagement:my_notices",
            is_open_to=lambda user: bool(user.is_authenticated),
            order=61,
        )
    )
    register_unit_link(
        UnitLink(
            code="engagement.notices",
            label=_("Send a notice"),
            url_name="engagement:unit_notice_new",
            is_open_to=lambda user, unit: perms.can_send_in(user, unit),
            order=71,
        )
    )
