"""HTML to PDF for every app (dossiers, certificates), in one place.

weasyprint is imported here and only here, lazily, because importing it switches Pillow's
``ImageFile.LOAD_TRUNCATED_IMAGES`` on for the whole process — which would silently let the
archive accept truncated, damaged images. ``render_pdf`` puts the flag back after the import.

The renderer fetches nothing from the network: only ``data:`` URLs and our own static files, so
no text that reaches a PDF can make the server request a URL or read a local file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings


@cache
def _weasyprint() -> Any:
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint  # type: ignore[import-untyped]

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return weasyprint


def _static_roots() -> list[Path]:
    roots = [Path(folder).resolve() for folder in settings.STATICFILES_DIRS]
    return [*roots, Path(settings.STATIC_ROOT).resolve()]


def is_static_file(url: str) -> bool:
    path = Path(url.removeprefix("file://").split("?", 1)[0]).resolve()
    return any(path.is_relative_to(root) for root in _static_roots())


def local_only_fetcher() -> Any:
    """A weasyprint URL fetcher that refuses everything but ``data:`` URLs and our static files."""
    weasyprint = _weasyprint()

    class LocalOnlyFetcher(weasyprint.URLFetcher):  # type: ignore[name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data" or (scheme == "file" and is_static_file(url)):
                return super().fetch(url, headers)
            raise ValueError(f"PDFs fetch no external resource: {url[:80]}")

    return LocalOnlyFetcher()


def render_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document (page size and numbers come from its own CSS)."""
    weasyprint = _weasyprint()
    pdf: bytes = weasyprint.HTML(string=html, base_url=None, url_fetcher=local_only_fetcher()).write_pdf()
    return pdf
