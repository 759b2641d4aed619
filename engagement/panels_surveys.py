"""Polls inside other apps' pages: an article's public page and a notice's page (``core.panels``).

The public article page is cached whole and shared by every reader, so its panel is the same HTML
for everyone: a titled section that loads the poll (with the reader's vote) from
``engagement:poll`` through htmx, and a plain link for a browser without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from core.panels import Panel, register_panel
from engagement import queries_surveys as queries


def _placeholders(kind: str, obj: Any) -> str:
    key = getattr(obj, "pk", None)
    if key is None:  # not a saved article or notice (a preview): no poll belongs to it
        return ""
    polls = queries.polls_attached_to(f"{kind}:{key}")
    if not polls:
        return ""
    return render_to_string("engagement/surveys/_poll_placeholder.html", {"polls": polls})


def render_article_polls(request: HttpRequest, article: Any) -> str:
    """The polls of an article, as placeholders that load themselves (never anything personal)."""
    return _placeholders("article", article)


def render_notice_polls(request: HttpRequest, notice: Any) -> str:
    """The polls of a notice, as placeholders that load themselves."""
    return _placeholders("notice", notice)


def register() -> None:
    register_panel(
        Panel(code="engagement.article_polls", slot="publishing.article", render=render_article_polls)
    )
    register_panel(
        Panel(code="engagement.notice_polls", slot="engagement.notice", render=render_notice_polls)
    )
