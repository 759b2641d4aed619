"""The registry of notification kinds; each app registers the kinds it sends."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from core.models import EmailMode


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: str | Promise
    default_email: str = EmailMode.IMMEDIATE
    description: str | Promise = ""


_kinds: dict[str, NotificationKind] = {}


def register_kind(
    code: str,
    label: str | Promise,
    default_email: str = EmailMode.IMMEDIATE,
    description: str | Promise = "",
) -> str:
    """Declare a kind of notification and return its code, so modules can keep it as a constant."""
    _kinds[code] = NotificationKind(code, label, default_email, description)
    return code


def kinds() -> list[NotificationKind]:
    return sorted(_kinds.values(), key=lambda k: k.code)


def is_registered(code: str) -> bool:
    return code in _kinds


def get_kind(code: str) -> NotificationKind:
    return _kinds.get(code) or NotificationKind(code, code)
