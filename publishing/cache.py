"""The public pages' whole-page cache, invalidated by a per-channel version kept in the cache.

A page is stored under a key naming the channel's current version token; publishing, withdrawing
or editing anything a reader sees replaces the token, so every cached page of the channel is
missed at once, in every process (the cache is Redis in production). A lost token simply starts a
new version. The cached pages hold nothing personal (no CSRF token, no user), so they are shared.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache

PAGE_TIMEOUT = 60 * 60  # an hour; the version makes stale pages unreachable long before that
_VERSION_TIMEOUT = None  # versions never expire on their own


def _version_key(slug: str) -> str:
    return f"publishing:channel:{slug}:version"


def channel_version(slug: str) -> str:
    """The channel's current version token (a new one when the cache lost it)."""
    key = _version_key(slug)
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, _VERSION_TIMEOUT)
        token = cache.get(key)
    return str(token)


def channel_changed(slug: str) -> None:
    """Make every cached page of the channel stale (call it on commit of the change)."""
    cache.set(_version_key(slug), uuid.uuid4().hex, _VERSION_TIMEOUT)


def page_key(slug: str, name: str, language: str) -> str:
    """The key of one public page of the channel ``slug`` in ``language``, at its current version."""
    return f"publishing:page:{slug}:{channel_version(slug)}:{language}:{name}"
