"""Local rules of party dues (**local** in DOMAIN.md §4) and the arithmetic of a monthly amount.

Amounts are whole fen (分) everywhere: a stipend of 3,000 yuan is ``300000``. A graduate student's
dues are a share of the monthly stipend chosen by the band the stipend falls in, applied to the
whole stipend (not progressively, as the party's rules say): 4,000 yuan pays 1%, that is 40 yuan.
A band's limit is inclusive: exactly 3,000 yuan is still 0.5%. The share is computed with
``Decimal`` and rounded to the fen, half up (0.5 fen becomes 1 fen), which is how a cashier rounds.

This module is pure: it holds the defaults, validates a university's JSON parameters and computes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Band:
    """Up to ``upper_fen`` (inclusive; None for "above every other band") pays ``rate`` of the stipend."""

    upper_fen: int | None
    rate: Decimal


DEFAULT_BANDS: tuple[Band, ...] = (
    Band(300_000, Decimal("0.005")),
    Band(500_000, Decimal("0.01")),
    Band(1_000_000, Decimal("0.015")),
    Band(None, Decimal("0.02")),
)


@dataclass(frozen=True)
class DuesRules:
    """The local dues parameters of one university (defaults from DOMAIN.md §4)."""

    undergraduate_fen: int = 20
    bands: tuple[Band, ...] = DEFAULT_BANDS
    warning_months: int = 3


DEFAULTS = DuesRules()


def share_of_stipend(stipend_fen: int, bands: tuple[Band, ...] = DEFAULT_BANDS) -> int:
    """The monthly dues, in fen, of a stipend of ``stipend_fen`` fen, rounded half up to the fen."""
    if stipend_fen < 0:
        raise ValueError("a stipend cannot be negative")
    for band in bands:
        if band.upper_fen is None or stipend_fen <= band.upper_fen:
            share = Decimal(stipend_fen) * band.rate
            return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    raise ValueError("the bands must end with one without an upper limit")


def yuan(fen: int) -> str:
    """Fen written as yuan with two decimals: ``2000`` → ``"20.00"``, ``-20`` → ``"-0.20"``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def parse_yuan(text: str) -> int | None:
    """Yuan typed by a person (``"3000"``, ``"3,000.5"``, full-width digits) as fen; None if not a
    non-negative amount with at most two decimals."""
    import unicodedata

    cleaned = unicodedata.normalize("NFKC", str(text)).replace(",", "").replace("，", "").strip()
    if cleaned.startswith("¥"):
        cleaned = cleaned[1:].strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    return int(amount * 100)


# --- A university's parameters, stored as JSON ---------------------------------------------------

PARAMETER_NAMES = ("undergraduate_fen", "bands", "warning_months")


def parameter_problems(raw: object) -> dict[str, list[str]]:
    """The problems of a parameters object, by parameter name (empty when it is valid)."""
    if not isinstance(raw, Mapping):
        return {"__all__": [str(_("The parameters must be a JSON object."))]}
    problems: dict[str, list[str]] = {}
    for name, value in raw.items():
        if name not in PARAMETER_NAMES:
            known = ", ".join(PARAMETER_NAMES)
            problems[name] = [str(_("Unknown parameter. Known parameters: %(known)s.") % {"known": known})]
        elif name == "undergraduate_fen" and not _is_int_between(value, 0, 100_000):
            problems[name] = [str(_("The undergraduate amount must be a whole number of fen, 0 to 100000."))]
        elif name == "warning_months" and not _is_int_between(value, 1, 5):
            problems[name] = [str(_("The warning must come after 1 to 5 months, before the sixth."))]
        elif name == "bands" and _bands(value) is None:
            problems[name] = [
                str(
                    _(
                        "Bands must be a list of [upper limit in fen or null, rate as text], limits "
                        'rising, the last one null, e.g. [[300000, "0.005"], [null, "0.01"]].'
                    )
                )
            ]
    return problems


def _is_int_between(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _bands(value: object) -> tuple[Band, ...] | None:
    if not isinstance(value, list) or not value:
        return None
    bands: list[Band] = []
    previous = -1
    for item in value:
        if not isinstance(item, list) or len(item) != 2:
            return None
        upper, rate_text = item
        try:
            rate = Decimal(str(rate_text))
        except InvalidOperation:
            return None
        if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
            return None
        if upper is not None and (not _is_int_between(upper, 0, 10**12) or upper <= previous):
            return None
        if bands and bands[-1].upper_fen is None:
            return None
        bands.append(Band(upper, rate))
        previous = upper if upper is not None else previous
    return tuple(bands) if bands[-1].upper_fen is None else None


def dues_rules(raw: Mapping[str, Any] | None) -> DuesRules:
    """The rules given by a (validated) parameters object; missing ones take the defaults."""
    if not raw or parameter_problems(raw):
        return DEFAULTS
    return DuesRules(
        undergraduate_fen=int(raw.get("undergraduate_fen", DEFAULTS.undergraduate_fen)),
        bands=_bands(raw["bands"]) or DEFAULT_BANDS if "bands" in raw else DEFAULT_BANDS,
        warning_months=int(raw.get("warning_months", DEFAULTS.warning_months)),
    )
