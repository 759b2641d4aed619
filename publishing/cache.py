"""The public pages' whole-page cache: one cache round trip per hit, invalidated per channel.

Each page is stored under a fixed key with the channel's version token beside its content; the
token itself lives under its own key. A hit reads both (and anything else the view needs, such as
the visitor's "seen today" mark) in one ``get_many`` — a single MGET on Redis — and is a hit only
when the page's token is the channel's current one. Publishing, withdrawing or editing anything a
reader sees replaces the token, so every cached page of the channel is stale at once, in every
process. A lost token simply starts a new version. The cached pages hold nothing personal (no CSRF
token, no user), so they are shared.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

PAGE_TIMEOUT = 60 * 60  # an hour; a new version makes stale pages unreachable long before that
_VERSION_TIMEOUT = None  # versions never expire on their own


def _version_key(slug: str) -> str:
    return f"publishing:channel:{slug}:version"


def _page_key(slug: str, name: str, language: str) -> str:
    return f"publishing:page:{slug}:{language}:{name}"


@dataclass
class Lookup:
    """What one round trip to the cache found: the page if it is current, and the other keys asked for."""

    key: str
    version: str
    content: bytes | None
    found: dict[str, Any] = field(default_factory=dict)

    def store(self, content: bytes) -> None:
        """Keep ``content`` as this page at the version read before it was rendered.

        Had the channel changed meanwhile, the page is stored under the old token and so is never
        served: the next reader renders it again.
        """
        cache.set(self.key, (self.version, content), PAGE_TIMEOUT)


def page_lookup(slug: str, name: str, language: str, also: Iterable[str] = ()) -> Lookup:
    """Look up a public page of the channel ``slug`` in ``language``, with the keys ``also``, at once."""
    key, version_key = _page_key(slug, name, language), _version_key(slug)
    found = cache.get_many([key, version_key, *also])
    version = found.pop(version_key, None)
    if version is None:  # first page of the channel since the cache lost its token
        cache.add(version_key, uuid.uuid4().hex, _VERSION_TIMEOUT)
        version = cache.get(version_key)
    stored = found.pop(key, None)
    content = stored[1] if isinstance(stored, tuple) and stored[0] == version else None
    return Lookup(key=key, version=str(version), content=content, found=found)


def channel_changed(slug: str) -> None:
    """Make every cached page of the channel stale (call it on commit of the change)."""
    cache.set(_version_key(slug), uuid.uuid4().hex, _VERSION_TIMEOUT)
