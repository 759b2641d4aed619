"""The org-scoped permission engine.

A person's powers are *grants*: a capability held over one org unit, reaching that unit's whole
subtree. Units are stored as materialised paths (django-treebeard), so "unit B is inside unit A"
is "B.path starts with A.path" and a scope is a handful of ``startswith`` filters.

The engine knows nothing about positions: the ``orgs`` app registers the function that turns a
person's positions into grants (``register_grant_provider``), which keeps the dependency direction
``core <- accounts <- orgs`` intact.

Out of scope is answered with 404 (the object's existence is not revealed); in scope without the
capability is answered with 403. ``require`` implements exactly that rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

_GRANTS_ATTR = "_smartbranch_grants"


@dataclass(frozen=True)
class Grant:
    """One capability held over one unit and everything below it."""

    capability: str
    path: str
    unit_id: int


class ScopedUnit(Protocol):
    path: str


GrantProvider = Callable[[Any], Iterable[Grant]]
_provider: GrantProvider | None = None


def register_grant_provider(provider: GrantProvider) -> None:
    """Install the function that lists a user's grants (called by the orgs app at start-up)."""
    global _provider
    _provider = provider


def grants(user: Any) -> tuple[Grant, ...]:
    """The user's grants, computed once per user object (that is, once per request)."""
    if user is None or not user.is_authenticated:
        return ()
    cached = getattr(user, _GRANTS_ATTR, None)
    if cached is None:
        cached = tuple(_provider(user)) if _provider else ()
        setattr(user, _GRANTS_ATTR, cached)
    return cached


def forget_grants(user: Any) -> None:
    """Drop the cached grants, after the user's positions changed within the same request."""
    if hasattr(user, _GRANTS_ATTR):
        delattr(user, _GRANTS_ATTR)


def is_system_admin(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def in_scope(user: Any, unit: ScopedUnit) -> bool:
    """True when any of the user's grants reaches ``unit``."""
    if is_system_admin(user):
        return True
    return any(unit.path.startswith(grant.path) for grant in grants(user))


def can(user: Any, capability: str, unit: ScopedUnit) -> bool:
    """True when the user holds ``capability`` over ``unit`` (directly or through an ancestor)."""
    if is_system_admin(user):
        return True
    return any(grant.capability == capability and unit.path.startswith(grant.path) for grant in grants(user))


def require(user: Any, capability: str, unit: ScopedUnit) -> None:
    """Raise 404 when ``unit`` is outside the user's scope, 403 when in scope but not allowed."""
    if not in_scope(user, unit):
        raise Http404
    if not can(user, capability, unit):
        raise PermissionDenied


def capabilities_over(user: Any, unit: ScopedUnit) -> frozenset[str]:
    """Every capability the user holds over ``unit``; system admins get the marker ``"*"``."""
    if is_system_admin(user):
        return frozenset({"*"})
    return frozenset(g.capability for g in grants(user) if unit.path.startswith(g.path))


def scope_paths(user: Any, capability: str | None = None) -> list[str]:
    """The minimal list of subtree roots the user reaches (with ``capability``, if given)."""
    paths = sorted({g.path for g in grants(user) if capability is None or g.capability == capability})
    roots: list[str] = []
    for path in paths:  # sorted, so an ancestor always comes before its descendants
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots


def scope_q(user: Any, capability: str | None = None, path_field: str = "path") -> Q:
    """A filter that keeps only rows whose unit lies in the user's scope.

    ``path_field`` names the unit path seen from the filtered model (``"unit__path"`` for a
    model with a ``unit`` foreign key).
    """
    if is_system_admin(user):
        return Q()
    roots = scope_paths(user, capability)
    if not roots:
        return Q(pk__in=[])
    condition = Q()
    for root in roots:
        condition |= Q(**{f"{path_field}__startswith": root})
    return condition
