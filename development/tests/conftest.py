"""Fixtures of the development tests: a private media folder, a fixed clock and an applicant."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from development.tests.helpers import at, make_applicant


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


@pytest.fixture
def clock(time_machine):
    """Today is 1 June 2028 unless a test moves it: every date of the standard story lies behind it."""

    class Clock:
        def set(self, day: date) -> None:
            time_machine.move_to(at(day), tick=False)

    clock = Clock()
    clock.set(date(2028, 6, 1))
    return clock


@pytest.fixture
def applicant(tree, personas):
    """A student of branch A1, born on 1 January 2004, with no case yet."""
    return make_applicant(tree.branch_a1)
