"""Working days: weekends off, official holidays off, adjusted weekend days (调休) worked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.models import Holiday
from core.workdays import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 9)


def test_a_week_has_five_working_days():
    assert working_days_between(MONDAY, MONDAY + timedelta(days=4)) == 5
    assert working_days_between(MONDAY, MONDAY + timedelta(days=6)) == 5
    assert working_days_between(MONDAY, MONDAY) == 1
    assert working_days_between(MONDAY, MONDAY - timedelta(days=1)) == 0


def test_five_working_days_after_a_friday_end_on_the_next_friday():
    friday = MONDAY + timedelta(days=4)
    assert add_working_days(friday, 5) == friday + timedelta(days=7)
    assert add_working_days(friday, 0) == friday


def test_national_day_and_its_adjusted_saturday_are_counted_as_they_are_worked():
    for day in range(1, 8):
        Holiday.objects.create(day=date(2026, 10, day), name="国庆节")
    Holiday.objects.create(day=date(2026, 10, 10), is_working_day=True, name="国庆节调休")
    assert not is_working_day(date(2026, 10, 1), {date(2026, 10, 1): False})
    # 30 September (Wednesday) + 2 working days: 8 October (Thursday) and 9 October (Friday).
    assert add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 9)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)  # the Saturday worked
    assert working_days_between(date(2026, 9, 28), date(2026, 10, 11)) == 3 + 3


@settings(max_examples=40, deadline=None)
@given(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)), st.integers(min_value=0, max_value=40)
)
def test_adding_n_working_days_spans_exactly_n_working_days(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start + timedelta(days=1), end) == n
    assert n == 0 or is_working_day(end)
