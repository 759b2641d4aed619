"""The matcher: every active lexicon term in one Aho–Corasick automaton, plus the detectors.

A ``Matcher`` is built from the lexicon of one version and never changes afterwards. It is shared
two ways, both keyed by the version's token (which is new on every lexicon change and never
reused, see ``LexiconVersion``):

- through the Django cache (Redis in production), pickled, so one process builds it and every
  other process loads it;
- as a per-process copy, so a check costs no unpickling.

The per-process copy does not break DESIGN.md's rule "no module-level caches of mutable data":
it holds an immutable object for one version, and every check first reads the current token
(one indexed query), so an edit made anywhere is seen by the very next check everywhere. No
restart, no expiry to wait for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import ahocorasick  # type: ignore[import-not-found]  # ships no type information
from django.core.cache import cache

from moderation import pii
from moderation.normalize import fold, is_word_char, position_map

ALLOW = "allow"
SEVERITY = {ALLOW: 0, "mask": 1, "hold": 2, "block": 3}
CACHE_SECONDS = 24 * 60 * 60


# What the matcher keeps of a lexicon entry: (term, category, action, scope), the scope being the
# unit path ("" = everywhere). A plain tuple, not a named one: ten thousand of them are unpickled
# whenever a process loads the shared matcher, and named tuples load several times slower.
EntryRef = tuple[str, str, str, str]
TERM, CATEGORY, ACTION, SCOPE = range(4)


class SourceEntry(NamedTuple):
    """A lexicon row as the matcher is built from it."""

    entry_id: int
    kind: str
    term: str
    folded: str
    category: str
    action: str
    scope: str


@dataclass(frozen=True)
class Hit:
    """One match in the original text: ``text[start:end]`` matched ``term``."""

    term: str
    category: str
    action: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "category": self.category,
            "action": self.action,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class ModerationResult:
    """The outcome of a check: the strictest action of all hits (block > hold > mask > allow),
    the hits in text order, and the text with every ``mask`` hit hidden (same length)."""

    action: str
    hits: tuple[Hit, ...]
    masked_text: str

    @property
    def categories(self) -> list[str]:
        """The categories of the hits that decided the action, in order of first appearance."""
        return list(dict.fromkeys(hit.category for hit in self.hits if hit.action == self.action))

    def hits_as_dicts(self) -> list[dict[str, Any]]:
        return [hit.as_dict() for hit in self.hits]


def as_bytes(folded: str) -> str:
    """The folded text as a string of its UTF-8 bytes (one character per byte).

    The automaton walks bytes rather than characters: with thousands of Chinese terms the root of
    a character trie has thousands of children, which pyahocorasick searches slowly; UTF-8 keeps
    every node's children few. Measured here: 6.4 ms per 5,000 characters by character, 1 ms by
    byte.
    """
    return folded.encode("utf-8").decode("latin-1")


def _applies(scope: str, unit_path: str | None) -> bool:
    return not scope or (unit_path is not None and unit_path.startswith(scope))


def strictest(actions: Iterable[str]) -> str:
    return max(actions, key=SEVERITY.__getitem__, default=ALLOW)


class Matcher:
    """The lexicon of one version, ready to check text. Immutable once built; picklable."""

    def __init__(self, token: str, entries: Iterable[SourceEntry]) -> None:
        self.token = token
        grouped: dict[str, list[EntryRef]] = defaultdict(list)
        detectors: list[tuple[str, EntryRef]] = []
        for entry in entries:
            ref: EntryRef = (entry.term, entry.category, entry.action, entry.scope)
            if entry.kind == "detector":
                detectors.append((entry.term, ref))
            elif entry.folded:
                grouped[entry.folded].append(ref)
        self.detectors = tuple(detectors)
        self.term_count = len(grouped)
        self.automaton: Any = None
        # The automaton stores an index into ``payloads`` rather than the payload itself: an
        # automaton of plain integers pickles and loads several times faster (measured: 3 ms
        # instead of 13 ms for 10,000 terms), which is what sharing it through the cache costs.
        payloads: list[tuple[int, bool, bool, tuple[EntryRef, ...]]] = []
        if grouped:
            automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
            for folded, refs in grouped.items():
                # Latin words must not match inside longer words ("sb" in "asbestos"): the flags
                # say whether the term starts and ends with an ASCII letter or digit.
                starts_word = folded[0].isascii() and folded[0].isalnum()
                ends_word = folded[-1].isascii() and folded[-1].isalnum()
                automaton.add_word(as_bytes(folded), len(payloads))
                payloads.append((len(folded), starts_word, ends_word, tuple(refs)))
            automaton.make_automaton()
            self.automaton = automaton
        self.payloads = tuple(payloads)

    def check(self, text: str, unit_path: str | None) -> ModerationResult:
        """Check ``text`` as written in the unit with ``unit_path`` (None: no unit, university-wide
        entries only)."""
        hits: list[Hit] = []
        replacements: list[tuple[int, int, str]] = []
        if self.automaton is not None and text:
            self._match_terms(text, unit_path, hits, replacements)
        if self.detectors and text:
            self._detect(text, unit_path, hits, replacements)
        if not hits:
            return ModerationResult(ALLOW, (), text)
        hits.sort(key=lambda hit: (hit.start, hit.end))
        masked = list(text)
        for start, end, replacement in replacements:
            masked[start:end] = replacement
        return ModerationResult(strictest(hit.action for hit in hits), tuple(hits), "".join(masked))

    def _match_terms(
        self, text: str, unit_path: str | None, hits: list[Hit], replacements: list[tuple[int, int, str]]
    ) -> None:
        folded = fold(text)
        encoded = folded.encode("utf-8")
        candidates = []
        byte_at = char_at = 0  # how far the folded text has been decoded, in bytes and characters
        payloads = self.payloads
        for last_byte, index in self.automaton.iter(as_bytes(folded)):
            length, starts_word, ends_word, refs = payloads[index]
            applicable = [ref for ref in refs if _applies(ref[SCOPE], unit_path)]
            if not applicable:
                continue
            # Matches come in order of their end; whole UTF-8 sequences match, so the end is a
            # character boundary and decoding the bytes since the previous match counts characters.
            char_at += len(encoded[byte_at : last_byte + 1].decode("utf-8"))
            byte_at = last_byte + 1
            last = char_at - 1
            candidates.append((last - length + 1, last, starts_word, ends_word, applicable))
        if not candidates:
            return
        positions = position_map(text)  # only computed when something matched
        for first, last, starts_word, ends_word, refs in candidates:
            start, end = positions[first], positions[last] + 1
            if starts_word and start > 0 and is_word_char(text[start - 1]):
                continue
            if ends_word and end < len(text) and is_word_char(text[end]):
                continue
            for term, category, action, _scope in refs:
                hits.append(Hit(term, category, action, start, end))
            if any(ref[ACTION] == "mask" for ref in refs):
                replacements.append((start, end, "*" * (end - start)))

    def _detect(
        self, text: str, unit_path: str | None, hits: list[Hit], replacements: list[tuple[int, int, str]]
    ) -> None:
        chosen: dict[str, EntryRef] = {}
        for name, ref in self.detectors:
            if _applies(ref[SCOPE], unit_path) and (
                name not in chosen or SEVERITY[ref[ACTION]] > SEVERITY[chosen[name][ACTION]]
            ):
                chosen[name] = ref
        if not chosen:
            return
        for detection in pii.detect(text, set(chosen)):
            term, category, action, _scope = chosen[detection.detector]
            hits.append(Hit(term, category, action, detection.start, detection.end))
            if action == "mask":
                replacements.append((detection.start, detection.end, detection.masked))


# --- Sharing the matcher across requests and processes ------------------------------------------

_process_copy: tuple[str, Matcher] | None = None


def cache_key(token: str) -> str:
    return f"moderation:matcher:{token}"


def current_token() -> str | None:
    """The lexicon version's token, read from the database on every check (None: no version row)."""
    from moderation.models import LexiconVersion

    token = LexiconVersion.objects.order_by("pk").values_list("token", flat=True).first()
    return str(token) if token is not None else None


def load_entries() -> list[SourceEntry]:
    """Every active lexicon entry, with its scope's unit path (one query)."""
    from moderation.models import LexiconEntry

    rows = (
        LexiconEntry.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "kind", "term", "folded", "category", "action", "unit__path")
    )
    return [
        SourceEntry(pk, kind, term, folded, cat, act, path or "")
        for pk, kind, term, folded, cat, act, path in rows
    ]


def current_matcher() -> Matcher:
    """The matcher of the current lexicon version: this process's copy, the shared cache's, or
    built now (and then shared)."""
    global _process_copy
    token = current_token()
    if token is None:
        return Matcher("", load_entries())  # no version row yet: nothing can be cached safely
    copy = _process_copy
    if copy is not None and copy[0] == token:
        return copy[1]
    key = cache_key(token)
    matcher = cache.get(key)
    if not isinstance(matcher, Matcher) or matcher.token != token:
        matcher = Matcher(token, load_entries())
        cache.set(key, matcher, CACHE_SECONDS)
    _process_copy = (token, matcher)
    return matcher


def forget_process_copy() -> None:
    """Drop this process's copy (as a newly started process would be): for tests and benchmarks."""
    global _process_copy
    _process_copy = None
