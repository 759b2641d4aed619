"""The registry of capabilities that position types can grant.

Each app declares its capabilities once (in its ``capabilities.py``, imported by its AppConfig);
admins then choose among them when they edit a position type. Codes are stable strings stored in
the database, labels are translated for display.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Capability:
    code: str
    label: str | Promise
    description: str | Promise = ""


_registry: dict[str, Capability] = {}


def register(code: str, label: str | Promise, description: str | Promise = "") -> str:
    """Declare a capability and return its code, so modules can keep it as a constant."""
    _registry[code] = Capability(code, label, description)
    return code


def all_capabilities() -> list[Capability]:
    return sorted(_registry.values(), key=lambda c: c.code)


def get(code: str) -> Capability | None:
    return _registry.get(code)


def choices() -> list[tuple[str, str | Promise]]:
    return [(c.code, c.label) for c in all_capabilities()]
