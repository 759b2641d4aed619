"""Small but real files of every kind the archive meets, built in memory for tests."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def upload(content: bytes, name: str = "file.bin", content_type: str = "application/octet-stream"):
    """An uploaded file as Django hands it to a view; the declared type is deliberately ignored."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def png(size: tuple[int, int] = (40, 30), colour: tuple[int, int, int] = (200, 20, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def gif(size: tuple[int, int] = (20, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("P", size, 1).save(buffer, "GIF")
    return buffer.getvalue()


def webp(size: tuple[int, int] = (20, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 90, 200)).save(buffer, "WEBP")
    return buffer.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (800, 400), orientation: int = 6) -> bytes:
    """A JPEG carrying a camera model, GPS coordinates and an orientation tag."""
    image = Image.new("RGB", size, (10, 120, 10))
    # Mark the left edge, so a test can tell which way the picture was turned.
    for x in range(20):
        for y in range(size[1]):
            image.putpixel((x, y), (250, 250, 250))
    exif = Image.Exif()
    exif[0x0110] = "SecretPhone 12"  # camera model
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (39.0, 54.0, 27.0)
    gps[3] = "E"
    gps[4] = (116.0, 23.0, 17.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="{main}"/></Types>'
)


def ooxml(kind: str = "docx", *, macro: bool = False, content_types: bool = True) -> bytes:
    """A minimal Office Open XML package of ``kind`` (docx, xlsx or pptx)."""
    part, main = {
        "docx": (
            "word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        ),
        "xlsx": (
            "xl/workbook.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        ),
        "pptx": (
            "ppt/presentation.xml",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        ),
    }[kind]
    if macro:
        main = "application/vnd.ms-word.document.macroEnabled.main+xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(part=part, main=main))
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, "<document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 16)
    return buffer.getvalue()


def xlsx_from_openpyxl() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["姓名", "学号"])
    workbook.active.append(["张三", "2024001"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


def ole(*stream_names: str, sector_size: int = 512, filler_entries: int = 0) -> bytes:
    """A minimal OLE compound file whose directory lists ``stream_names``.

    ``filler_entries`` adds empty storages first, so that the names fall in a later directory
    sector and the reader has to follow the FAT chain to find them.
    """
    shift = {512: 9, 4096: 12}[sector_size]
    entries_per_sector = sector_size // 128
    names = ["Root Entry", *[f"Filler{i}" for i in range(filler_entries)], *stream_names]
    directory_sectors = -(-len(names) // entries_per_sector)
    # Sector 0 holds the FAT; directory sectors follow, chained in order.
    fat = [0xFFFFFFFD]
    for index in range(directory_sectors):
        fat.append(index + 2 if index + 1 < directory_sectors else 0xFFFFFFFE)
    fat += [0xFFFFFFFF] * (sector_size // 4 - len(fat))
    header = bytearray(sector_size if sector_size == 4096 else 512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3 if sector_size == 512 else 4, 0xFFFE, shift, 6)
    struct.pack_into("<II", header, 44, 1, 1)  # one FAT sector; the directory starts at sector 1
    struct.pack_into("<III", header, 56, 4096, 0xFFFFFFFE, 0)  # mini stream cutoff, no mini FAT
    struct.pack_into("<II", header, 68, 0xFFFFFFFE, 0)  # no DIFAT sectors
    struct.pack_into("<109I", header, 76, 0, *([0xFFFFFFFF] * 108))
    directory = bytearray(directory_sectors * sector_size)
    for index, name in enumerate(names):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        offset = index * 128
        directory[offset : offset + len(encoded)] = encoded
        struct.pack_into("<H", directory, offset + 64, len(encoded))
        directory[offset + 66] = 5 if index == 0 else (2 if name in stream_names else 1)
    return bytes(header) + struct.pack(f"<{sector_size // 4}I", *fat) + bytes(directory)


def mp4(length: int = 2048) -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftypmp42" + b"\x00\x00\x00\x00" + b"mp42isom"
    body = bytes(range(256)) * (length // 256 + 1)
    return ftyp + struct.pack(">I", 8 + len(body[:length])) + b"mdat" + body[:length]


def m4a() -> bytes:
    return struct.pack(">I", 24) + b"ftypM4A " + b"\x00\x00\x00\x00" + b"M4A isom" + b"\x00" * 64


def webm() -> bytes:
    return b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 64


def mp3() -> bytes:
    return b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + b"\xff\xfb\x90\x64" + b"\x00" * 400


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def html() -> bytes:
    return b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def svg() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(document.domain)</script></svg>\n"
    )


def text_utf8() -> bytes:
    return "支部学习计划\n第一周：学习党章。\n第二周：讨论。\n".encode()


def csv_gb18030() -> bytes:
    return "姓名,学号,支部\n张三,2024001,甲一支部\n李四,2024002,甲一支部\n".encode("gb18030")


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4_playing(seconds: float, timescale: int = 1000) -> bytes:
    """An MP4 whose movie header says it plays ``seconds`` (what players and mutagen read)."""
    ftyp = _box(b"ftyp", b"mp42" + b"\x00\x00\x00\x00" + b"mp42isom")
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _box(
        b"mvhd",
        b"\x00\x00\x00\x00"
        + struct.pack(">IIII", 0, 0, timescale, round(seconds * timescale))
        + struct.pack(">IH", 0x00010000, 0x0100)
        + b"\x00" * 10
        + matrix
        + b"\x00" * 24
        + struct.pack(">I", 2),
    )
    return ftyp + _box(b"moov", mvhd) + _box(b"mdat", bytes(range(256)) * 8)
