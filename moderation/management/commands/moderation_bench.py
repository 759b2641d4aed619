"""Measure the matcher: a generated article against a generated lexicon, median of many checks.

The issue's bar: a 5,000-character article against a 10,000-term lexicon in under 5 ms. Nothing
is written to the database; the lexicon is built in memory exactly as ``current_matcher`` builds
it, and the last line also times ``text_check`` (version read included) on the real lexicon.
"""

from __future__ import annotations

import pickle
import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from moderation.matcher import Matcher, SourceEntry
from moderation.normalize import fold
from moderation.services import text_check

# Common Chinese characters (CJK block, frequent range) and some ASCII words, for realistic text.
_HAN = [chr(code) for code in range(0x4E00, 0x4E00 + 3500)]
_PUNCTUATION = list("，。、；：！？“”（）　 ")
_WORDS = ["AI", "GDP", "Python", "Web", "2024", "PPT", "App", "QQ"]


def generated_lexicon(size: int, rng: random.Random) -> list[SourceEntry]:
    terms: set[str] = set()
    while len(terms) < size:
        if rng.random() < 0.9:
            terms.add("".join(rng.choices(_HAN, k=rng.randint(2, 4))))
        else:
            terms.add(
                " ".join(rng.choices(["buy", "cheap", "free", "click", "win", "money", "now", "vip"], k=2))
            )
    entries = [
        SourceEntry(index, "term", term, fold(term), "spam", rng.choice(["block", "hold", "mask"]), "")
        for index, term in enumerate(sorted(terms), start=1)
    ]
    entries.append(
        SourceEntry(size + 1, "detector", "national_id", "national_id", "personal_data", "mask", "")
    )
    entries.append(SourceEntry(size + 2, "detector", "mobile", "mobile", "personal_data", "mask", ""))
    return entries


def generated_article(length: int, rng: random.Random) -> str:
    parts: list[str] = []
    total = 0
    while total < length:
        roll = rng.random()
        piece = (
            rng.choice(_PUNCTUATION)
            if roll < 0.12
            else rng.choice(_WORDS)
            if roll < 0.14
            else rng.choice(_HAN)
        )
        parts.append(piece)
        total += len(piece)
    parts.append("联系电话 138 1234 5678，身份证 11010519491231002X。")
    return "".join(parts)[-length:]


def median_ms(function: Any, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


class Command(BaseCommand):
    help = "Time the moderation matcher on a generated article and lexicon (median of many checks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--terms", type=int, default=10_000, help="lexicon size (default 10,000)")
        parser.add_argument("--length", type=int, default=5_000, help="article length in characters")
        parser.add_argument("--runs", type=int, default=100, help="checks to take the median of")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(options["seed"])  # noqa: S311  (generated test data, not secrets)
        entries = generated_lexicon(options["terms"], rng)
        article = generated_article(options["length"], rng)

        started = time.perf_counter()
        matcher = Matcher("bench", entries)
        built_ms = (time.perf_counter() - started) * 1000
        blob = pickle.dumps(matcher)
        loaded_ms = median_ms(lambda: pickle.loads(blob), 5)  # noqa: S301  (our own bytes, as the cache stores them)
        matcher = pickle.loads(blob)  # noqa: S301

        matcher.check(article, None)  # warm the per-character tables once, as a running process has
        result = matcher.check(article, None)
        check_ms = median_ms(lambda: matcher.check(article, None), options["runs"])
        real_ms = median_ms(lambda: text_check(text=article, unit=None), options["runs"])

        self.stdout.write(
            f"lexicon: {options['terms']} terms, built in {built_ms:.0f} ms, "
            f"{len(blob) / 1024:.0f} KiB pickled, unpickled (as from the shared cache) in {loaded_ms:.0f} ms"
        )
        self.stdout.write(
            f"article: {len(article)} characters, {len(result.hits)} hits, action {result.action}"
        )
        self.stdout.write(f"matcher check: median {check_ms:.2f} ms of {options['runs']} runs (bar: 5 ms)")
        self.stdout.write(
            f"text_check on this database's lexicon, version read included: median {real_ms:.2f} ms"
        )
