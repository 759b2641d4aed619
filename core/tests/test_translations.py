"""Every catalogue in the repository is complete and compiled, so both languages stay whole.

Each helper adds strings; this fails when a .po file has an untranslated or fuzzy entry, when its
.mo does not hold exactly what the .po says (it was not recompiled), or when a translation uses a
placeholder that its source text does not have (which would crash at run time).

Staleness is judged by content, not by file times: a fresh git clone writes files in path order,
so django.mo would always look older than django.po.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
EXCLUDED = {".venv", "var", "node_modules", ".git"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def catalogues() -> list[Path]:
    found = [*ROOT.glob("locale/*/LC_MESSAGES/*.po"), *ROOT.glob("*/locale/*/LC_MESSAGES/*.po")]
    return sorted(p for p in found if not EXCLUDED & set(p.relative_to(ROOT).parts))


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def parse_po(path: Path) -> list[Entry]:
    """A small reader for the .po files makemessages writes (obsolete entries are skipped)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and entry.msgstr:
                entries.append(entry)
                entry = None
            entry = entry or Entry(number)
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if entry is None or target is None:
                raise AssertionError(f"{path}:{number}: continuation line outside an entry")
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, kind, (getattr(entry, kind) or "") + _unquote(line))
            continue
        if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgstr:
            entries.append(entry)
            entry = None
        entry = entry or Entry(number)
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, _unquote(rest))
            target = (keyword, 0)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {line!r}")
    if entry is not None and entry.msgstr:
        entries.append(entry)
    return entries


def problems_in(path: Path) -> list[str]:
    problems = []
    entries = parse_po(path)
    mo_path = path.with_suffix(".mo")
    compiled = gettext.GNUTranslations(mo_path.open("rb"))._catalog if mo_path.exists() else None  # type: ignore[attr-defined]
    if compiled is None:
        problems.append(f"{mo_path.name} is missing: run compilemessages")
    for entry in entries:
        where = f"line {entry.line} ({entry.msgid[:50]!r})"
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: marked fuzzy")
        if entry.msgid == "" and entry.msgctxt is None:
            continue  # the header
        if any(not text for text in entry.msgstr.values()):
            problems.append(f"{where}: not translated")
            continue
        allowed = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for text in entry.msgstr.values():
            unknown = set(PLACEHOLDER.findall(text)) - allowed
            if unknown:
                problems.append(f"{where}: unknown placeholders {sorted(unknown)}")
        if compiled is not None:
            key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
            for index, text in entry.msgstr.items():
                found = compiled.get((key, index)) if entry.msgid_plural is not None else compiled.get(key)
                if found != text:
                    problems.append(f"{where}: {mo_path.name} is out of date: run compilemessages")
                    break
    return problems


def test_the_project_and_core_catalogues_are_found():
    names = {str(p.relative_to(ROOT)) for p in catalogues()}
    assert "locale/zh_Hans/LC_MESSAGES/django.po" in names
    assert "core/locale/zh_Hans/LC_MESSAGES/django.po" in names


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_catalogue_is_complete_and_compiled(path):
    problems = problems_in(path)
    assert not problems, f"{path.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_the_checker_notices_an_empty_a_fuzzy_and_a_stale_entry(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Save"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Open"\nmsgstr "查看"\n\n'
        'msgid "%(count)d left"\nmsgstr "剩 %(number)d 个"\n',
        encoding="utf-8",
    )
    problems = "\n".join(problems_in(po))
    assert "not translated" in problems
    assert "marked fuzzy" in problems
    assert "unknown placeholders ['number']" in problems
    assert "django.mo is missing" in problems


def test_the_checker_reads_a_compiled_catalogue_back(tmp_path):
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext is not installed")
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgctxt "button"\nmsgid "Open"\nmsgstr "查看"\n\n'
        'msgid "%(count)d item"\nmsgid_plural "%(count)d items"\nmsgstr[0] "%(count)d 项"\n\n'
        'msgid ""\n"Two "\n"lines"\nmsgstr "两行"\n',
        encoding="utf-8",
    )
    subprocess.run([msgfmt, "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    assert problems_in(po) == []
    po.write_text(po.read_text(encoding="utf-8").replace("两行", "两行文字"), encoding="utf-8")
    assert any("out of date" in p for p in problems_in(po))
