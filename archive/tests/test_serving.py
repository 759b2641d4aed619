from __future__ import annotations

import pytest

from archive.serving import RangeNotSatisfiable, content_disposition, parse_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("items=0-5", None),
        ("bytes=0-1,4-5", None),
        ("bytes=0-99", (0, 99)),
        ("bytes=10-", (10, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=990-5000", (990, 999)),
        ("Bytes=0-0", (0, 0)),
    ],
)
def test_it_reads_byte_ranges(header, expected):
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5-4", "bytes=-0", "bytes=-", "bytes=x-1"])
def test_it_refuses_ranges_it_cannot_satisfy(header):
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 1000)


@pytest.mark.parametrize(
    ("name", "ascii_part"),
    [
        ("report.pdf", 'filename="report.pdf"'),
        ("支部 总结.docx", 'filename="download.docx"'),
        ('a"b\\c.txt', 'filename="a b c.txt"'),
        ("Café menu.pdf", 'filename="Cafe menu.pdf"'),
    ],
)
def test_content_disposition_has_a_safe_ascii_name_and_the_exact_utf8_one(name, ascii_part):
    header = content_disposition(name, inline=False)
    assert header.startswith("attachment; ")
    assert ascii_part in header
    assert "filename*=UTF-8''" in header
    assert header.isascii()
