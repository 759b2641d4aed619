"""Fixtures of the study tests: a private media folder, and an organising member without authoring rights."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgs.models import PartyStatus
from orgs.tests.factories import appoint, make_person


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
def discipline(tree, personas):
    """The discipline member of A1: a position in scope, but no right to build courses."""
    person = make_person(tree.branch_a1, name="纪律委员", status=PartyStatus.FULL)
    appoint(person, tree.branch_a1, "discipline_member")
    return person
