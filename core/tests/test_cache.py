"""The Redis cache backend keeps one client per connection pool (core.cache)."""

from __future__ import annotations

import os

import pytest

from core.cache import RedisCache

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")


def test_the_client_is_made_once_and_the_cache_still_works():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-core-cache"})
    first = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is first

    cache.set("answer", {"value": 42}, 30)
    assert cache.get_many(["answer", "missing"]) == {"answer": {"value": 42}}
    assert cache.add("answer", 1) is False
    cache.delete("answer")
    assert cache.get("answer") is None


def test_the_configured_backend_is_this_one():
    from django.core.cache import caches

    assert isinstance(caches["default"], RedisCache)
