"""The real playing time of an uploaded video or audio file, read from the file itself.

Study time is never credited beyond a lesson's real length (docs/learning.md), so the length of a
media lesson should come from its file, not from what its author types. MP4, M4A and MP3 files say
how long they play (read with mutagen, without decoding anything); WebM files do not say it in a
way mutagen reads, and a damaged file may not either: then the author's figure is needed.
"""

from __future__ import annotations

import math
from typing import Any

import mutagen


def media_seconds(uploaded_file: Any) -> int | None:
    """The file's playing time in whole seconds (rounded up), or None when it cannot be read."""
    if uploaded_file is None:
        return None
    position = uploaded_file.tell()
    try:
        uploaded_file.seek(0)
        found = mutagen.File(uploaded_file)
        length = getattr(getattr(found, "info", None), "length", None)
    except Exception:
        length = None
    finally:
        uploaded_file.seek(position)
    if not length or length <= 0 or math.isinf(length) or math.isnan(length):
        return None
    return math.ceil(length)
