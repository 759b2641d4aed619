"""Capabilities of notices that ask to be acknowledged (通知)."""

from django.utils.translation import gettext_lazy as _

from core.capabilities import register

SEND_NOTICES = register(
    "engagement.send_notices",
    _(
        "Send notices to the unit's members (optionally asking them to acknowledge), and see who has read them"
    ),
)
