"""Reading and checking questions (题库导入): the spreadsheet template's columns, each row read into
a question, and the rules a question must keep whether it is typed on the page or imported.
No database access here.

The file is read by ``orgs.imports_files.read_table`` (.xlsx, or CSV in UTF-8 or GBK). Problems are
codes with parameters, rendered in the reader's language by ``problem_message``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.text import looks_like_formula, normalize_width
from learning.models_quiz import MAX_OPTIONS, OPTION_LETTERS, QuestionKind, question_fingerprint
from orgs.imports import cell_text, header_key
from orgs.imports_files import read_table

MAX_STEM = 2000
MAX_OPTION = 300
MAX_EXPLANATION = 4000
MAX_TAG = 20
MAX_TAGS = 10
MAX_ACCEPTED = 10
OPTION_FIELDS = tuple(f"option_{letter.lower()}" for letter in OPTION_LETTERS[:MAX_OPTIONS])
FIELDS = ("kind", "stem", *OPTION_FIELDS, "answer", "tags", "difficulty", "explanation")
REQUIRED_FIELDS = ("kind", "stem", "answer")

FIELD_LABELS: dict[str, Promise] = {
    "kind": pgettext_lazy("question column", "Type"),
    "stem": pgettext_lazy("question column", "Question"),
    "option_a": pgettext_lazy("question column", "Option A"),
    "option_b": pgettext_lazy("question column", "Option B"),
    "option_c": pgettext_lazy("question column", "Option C"),
    "option_d": pgettext_lazy("question column", "Option D"),
    "option_e": pgettext_lazy("question column", "Option E"),
    "option_f": pgettext_lazy("question column", "Option F"),
    "answer": pgettext_lazy("question column", "Answer"),
    "tags": pgettext_lazy("question column", "Tags"),
    "difficulty": pgettext_lazy("question column", "Difficulty"),
    "explanation": pgettext_lazy("question column", "Explanation"),
    "options": pgettext_lazy("question column", "Options"),
}
_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "kind": ("题型", "类型", "试题类型", "type", "kind"),
    "stem": ("题干", "题目", "试题", "问题", "stem", "question"),
    **{
        name: (f"选项{name[-1]}", f"{name[-1]}选项", f"option {name[-1]}", name[-1]) for name in OPTION_FIELDS
    },
    "answer": ("答案", "正确答案", "参考答案", "answer", "right answer"),
    "tags": ("标签", "知识点", "分类", "tags", "tag"),
    "difficulty": ("难度", "difficulty", "level"),
    "explanation": ("解析", "答案解析", "说明", "explanation"),
}
_KINDS = {
    "单选": QuestionKind.SINGLE,
    "单选题": QuestionKind.SINGLE,
    "单项选择题": QuestionKind.SINGLE,
    "single": QuestionKind.SINGLE,
    "singlechoice": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "多选题": QuestionKind.MULTIPLE,
    "多项选择题": QuestionKind.MULTIPLE,
    "multiple": QuestionKind.MULTIPLE,
    "multiplechoice": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUE_FALSE,
    "判断题": QuestionKind.TRUE_FALSE,
    "truefalse": QuestionKind.TRUE_FALSE,
    "true/false": QuestionKind.TRUE_FALSE,
    "true_false": QuestionKind.TRUE_FALSE,
    "填空": QuestionKind.FILL_IN,
    "填空题": QuestionKind.FILL_IN,
    "fillin": QuestionKind.FILL_IN,
    "fill_in": QuestionKind.FILL_IN,
    "fill-in": QuestionKind.FILL_IN,
}
_TRUE = frozenset({"对", "正确", "是", "√", "✓", "t", "true", "y", "yes", "1"})
_FALSE = frozenset({"错", "错误", "否", "×", "✗", "x", "f", "false", "n", "no", "0"})
_LETTER_SEPARATORS = re.compile(r"[\s,，、;；/]+")
_ACCEPTED_SEPARATORS = re.compile(r"[|｜;；]")
_TAG_SEPARATORS = re.compile(r"[\s,，、;；/]+")

MESSAGES: dict[str, Promise] = {
    "required": gettext_lazy("This column is required and the cell is empty."),
    "missing_columns": gettext_lazy("Required columns are missing: %(columns)s."),
    "unknown_column": gettext_lazy("This column is not known and was ignored."),
    "formula": gettext_lazy("Text that a spreadsheet would run as a formula is not accepted."),
    "too_long": gettext_lazy("At most %(max)s characters."),
    "unknown_kind": gettext_lazy("Unknown question type; use 单选, 多选, 判断 or 填空."),
    "too_few_options": gettext_lazy("A choice question needs at least two options."),
    "options_gap": gettext_lazy("Fill the options in order, without an empty one before a filled one."),
    "no_options_expected": gettext_lazy("This type of question has no options; leave them empty."),
    "duplicate_options": gettext_lazy("Two options have the same text."),
    "bad_letters": gettext_lazy("Write the right options as letters, for example A or ACD."),
    "answer_not_option": gettext_lazy("The answer %(letters)s is not among the options filled in."),
    "single_needs_one": gettext_lazy("A single-choice question has exactly one right option."),
    "multiple_needs_two": gettext_lazy("A multiple-choice question has at least two right options."),
    "bad_true_false": gettext_lazy("Write 对 or 错 (true or false)."),
    "too_many_accepted": gettext_lazy("At most %(max)s accepted answers."),
    "bad_difficulty": gettext_lazy("Use a whole number from 1 (easy) to 5 (hard)."),
    "too_many_tags": gettext_lazy("At most %(max)s tags of at most %(length)s characters each."),
    "duplicate_in_file": gettext_lazy("The same question is also in row %(rows)s of this file."),
    "duplicate_in_bank": gettext_lazy("Already in the question bank; this row will be skipped."),
    "same_file_applied": gettext_lazy("The same file was already imported on %(date)s."),
}


def problem_message(code: str, params: dict[str, Any] | None = None) -> str:
    """The problem in the active language."""
    template = str(MESSAGES.get(code, code))
    return template % params if params else template


def field_label(name: str) -> str:
    """The column's name in the active language ("" for the file as a whole)."""
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a cell, a row or the whole file (row ``None``)."""

    row: int | None
    field: str
    code: str
    value: str = ""
    params: dict[str, Any] | None = None
    level: str = "error"

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "code": self.code,
            "value": self.value,
            "params": self.params or {},
            "level": self.level,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        return cls(
            data["row"], data["field"], data["code"], data["value"], data["params"] or None, data["level"]
        )

    @property
    def message(self) -> str:
        return problem_message(self.code, self.params)

    @property
    def column(self) -> str:
        return field_label(self.field) if self.field else ""


@dataclass
class QuestionData:
    """A question as typed or read, normalised; ``fingerprint`` is set once it is valid."""

    kind: str
    stem: str
    options: list[str] = field(default_factory=list)
    correct: list[int] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    difficulty: int = 3
    explanation: str = ""

    @property
    def fingerprint(self) -> str:
        return question_fingerprint(self.kind, self.stem, self.options)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "stem": self.stem,
            "options": self.options,
            "correct": self.correct,
            "accepted": self.accepted,
            "tags": self.tags,
            "difficulty": self.difficulty,
            "explanation": self.explanation,
        }


def split_tags(text: str) -> list[str]:
    """Tags as typed: separated by commas, 、, semicolons or spaces; duplicates dropped."""
    tags: list[str] = []
    for tag in _TAG_SEPARATORS.split(normalize_width(text or "")):
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def check_question(data: QuestionData) -> list[tuple[str, str, dict[str, Any] | None]]:
    """What is wrong with a question: (field, problem code, parameters), empty when it is valid."""
    problems: list[tuple[str, str, dict[str, Any] | None]] = []
    if data.kind not in QuestionKind.values:
        problems.append(("kind", "unknown_kind", None))
    if not data.stem:
        problems.append(("stem", "required", None))
    for name, text, limit in (
        ("stem", data.stem, MAX_STEM),
        ("explanation", data.explanation, MAX_EXPLANATION),
    ):
        if len(text) > limit:
            problems.append((name, "too_long", {"max": limit}))
    if not 1 <= data.difficulty <= 5:
        problems.append(("difficulty", "bad_difficulty", None))
    if len(data.tags) > MAX_TAGS or any(len(tag) > MAX_TAG for tag in data.tags):
        problems.append(("tags", "too_many_tags", {"max": MAX_TAGS, "length": MAX_TAG}))
    problems += _check_answer(data)
    return problems


def _check_answer(data: QuestionData) -> list[tuple[str, str, dict[str, Any] | None]]:
    if data.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(data.options) < 2:
            return [("options", "too_few_options", None)]
        if any(len(option) > MAX_OPTION for option in data.options):
            return [("options", "too_long", {"max": MAX_OPTION})]
        if len({option.casefold() for option in data.options}) != len(data.options):
            return [("options", "duplicate_options", None)]
        if not data.correct:
            return [("answer", "required", None)]
        outside = [index for index in data.correct if not 0 <= index < len(data.options)]
        if outside:
            letters = "".join(OPTION_LETTERS[index] for index in outside if 0 <= index < MAX_OPTIONS)
            return [("answer", "answer_not_option", {"letters": letters or "?"})]
        if data.kind == QuestionKind.SINGLE and len(data.correct) != 1:
            return [("answer", "single_needs_one", None)]
        if data.kind == QuestionKind.MULTIPLE and len(data.correct) < 2:
            return [("answer", "multiple_needs_two", None)]
    elif data.kind == QuestionKind.TRUE_FALSE:
        if data.options:
            return [("options", "no_options_expected", None)]
        if data.correct not in ([0], [1]):
            return [("answer", "bad_true_false", None)]
    elif data.kind == QuestionKind.FILL_IN:
        if data.options:
            return [("options", "no_options_expected", None)]
        if not data.accepted:
            return [("answer", "required", None)]
        if len(data.accepted) > MAX_ACCEPTED:
            return [("answer", "too_many_accepted", {"max": MAX_ACCEPTED})]
        if any(len(text) > MAX_OPTION for text in data.accepted):
            return [("answer", "too_long", {"max": MAX_OPTION})]
    return []


def parse_letters(text: str) -> list[int] | None:
    """Option letters ("A", "ACD", "A,C、D") as indexes; None when something else is written."""
    letters = "".join(_LETTER_SEPARATORS.split(normalize_width(text).upper()))
    if not letters or any(letter not in OPTION_LETTERS for letter in letters):
        return None
    return sorted({OPTION_LETTERS.index(letter) for letter in letters})


def parse_true_false(text: str) -> list[int] | None:
    word = normalize_width(text).casefold().strip()
    if word in _TRUE:
        return [0]
    if word in _FALSE:
        return [1]
    return None


def parse_accepted(text: str) -> list[str]:
    """Accepted fill-in answers, separated by | or ;."""
    accepted: list[str] = []
    for part in _ACCEPTED_SEPARATORS.split(text):
        part = part.strip()
        if part and part not in accepted:
            accepted.append(part)
    return accepted


# --- Reading a file -----------------------------------------------------------------------------------


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for name, aliases in _HEADER_ALIASES.items():
        for alias in aliases:
            lookup[header_key(alias)] = name
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for name in FIELDS:
                lookup.setdefault(header_key(field_label(name)), name)
    return lookup


def map_columns(header: Sequence[str]) -> tuple[dict[str, int], list[Problem]]:
    """Which column holds which field; unknown columns are warnings, missing required ones errors."""
    lookup = _header_lookup()
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for index, text in enumerate(header):
        if not text:
            continue
        name = lookup.get(header_key(text))
        if name is None or name in columns:
            problems.append(Problem(None, "", "unknown_column", text[:60], level="warning"))
        else:
            columns[name] = index
    missing = [field_label(name) for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        problems.append(Problem(None, "", "missing_columns", params={"columns": ", ".join(missing)}))
    return columns, problems


@dataclass
class ReadRow:
    row: int
    data: QuestionData | None
    problems: list[Problem]


def _cell(values: Sequence[object], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(values):
        return ""
    return cell_text(values[index])


def read_row(number: int, values: Sequence[object], columns: dict[str, int]) -> ReadRow:
    """One row as a question, with the problems of its cells."""
    cells = {name: _cell(values, columns, name) for name in FIELDS}
    problems = [
        Problem(number, name, "formula", text[:60])
        for name, text in cells.items()
        if looks_like_formula(text)
    ]
    if problems:
        return ReadRow(number, None, problems)
    for name in REQUIRED_FIELDS:
        if not cells[name]:
            problems.append(Problem(number, name, "required"))
    kind = _KINDS.get(header_key(cells["kind"])) if cells["kind"] else None
    if cells["kind"] and kind is None:
        problems.append(Problem(number, "kind", "unknown_kind", cells["kind"][:60]))
    options = [cells[name] for name in OPTION_FIELDS]
    while options and not options[-1]:
        options.pop()
    if any(not option for option in options):
        problems.append(Problem(number, "options", "options_gap"))
    difficulty = 3
    if cells["difficulty"]:
        difficulty = int(cells["difficulty"]) if cells["difficulty"].isdigit() else 0
    if problems or kind is None:
        return ReadRow(number, None, problems)
    data = QuestionData(
        kind=kind,
        stem=cells["stem"],
        options=options,
        tags=split_tags(cells["tags"]),
        difficulty=difficulty,
        explanation=cells["explanation"],
    )
    answer = cells["answer"]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        letters = parse_letters(answer)
        if letters is None:
            return ReadRow(number, None, [Problem(number, "answer", "bad_letters", answer[:60])])
        data.correct = letters
    elif kind == QuestionKind.TRUE_FALSE:
        data.correct = parse_true_false(answer) or []
    else:
        data.accepted = parse_accepted(answer)
    found = [
        Problem(number, name, code, _value_of(cells, name), params)
        for name, code, params in check_question(data)
    ]
    return ReadRow(number, None if found else data, found)


def _value_of(cells: dict[str, str], name: str) -> str:
    return cells.get(name, "")[:60]


@dataclass
class ReadFile:
    rows: list[ReadRow]
    problems: list[Problem]  # of the file as a whole


def read_file(file_name: str, data: bytes) -> ReadFile:
    """Read every row of a question file; raises ``FieldErrors`` on "file" when it cannot be read."""
    table = read_table(file_name, data)
    columns, problems = map_columns(table.header)
    if any(problem.code == "missing_columns" for problem in problems):
        return ReadFile([], problems)
    rows = [read_row(number, values, columns) for number, values in table.rows]
    seen: dict[str, list[int]] = {}
    for row in rows:
        if row.data is not None:
            seen.setdefault(row.data.fingerprint, []).append(row.row)
    for row in rows:
        if row.data is None:
            continue
        others = [str(other) for other in seen[row.data.fingerprint] if other != row.row]
        if others:
            row.problems.append(
                Problem(row.row, "stem", "duplicate_in_file", row.data.stem[:60], {"rows": ", ".join(others)})
            )
    return ReadFile(rows, problems)


def template_header() -> list[str]:
    """The template's header in the active language."""
    return [field_label(name) for name in FIELDS]


def template_examples() -> list[list[str]]:
    """Example rows of the template, one per question type (in Chinese, as banks are written)."""
    return [
        [
            "单选",
            "中国共产党的根本宗旨是？",
            "全心全意为人民服务",
            "实现共产主义",
            "发展生产力",
            "",
            "",
            "",
            "A",
            "党章,宗旨",
            "1",
            "党章总纲。",
        ],
        [
            "多选",
            "下列属于“四个意识”的有？",
            "政治意识",
            "大局意识",
            "核心意识",
            "看齐意识",
            "",
            "",
            "ABCD",
            "四个意识",
            "2",
            "",
        ],
        ["判断", "预备党员的预备期为一年。", "", "", "", "", "", "", "对", "党章", "1", "党章第七条。"],
        [
            "填空",
            "党的最高理想和最终目标是实现____。",
            "",
            "",
            "",
            "",
            "",
            "",
            "共产主义|共产主义社会",
            "党章",
            "2",
            "",
        ],
    ]
