"""Who may review the moderation queue and keep the lexicon.

Built on the org scope in ``core.permissions``: a capability held over a unit reaches its whole
subtree. Lexicon entries without a unit apply to the whole university, so keeping them needs the
capability over the root of the tree.
"""

from __future__ import annotations

from typing import Any

from core.permissions import can, grants, is_system_admin
from moderation import capabilities as caps
from moderation.models import LexiconEntry, ModerationItem
from orgs.models import OrgUnit


def _is_active_person(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_review(user: Any, unit: OrgUnit) -> bool:
    """True when ``user`` may decide on text held or reported in ``unit``."""
    return _is_active_person(user) and can(user, caps.REVIEW, unit)


def can_review_item(user: Any, item: ModerationItem) -> bool:
    """True when ``user`` may see and decide on ``item`` (an item without a unit needs the root)."""
    unit = item.unit if item.unit is not None else root_unit()
    return unit is not None and can_review(user, unit)


def can_manage_lexicon(user: Any, unit: OrgUnit) -> bool:
    """True when ``user`` may add and change lexicon entries that apply in ``unit`` and below."""
    return _is_active_person(user) and can(user, caps.MANAGE_LEXICON, unit)


def can_manage_entry(user: Any, entry: LexiconEntry) -> bool:
    """True when ``user`` may change ``entry`` (a university-wide entry needs the root unit)."""
    unit = entry.unit if entry.unit is not None else root_unit()
    return unit is not None and can_manage_lexicon(user, unit)


def has_moderation_work(user: Any) -> bool:
    """True when ``user`` reviews or keeps the lexicon somewhere (opens the moderation section)."""
    if not _is_active_person(user):
        return False
    wanted = {caps.REVIEW, caps.MANAGE_LEXICON}
    return is_system_admin(user) or any(grant.capability in wanted for grant in grants(user))


def root_unit() -> OrgUnit | None:
    """The top of the org tree (the university committee), whose scope is the whole university."""
    return OrgUnit.objects.filter(depth=1).order_by("path").first()
