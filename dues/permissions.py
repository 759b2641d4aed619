"""Who may see and record party dues: pure yes/no predicates over the org scope."""

from __future__ import annotations

from typing import Any

from core.permissions import can, grants, is_system_admin
from dues import capabilities as caps


def can_view_dues(user: Any, unit: Any) -> bool:
    """The user sees the dues of the members of ``unit``'s subtree."""
    return can(user, caps.VIEW_DUES, unit)


def can_record_payments(user: Any, unit: Any) -> bool:
    """The user sets monthly amounts and records payments and corrections in ``unit``'s subtree."""
    return can(user, caps.RECORD_PAYMENTS, unit)


def views_dues_somewhere(user: Any) -> bool:
    """The user holds dues.view_dues over some unit (or is a system administrator)."""
    return is_system_admin(user) or any(grant.capability == caps.VIEW_DUES for grant in grants(user))
