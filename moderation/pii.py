"""Detectors of personal data in free text: mainland resident ID numbers and mobile numbers.

They work on the original text (full-width digits, spaces and dashes between digits, a ``+86``
prefix are all recognised) and say which characters to hide, so a masked text keeps its length
and every other position. Only real numbers are masked: an ID number must have a valid date and
check digit, a mobile number exactly eleven digits starting 13–19.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.text import national_id_problem, normalize_national_id

NATIONAL_ID = "national_id"
MOBILE = "mobile"
DETECTORS = (NATIONAL_ID, MOBILE)

_DIGIT = "[0-9０-９]"
_CHECK = "[0-9０-９XxＸｘ]"
_SEP = r"[ \t\u3000\u00a0\-－]"  # one space or dash between digits: "138 1234 5678", "138-1234-5678"
_NATIONAL_ID = re.compile(rf"(?<!{_CHECK}){_DIGIT}(?:{_SEP}?{_DIGIT}){{16}}{_SEP}?{_CHECK}(?!{_CHECK})")
_MOBILE = re.compile(
    rf"(?<!{_CHECK})"
    rf"(?P<prefix>(?:[+＋]|00|００)[8８][6６]{_SEP}?)?"
    rf"(?P<number>[1１][3-9３-９](?:{_SEP}?{_DIGIT}){{9}})"
    rf"(?!{_CHECK})"
)
_SIGNIFICANT = re.compile(r"[0-9０-９XxＸｘ]")


@dataclass(frozen=True)
class Detection:
    """Personal data found at ``text[start:end]``; ``masked`` is that span as it should be shown."""

    detector: str
    start: int
    end: int
    masked: str


def _mask_span(span: str, *, keep_first: int = 3, keep_last: int = 4) -> str:
    """Hide the digits of ``span`` except the first and last few, keeping spaces and dashes."""
    digits = [match.start() for match in _SIGNIFICANT.finditer(span)]
    hidden = set(digits[keep_first : len(digits) - keep_last])
    return "".join("*" if index in hidden else char for index, char in enumerate(span))


def find_national_ids(text: str) -> list[Detection]:
    """Resident ID numbers (18 characters, valid birth date and check digit) in ``text``."""
    found = []
    for match in _NATIONAL_ID.finditer(text):
        if national_id_problem(normalize_national_id(match.group())) is None:
            found.append(Detection(NATIONAL_ID, match.start(), match.end(), _mask_span(match.group())))
    return found


def find_mobiles(text: str, *, skip: list[Detection] | None = None) -> list[Detection]:
    """Mainland mobile numbers in ``text``, outside the spans in ``skip`` (ID numbers found first)."""
    taken = skip or []
    found = []
    for match in _MOBILE.finditer(text):
        start, end = match.start("number"), match.end("number")
        if any(start < other.end and other.start < end for other in taken):
            continue
        found.append(Detection(MOBILE, start, end, _mask_span(match.group("number"))))
    return found


def detect(text: str, detectors: frozenset[str] | set[str] = frozenset(DETECTORS)) -> list[Detection]:
    """Every piece of personal data in ``text`` found by the given detectors, in text order."""
    if not text or not any(char in text for char in "0123456789０１２３４５６７８９"):
        return []
    ids = find_national_ids(text) if NATIONAL_ID in detectors else []
    mobiles = find_mobiles(text, skip=ids) if MOBILE in detectors else []
    return sorted([*ids, *mobiles], key=lambda detection: detection.start)
