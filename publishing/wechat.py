"""An article as WeChat-ready HTML: inline styles only, no classes, ids or scripts.

The WeChat official-account editor keeps inline ``style`` attributes and drops style sheets, so
every element carries its look. Images get absolute addresses so the editor can fetch them.
"""

from __future__ import annotations

import re

from django.utils.html import escape

from core.richtext import sanitize_html
from publishing.models import Article

BASE = "font-size:16px;line-height:1.75;color:#333333;"
STYLES = {
    "p": f"margin:0 0 1em;{BASE}",
    "h2": "margin:1.4em 0 .6em;font-size:20px;font-weight:bold;color:#c8102e;",
    "h3": "margin:1.2em 0 .5em;font-size:18px;font-weight:bold;color:#222222;",
    "h4": "margin:1em 0 .5em;font-size:16px;font-weight:bold;color:#222222;",
    "blockquote": "margin:1em 0;padding:.6em 1em;border-left:4px solid #c8102e;background:#f7f7f7;color:#555555;",
    "ul": f"margin:0 0 1em;padding-left:1.5em;{BASE}",
    "ol": f"margin:0 0 1em;padding-left:1.5em;{BASE}",
    "li": "margin:.3em 0;",
    "img": "display:block;max-width:100%;height:auto;margin:0 auto;",
    "figure": "margin:1em 0;text-align:center;",
    "figcaption": "margin-top:.4em;font-size:14px;color:#888888;text-align:center;",
    "a": "color:#576b95;text-decoration:none;",
    "table": "border-collapse:collapse;width:100%;margin:0 0 1em;",
    "th": "border:1px solid #dddddd;padding:6px;background:#f5f5f5;",
    "td": "border:1px solid #dddddd;padding:6px;",
    "strong": "font-weight:bold;",
    "b": "font-weight:bold;",
    "hr": "border:none;border-top:1px solid #e5e5e5;margin:1.5em 0;",
    "pre": "white-space:pre-wrap;background:#f7f7f7;padding:.8em;font-size:14px;",
}
_OPENING_TAG = re.compile(r"<([a-z0-9]+)([^>]*)>")
_LOCAL_SRC = re.compile(r'\ssrc="(/[^"]*)"')
_REL = re.compile(r'\srel="[^"]*"')


def wechat_html(article: Article, *, base_url: str) -> str:
    """The item's title, summary and text as one ``<section>`` with inline styles only."""
    base_url = base_url.rstrip("/")

    def styled(match: re.Match[str]) -> str:
        tag, attributes = match.group(1), match.group(2)
        if tag == "img":
            attributes = _LOCAL_SRC.sub(lambda src: f' src="{base_url}{src.group(1)}"', attributes)
        attributes = _REL.sub("", attributes)
        style = STYLES.get(tag)
        return f'<{tag}{attributes} style="{style}">' if style else f"<{tag}{attributes}>"

    body = _OPENING_TAG.sub(styled, sanitize_html(article.body))
    parts = [
        '<section style="max-width:677px;margin:0 auto;">',
        f'<h1 style="margin:0 0 .6em;font-size:22px;font-weight:bold;color:#222222;">{escape(article.title)}</h1>',
    ]
    if article.summary:
        parts.append(
            f'<p style="margin:0 0 1.2em;font-size:14px;color:#888888;">{escape(article.summary)}</p>'
        )
    parts.extend([body, "</section>"])
    return "".join(parts)
