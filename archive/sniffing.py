"""What a file really is, told from its content and never from its name.

``sniff`` looks at the bytes: container formats (ZIP-based Office documents, OLE compound files
of legacy Office) are opened and their inner parts checked; binary formats are recognised by
their signatures (through ``filetype``); text is accepted only when it decodes cleanly and is not
markup a browser would run (HTML, SVG, XML). The result names the type in words people know, so
a refusal can say what the file turned out to be.
"""

from __future__ import annotations

import codecs
import csv
import re
import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import filetype
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 8192
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileType:
    """A type the archive knows: its MIME type, the extension files of it get, and a label."""

    mime: str
    extension: str
    label: str | Promise
    inline: bool = False  # shown in the browser (images, PDF) rather than downloaded


PDF = FileType("application/pdf", "pdf", _("PDF document"), inline=True)
JPEG = FileType("image/jpeg", "jpg", _("JPEG image"), inline=True)
PNG = FileType("image/png", "png", _("PNG image"), inline=True)
WEBP = FileType("image/webp", "webp", _("WebP image"), inline=True)
GIF = FileType("image/gif", "gif", _("GIF image"), inline=True)
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", _("Word document")
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", _("Excel workbook")
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pptx",
    _("PowerPoint presentation"),
)
DOC = FileType("application/msword", "doc", _("Word 97–2003 document"))
XLS = FileType("application/vnd.ms-excel", "xls", _("Excel 97–2003 workbook"))
TEXT = FileType("text/plain", "txt", _("plain text"))
CSV = FileType("text/csv", "csv", _("CSV table"))
MP4 = FileType("video/mp4", "mp4", _("MP4 video"))
WEBM = FileType("video/webm", "webm", _("WebM video"))
MP3 = FileType("audio/mpeg", "mp3", _("MP3 audio"))
M4A = FileType("audio/mp4", "m4a", _("M4A audio"))

KNOWN_TYPES: dict[str, FileType] = {
    t.mime: t for t in (PDF, JPEG, PNG, WEBP, GIF, DOCX, XLSX, PPTX, DOC, XLS, TEXT, CSV, MP4, WEBM, MP3, M4A)
}

IMAGE_TYPES = frozenset({JPEG.mime, PNG.mime, WEBP.mime, GIF.mime})
OFFICE_TYPES = frozenset({DOCX.mime, XLSX.mime, PPTX.mime, DOC.mime, XLS.mime})
TEXT_TYPES = frozenset({TEXT.mime, CSV.mime})
DOCUMENT_TYPES = frozenset({PDF.mime}) | OFFICE_TYPES | TEXT_TYPES
VIDEO_TYPES = frozenset({MP4.mime, WEBM.mime})
AUDIO_TYPES = frozenset({MP3.mime, M4A.mime})
MEDIA_TYPES = VIDEO_TYPES | AUDIO_TYPES
DEFAULT_ALLOWED_TYPES = IMAGE_TYPES | DOCUMENT_TYPES | MEDIA_TYPES

# Types we recognise only in order to refuse them by name.
_REFUSED_LABELS: dict[str, str | Promise] = {
    "text/html": _("HTML page"),
    "image/svg+xml": _("SVG image"),
    "application/xml": _("XML document"),
    "application/x-msdownload": _("Windows program"),
    "application/x-executable": _("Linux program"),
    "application/zip": _("ZIP archive"),
    "application/x-ole-storage": _("OLE compound file (for example an installer)"),
    "application/vnd.ms-powerpoint": _("PowerPoint 97–2003 presentation"),
    "application/vnd.ms-office.macro": _("Office document with macros"),
    "application/x-encrypted-office": _("password-protected Office document"),
    "application/vnd.oasis.opendocument": _("OpenDocument file"),
}


@dataclass(frozen=True)
class Sniffed:
    """The outcome of sniffing: a MIME type, the extension to store under, and a label."""

    mime: str
    extension: str
    label: str | Promise
    charset: str = ""

    @property
    def content_type(self) -> str:
        """The value for a Content-Type header (text carries its charset)."""
        return f"{self.mime}; charset={self.charset}" if self.charset else self.mime


def _known(file_type: FileType, charset: str = "") -> Sniffed:
    return Sniffed(file_type.mime, file_type.extension, file_type.label, charset)


def _refused(mime: str, extension: str = "") -> Sniffed:
    return Sniffed(mime, extension, _REFUSED_LABELS.get(mime, mime))


def type_of(content_type: str) -> FileType | None:
    """The known type for a stored content type such as ``"text/csv; charset=utf-8"``."""
    return KNOWN_TYPES.get(content_type.split(";", 1)[0].strip().lower())


def labels_of(mimes: Iterable[str]) -> list[str]:
    """People's words for a set of MIME types, in a stable order (for messages)."""
    return [str(KNOWN_TYPES[m].label) for m in KNOWN_TYPES if m in set(mimes)]


def extensions_of(mimes: Iterable[str]) -> list[str]:
    """File extensions for an ``accept`` attribute: a hint for pickers, never a check."""
    wanted = set(mimes)
    extensions = [f".{t.extension}" for t in KNOWN_TYPES.values() if t.mime in wanted]
    if JPEG.mime in wanted:
        extensions.append(".jpeg")
    return extensions


def sniff(file: IO[bytes] | Any) -> Sniffed | None:
    """Tell the type of a seekable binary file from its content; ``None`` when unrecognised.

    The file position is left at the start.
    """
    file.seek(0)
    head = file.read(HEAD_BYTES)
    try:
        if not head:
            return None
        if head.startswith(b"PK\x03\x04"):
            return _sniff_zip(file)
        if head.startswith(_OLE_SIGNATURE):
            return _sniff_ole(file)
        guessed = filetype.guess(head)
        if guessed is not None:
            return _from_filetype(guessed.mime, guessed.extension)
        if _is_mp3_frame(head):
            return _known(MP3)
        return _sniff_text(file)
    finally:
        file.seek(0)


_FILETYPE_MAP = {
    "application/pdf": PDF,
    "image/jpeg": JPEG,
    "image/png": PNG,
    "image/webp": WEBP,
    "image/gif": GIF,
    "video/mp4": MP4,
    "video/webm": WEBM,
    "audio/mpeg": MP3,
    "audio/mp4": M4A,
    "audio/x-m4a": M4A,
}


def _from_filetype(mime: str, extension: str) -> Sniffed:
    known = _FILETYPE_MAP.get(mime)
    if known is not None:
        return _known(known)
    if extension == "exe":
        return _refused("application/x-msdownload", "exe")
    if extension == "elf":
        return _refused("application/x-executable", "elf")
    if mime.startswith("application/vnd.oasis.opendocument"):
        return _refused("application/vnd.oasis.opendocument", extension)
    return Sniffed(mime, extension, f"{extension.upper()} ({mime})")


def _is_mp3_frame(head: bytes) -> bool:
    """An MPEG audio layer III frame header without an ID3 tag (``filetype`` knows only some)."""
    if len(head) < 4 or head[0] != 0xFF or (head[1] & 0xE0) != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, sample_rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 0b1111) and sample_rate != 0b11


# --- ZIP-based Office documents ---------------------------------------------------------------
_OOXML = (
    (DOCX, "word/", b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    (XLSX, "xl/", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    (PPTX, "ppt/", b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
)
_CONTENT_TYPES_MAX = 1024 * 1024


def _sniff_zip(file: Any) -> Sniffed | None:
    """An Office Open XML document is a ZIP whose [Content_Types].xml names its main part."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return _refused("application/vnd.oasis.opendocument", "zip")
            info = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            if info is None or info.file_size > _CONTENT_TYPES_MAX:
                return _refused("application/zip", "zip")
            with archive.open(info) as stream:
                content_types = stream.read(_CONTENT_TYPES_MAX)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError):
        return None
    if b"macroEnabled" in content_types or any(name.endswith("vbaProject.bin") for name in names):
        return _refused("application/vnd.ms-office.macro")
    for file_type, folder, main_part in _OOXML:
        if main_part in content_types and any(name.startswith(folder) for name in names):
            return _known(file_type)
    return _refused("application/zip", "zip")


# --- OLE compound files (legacy Office) -------------------------------------------------------
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_SECTOR_ID = 0xFFFFFFFA
_MAX_DIRECTORY_SECTORS = 4096


def _sniff_ole(file: Any) -> Sniffed | None:
    """Legacy Office files are OLE containers; the streams inside say which program wrote them."""
    names = ole_entry_names(file)
    if names is None:
        return None
    if "EncryptedPackage" in names:
        return _refused("application/x-encrypted-office")
    if "Macros" in names or "_VBA_PROJECT_CUR" in names:
        return _refused("application/vnd.ms-office.macro")
    if "WordDocument" in names:
        return _known(DOC)
    if "Workbook" in names or "Book" in names:
        return _known(XLS)
    if "PowerPoint Document" in names:
        return _refused("application/vnd.ms-powerpoint", "ppt")
    return _refused("application/x-ole-storage")


def ole_entry_names(file: Any) -> set[str] | None:
    """The names of the storages and streams in an OLE compound file; ``None`` if malformed.

    Reads only the header, the directory sectors and the FAT sectors that chain them.
    """
    file.seek(0)
    header = file.read(512)
    if len(header) < 512 or not header.startswith(_OLE_SIGNATURE):
        return None
    sector_shift = struct.unpack_from("<H", header, 30)[0]
    if sector_shift not in (9, 12):
        return None
    sector_size = 1 << sector_shift
    fat_count, first_directory = struct.unpack_from("<II", header, 44)
    first_difat, difat_count = struct.unpack_from("<II", header, 68)
    difat = list(struct.unpack_from("<109I", header, 76))

    def read_sector(sector_id: int) -> bytes | None:
        file.seek((sector_id + 1) * sector_size)
        data = file.read(sector_size)
        return data if len(data) == sector_size else None

    next_difat = first_difat
    for _difat_sector in range(min(difat_count, _MAX_DIRECTORY_SECTORS)):
        if next_difat >= _MAX_SECTOR_ID:
            break
        sector = read_sector(next_difat)
        if sector is None:
            return None
        entries = struct.unpack(f"<{sector_size // 4}I", sector)
        difat.extend(entries[:-1])
        next_difat = entries[-1]
    difat = difat[:fat_count]
    per_fat_sector = sector_size // 4
    fat_cache: dict[int, tuple[int, ...]] = {}

    def next_in_chain(sector_id: int) -> int | None:
        index = sector_id // per_fat_sector
        if index >= len(difat):
            return None
        if index not in fat_cache:
            sector = read_sector(difat[index])
            if sector is None:
                return None
            fat_cache[index] = struct.unpack(f"<{per_fat_sector}I", sector)
        return fat_cache[index][sector_id % per_fat_sector]

    names: set[str] = set()
    seen: set[int] = set()
    sector_id: int | None = first_directory
    while sector_id is not None and sector_id < _MAX_SECTOR_ID:
        if sector_id in seen or len(seen) >= _MAX_DIRECTORY_SECTORS:
            return None  # a loop in the chain: a damaged or hostile file
        seen.add(sector_id)
        sector = read_sector(sector_id)
        if sector is None:
            return None
        for offset in range(0, sector_size, 128):
            entry = sector[offset : offset + 128]
            name_length = struct.unpack_from("<H", entry, 64)[0]
            if entry[66] in (1, 2, 5) and 2 <= name_length <= 64:
                names.add(entry[: name_length - 2].decode("utf-16-le", errors="replace"))
        sector_id = next_in_chain(sector_id)
    return names if sector_id is not None else None


# --- Text -------------------------------------------------------------------------------------
# C0 controls other than tab, line feed, form feed and carriage return do not occur in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MARKUP = (
    ("image/svg+xml", re.compile(r"<svg[\s>/]", re.IGNORECASE)),
    (
        "text/html",
        re.compile(r"<(!doctype\s+html|html|head|body|script|iframe|object|embed)[\s>/]", re.IGNORECASE),
    ),
    ("application/xml", re.compile(r"^\s*<\?xml", re.IGNORECASE)),
)
_MARKUP_WINDOW = 4096


def _encoding_candidates(head: bytes) -> list[str]:
    if head.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig"]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    # Chinese spreadsheets are often exported as GB18030 (GBK) rather than UTF-8.
    return ["utf-8", "gb18030"]


def _decode_fully(file: Any, encoding: str) -> str | None:
    """Decode the whole file as text; return its beginning, or ``None`` if it is not text."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    file.seek(0)
    beginning = ""
    try:
        while chunk := file.read(_CHUNK):
            text = decoder.decode(chunk)
            if _CONTROL.search(text):
                return None
            if len(beginning) < _MARKUP_WINDOW:
                beginning += text[: _MARKUP_WINDOW - len(beginning)]
        if _CONTROL.search(decoder.decode(b"", final=True)):
            return None
    except UnicodeDecodeError:
        return None
    return beginning


def _sniff_text(file: Any) -> Sniffed | None:
    file.seek(0)
    head = file.read(4)
    for encoding in _encoding_candidates(head):
        beginning = _decode_fully(file, encoding)
        if beginning is None:
            continue
        if not beginning.strip():
            return None
        for mime, pattern in _MARKUP:
            if pattern.search(beginning):
                return _refused(mime, mime.rsplit("/", 1)[-1])
        charset = {"utf-8-sig": "utf-8", "utf-16": "utf-16"}.get(encoding, encoding)
        return _known(CSV if _looks_like_csv(beginning) else TEXT, charset)
    return None


def _looks_like_csv(text: str) -> bool:
    """Two or more lines with the same number (at least one) of a common delimiter."""
    lines = [line for line in text.splitlines() if line.strip()][:20]
    if len(text) >= _MARKUP_WINDOW:
        lines = lines[:-1]  # the last line may be cut off
    if len(lines) < 2:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t")
    except csv.Error:
        return False
    widths = {len(row) for row in csv.reader(lines, dialect)}
    return len(widths) == 1 and widths.pop() >= 2
