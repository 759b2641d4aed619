"""Rich text that people write (articles, minutes, lessons): sanitised on the server, always.

The editor in the page is a convenience; whatever arrives is cleaned here with nh3 (the Rust
``ammonia`` sanitiser) before it is stored. What survives is the structure an author needs —
headings, paragraphs, lists, quotes, links, images with captions, simple tables — and nothing
that runs, styles or loads from elsewhere: no scripts, event handlers, ``style`` or ``class``
attributes, ``javascript:`` URLs, SVG or frames. Images must come from this server (a path that
starts with ``/``), because pages load no asset from outside the server.
"""

from __future__ import annotations

import html as html_lib
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "img", "figure", "figcaption", "code", "pre",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
# Links may leave the site (a policy document on a ministry's site); images may not.
URL_SCHEMES = {"http", "https", "mailto"}
# Word and WeChat paste wrap content in tags whose text is noise, not prose.
DROPPED_WITH_CONTENT = {"script", "style", "template", "title", "xml", "head", "iframe", "object", "noscript"}

_LOCAL_IMAGE = re.compile(r"^/(?!/)")
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not _LOCAL_IMAGE.match(value):
        return None
    if attribute in {"width", "height", "colspan", "rowspan", "start"} and not value.isdigit():
        return None
    return value


def sanitize_html(html: str) -> str:
    """Return ``html`` with only the allowed structure left; safe to mark safe in a template."""
    cleaned = nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return _EMPTY_PARAGRAPH.sub("", cleaned).strip()


def plain_text(html: str) -> str:
    """The words of ``html`` without any markup: for moderation, search and summaries."""
    # Block ends become spaces first, so that "<p>a</p><p>b</p>" reads "a b", not "ab".
    spaced = re.sub(r"<(?:br|/p|/li|/h[2-4]|/td|/th|/figcaption|/blockquote)\b[^>]*>", " ", html or "")
    text = nh3.clean(spaced, tags=set(), clean_content_tags=DROPPED_WITH_CONTENT)
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()
