"""Who may open, answer and oversee a suggestion, and who may see who sent it.

The sender and the current handler always open their item. Anyone else needs
``engagement.manage_suggestions`` over the item's unit (directly or through an ancestor): out of
scope 404, in scope without the right 403. A name-hidden item shows its sender only to the sender
and the current handler — not to managers, superiors, administrators or former handlers.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.permissions import can, grants, in_scope, is_system_admin
from engagement import capabilities_suggestions as caps
from engagement.models import Suggestion
from orgs.models import OrgUnit


def is_sender(user: Any, item: Suggestion) -> bool:
    """The user wrote the item."""
    return bool(user.is_authenticated and item.sender_id == user.pk)


def is_handler(user: Any, item: Suggestion) -> bool:
    """The user is the item's current handler."""
    return bool(user.is_authenticated and item.handler_id is not None and item.handler_id == user.pk)


def can_manage_unit(user: Any, unit: OrgUnit) -> bool:
    """The user sees ``unit``'s suggestion box, its figures and reassigns its items."""
    return can(user, caps.MANAGE_SUGGESTIONS, unit)


def can_view(user: Any, item: Suggestion) -> bool:
    """The user may open the item (sender, handler or a manager of its unit)."""
    return is_sender(user, item) or is_handler(user, item) or can_manage_unit(user, item.unit)


def sees_sender(user: Any, item: Suggestion) -> bool:
    """The user may learn who sent the item: its sender and handler, and anyone who may view it
    when the name is not hidden."""
    if is_sender(user, item) or is_handler(user, item):
        return True
    return not item.hide_name and can_manage_unit(user, item.unit)


def may_be_handler(user: Any, unit: OrgUnit) -> bool:
    """The person may be named handler of an item of ``unit`` (mailbox duty or oversight over it)."""
    return can(user, caps.HANDLE_SUGGESTIONS, unit) or can(user, caps.MANAGE_SUGGESTIONS, unit)


def manages_somewhere(user: Any) -> bool:
    """The user holds ``engagement.manage_suggestions`` over some unit (or is a system administrator)."""
    return is_system_admin(user) or any(g.capability == caps.MANAGE_SUGGESTIONS for g in grants(user))


def require_view(user: Any, item: Suggestion) -> None:
    """Raise 404 when the item is out of the user's reach, 403 when in scope but not theirs to see."""
    if is_sender(user, item) or is_handler(user, item):
        return
    if not in_scope(user, item.unit):
        raise Http404
    if not can_manage_unit(user, item.unit):
        raise PermissionDenied


def require_manage_unit(user: Any, unit: OrgUnit) -> None:
    """Raise 404 outside the user's scope, 403 without ``engagement.manage_suggestions`` over ``unit``."""
    if not in_scope(user, unit):
        raise Http404
    if not can_manage_unit(user, unit):
        raise PermissionDenied
