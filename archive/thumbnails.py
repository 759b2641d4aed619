"""Thumbnails of uploaded images: small, upright, and without the original's metadata.

The image is checked before it is decoded: a picture whose header claims more pixels than
``settings.ARCHIVE_MAX_IMAGE_PIXELS`` is refused unread (a "decompression bomb" is a tiny file
that would expand to gigabytes in memory). JPEGs are decoded at reduced scale (``draft``), so
even large photos cost little memory.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError, features

THUMBNAIL_WIDTH = 320
THUMBNAIL_MAX_HEIGHT = 960
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}


class ImageRefused(Exception):
    """The image cannot be accepted; ``reason`` is ``"unreadable"`` or ``"too_many_pixels"``."""

    def __init__(self, reason: str, limit: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


def max_image_pixels() -> int:
    return int(getattr(settings, "ARCHIVE_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS))


def thumbnail_format() -> tuple[str, str]:
    """Pillow format and file extension of thumbnails: WebP where Pillow has it, else JPEG."""
    return ("WEBP", "webp") if features.check("webp") else ("JPEG", "jpg")


def make_thumbnail(file: Any, mime: str) -> ContentFile[bytes]:
    """A thumbnail at most 320 px wide, EXIF orientation applied, no EXIF/GPS/XMP kept.

    Raises ``ImageRefused`` for an image that is damaged or has too many pixels.
    """
    limit = max_image_pixels()
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[_PILLOW_FORMATS[mime]]) as image:
                width, height = image.size
                if width * height > limit:
                    raise ImageRefused("too_many_pixels", limit)
                image.draft("RGB", (THUMBNAIL_WIDTH * 2, THUMBNAIL_MAX_HEIGHT * 2))
                upright = ImageOps.exif_transpose(image)
                thumbnail = _clean_copy(upright)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused("too_many_pixels", limit) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, KeyError, EOFError) as exc:
        raise ImageRefused("unreadable") from exc
    finally:
        file.seek(0)
    pillow_format, extension = thumbnail_format()
    if pillow_format == "JPEG" and thumbnail.mode != "RGB":
        thumbnail = thumbnail.convert("RGB")
    buffer = io.BytesIO()
    thumbnail.save(buffer, pillow_format, quality=80)
    return ContentFile(buffer.getvalue(), name=f"thumbnail.{extension}")


def _clean_copy(image: Image.Image) -> Image.Image:
    """Scale down into a fresh image, so no metadata of the original can travel along."""
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    scaled = image.convert(mode)
    scaled.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_MAX_HEIGHT), Image.Resampling.LANCZOS)
    clean = Image.new(mode, scaled.size)
    clean.paste(scaled)
    return clean
