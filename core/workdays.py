"""Working days: Monday to Friday, except official holidays, plus weekend days worked instead (调休).

The exceptions are rows of ``core.models.Holiday``, kept by administrators. Each function reads the
exceptions of the range it needs in one query.

Conventions (used by every deadline counted in working days):
- ``working_days_between(a, b)`` counts the working days from ``a`` to ``b``, both included
  (a notice running Monday to Friday lasts 5 working days); 0 when ``b`` is before ``a``.
- ``add_working_days(start, n)`` is the day on which the ``n``-th working day after ``start`` falls
  (``start`` itself is not counted; ``n = 0`` gives ``start``). So
  ``working_days_between(start + 1 day, add_working_days(start, n)) == n``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from core.models import Holiday

_SATURDAY = 5


def exceptions_between(first: date, last: date) -> dict[date, bool]:
    """The days from ``first`` to ``last`` that break the weekly pattern: day -> is it worked."""
    rows = Holiday.objects.filter(day__gte=first, day__lte=last).values_list("day", "is_working_day")
    return dict(rows)


def is_working_day(day: date, exceptions: Mapping[date, bool] | None = None) -> bool:
    """True when ``day`` is worked; ``exceptions`` as returned by ``exceptions_between``."""
    if exceptions is not None and day in exceptions:
        return exceptions[day]
    return day.weekday() < _SATURDAY


def working_days_between(first: date, last: date) -> int:
    """The number of working days from ``first`` to ``last``, both included."""
    if last < first:
        return 0
    exceptions = exceptions_between(first, last)
    count = 0
    day = first
    while day <= last:
        count += is_working_day(day, exceptions)
        day += timedelta(days=1)
    return count


def add_working_days(start: date, n: int) -> date:
    """The day of the ``n``-th working day after ``start`` (``n`` ≥ 0)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    remaining = n
    # Read the exceptions a window at a time: long holidays (Spring Festival, National Day) make
    # n working days span far more than n calendar days, so the window grows until it is enough.
    window = max(14, n * 2 + 14)
    exceptions: dict[date, bool] = {}
    loaded_until = start
    while remaining > 0:
        day += timedelta(days=1)
        if day > loaded_until:
            loaded_until = day + timedelta(days=window)
            exceptions.update(exceptions_between(day, loaded_until))
        remaining -= is_working_day(day, exceptions)
    return day
