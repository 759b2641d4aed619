"""Panels that an app above adds to another app's page, without that app importing it.

A page names a *slot* (``"publishing.article"``, ``"learning.lesson"``) and renders
``{% panels "publishing.article" article %}`` where the extra content belongs; apps higher in the
layers (docs/decisions/0006) register a ``Panel`` for the slot from their ``AppConfig.ready``.
A panel's ``render(request, obj)`` returns HTML (already escaped) or ``""`` to show nothing.

Slots of pages that are cached whole for every reader (the public article page) must receive
the same HTML whoever asks: there a panel returns a placeholder that loads its personal part
with HTMX (``hx-get``), never anything about ``request.user``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

SLOTS = {
    "publishing.article": "The public page of a published article or video (cached for every reader).",
    "learning.lesson": "A lesson's page in Study, below the lesson.",
    "engagement.notice": "A notice's page (engagement), below its text: e.g. its poll.",
}


@dataclass(frozen=True)
class Panel:
    code: str
    slot: str
    render: Callable[[HttpRequest, Any], str]
    order: int = 100


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    if panel.slot not in SLOTS:
        raise ValueError(f"Unknown panel slot {panel.slot!r}; known: {', '.join(sorted(SLOTS))}")
    _panels[panel.code] = panel


def unregister_panel(code: str) -> None:
    _panels.pop(code, None)


def panels_html(slot: str, request: HttpRequest, obj: Any) -> SafeString:
    """The HTML of every panel registered for ``slot``, in order."""
    parts = [
        panel.render(request, obj)
        for panel in sorted(_panels.values(), key=lambda p: p.order)
        if panel.slot == slot
    ]
    return mark_safe("".join(part for part in parts if part))  # noqa: S308  (panels return escaped HTML)
