"""The sections of the platform, and which of them a person may open.

Each app registers its sections with a predicate; the home page lists those open to the person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Section:
    code: str
    label: str | Promise
    description: str | Promise
    url_name: str
    is_open_to: Callable[[Any], bool]
    order: int = 100


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _sections[section.code] = section


def sections_for(user: Any) -> list[dict[str, Any]]:
    open_sections = [s for s in sorted(_sections.values(), key=lambda s: s.order) if s.is_open_to(user)]
    return [
        {"code": s.code, "label": s.label, "description": s.description, "url": reverse(s.url_name)}
        for s in open_sections
    ]
