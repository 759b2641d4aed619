"""Who may write, review, approve and manage channels: pure yes/no questions over a channel's unit.

A capability held over the channel's unit (directly or through an ancestor) decides. A person who
cannot know the unit (no position reaching it, no membership in a branch inside it) gets 404; one
who can but lacks the right gets 403 (``require_capability``); authors always see their own items.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from archive.permissions import knows_unit
from core.permissions import can, grants, is_system_admin
from orgs.models import OrgUnit
from publishing import capabilities as caps
from publishing.models import Article, Channel


def review_levels() -> int:
    """How many review levels an article passes (local setting, default 2: reviewer, approver)."""
    return max(1, int(getattr(settings, "PUBLISHING_REVIEW_LEVELS", 2)))


def capability_for_level(level: int) -> str:
    """The last level is the approver's (publishing.approve); the levels before it are reviewers'."""
    return caps.APPROVE if level >= review_levels() else caps.REVIEW


def is_author(user: Any, article: Article) -> bool:
    """The article is the user's own."""
    return bool(user is not None and user.is_authenticated and article.author_id == user.pk)


def can_manage_channel(user: Any, unit: OrgUnit) -> bool:
    """The user may create or edit the unit's channel and pin its items."""
    return can(user, caps.MANAGE_CHANNEL, unit)


def can_write(user: Any, channel: Channel) -> bool:
    """The user may write articles and post videos in the channel."""
    return can(user, caps.WRITE, channel.unit)


def can_edit_article(user: Any, article: Article) -> bool:
    """The author may change the item while it is a draft or withdrawn, and still holds the right."""
    return is_author(user, article) and article.is_editable and can_write(user, article.channel)


def can_decide_level(user: Any, article: Article, level: int) -> bool:
    """The user may decide review ``level`` of the article: the level's capability, and not its author."""
    return not is_author(user, article) and can(user, capability_for_level(level), article.channel.unit)


def can_withdraw(user: Any, article: Article) -> bool:
    """The user may withdraw a published or scheduled item (an approver of its channel)."""
    return can(user, caps.APPROVE, article.channel.unit)


def can_see_article(user: Any, article: Article) -> bool:
    """The user may open the item's workspace: its author, or any publishing right over the channel."""
    if is_author(user, article):
        return True
    return any(can(user, code, article.channel.unit) for code in caps.ALL)


def can_open_publishing(user: Any) -> bool:
    """The user holds some publishing right somewhere (opens the section)."""
    if is_system_admin(user):
        return True
    return any(grant.capability in caps.ALL for grant in grants(user))


def require_over_unit(user: Any, unit: OrgUnit, capabilities: Iterable[str]) -> None:
    """Pass when any of ``capabilities`` is held over ``unit``; else 403 if the user knows the unit, 404."""
    require_or_refuse(user, any(can(user, code, unit) for code in capabilities), unit)


def require_capability(user: Any, capability: str, unit: OrgUnit) -> None:
    """Pass when ``capability`` is held over ``unit``; else 403 if the user knows the unit, 404."""
    require_or_refuse(user, can(user, capability, unit), unit)


def require_article_visible(user: Any, article: Article) -> None:
    """Raise 404 when the item is neither the user's nor in their scope, 403 without any right."""
    if is_author(user, article):
        return
    require_over_unit(user, article.channel.unit, caps.ALL)


def require_or_refuse(user: Any, allowed: bool, unit: OrgUnit) -> None:
    """Raise 404 when the user cannot know ``unit``, 403 when they can but ``allowed`` is false."""
    if allowed:
        return
    if knows_unit(user, unit):
        raise PermissionDenied
    raise Http404
