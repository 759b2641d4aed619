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


@dataclass(frozen=True)
class UnitLink:
    """A page about one org unit that an app adds to the unit's card (e.g. its documents).

    Apps above ``orgs`` register these, so the unit card links to them without ``orgs``
    importing those apps.
    """

    code: str
    label: str | Promise
    url_name: str
    is_open_to: Callable[[Any, Any], bool]  # (user, unit) -> bool
    order: int = 100


_unit_links: dict[str, UnitLink] = {}


def register_unit_link(link: UnitLink) -> None:
    _unit_links[link.code] = link


def unit_links_for(user: Any, unit: Any) -> list[dict[str, Any]]:
    """The registered unit pages the user may open for ``unit``, in order."""
    links = sorted(_unit_links.values(), key=lambda link: link.order)
    return [
        {"code": link.code, "label": link.label, "url": reverse(link.url_name, args=[unit.pk])}
        for link in links
        if link.is_open_to(user, unit)
    ]
