"""Fixtures of the dues tests: a fixed clock and a full member of branch A1 with a monthly amount."""

from __future__ import annotations

from datetime import date

import pytest

from dues.tests.helpers import at, make_member, set_base


@pytest.fixture
def clock(time_machine):
    """Today is 15 November 2026 unless a test moves it."""

    class Clock:
        def set(self, day: date, hour: int = 10) -> None:
            time_machine.move_to(at(day, hour), tick=False)

    clock = Clock()
    clock.set(date(2026, 11, 15))
    return clock


@pytest.fixture
def member(tree, personas, clock):
    """A full member of A1 paying the undergraduate 0.20 yuan a month since January 2026."""
    person = make_member(tree.branch_a1, name="钱党员")
    set_base(personas.secretary, person, date(2026, 1, 1))
    return person


@pytest.fixture
def client():
    """A browser that asks for English, so that assertions read the English texts."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
