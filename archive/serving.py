"""Streaming stored files to the browser: headers that keep them safe, and byte ranges.

Every response carries the sniffed content type, ``X-Content-Type-Options: nosniff`` and
``Cache-Control: private``; images and PDFs are shown inline, everything else is an attachment.
A single ``Range: bytes=…`` is answered with 206 (what video and audio players and PDF viewers
ask for); several ranges at once are answered with the whole file, which HTTP allows.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control

_RANGE = re.compile(r"^bytes=\s*(\d*)\s*-\s*(\d*)\s*$")


class RangeNotSatisfiable(Exception):
    """The requested range lies outside the file or cannot be read."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive byte range ``(first, last)`` asked for, or None for the whole file.

    Raises ``RangeNotSatisfiable`` for a byte range that is malformed or beyond the end.
    """
    header = header.strip()
    if not header or not header.lower().startswith("bytes=") or "," in header:
        return None
    match = _RANGE.match(header.lower())
    if match is None:
        raise RangeNotSatisfiable
    first_text, last_text = match.groups()
    if not first_text:
        if not last_text or int(last_text) == 0:
            raise RangeNotSatisfiable
        return max(0, size - int(last_text)), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if first >= size or last < first:
        raise RangeNotSatisfiable
    return first, min(last, size - 1)


class _Slice:
    """A read-only window of ``length`` bytes on an open file, for a 206 response body."""

    def __init__(self, file: Any, length: int) -> None:
        self._file = file
        self._left = length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        data = self._file.read(wanted)
        self._left -= len(data)
        return bytes(data)

    def close(self) -> None:
        self._file.close()


def content_disposition(name: str, *, inline: bool) -> str:
    """An RFC 6266 header: an ASCII ``filename`` for old clients and ``filename*`` in UTF-8."""
    stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = " ".join(re.sub(r"[^A-Za-z0-9._()\-]", " ", ascii_stem).split()).strip(" .") or "download"
    ascii_extension = re.sub(r"[^A-Za-z0-9]", "", extension)
    ascii_name = f"{ascii_stem}{dot}{ascii_extension}" if ascii_extension else ascii_stem
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _secure(response: HttpResponseBase, *, etag: str) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    patch_cache_control(response, private=True)
    return response


def stream_file(
    request: HttpRequest,
    *,
    name: str,
    size: int,
    content_type: str,
    download_name: str,
    inline: bool,
    etag: str,
) -> tuple[HttpResponseBase, tuple[int, int] | None]:
    """Stream the stored file ``name``, honouring a Range header; returns the range served too."""
    try:
        byte_range = parse_range(request.headers.get("Range", ""), size)
    except RangeNotSatisfiable:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return _secure(refused, etag=etag), None
    if_range = request.headers.get("If-Range")
    if byte_range is not None and if_range is not None and if_range.strip() != etag:
        byte_range = None  # the client's copy is of another file: send it whole
    stored = default_storage.open(name, "rb")
    if byte_range is None:
        response: HttpResponseBase = FileResponse(stored, content_type=content_type)
    else:
        first, last = byte_range
        stored.seek(first)
        response = FileResponse(_Slice(stored, last - first + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    response["Content-Disposition"] = content_disposition(download_name, inline=inline)
    return _secure(response, etag=etag), byte_range
