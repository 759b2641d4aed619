"""Rotating check-in codes: HMAC-signed by the meeting's secret and a 30-second time window.

The organiser's screen shows, for the current window, a QR code (a URL carrying a *token*) and a
6-character *short code* to type. Both are derived from ``Meeting.check_in_secret``, the meeting's
id and the window number, so the server needs to store nothing per code: a code is accepted in
its own window and the next one (so a code that changes while someone is scanning still works),
and refused afterwards — a photo of the screen shared later, or a code replayed after it expired,
no longer checks anyone in. A code signed for another meeting never verifies against this one.

Everything here is pure: no database, no clock of its own (callers pass ``now``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

WINDOW_SECONDS = 30
# How far back a short code is still recognised as this meeting's (to say "expired" rather than
# "wrong code"); older codes are simply unknown.
RECOGNISED_WINDOWS = 40
# No 0/O or 1/I/L: people copy the code from a projector at the back of a hall.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 6


class CodeRefused(Exception):
    """A code that does not check anyone in; ``reason`` is ``"expired"`` or ``"invalid"``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ScreenCodes:
    """What the check-in screen shows for one window."""

    window: int
    token: str
    short_code: str
    seconds_left: int


def window_at(moment: datetime) -> int:
    """The number of the 30-second window that ``moment`` falls in."""
    return int(moment.timestamp()) // WINDOW_SECONDS


def _digest(secret: str, purpose: str, meeting_id: int, window: int) -> bytes:
    message = f"orglife.check-in:{purpose}:{meeting_id}:{window}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def short_code(secret: str, meeting_id: int, window: int) -> str:
    """The 6-character code of ``window``: about 30 bits of the signature in a 31-letter alphabet."""
    number = int.from_bytes(_digest(secret, "short", meeting_id, window)[:8], "big")
    characters = []
    for _position in range(SHORT_CODE_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        characters.append(ALPHABET[index])
    return "".join(characters)


def token(secret: str, meeting_id: int, window: int) -> str:
    """The QR code's token for ``window``: the window number and a 96-bit signature."""
    signature = base64.urlsafe_b64encode(_digest(secret, "qr", meeting_id, window)[:12]).decode()
    return f"{window}.{signature}"


def screen_codes(secret: str, meeting_id: int, now: datetime) -> ScreenCodes:
    current = window_at(now)
    seconds_left = WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS
    return ScreenCodes(
        window=current,
        token=token(secret, meeting_id, current),
        short_code=short_code(secret, meeting_id, current),
        seconds_left=seconds_left,
    )


def normalise_short_code(raw: str) -> str:
    """Upper case, without the spaces or dashes people add when they type it."""
    return "".join((raw or "").split()).replace("-", "").upper()


def _is_current(window: int, current: int) -> bool:
    return window in (current, current - 1)


def verify_token(secret: str, meeting_id: int, raw: str, now: datetime) -> int:
    """The window of a QR token that is valid at ``now``; ``CodeRefused`` otherwise.

    The signature is checked first, so "expired" is only ever said of a genuine code.
    """
    window_text, _dot, signature = (raw or "").strip().partition(".")
    if not window_text.isdigit() or not signature:
        raise CodeRefused("invalid")
    window = int(window_text)
    if not hmac.compare_digest(token(secret, meeting_id, window), f"{window}.{signature}"):
        raise CodeRefused("invalid")
    current = window_at(now)
    if window > current:
        raise CodeRefused("invalid")
    if not _is_current(window, current):
        raise CodeRefused("expired")
    return window


def verify_short_code(secret: str, meeting_id: int, raw: str, now: datetime) -> int:
    """The window of a typed short code that is valid at ``now``; ``CodeRefused`` otherwise."""
    code = normalise_short_code(raw)
    if len(code) != SHORT_CODE_LENGTH:
        raise CodeRefused("invalid")
    current = window_at(now)
    for window in (current, current - 1):
        if hmac.compare_digest(short_code(secret, meeting_id, window), code):
            return window
    for window in range(current - 2, current - RECOGNISED_WINDOWS, -1):
        if hmac.compare_digest(short_code(secret, meeting_id, window), code):
            raise CodeRefused("expired")
    raise CodeRefused("invalid")
