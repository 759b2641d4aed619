"""Text tools shared by every app: normalising what people type or paste, masking personal data,
checking national ID numbers, and keeping spreadsheet formulas out of files we read or write."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SPACES = re.compile(r"[\s\u3000\u00a0\-]+")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_width(value: str) -> str:
    """Turn full-width digits, letters and punctuation into their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", value).strip()


def normalize_phone(value: str) -> str:
    """Digits of a mainland phone number: full-width digits, spaces, dashes and +86 removed."""
    digits = _SPACES.sub("", normalize_width(value))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def is_valid_mobile(value: str) -> bool:
    return bool(_MOBILE.match(value))


def normalize_national_id(value: str) -> str:
    return _SPACES.sub("", normalize_width(value)).upper()


def national_id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def national_id_birth_date(value: str) -> date | None:
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def national_id_problem(value: str) -> str | None:
    """Why an (already normalised) 18-character resident ID number is invalid, or None.

    Returns one of ``"length"``, ``"format"``, ``"birth_date"``, ``"checksum"``.
    """
    if len(value) != 18:
        return "length"
    if not (value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")):
        return "format"
    if national_id_birth_date(value) is None:
        return "birth_date"
    if national_id_check_digit(value[:17]) != value[17]:
        return "checksum"
    return None


def mask_national_id(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def looks_like_formula(value: str) -> bool:
    """True for text that a spreadsheet would evaluate when the file is opened."""
    return value.startswith(FORMULA_PREFIXES)


def spreadsheet_safe(value: object) -> object:
    """Make a cell value inert: text that would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value
