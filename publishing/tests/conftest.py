"""Fixtures of the publishing tests: private media storage, a channel in branch A1, a clean cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache

from publishing.tests.helpers import make_channel


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    """Store every file of the test under its own temporary folder."""
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture(autouse=True)
def _empty_cache():
    """Public pages and view counts live in the cache: each test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def channel(tree, personas):
    return make_channel(personas.secretary, tree.branch_a1)
