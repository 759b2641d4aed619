"""The accounts tests read pages in English unless a test asks for Chinese."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english_pages(settings: pytest.FixtureRequest) -> None:
    settings.LANGUAGE_CODE = "en"
