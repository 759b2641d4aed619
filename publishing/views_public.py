"""Public pages of the channels (no login): the channel, its items, an Atom feed, and their files.

Pages are cached whole, per language, checked against the channel's version (``publishing.cache``):
a hit costs one cache round trip (counting the view included) and no query. They hold nothing personal (no CSRF token, no user), which is
why they use their own base template rather than ``base.html``. Views are counted on hits too.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

import segno
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from archive import serving
from archive.permissions import can_read_document
from core.richtext import plain_text
from publishing import cache as page_cache
from publishing import queries
from publishing.models import Article, Channel
from publishing.services_channels import article_view_key, article_view_record

PUBLIC_PAGE_SIZE = 20
MAX_PAGE = 500


def _lookup(slug: str, name: str, also: tuple[str, ...] = ()) -> page_cache.Lookup:
    return page_cache.page_lookup(slug, name, get_language() or "", also)


def _public(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    # Browsers and proxies revalidate every time: a withdrawn item must disappear at once, and the
    # server's own cache makes the refetch cheap.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def _store(lookup: page_cache.Lookup, response: HttpResponse) -> HttpResponse:
    if response.status_code == 200:
        lookup.store(response.content)
    return _public(response)


def _page_number(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def media_url(request: HttpRequest, document_public_id: Any) -> str:
    return request.build_absolute_uri(reverse("channels:media", args=[document_public_id]))


@require_safe
def channel(request: HttpRequest, slug: str) -> HttpResponse:
    """A channel's page: its brand and introduction, then its published items, pinned first."""
    number = _page_number(request)
    lookup = _lookup(slug, f"index:{number}")
    if lookup.content is not None:
        return _public(HttpResponse(lookup.content))
    found = queries.public_channel(slug)
    page = Paginator(queries.published_items(found), PUBLIC_PAGE_SIZE).get_page(number)
    context = {
        "channel": found,
        "page": page,
        "logo_url": media_url(request, found.logo.public_id) if found.logo else "",
        "feed_url": request.build_absolute_uri(reverse("channels:feed", args=[found.slug])),
    }
    return _store(lookup, render(request, "publishing/public/channel.html", context))


def _visitor(request: HttpRequest) -> str:
    return f"{request.META.get('REMOTE_ADDR', '')}|{request.headers.get('User-Agent', '')[:200]}"


def _view(request: HttpRequest, article_id: int) -> dict[str, Any]:
    return {"article_id": article_id, "visitor": _visitor(request), "day": timezone.localdate()}


def _article_lookup(request: HttpRequest, slug: str, article_id: int) -> tuple[page_cache.Lookup, str]:
    """The cached page and, for a GET (HEAD does not count), the visitor's mark for today: one round trip."""
    seen_key = article_view_key(**_view(request, article_id)) if request.method == "GET" else ""
    return _lookup(slug, f"article:{article_id}", (seen_key,) if seen_key else ()), seen_key


def _count_view(request: HttpRequest, article_id: int, seen_key: str, lookup: page_cache.Lookup) -> None:
    if seen_key:
        article_view_record(**_view(request, article_id), seen=seen_key in lookup.found)


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an inline SVG (segno; no image file, no outside service)."""
    return segno.make(url, error="m").svg_inline(scale=3, title=url, border=2)


@require_safe
def article(request: HttpRequest, slug: str, article_id: int) -> HttpResponse:
    """A published item: title, Open Graph tags with the cover as share image, text or video, QR code."""
    lookup, seen_key = _article_lookup(request, slug, article_id)
    if lookup.content is not None:
        _count_view(request, article_id, seen_key, lookup)
        return _public(HttpResponse(lookup.content))
    found = queries.public_channel(slug)
    item = queries.public_article(found, article_id)
    _count_view(request, item.pk, seen_key, lookup)
    url = request.build_absolute_uri(reverse("channels:article", args=[found.slug, item.pk]))
    share_image = item.cover or item.poster
    context = {
        "channel": found,
        "article": item,
        "body": mark_safe(item.body),  # noqa: S308  (stored through core.richtext.sanitize_html)
        "url": url,
        "share_image": media_url(request, share_image.public_id) if share_image else "",
        "logo_url": media_url(request, found.logo.public_id) if found.logo else "",
        "video_url": media_url(request, item.video.public_id) if item.video else "",
        "poster_url": media_url(request, item.poster.public_id) if item.poster else "",
        "qr": mark_safe(qr_svg(url)),  # noqa: S308  (segno's own markup; the URL is escaped by it)
    }
    return _store(lookup, render(request, "publishing/public/article.html", context))


@require_safe
def language(request: HttpRequest, code: str) -> HttpResponse:
    """Read the public pages in another language: a cookie, then back to the page (``?next=``).

    The public pages carry no CSRF token (they are shared by every reader), so this is a link, not
    Django's ``set_language`` form; it changes nothing but the reader's own display language.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 60 * 60,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@require_safe
def media(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    """A channel's image or video: to anyone once it is public, before that to its editors.

    Streamed through the archive's serving, with HTTP byte ranges (video players ask for them).
    """
    document = queries.media_document(public_id)
    if not queries.media_is_public(document) and not can_read_document(request.user, document):
        raise Http404
    version = document.current_version
    if version is None:  # media_document refuses these already; this keeps the type checker sure
        raise Http404
    response, _served = serving.stream_file(
        request,
        name=version.file.name or "",
        size=version.size,
        content_type=version.content_type,
        download_name=version.download_name,
        inline=True,
        etag=f'"{version.sha256}"',
    )
    return response


class ChannelFeed(Feed):
    """The channel's newest published items as an Atom feed."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Channel:
        self.request = request
        return queries.public_channel(slug)

    def title(self, obj: Channel) -> str:
        return obj.name

    def link(self, obj: Channel) -> str:
        return reverse("channels:channel", args=[obj.slug])

    def subtitle(self, obj: Channel) -> str:
        return plain_text(obj.introduction)[:200]

    def items(self, obj: Channel) -> list[Article]:
        return list(queries.published_items(obj)[:PUBLIC_PAGE_SIZE])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_link(self, item: Article) -> str:
        return reverse("channels:article", args=[item.channel.slug, item.pk])

    def item_pubdate(self, item: Article) -> Any:
        return item.published_at

    def item_updateddate(self, item: Article) -> Any:
        return item.published_at

    def item_categories(self, item: Article) -> list[str]:
        return [str(item.get_category_display()), *item.tags]

    def item_guid(self, item: Article) -> str:
        digest = hashlib.sha256(f"{item.channel_id}:{item.pk}".encode()).hexdigest()[:16]
        return f"urn:smartbranch:article:{item.pk}:{digest}"


@require_safe
def feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The Atom feed, cached like the pages."""
    lookup = _lookup(slug, "feed")
    if lookup.content is not None:
        return _public(HttpResponse(lookup.content, content_type="application/atom+xml; charset=utf-8"))
    response = ChannelFeed()(request, slug=slug)
    return _store(lookup, response)
