"""Audience kinds: groups of people that a lower app may target although only a higher app knows them.

Study (``learning``) lets an author require a course of a unit's members; it must also require a
course of, say, a batch (批次) of the membership development procedure. Batches belong to
``development``, which sits above ``learning`` (it reads ``learning.queries`` for step 11), so
``learning`` cannot import it. Instead the higher app registers an *audience kind* here, in ``core``,
and the lower app stores only ``(kind code, audience id)`` and asks the registry who is in it.

An audience kind answers four questions, each without the caller knowing the model behind it:

- ``people(audience_id)``: the ids of the persons in the audience (a ``values_list`` queryset, so a
  caller can use it as a subquery);
- ``audiences_of(person_id)``: the ids of the audiences of this kind that hold the person (a
  ``values_list`` queryset too: "which batches am I in" is then one subquery per kind, never one
  query per audience);
- ``choices_for(user)``: the ``(id, label)`` pairs the user may target;
- ``label_of(audience_id)``: the audience's name for a page (also when the user cannot target it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class AudienceKind:
    code: str
    label: str | Promise
    people: Callable[[int], QuerySet[Any]]
    audiences_of: Callable[[int], QuerySet[Any]]
    choices_for: Callable[[Any], list[tuple[int, str]]]
    label_of: Callable[[int], str]


_kinds: dict[str, AudienceKind] = {}


def register_audience_kind(kind: AudienceKind) -> None:
    """Register (or replace, e.g. in tests) the audience kind with ``kind.code``."""
    _kinds[kind.code] = kind


def unregister_audience_kind(code: str) -> None:
    """Forget the audience kind ``code`` (for tests that register their own kinds)."""
    _kinds.pop(code, None)


def audience_kind(code: str) -> AudienceKind | None:
    """The audience kind registered as ``code``, or None when no app registered it."""
    return _kinds.get(code)


def audience_kinds() -> list[AudienceKind]:
    """Every registered audience kind, by code."""
    return [_kinds[code] for code in sorted(_kinds)]
