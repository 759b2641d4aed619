"""Capabilities of the suggestion box (书记信箱)."""

from django.utils.translation import gettext_lazy as _

from core.capabilities import register

HANDLE_SUGGESTIONS = register(
    "engagement.handle_suggestions",
    _("Hold the unit's mailbox duty: receive, answer and be named handler of suggestions"),
)
MANAGE_SUGGESTIONS = register(
    "engagement.manage_suggestions",
    _("See the unit's suggestion box and reply times, and reassign its items (never hidden names)"),
)
