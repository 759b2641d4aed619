from __future__ import annotations

import io

import pytest

from archive import sniffing
from archive.tests import files


def sniff(content: bytes) -> sniffing.Sniffed | None:
    return sniffing.sniff(io.BytesIO(content))


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (files.pdf(), "application/pdf"),
        (files.png(), "image/png"),
        (files.jpeg_with_gps(), "image/jpeg"),
        (files.gif(), "image/gif"),
        (files.webp(), "image/webp"),
        (files.ooxml("docx"), sniffing.DOCX.mime),
        (files.ooxml("xlsx"), sniffing.XLSX.mime),
        (files.ooxml("pptx"), sniffing.PPTX.mime),
        (files.xlsx_from_openpyxl(), sniffing.XLSX.mime),
        (files.ole("WordDocument", "1Table"), "application/msword"),
        (files.ole("Workbook"), "application/vnd.ms-excel"),
        (files.ole("Book"), "application/vnd.ms-excel"),
        (files.mp4(), "video/mp4"),
        (files.webm(), "video/webm"),
        (files.mp3(), "audio/mpeg"),
        (files.m4a(), "audio/mp4"),
        (files.text_utf8(), "text/plain"),
        (files.csv_gb18030(), "text/csv"),
    ],
)
def test_it_recognises_every_accepted_type_from_the_content(content, mime):
    result = sniff(content)
    assert result is not None
    assert result.mime == mime
    assert mime in sniffing.DEFAULT_ALLOWED_TYPES


def test_a_png_named_pdf_is_still_a_png():
    upload = files.upload(files.png(), "通知.pdf", "application/pdf")
    result = sniffing.sniff(upload)
    assert result is not None
    assert (result.mime, result.extension) == ("image/png", "png")


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (files.exe(), "application/x-msdownload"),
        (files.html(), "text/html"),
        (files.svg(), "image/svg+xml"),
        (files.plain_zip(), "application/zip"),
        (files.ooxml("docx", macro=True), "application/vnd.ms-office.macro"),
        (files.ooxml("docx", content_types=False), "application/zip"),
        (files.ole("PowerPoint Document"), "application/vnd.ms-powerpoint"),
        (files.ole("WordDocument", "Macros"), "application/vnd.ms-office.macro"),
        (files.ole("EncryptedPackage"), "application/x-encrypted-office"),
        (files.ole("SummaryInformation"), "application/x-ole-storage"),
        (b'<?xml version="1.0"?><note>hi</note>', "application/xml"),
    ],
)
def test_it_names_types_it_refuses(content, mime):
    result = sniff(content)
    assert result is not None
    assert result.mime == mime
    assert result.mime not in sniffing.DEFAULT_ALLOWED_TYPES
    assert str(result.label) != result.mime  # a name people understand


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n\n  ",
        b"plain start\x00\x01\x02 then binary",
        bytes(range(256)) * 4,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,  # OLE signature, nothing behind it
        b"PK\x03\x04 not really a zip",
    ],
)
def test_it_recognises_nothing_in_noise(content):
    assert sniff(content) is None


def test_binary_after_the_first_kilobytes_makes_it_not_text():
    content = b"a perfectly normal line\n" * 5000 + b"\x00\x00\x7fELF"
    assert sniff(content) is None


def test_it_follows_the_directory_chain_of_an_ole_file():
    content = files.ole("WordDocument", filler_entries=9)  # the name sits in the third sector
    assert sniffing.ole_entry_names(io.BytesIO(content)) >= {"WordDocument", "Filler8"}
    assert sniff(content).mime == "application/msword"


def test_it_reads_ole_files_with_4096_byte_sectors():
    assert sniff(files.ole("Workbook", sector_size=4096)).mime == "application/vnd.ms-excel"


def test_a_loop_in_the_ole_directory_chain_is_refused_not_followed_forever():
    content = bytearray(files.ole("WordDocument", filler_entries=9))
    fat_offset = 512
    content[fat_offset + 4 : fat_offset + 8] = (1).to_bytes(4, "little")  # sector 1 points to itself
    assert sniffing.ole_entry_names(io.BytesIO(bytes(content))) is None


def test_text_keeps_its_charset_for_serving():
    assert sniff(files.csv_gb18030()).content_type == "text/csv; charset=gb18030"
    assert sniff(files.text_utf8()).content_type == "text/plain; charset=utf-8"
    assert sniff("\ufeff标题\n内容\n".encode()).charset == "utf-8"
    assert sniff("标题\n内容\n".encode("utf-16")).charset == "utf-16"


def test_markup_hidden_after_some_text_is_still_refused():
    content = b"Meeting notes\n" + b"<svg onload=alert(1)></svg>\n"
    assert sniff(content).mime == "image/svg+xml"


def test_a_single_line_is_text_not_csv():
    assert sniff(b"one, two, three\n").mime == "text/plain"


def test_it_leaves_the_file_at_its_start():
    stream = io.BytesIO(files.ooxml("docx"))
    stream.seek(10)
    sniffing.sniff(stream)
    assert stream.tell() == 0


@pytest.mark.parametrize("frame", [b"\xff\xfa\x90\x64", b"\xff\xe3\x48\x00", b"\xff\xfb\x90\x64"])
def test_mp3_without_an_id3_tag_is_recognised_by_its_frame_header(frame):
    assert sniff(frame + b"\x00" * 400).mime == "audio/mpeg"


@pytest.mark.parametrize("frame", [b"\xff\xfd\x90\x64", b"\xff\xfa\xf0\x64", b"\xff\xf9\x50\x80"])
def test_other_mpeg_frames_are_not_taken_for_mp3(frame):
    result = sniff(frame + b"\x00" * 400)
    assert result is None or result.mime != "audio/mpeg"
