"""Start-up registrations of notices: capabilities, notification kind, section."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.sections import Section, register_section


def register() -> None:
    """Register everything; called once, from `EngagementConfig.ready`."""
    from engagement import (
        capabilities_notices,  # noqa: F401  (capabilities)
        demo_notices,
        services_notices,  # noqa: F401  (notification kind)
    )

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
