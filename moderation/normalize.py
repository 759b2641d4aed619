"""Folding text so that the lexicon sees through the usual disguises.

Folding is compatibility decomposition (NFKD: full-width ``ｓｂ`` becomes ``sb`` exactly as under
NFKC), then case folding, then dropping everything that is not a letter or a digit. So full-width
forms, mixed case, accents, and spaces, punctuation, symbols or invisible characters inserted
between the characters of a word all disappear. Terms are folded with the same function.

Decomposition is used rather than NFKC's recomposition so that folding is *per character*:
``fold(text) == "".join(fold_char(c) for c in text)`` (a test checks it). The whole text is folded
in C for speed; when something matched, ``position_map`` walks the characters to point every
folded character back at the character the person wrote, so hits are masked and highlighted in
the original text.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import compress

_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """The folded text: what the lexicon is matched against."""
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKD", text).casefold())


def fold_char(char: str) -> str:
    """The folded form of one character (``""`` for punctuation, spaces, marks, symbols…)."""
    return fold(char)


class _CountTable(dict[int, str]):
    """A ``str.translate`` table: for each code point, ``chr(len(fold_char(...)))``.

    It fills itself the first time each character is seen. A memo of a pure function of the
    character, never of data that can change, so sharing it across requests and threads is safe
    (DESIGN.md's rule against module-level caches concerns mutable data).
    """

    def __missing__(self, code_point: int) -> str:
        value = chr(len(fold_char(chr(code_point))))
        self[code_point] = value
        return value


_COUNT_TABLE = _CountTable()
_SEVERAL = re.compile("[\\x02-\\uffff]")


def position_map(text: str) -> list[int]:
    """For each character of ``fold(text)``, the index of the original character it came from."""
    counts = text.translate(_COUNT_TABLE)  # per original character: how many characters it folds to
    if _SEVERAL.search(counts) is None:
        # Every character folds to nothing or to one character (nearly always): select the kept
        # indices in C rather than looping in Python.
        return list(compress(range(len(text)), counts.encode("latin-1")))
    positions: list[int] = []
    for index, count in enumerate(counts):
        positions.extend([index] * ord(count))
    return positions


def is_word_char(char: str) -> bool:
    """True when ``char`` folds to ASCII letters or digits (a Latin word goes on through it)."""
    folded = fold_char(char)
    return folded.isascii() and folded.isalnum()
