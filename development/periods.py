"""Calendar arithmetic for the procedure's periods, written once so every rule reads them alike.

How the periods of the 2014 rules are read here:
- "within N months" of a day is "on or before the same day of the month N months later", and when
  that month is shorter, its last day: an application received on 31 January must be answered by
  28 (or 29) February; one received on 15 March by 15 April.
- "at least one year" after a day is the same calendar date a year later (clamped the same way:
  29 February 2024 + 1 year = 28 February 2025), not a count of 365 days.
- Age: a person turns N on the N-th anniversary of their birth; someone born on 29 February has
  completed their years in a common year only when 28 February has ended, so they turn N on 1 March.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (or earlier), clamped to the end of that month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """The same calendar date ``years`` later; 29 February becomes 28 February in a common year."""
    return add_months(day, years * 12)


def anniversary(birth: date, years: int) -> date:
    """The day a person born on ``birth`` has completed ``years`` years of age."""
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(birth.year + years):
        return date(birth.year + years, 3, 1)
    return birth.replace(year=birth.year + years)


def age_on(birth: date, day: date) -> int:
    """Completed years of age on ``day``."""
    years = day.year - birth.year
    return years if anniversary(birth, years) <= day else years - 1


def days_between(first: date, last: date) -> int:
    return (last - first).days


def day_after(day: date) -> date:
    return day + timedelta(days=1)
