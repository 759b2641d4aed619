from __future__ import annotations

import re
import zlib

import pytest
from PIL import ImageFile

from core.pdf import render_pdf


def test_it_renders_chinese_text_with_the_noto_cjk_font():
    pdf = render_pdf(
        "<html><body style=\"font-family: 'Noto Sans CJK SC'\"><h1>发展党员全程纪实</h1></body></html>"
    )
    assert pdf.startswith(b"%PDF")
    assert any(b"NotoSansCJK" in stream for stream in inflated_streams(pdf))


def inflated_streams(pdf: bytes) -> list[bytes]:
    """The PDF's compressed streams, decompressed (font names live inside them)."""
    found = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            found.append(zlib.decompress(raw))
        except zlib.error:
            continue
    return found


def test_rendering_leaves_pillow_strict_about_truncated_images():
    render_pdf("<p>x</p>")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_it_fetches_nothing_from_the_network():
    # The image is refused by the fetcher; weasyprint then renders without it (no request is made).
    pdf = render_pdf('<img src="http://127.0.0.1:9/never.png"><p>ok</p>')
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize("url", ["http://example.org/x.png", "file:///etc/passwd"])
def test_the_fetcher_refuses_remote_and_local_files(url):
    from core.pdf import local_only_fetcher

    with pytest.raises(ValueError):
        local_only_fetcher().fetch(url)


def test_no_other_module_imports_weasyprint_directly():
    """Only core.pdf may import it: the import flips a Pillow flag process-wide (see core/pdf.py)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("**/*.py")
        if ".venv" not in path.parts
        and path != root / "core" / "pdf.py"
        and path.name != "test_pdf.py"
        and re.search(r"^\s*(from|import)\s+weasyprint", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert offenders == []
