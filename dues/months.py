"""Months as dates: a month is always stored as its first day (``2026-11-01`` is November 2026)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date


def month_of(day: date) -> date:
    """The month ``day`` lies in."""
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The month ``count`` months after ``month`` (before it when negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_from(first: date, last: date) -> Iterator[date]:
    """Every month from ``first`` to ``last``, both included (nothing when ``last`` is earlier)."""
    month = month_of(first)
    end = month_of(last)
    while month <= end:
        yield month
        month = add_months(month, 1)


def months_apart(earlier: date, later: date) -> int:
    """How many months ``later`` lies after ``earlier`` (0 for the same month)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def month_label(month: date) -> str:
    return f"{month.year}-{month.month:02d}"
