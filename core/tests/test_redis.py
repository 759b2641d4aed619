"""With REDIS_URL set (CI's second pass, production), the cache and sessions live in Redis."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")


def test_the_cache_is_redis_and_shared_through_the_server():
    import redis
    from django.conf import settings

    assert settings.CACHES["default"]["BACKEND"] == "core.cache.RedisCache"  # Django's, keeping its client
    cache.set("smartbranch-test-key", "值", 30)
    raw = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert any(b"smartbranch-test-key" in key for key in raw.keys("*smartbranch-test-key*"))
    assert cache.get("smartbranch-test-key") == "值"
    cache.delete("smartbranch-test-key")


@pytest.mark.django_db
def test_a_login_session_is_served_from_the_redis_cache(client, settings, personas):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(personas.secretary)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert cache.get(f"django.contrib.sessions.cached_db{session_key}") is not None
    assert client.get(reverse("home")).status_code == 200
