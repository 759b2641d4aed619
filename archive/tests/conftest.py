"""Fixtures of the archive tests: a throw-away media folder and a document factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import services
from archive.tests import files


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


def stored_files(location: Path) -> list[Path]:
    return sorted(path for path in location.rglob("*") if path.is_file()) if location.exists() else []


@pytest.fixture
def make_document(personas):
    """Store a document through the service, as the A1 secretary unless told otherwise."""

    def make(unit, *, content: bytes | None = None, name: str = "计划.pdf", actor=None, **kwargs):
        return services.document_create(
            actor=actor or personas.secretary,
            unit=unit,
            title=kwargs.pop("title", "支部工作计划"),
            uploaded_file=files.upload(files.pdf() if content is None else content, name),
            **kwargs,
        )

    return make
