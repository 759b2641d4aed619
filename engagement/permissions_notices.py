"""Who may send a notice, open it, and see who has read and acknowledged it.

A recipient always opens their notice. The sender and anyone holding ``engagement.send_notices``
over the sending unit open it and see its receipts; anyone else in scope gets 403, outsiders 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.permissions import can, grants, in_scope, is_system_admin
from engagement import capabilities_notices as caps
from engagement.models import Notice
from orgs.models import OrgUnit


def can_send_in(user: Any, unit: OrgUnit) -> bool:
    """The user sends notices from ``unit`` (to its members or its subtree's)."""
    return can(user, caps.SEND_NOTICES, unit)


def sends_somewhere(user: Any) -> bool:
    """The user holds ``engagement.send_notices`` over some unit (or is a system administrator)."""
    return is_system_admin(user) or any(g.capability == caps.SEND_NOTICES for g in grants(user))


def can_see_receipts(user: Any, notice: Notice) -> bool:
    """The user sees who has read and acknowledged the notice, and may remind the others."""
    return bool(user.is_authenticated and notice.sender_id == user.pk) or can_send_in(user, notice.unit)


def require_visible(user: Any, notice: Notice, *, is_recipient: bool) -> None:
    """Raise 404 when the notice is out of the user's reach, 403 when in scope but not theirs."""
    if is_recipient or can_see_receipts(user, notice):
        return
    if not in_scope(user, notice.unit):
        raise Http404
    raise PermissionDenied


def require_receipts(user: Any, notice: Notice, *, is_recipient: bool) -> None:
    """Raise 404 or 403 unless the user may see the receipts (a recipient without the right: 403)."""
    if can_see_receipts(user, notice):
        return
    if is_recipient or in_scope(user, notice.unit):
        raise PermissionDenied
    raise Http404
