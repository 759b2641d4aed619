"""The comments panel under an article or video (public, cached page) and under a lesson.

The public article page is cached whole and shared by every reader, so the panel is the same for
everyone: a section that loads the thread with htmx (``hx-trigger="load"``) and, without
JavaScript, a link to the full comments page. The lesson page gets the same placeholder.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from core.panels import Panel, register_panel
from engagement.models import TargetKind


def _placeholder(kind: str, item: Any) -> str:
    target_id = getattr(item, "pk", None)
    if not isinstance(target_id, int):  # not a saved article or lesson: nothing to discuss
        return ""
    return render_to_string("engagement/comments/panel.html", {"kind": kind, "target_id": target_id})


def article_panel(request: HttpRequest, article: Any) -> str:
    return _placeholder(TargetKind.ARTICLE, article)


def lesson_panel(request: HttpRequest, lesson: Any) -> str:
    return _placeholder(TargetKind.LESSON, lesson)


def register() -> None:
    register_panel(Panel("engagement.comments.article", "publishing.article", article_panel, order=50))
    register_panel(Panel("engagement.comments.lesson", "learning.lesson", lesson_panel, order=50))
