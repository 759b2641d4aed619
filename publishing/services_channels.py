"""Writes about channels and their files: creating and editing a channel, uploading media, pinning,
and counting views without recording who read what."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Collection
from datetime import date
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from archive import sniffing
from archive.models import Document
from archive.services import document_create
from core.audit import audit_record
from core.errors import FieldErrors
from core.richtext import sanitize_html
from orgs.models import OrgUnit
from publishing import cache as page_cache
from publishing import capabilities as caps
from publishing import permissions
from publishing.models import Article, ArticleViews, Channel

MEDIA_PURPOSE = "publishing"
IMAGE_MAX_BYTES = 10 * 1024 * 1024
VIDEO_MAX_BYTES = 200 * 1024 * 1024
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
RESERVED_SLUGS = frozenset({"media", "feed", "api", "new", "language"})
NAME_MAX_LENGTH = 100
INTRODUCTION_MAX_LENGTH = 5000


def media_upload(
    *, actor: Any, unit: OrgUnit, uploaded_file: Any, video: bool = False, title: str = ""
) -> Document:
    """Store an image (or, with ``video``, an MP4/WebM video) for a channel's pages in the archive.

    The file belongs to the unit; it is served to everyone once a published item or the channel's
    logo uses it, and to the unit's editors before that. Needs ``archive.upload_documents`` too.
    """
    allowed: Collection[str] = sniffing.VIDEO_TYPES if video else sniffing.IMAGE_TYPES
    name = (title or getattr(uploaded_file, "name", "") or _("Image")).strip()[:200] or _("Image")
    return document_create(
        actor=actor,
        unit=unit,
        title=name,
        uploaded_file=uploaded_file,
        purpose=MEDIA_PURPOSE,
        max_bytes=VIDEO_MAX_BYTES if video else IMAGE_MAX_BYTES,
        allowed_types=allowed,
    )


def _clean_channel_input(
    *, name: str, slug: str, introduction: str, primary_colour: str, accent_colour: str
) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    slug = (slug or "").strip().lower()
    if not name:
        errors["name"] = [_("Give the channel a name.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("The name can have at most %(count)s characters.") % {"count": NAME_MAX_LENGTH}]
    if not SLUG.match(slug) or slug in RESERVED_SLUGS:
        errors["slug"] = [
            _("Use 1–60 lower-case letters, digits and hyphens (not at the start or end), e.g. “branch-a1”.")
        ]
    colours = {"primary_colour": primary_colour, "accent_colour": accent_colour}
    for field, value in colours.items():
        if not HEX_COLOUR.match((value or "").strip()):
            errors[field] = [_("Write the colour as # and six hexadecimal digits, e.g. #c8102e.")]
    introduction = sanitize_html(introduction or "")
    if len(introduction) > INTRODUCTION_MAX_LENGTH:
        errors["introduction"] = [
            _("The introduction can have at most %(count)s characters.") % {"count": INTRODUCTION_MAX_LENGTH}
        ]
    if errors:
        raise FieldErrors(errors, _("Some fields are not valid."))
    return {
        "name": name,
        "slug": slug,
        "introduction": introduction,
        "primary_colour": primary_colour.strip().lower(),
        "accent_colour": accent_colour.strip().lower(),
    }


def channel_save(
    *,
    actor: Any,
    unit: OrgUnit,
    name: str,
    slug: str,
    introduction: str = "",
    primary_colour: str,
    accent_colour: str,
    logo_file: Any = None,
) -> Channel:
    """Create the unit's channel, or change it; the introduction is stored sanitised.

    Needs ``publishing.manage_channel`` over the unit. The web address must be free; public pages
    of the channel are refreshed once the change is committed.
    """
    permissions.require_capability(actor, caps.MANAGE_CHANNEL, unit)
    values = _clean_channel_input(
        name=name,
        slug=slug,
        introduction=introduction,
        primary_colour=primary_colour,
        accent_colour=accent_colour,
    )
    with transaction.atomic():
        if Channel.objects.filter(slug=values["slug"]).exclude(unit=unit).exists():
            raise FieldErrors.single("slug", _("Another channel already uses this web address."))
        channel = Channel.objects.select_for_update().filter(unit=unit).first()
        logo = (
            media_upload(actor=actor, unit=unit, uploaded_file=logo_file) if logo_file is not None else None
        )
        previous_slug = channel.slug if channel else values["slug"]
        if channel is None:
            channel = Channel.objects.create(unit=unit, logo=logo, **values)
            action = "publishing.channel.create"
        else:
            for field, value in values.items():
                setattr(channel, field, value)
            fields = [*values, "updated_at"]
            if logo is not None:
                channel.logo = logo
                fields.append("logo")
            channel.save(update_fields=fields)
            action = "publishing.channel.update"
        audit_record(
            actor=actor,
            action=action,
            target=channel,
            unit_id=unit.pk,
            data={"slug": channel.slug, "logo": logo.pk if logo else None},
        )
        for changed in {previous_slug, channel.slug}:
            transaction.on_commit(partial(page_cache.channel_changed, changed))
    return channel


def article_pin(*, actor: Any, article: Article, pinned: bool) -> Article:
    """Pin a published item to the top of its channel's page, or unpin it (channel managers)."""
    permissions.require_capability(actor, caps.MANAGE_CHANNEL, article.channel.unit)
    with transaction.atomic():
        locked = Article.objects.select_for_update().select_related("channel").get(pk=article.pk)
        if locked.is_pinned == pinned:
            return locked
        locked.is_pinned = pinned
        locked.save(update_fields=["is_pinned", "updated_at"])
        audit_record(
            actor=actor,
            action="publishing.article.pin" if pinned else "publishing.article.unpin",
            target=locked,
            unit_id=locked.channel.unit_id,
        )
        transaction.on_commit(partial(page_cache.channel_changed, locked.channel.slug))
    return locked


_salts: dict[date, str] = {}  # this process's copy of the day's salt (it never changes during the day)


def _daily_salt(day: date) -> str:
    """A random salt for one day, shared by all processes through the cache and never stored.

    Yesterday's salt expires, so yesterday's visitor digests cannot be linked to today's. Each
    process keeps the day's salt once it has read it, so counting a view costs no extra round trip.
    """
    salt = _salts.get(day)
    if salt is not None:
        return salt
    key = f"publishing:views:salt:{day.isoformat()}"
    cached = cache.get(key)
    if cached is None:  # the day's first view anywhere: whichever process adds first sets the salt
        cache.add(key, secrets.token_hex(16), 2 * 24 * 60 * 60)
        cached = cache.get(key)
    _salts.clear()  # only the current day's salt is kept
    _salts[day] = str(cached)
    return _salts[day]


def article_view_key(*, article_id: int, visitor: str, day: date) -> str:
    """The cache key that marks ``visitor`` (an address and browser) as having seen the item on ``day``."""
    digest = hashlib.sha256(f"{_daily_salt(day)}:{visitor}".encode()).hexdigest()[:32]
    return f"publishing:views:seen:{article_id}:{day.isoformat()}:{digest}"


def article_view_record(*, article_id: int, visitor: str, day: date, seen: bool = False) -> bool:
    """Count one view of a published item by ``visitor`` (an address and browser) on ``day``.

    Counted once per visitor per day: the visitor is kept only as a salted digest in the cache for
    that day, and the database holds nothing but the day's total. Returns True when counted.
    ``seen`` says the caller already found the visitor's mark (``article_view_key``) in the cache,
    as the public page does in the same round trip as the page itself.
    """
    if seen or not cache.add(
        article_view_key(article_id=article_id, visitor=visitor, day=day), 1, 24 * 60 * 60
    ):
        return False
    updated = ArticleViews.objects.filter(article_id=article_id, day=day).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                ArticleViews.objects.create(article_id=article_id, day=day, count=1)
        except IntegrityError:  # another process created the day's row first
            ArticleViews.objects.filter(article_id=article_id, day=day).update(count=F("count") + 1)
    return True
