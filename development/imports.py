"""Reading a historical import of development cases (历史数据导入). No database access here.

A university that starts using the platform brings the cases already in progress: one row per
person, a column per step with the date it was done, and a few columns for the key facts the steps
need (talker, contacts, introducers, the political review's conclusion, training hours, the votes).
The file is read by ``orgs.imports_files`` (.xlsx, or CSV in UTF-8 or GBK); here its header becomes
``Column``s and each row a ``HistoryRow`` with the ``Finding``s of its cells. ``development.imports_plan``
then compares the rows with the database and runs the rules over each history.

Headers are accepted in Chinese or English, for a step as "第1步 递交入党申请书", "Step 1", "1", the
step's code ("application") or its name; for facts as the template writes them or as people type them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from development import steps
from development.rule_engine import RULES, Level, Violation
from orgs import imports as roster
from orgs.imports_files import read_table

MAX_NUMBER_LENGTH = 32
MAX_VOTE_COUNT = 1000
_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")
_NUMBER_SEPARATORS = re.compile(r"[\s,，;；、/]+")
_STEP_PREFIXES = (
    re.compile(r"^第(\d{1,2})步"),
    re.compile(r"^step(\d{1,2})(?!\d)"),
    re.compile(r"^(\d{1,2})(?!\d)"),
)
_PLACEHOLDERS = frozenset({"-", "--", "—", "——", "/", "无"})

# The 25 steps as Chinese universities' procedure tables name them (besides the platform's names).
STEP_ALIASES: Mapping[int, tuple[str, ...]] = {
    1: ("递交入党申请书", "入党申请", "申请入党", "申请日期"),
    2: ("党组织派人谈话", "入党谈话", "谈话日期"),
    3: ("推荐和确定入党积极分子", "确定入党积极分子", "确定积极分子"),
    4: ("积极分子上级党委备案", "积极分子备案"),
    5: ("指定培养联系人", "确定培养联系人"),
    6: ("培养教育考察",),
    7: ("确定发展对象",),
    8: ("发展对象上级党委备案", "发展对象备案"),
    9: ("确定入党介绍人",),
    10: ("进行政治审查", "政治审查", "政审"),
    11: ("开展集中培训", "集中培训", "短期集中培训"),
    12: ("支部委员会审查", "支委会审查"),
    13: ("上级党委预审", "预审"),
    14: ("填写入党志愿书",),
    15: ("支部大会讨论", "接收预备党员支部大会", "支部大会讨论接收"),
    16: ("上级党委派人谈话",),
    17: ("上级党委审批", "审批接收"),
    18: ("再上一级党委组织部门备案", "组织部门备案"),
    19: ("编入党支部和党小组",),
    20: ("入党宣誓",),
    21: ("继续教育考察",),
    22: ("提出转正申请", "转正申请"),
    23: ("支部大会讨论转正", "转正支部大会"),
    24: ("上级党委审批转正", "审批转正"),
    25: ("材料归档", "档案归档"),
}


# --- Columns --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactSpec:
    """A column of facts: which step's field it fills, and how its cells are read."""

    key: str
    step: int
    data_field: str
    kind: str  # "person", "persons", "int" or "choice"
    label: Promise
    aliases: tuple[str, ...] = ()
    minimum: int = 0
    maximum: int = MAX_VOTE_COUNT
    choices: Mapping[str, str] = field(default_factory=dict)


_METHODS = {
    "党员推荐": "party_members",
    "party_members": "party_members",
    "partymembers": "party_members",
    "推优": "league",
    "团组织推优": "league",
    "团员推优": "league",
    "league": "league",
    "两者": "both",
    "党员推荐和团组织推优": "both",
    "both": "both",
}
_CONCLUSIONS = {
    "合格": "passed",
    "通过": "passed",
    "passed": "passed",
    "pass": "passed",
    "不合格": "not_passed",
    "未通过": "not_passed",
    "notpassed": "not_passed",
    "not_passed": "not_passed",
}


_VOTE_PARTS = (
    # part, field of the step, Chinese word people write, minimum
    ("members", "members_with_voting_rights", "应到人数", 1),
    ("attended", "attended", "实到人数", 0),
    ("written", "written_opinions", "书面意见", 0),
    ("yes", "yes", "赞成", 0),
    ("no", "no", "反对", 0),
    ("abstain", "abstain", "弃权", 0),
)
_VOTE_LABELS: dict[str, dict[str, Promise]] = {
    "admission": {
        "members": pgettext_lazy("case import column", "Admission vote: members with voting rights"),
        "attended": pgettext_lazy("case import column", "Admission vote: present"),
        "written": pgettext_lazy("case import column", "Admission vote: written opinions"),
        "yes": pgettext_lazy("case import column", "Admission vote: yes"),
        "no": pgettext_lazy("case import column", "Admission vote: no"),
        "abstain": pgettext_lazy("case import column", "Admission vote: abstentions"),
    },
    "conversion": {
        "members": pgettext_lazy("case import column", "Conversion vote: members with voting rights"),
        "attended": pgettext_lazy("case import column", "Conversion vote: present"),
        "written": pgettext_lazy("case import column", "Conversion vote: written opinions"),
        "yes": pgettext_lazy("case import column", "Conversion vote: yes"),
        "no": pgettext_lazy("case import column", "Conversion vote: no"),
        "abstain": pgettext_lazy("case import column", "Conversion vote: abstentions"),
    },
}


def _vote_facts(prefix: str, step: int, zh: str) -> tuple[FactSpec, ...]:
    """The six count columns of a branch general meeting's vote at ``step``."""
    return tuple(
        FactSpec(
            f"{prefix}_{part}",
            step,
            data_field,
            "int",
            _VOTE_LABELS[prefix][part],
            aliases=(f"{zh}{word}", f"{zh}{word}数", f"{prefix} vote {part}"),
            minimum=minimum,
        )
        for part, data_field, word, minimum in _VOTE_PARTS
    )


FACTS: tuple[FactSpec, ...] = (
    FactSpec(
        "talker",
        steps.TALK,
        "talker",
        "person",
        pgettext_lazy("case import column", "Talker's number"),
        aliases=("谈话人", "谈话人学号", "谈话人工号", "talker", "talked with by"),
    ),
    FactSpec(
        "method",
        steps.ACTIVIST_CONFIRMATION,
        "method",
        "choice",
        pgettext_lazy("case import column", "Recommendation method"),
        aliases=("推荐方式", "recommendation method"),
        choices=_METHODS,
    ),
    FactSpec(
        "contacts",
        steps.CONTACTS,
        "contacts",
        "persons",
        pgettext_lazy("case import column", "Contacts' numbers"),
        aliases=("培养联系人", "联系人", "培养联系人学号", "contacts"),
        minimum=1,
        maximum=2,
    ),
    FactSpec(
        "introducers",
        steps.INTRODUCERS,
        "introducers",
        "persons",
        pgettext_lazy("case import column", "Introducers' numbers"),
        aliases=("入党介绍人", "介绍人", "入党介绍人学号", "introducers"),
        minimum=1,
        maximum=4,
    ),
    FactSpec(
        "conclusion",
        steps.POLITICAL_REVIEW,
        "conclusion",
        "choice",
        pgettext_lazy("case import column", "Political review conclusion"),
        aliases=("政审结论", "政治审查结论", "political review conclusion", "review conclusion"),
        choices=_CONCLUSIONS,
    ),
    FactSpec(
        "class_hours",
        steps.TRAINING,
        "class_hours",
        "int",
        pgettext_lazy("case import column", "Training class hours"),
        aliases=("培训学时", "学时", "training hours", "class hours"),
        maximum=500,
    ),
    FactSpec(
        "training_days",
        steps.TRAINING,
        "days",
        "int",
        pgettext_lazy("case import column", "Training days"),
        aliases=("培训天数", "training days"),
        maximum=60,
    ),
    *_vote_facts("admission", steps.ADMISSION_MEETING, "接收表决"),
    FactSpec(
        "higher_talker",
        16,
        "talker",
        "person",
        pgettext_lazy("case import column", "Higher committee talker's number"),
        aliases=("上级党委谈话人", "上级谈话人", "higher talker"),
    ),
    *_vote_facts("conversion", steps.CONVERSION_MEETING, "转正表决"),
)
FACTS_BY_KEY: Mapping[str, FactSpec] = {spec.key: spec for spec in FACTS}
VOTE_FIELDS = ("members_with_voting_rights", "attended", "yes", "no", "abstain")

COLUMN_LABELS: dict[str, Promise] = {
    "number": pgettext_lazy("case import column", "Number"),
    "name": pgettext_lazy("case import column", "Name"),
}
_IDENTITY_ALIASES = {
    "number": ("学号", "学工号", "工号", "number", "student number"),
    "name": ("姓名", "name"),
}
STEP_LABEL = pgettext_lazy("case import column", "Step %(number)s: %(name)s")


def step_key(number: int) -> str:
    return f"step:{number}"


def column_label(key: str) -> str:
    """A column's name in the active language ("" for the file as a whole)."""
    if key.startswith("step:"):
        definition = steps.STEPS_BY_NUMBER[int(key[5:])]
        return str(STEP_LABEL) % {"number": definition.number, "name": definition.name}
    if key in FACTS_BY_KEY:
        return str(FACTS_BY_KEY[key].label)
    label = COLUMN_LABELS.get(key)
    return str(label) if label is not None else key


def template_columns() -> list[str]:
    """The template's columns, in order: who, then each step's date, then the facts."""
    return ["number", "name", *(step_key(step.number) for step in steps.STEPS), *(spec.key for spec in FACTS)]


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for key, aliases in _IDENTITY_ALIASES.items():
        for alias in aliases:
            lookup[roster.header_key(alias)] = key
    for spec in FACTS:
        for alias in spec.aliases:
            lookup[roster.header_key(alias)] = spec.key
    for number, aliases in STEP_ALIASES.items():
        for alias in aliases:
            lookup.setdefault(roster.header_key(alias), step_key(number))
    for definition in steps.STEPS:
        lookup.setdefault(roster.header_key(definition.code), step_key(definition.number))
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for key in template_columns():
                lookup.setdefault(roster.header_key(column_label(key)), key)
            for definition in steps.STEPS:
                lookup.setdefault(roster.header_key(str(definition.name)), step_key(definition.number))
    return lookup


def column_of(header: str, lookup: Mapping[str, str]) -> str | None:
    """The column key a header names, or None when it names nothing known."""
    key = roster.header_key(header)
    if not key:
        return None
    for pattern in _STEP_PREFIXES:
        match = pattern.match(key)
        if match and 1 <= int(match[1]) <= len(steps.STEPS):
            return step_key(int(match[1]))
    return lookup.get(key)


# --- Findings -------------------------------------------------------------------------------------

MESSAGES: dict[str, Promise] = {
    "bad_int": gettext_lazy("Write a whole number from %(minimum)s to %(maximum)s."),
    "bad_choice": gettext_lazy("Use one of: %(choices)s."),
    "bad_numbers": gettext_lazy(
        "Write from %(minimum)s to %(maximum)s student or staff numbers, separated by commas."
    ),
    "no_application": gettext_lazy("The date of step 1, the application, is required."),
    "fact_without_step": gettext_lazy("This belongs to step %(step)s, whose date is missing."),
    "incomplete_vote": gettext_lazy(
        "A vote needs all of these columns: members with voting rights, present, yes, no and abstentions."
    ),
    "vote_attended": gettext_lazy("More members present than members with voting rights."),
    "vote_written": gettext_lazy("Only absent members send written opinions."),
    "vote_total": gettext_lazy("More votes than members present and written opinions."),
    "unknown_person": gettext_lazy("No member of a branch you may import into has this number."),
    "unknown_reference": gettext_lazy("Nobody has the number %(numbers)s."),
    "name_mismatch": gettext_lazy("This number belongs to %(name)s."),
    "history_differs": gettext_lazy(
        "%(name)s already has a case whose step %(step)s is dated %(recorded)s, not %(given)s. "
        "An import never overwrites a case: correct the file or the case."
    ),
    "case_open": gettext_lazy(
        "%(name)s already has an open case, with the application received on %(opened_on)s."
    ),
    "no_step_columns": gettext_lazy("The file has no column of step dates."),
}


@dataclass(frozen=True)
class Finding:
    """A problem of the file: an error (refuses the import) or a rule warning (to be confirmed).

    ``column`` is a column key ("number", "step:3", "talker"; "" for the file or the row); a rule
    warning carries its ``step`` and its rule code as ``code``.
    """

    row: int | None
    column: str
    code: str
    value: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    level: str = "error"
    step: int | None = None

    @property
    def is_rule(self) -> bool:
        return self.code in RULES

    @property
    def message(self) -> str:
        """What is wrong, in the active language."""
        if self.is_rule:
            return Violation(self.code, dict(self.params), Level.ERROR).message
        template = MESSAGES.get(self.code)
        if template is None:
            return roster.problem_message(self.code, dict(self.params) or None)
        return str(template) % dict(self.params) if self.params else str(template)

    @property
    def source(self) -> str:
        return str(RULES[self.code].source) if self.is_rule else ""

    @property
    def column_label(self) -> str:
        return column_label(self.column) if self.column else ""


# --- Rows -----------------------------------------------------------------------------------------


@dataclass
class HistoryRow:
    """One person's history as read: step dates and facts (people still as numbers)."""

    row: int
    number: str = ""
    name: str = ""
    dates: dict[int, date] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    has_errors: bool = False

    def facts_of(self, step: int) -> dict[str, Any]:
        """The facts the row gives for ``step``, by the step's field names."""
        return {
            FACTS_BY_KEY[key].data_field: value
            for key, value in self.facts.items()
            if FACTS_BY_KEY[key].step == step
        }

    def referenced_numbers(self) -> set[str]:
        found: set[str] = set()
        for key, value in self.facts.items():
            kind = FACTS_BY_KEY[key].kind
            if kind == "person":
                found.add(value)
            elif kind == "persons":
                found.update(value)
        return found


class _RowReader:
    """Reads one row's cells, collecting a finding for each cell that cannot be read."""

    def __init__(self, row: int, cells: Sequence[object], columns: Mapping[str, int], today: date) -> None:
        self.row = row
        self.cells = cells
        self.columns = columns
        self.today = today
        self.findings: list[Finding] = []

    def raw(self, key: str) -> object:
        index = self.columns.get(key)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def add(self, key: str, code: str, text: str = "", params: Mapping[str, Any] | None = None) -> None:
        self.findings.append(Finding(self.row, key, code, roster.safe_value(text), dict(params or {})))

    def text(self, key: str, max_length: int = 100) -> str:
        text = roster.cell_text(self.raw(key)).strip()
        if text in _PLACEHOLDERS:
            return ""
        if text and roster.looks_like_formula(text):
            self.add(key, "formula", text)
            return ""
        if len(text) > max_length:
            self.add(key, "too_long", text, {"max": max_length})
            return ""
        return text

    def day(self, key: str) -> date | None:
        raw = self.raw(key)
        text = raw.isoformat() if isinstance(raw, date) else self.text(key, 40)
        if not text:
            return None
        value = roster.parse_date(raw if isinstance(raw, date) else text)
        if value is None:
            self.add(key, "bad_date", text)
            return None
        if not date(1900, 1, 1) <= value <= self.today:
            self.add(key, "date_range", text)
            return None
        return value

    def read(self) -> HistoryRow:
        result = HistoryRow(row=self.row)
        number = self.text("number", MAX_NUMBER_LENGTH)
        if not number and "number" in self.columns and not self.findings:
            self.add("number", "required")
        elif number and not _NUMBER.match(number):
            self.add("number", "bad_number", number)
            number = ""
        result.number = number
        result.name = " ".join(self.text("name").split())
        for definition in steps.STEPS:
            key = step_key(definition.number)
            if key in self.columns and (day := self.day(key)) is not None:
                result.dates[definition.number] = day
        if steps.APPLICATION not in result.dates and not any(f.column == step_key(1) for f in self.findings):
            self.add(step_key(1), "no_application")
        for spec in FACTS:
            if spec.key in self.columns and (value := self._fact(spec)) is not None:
                result.facts[spec.key] = value
        self._check_facts(result)
        result.has_errors = bool(self.findings)
        return result

    def _fact(self, spec: FactSpec) -> Any:
        text = self.text(spec.key, 200)
        if not text:
            return None
        if spec.kind == "int":
            digits = text.removesuffix("学时").removesuffix("天").removesuffix("人").strip()
            if not digits.isdigit() or not spec.minimum <= int(digits) <= spec.maximum:
                self.add(spec.key, "bad_int", text, {"minimum": spec.minimum, "maximum": spec.maximum})
                return None
            return int(digits)
        if spec.kind == "choice":
            value = spec.choices.get(roster.header_key(text)) or spec.choices.get(text.strip())
            if value is None:
                options = "、".join(sorted({word for word in spec.choices if not word.isascii()}))
                self.add(spec.key, "bad_choice", text, {"choices": options})
            return value
        numbers = [part for part in _NUMBER_SEPARATORS.split(text) if part]
        bounds = (1, 1) if spec.kind == "person" else (spec.minimum, spec.maximum)
        if (
            not bounds[0] <= len(numbers) <= bounds[1]
            or len(set(numbers)) != len(numbers)
            or not all(_NUMBER.match(number) and len(number) <= MAX_NUMBER_LENGTH for number in numbers)
        ):
            self.add(spec.key, "bad_numbers", text, {"minimum": bounds[0], "maximum": bounds[1]})
            return None
        return numbers[0] if spec.kind == "person" else numbers

    def _check_facts(self, result: HistoryRow) -> None:
        for key in sorted(result.facts):
            spec = FACTS_BY_KEY[key]
            if spec.step not in result.dates and not any(
                f.column == step_key(spec.step) for f in self.findings
            ):
                self.add(key, "fact_without_step", roster.cell_text(self.raw(key)), {"step": spec.step})
        for prefix, step in (
            ("admission", steps.ADMISSION_MEETING),
            ("conversion", steps.CONVERSION_MEETING),
        ):
            self._check_vote(result, prefix, step)

    def _check_vote(self, result: HistoryRow, prefix: str, step: int) -> None:
        given = result.facts_of(step)
        counts = {name: given[name] for name in (*VOTE_FIELDS, "written_opinions") if name in given}
        if not counts:
            return
        if not all(name in counts for name in VOTE_FIELDS):
            missing = next(name for name in VOTE_FIELDS if name not in counts)
            part = {"members_with_voting_rights": "members"}.get(missing, missing)
            self.add(f"{prefix}_{part}", "incomplete_vote")
            return
        written = counts.get("written_opinions", 0)
        if counts["attended"] > counts["members_with_voting_rights"]:
            self.add(f"{prefix}_attended", "vote_attended", str(counts["attended"]))
        elif written > counts["members_with_voting_rights"] - counts["attended"]:
            self.add(f"{prefix}_written", "vote_written", str(written))
        elif counts["yes"] + counts["no"] + counts["abstain"] > counts["attended"] + written:
            self.add(f"{prefix}_yes", "vote_total", str(counts["yes"]))


# --- The file -------------------------------------------------------------------------------------


@dataclass
class ReadFile:
    """A history file as read: its rows, the columns it has, and what is wrong in it."""

    rows: list[HistoryRow]
    columns: dict[str, int]
    findings: list[Finding]


def map_columns(header: Sequence[str]) -> tuple[dict[str, int], list[Finding]]:
    """Which column holds what; unknown columns are warnings, a column named twice refuses the file."""
    lookup = _header_lookup()
    columns: dict[str, int] = {}
    findings: list[Finding] = []
    for index, text in enumerate(header):
        if not text.strip():
            continue
        key = column_of(text, lookup)
        if key is None:
            findings.append(Finding(None, "", "unknown_column", roster.safe_value(text), level="warning"))
        elif key in columns:
            raise roster.file_error(_("The column “%(column)s” appears twice.") % {"column": text})
        else:
            columns[key] = index
    missing = [column_label(key) for key in ("number", step_key(steps.APPLICATION)) if key not in columns]
    if missing:
        raise roster.file_error(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return columns, findings


def read_file(file_name: str, data: bytes, today: date) -> ReadFile:
    """Read and check a history file; a file that cannot be read at all raises ``FieldErrors``."""
    table = read_table(file_name, data)
    columns, findings = map_columns(table.header)
    rows: list[HistoryRow] = []
    for number, cells in table.rows:
        reader = _RowReader(number, cells, columns, today)
        rows.append(reader.read())
        findings.extend(reader.findings)
    return ReadFile(rows=rows, columns=columns, findings=findings)
