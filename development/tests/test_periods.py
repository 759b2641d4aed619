"""Calendar periods: months clamp to the end of a shorter month; a leap-day birthday counts from 1 March."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from development.periods import add_months, add_years, age_on, anniversary

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))


def test_a_month_after_the_31st_is_the_last_day_of_a_shorter_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 3, 31), 1) == date(2026, 4, 30)
    assert add_months(date(2026, 3, 15), 1) == date(2026, 4, 15)


def test_months_cross_the_year_both_ways():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)


def test_a_year_after_a_leap_day_is_the_28th_of_february():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_someone_born_on_a_leap_day_turns_18_on_the_1st_of_march_in_a_common_year():
    assert anniversary(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert anniversary(date(2004, 2, 29), 18) == date(2022, 3, 1)
    assert anniversary(date(2006, 2, 28), 18) == date(2024, 2, 28)
    assert anniversary(date(2012, 2, 29), 16) == date(2028, 2, 29)
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


@given(days, st.integers(min_value=-600, max_value=600))
def test_adding_months_keeps_the_day_or_lands_on_the_month_end(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or ((result + timedelta(days=1)).day == 1 and result.day < day.day)


@given(days)
def test_a_person_is_17_the_day_before_turning_18_and_18_on_the_day(birth):
    turns = anniversary(birth, 18)
    assert age_on(birth, turns - timedelta(days=1)) == 17
    assert age_on(birth, turns) == 18
