"""Reading, normalising and checking roster files (名册导入). No database access here.

``orgs.imports_files`` turns a file into a ``Table`` (its header, and its rows with the row numbers
a spreadsheet shows); here each row becomes a ``RosterRow`` of normalised values plus the
``Problem``s found in it; ``orgs.imports_plan`` then compares the rows with what the database holds
to say what applying the file would do.

Problems are codes with parameters, not sentences: they are stored with the import and rendered in
the reader's language by ``problem_message``.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core import crypto
from core.errors import FieldErrors
from core.text import (
    is_valid_mobile,
    looks_like_formula,
    mask_national_id,
    mask_phone,
    national_id_birth_date,
    national_id_problem,
    normalize_national_id,
    normalize_phone,
    normalize_width,
)
from orgs.models import PartyStatus

# The columns, in the order of the template and of exports.
FIELDS = (
    "number",
    "name",
    "gender",
    "birth_date",
    "national_id",
    "phone",
    "email",
    "grade",
    "major",
    "branch",
    "group",
    "party_status",
    "league_member",
    "status_date",
)
REQUIRED_FIELDS = ("number", "name", "branch")
FIELD_LABELS: dict[str, Promise] = {
    "number": pgettext_lazy("roster column", "Number"),
    "name": pgettext_lazy("roster column", "Name"),
    "gender": pgettext_lazy("roster column", "Gender"),
    "birth_date": pgettext_lazy("roster column", "Birth date"),
    "national_id": pgettext_lazy("roster column", "National ID"),
    "phone": pgettext_lazy("roster column", "Phone"),
    "email": pgettext_lazy("roster column", "Email"),
    "grade": pgettext_lazy("roster column", "Grade"),
    "major": pgettext_lazy("roster column", "Major"),
    "branch": pgettext_lazy("roster column", "Branch"),
    "group": pgettext_lazy("roster column", "Party group"),
    "party_status": pgettext_lazy("roster column", "Party status"),
    "league_member": pgettext_lazy("roster column", "League member"),
    "status_date": pgettext_lazy("roster column", "Status date"),
}
# Headers accepted besides the labels above (in every language): what people actually type.
_HEADER_ALIASES = {
    "number": ("学号", "number", "student number", "学工号"),
    "name": ("姓名", "name"),
    "gender": ("性别", "gender", "sex"),
    "birth_date": ("出生日期", "birth date", "date of birth", "birthday", "出生年月日"),
    "national_id": ("身份证号", "身份证号码", "身份证", "national id", "id number"),
    "phone": ("手机", "手机号", "手机号码", "联系电话", "phone", "mobile"),
    "email": ("邮箱", "电子邮箱", "email", "e-mail"),
    "grade": ("年级", "grade"),
    "major": ("专业", "major"),
    "branch": ("支部", "党支部", "所在支部", "branch"),
    "group": ("党小组", "party group", "group"),
    "party_status": ("政治面貌", "party status", "status"),
    "league_member": ("团员", "是否团员", "league member", "league"),
    "status_date": ("状态日期", "status date", "status since"),
}
PERSONAL_FIELDS = frozenset({"national_id", "phone"})

_PARTY_STATUS_WORDS = {
    "群众": PartyStatus.NONE,
    "入党申请人": PartyStatus.APPLICANT,
    "申请人": PartyStatus.APPLICANT,
    "积极分子": PartyStatus.ACTIVIST,
    "入党积极分子": PartyStatus.ACTIVIST,
    "发展对象": PartyStatus.TARGET,
    "预备党员": PartyStatus.PROBATIONARY,
    "中共预备党员": PartyStatus.PROBATIONARY,
    "正式党员": PartyStatus.FULL,
    "中共党员": PartyStatus.FULL,
    "masses": PartyStatus.NONE,
    "development target": PartyStatus.TARGET,
    "probationary member": PartyStatus.PROBATIONARY,
    "full member": PartyStatus.FULL,
    **{status.value: status for status in PartyStatus},
}
# Most students' 政治面貌 reads "共青团员": not in the party, and a League member.
_LEAGUE_STATUS_WORDS = frozenset({"共青团员", "团员"})
_YES = frozenset({"是", "yes", "y", "1", "true", "团员", "共青团员"})
_NO = frozenset({"否", "no", "n", "0", "false", "非团员"})
_GENDERS = {"男": "M", "女": "F", "男性": "M", "女性": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
# Cells people fill with a dash or a slash to mean "nothing here".
_PLACEHOLDERS = frozenset({"-", "--", "—", "——", "/"})

_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")
_HEADER_NOISE = re.compile(r"[\s_\-*:：]+")
_DATE_PARTS = re.compile(
    r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

MESSAGES: dict[str, Promise] = {
    "required": gettext_lazy("This column is required and the cell is empty."),
    "formula": gettext_lazy("Text that a spreadsheet would run as a formula is not accepted."),
    "too_long": gettext_lazy("At most %(max)s characters."),
    "bad_number": gettext_lazy("Use letters and digits only."),
    "bad_gender": gettext_lazy("Use 男, 女, M or F."),
    "bad_date": gettext_lazy(
        "Not a date. Write it like 2003-05-07, 2003/5/7, 2003.5.7, 2003年5月7日 or 20030507."
    ),
    "date_range": gettext_lazy("The date must lie between 1900 and today."),
    "id_as_number": gettext_lazy(
        "The spreadsheet stored this ID number as a number and lost its last digits; format the column as text."
    ),
    "id_length": gettext_lazy("A national ID number has 18 characters."),
    "id_format": gettext_lazy("A national ID number is 17 digits followed by a digit or X."),
    "id_birth_date": gettext_lazy("The birth date inside this national ID number is not a real date."),
    "id_checksum": gettext_lazy("The last character does not match the others (GB 11643 check digit)."),
    "birth_date_mismatch": gettext_lazy(
        "Does not match the birth date in the national ID number (%(id_date)s)."
    ),
    "bad_phone": gettext_lazy("Not a mainland mobile number (11 digits starting with 1)."),
    "bad_email": gettext_lazy("Not a valid email address."),
    "bad_grade": gettext_lazy("Use the four-digit year of enrolment, between 1950 and %(max)s."),
    "unknown_branch": gettext_lazy("No branch with this code or name in the unit you import into."),
    "ambiguous_branch": gettext_lazy("Several branches have this name; use the branch's code."),
    "unknown_group": gettext_lazy("No party group with this name or code in the row's branch."),
    "ambiguous_group": gettext_lazy(
        "Several party groups of the branch have this name; use the group's code."
    ),
    "bad_party_status": gettext_lazy("Use one of 群众, 入党申请人, 积极分子, 发展对象, 预备党员, 正式党员."),
    "bad_league": gettext_lazy("Use 是 or 否."),
    "duplicate_in_file": gettext_lazy("The same value is also in row %(rows)s of this file."),
    "taken": gettext_lazy("Already recorded for another person."),
    "person_outside_scope": gettext_lazy(
        "This number belongs to a member of a branch outside the unit you import into; transfer them instead."
    ),
    "protected_account": gettext_lazy(
        "This is an administrator's account; only a system administrator can change it."
    ),
    "unknown_column": gettext_lazy("This column is not known and was ignored."),
    "same_file_applied": gettext_lazy("The same file was already applied on %(date)s."),
}


def problem_message(code: str, params: dict[str, Any] | None = None) -> str:
    """The problem in the active language."""
    template = str(MESSAGES.get(code, code))
    return template % params if params else template


def field_label(name: str) -> str:
    """The column's name in the active language ("" for the file as a whole)."""
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name


@dataclass(frozen=True, slots=True)
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


@dataclass
class Table:
    """A sheet as read: the header cells and the data rows with their spreadsheet row numbers."""

    header: list[str]
    rows: Iterable[tuple[int, Sequence[object]]]


def file_error(message: str) -> FieldErrors:
    return FieldErrors.single("file", message)


# --- Columns ------------------------------------------------------------------------------------


def header_key(text: str) -> str:
    return _HEADER_NOISE.sub("", normalize_width(text).casefold())


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for name, aliases in _HEADER_ALIASES.items():
        for alias in aliases:
            lookup[header_key(alias)] = name
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for name, label in FIELD_LABELS.items():
                lookup.setdefault(header_key(str(label)), name)
    return lookup


def map_columns(header: Sequence[str]) -> tuple[dict[str, int], list[Problem]]:
    """Which column holds which field; unknown columns are warnings, missing required ones refuse the file."""
    lookup = _header_lookup()
    columns: dict[str, int] = {}
    warnings: list[Problem] = []
    for index, text in enumerate(header):
        if not text:
            continue
        name = lookup.get(header_key(text))
        if name is None:
            warnings.append(Problem(None, "", "unknown_column", value=safe_value(text), level="warning"))
        elif name in columns:
            raise file_error(_("The column “%(column)s” appears twice.") % {"column": text})
        else:
            columns[name] = index
    missing = [field_label(name) for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        raise file_error(_("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)})
    return columns, warnings


# --- Values -------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as normalised text: full-width characters made ASCII, numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return normalize_width(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return normalize_width(str(value))


def safe_value(text: str, field_name: str = "") -> str:
    """A cell's text as it may be shown back: control characters made visible, personal data masked."""
    if field_name == "national_id":
        text = mask_national_id(normalize_national_id(text))
    elif field_name == "phone":
        text = mask_phone(normalize_phone(text))
    text = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)
    return text if len(text) <= 60 else text[:59] + "…"


def parse_date(value: object) -> date | None:
    """A date from an Excel date cell or from the ways people write one in China; None if not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    match = _DATE_PARTS.match(text) or _DATE_COMPACT.match(text)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_party_status(text: str) -> tuple[str | None, bool]:
    """The PartyStatus value for a 政治面貌 cell, and whether the words also say "League member"."""
    key = text.casefold().strip()
    if key in _LEAGUE_STATUS_WORDS:
        return PartyStatus.NONE.value, True
    status = _PARTY_STATUS_WORDS.get(key)
    if status is None:
        for candidate in PartyStatus:
            if key == str(candidate.label).casefold():
                status = candidate
    return (status.value if status is not None else None), False


def parse_bool(text: str) -> bool | None:
    key = text.casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


# --- Rows ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class RosterRow:
    """One data row, normalised. ``None`` means "not given" (the cell was empty or not valid)."""

    row: int
    number: str = ""
    name: str = ""
    gender: str | None = None
    birth_date: date | None = None
    national_id: str | None = None
    national_id_digest: str | None = None
    phone: str | None = None
    phone_digest: str | None = None
    email: str | None = None
    grade: int | None = None
    major: str | None = None
    branch: str = ""
    group: str | None = None
    party_status: str | None = None
    league_member: bool | None = None
    status_date: date | None = None
    has_errors: bool = False


class _RowReader:
    """Turns one row's cells into a RosterRow, collecting the problems of each cell."""

    def __init__(self, row: int, cells: Sequence[object], columns: dict[str, int], today: date) -> None:
        self.row = row
        self.cells = cells
        self.columns = columns
        self.today = today
        self.problems: list[Problem] = []

    def raw(self, name: str) -> object:
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def text(self, name: str, max_length: int = 100) -> str:
        """The cell's normalised text ("" when empty); problems for formulas and length."""
        text = cell_text(self.raw(name))
        if text in _PLACEHOLDERS:
            text = ""
        if not text:
            if name in REQUIRED_FIELDS:
                self.add(name, "required", "")
            return ""
        if looks_like_formula(text) and not (name == "phone" and is_valid_mobile(normalize_phone(text))):
            self.add(name, "formula", text)
            return ""
        if len(text) > max_length:
            self.add(name, "too_long", text, {"max": max_length})
            return ""
        return text

    def add(self, name: str, code: str, text: str, params: dict[str, Any] | None = None) -> None:
        self.problems.append(Problem(self.row, name, code, safe_value(text, name), params))

    def day(self, name: str) -> date | None:
        raw = self.raw(name)
        text = self.text(name, 40) if not isinstance(raw, date) else raw.isoformat()
        if not text:
            return None
        value = parse_date(raw if isinstance(raw, date) else text)
        if value is None:
            self.add(name, "bad_date", text)
        elif not date(1900, 1, 1) <= value <= self.today:
            self.add(name, "date_range", text)
            return None
        return value

    def read(self) -> RosterRow:
        result = RosterRow(row=self.row)
        number = self.text("number", 32)
        if number and not _NUMBER.match(number):
            self.add("number", "bad_number", number)
            number = ""
        result.number = number
        result.name = " ".join(self.text("name").split())
        result.gender = self._choice("gender", _GENDERS, "bad_gender")
        result.birth_date = self.day("birth_date")
        self._national_id(result)
        self._phone(result)
        self._email(result)
        self._grade(result)
        result.major = self.text("major") or None
        result.branch = self.text("branch")
        result.group = self.text("group") or None
        self._status(result)
        result.status_date = self.day("status_date")
        result.has_errors = bool(self.problems)
        return result

    def _choice(self, name: str, choices: dict[str, str], code: str) -> str | None:
        text = self.text(name, 20)
        if not text:
            return None
        value = choices.get(text.casefold())
        if value is None:
            self.add(name, code, text)
        return value

    def _national_id(self, result: RosterRow) -> None:
        raw = self.raw("national_id")
        text = self.text("national_id", 40)
        if not text:
            return
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            self.add("national_id", "id_as_number", text)
            return
        value = normalize_national_id(text)
        problem = national_id_problem(value)
        if problem is not None:
            self.add("national_id", f"id_{problem}", text)
            return
        result.national_id = value
        result.national_id_digest = crypto.digest("national_id", value)
        embedded = national_id_birth_date(value)
        if result.birth_date is not None and embedded is not None and embedded != result.birth_date:
            self.add(
                "birth_date",
                "birth_date_mismatch",
                result.birth_date.isoformat(),
                {"id_date": embedded.isoformat()},
            )

    def _phone(self, result: RosterRow) -> None:
        text = self.text("phone", 40)
        if not text:
            return
        value = normalize_phone(text)
        if not is_valid_mobile(value):
            self.add("phone", "bad_phone", text)
            return
        result.phone = value
        result.phone_digest = crypto.digest("phone", value)

    def _email(self, result: RosterRow) -> None:
        text = self.text("email", 254)
        if not text:
            return
        local, _at, domain = text.rpartition("@")
        value = f"{local}@{domain.lower()}" if local else text
        try:
            validate_email(value)
        except ValidationError:
            self.add("email", "bad_email", text)
            return
        result.email = value

    def _grade(self, result: RosterRow) -> None:
        text = self.text("grade", 20)
        if not text:
            return
        digits = text.removesuffix("级").removesuffix("年").strip()
        latest = self.today.year + 1
        if not (len(digits) == 4 and digits.isdigit() and 1950 <= int(digits) <= latest):
            self.add("grade", "bad_grade", text, {"max": latest})
            return
        result.grade = int(digits)

    def _status(self, result: RosterRow) -> None:
        league_text = self.text("league_member", 20)
        if league_text:
            result.league_member = parse_bool(league_text)
            if result.league_member is None:
                self.add("league_member", "bad_league", league_text)
        text = self.text("party_status", 40)
        if not text:
            return
        status, means_league = parse_party_status(text)
        if status is None:
            self.add("party_status", "bad_party_status", text)
            return
        result.party_status = status
        if means_league and not league_text:
            result.league_member = True


def read_rows(
    table: Table, columns: dict[str, int], today: date | None = None
) -> tuple[list[RosterRow], list[Problem]]:
    """Normalise every row; the problems come in row order, with duplicates inside the file added."""
    day = today or timezone.localdate()
    rows: list[RosterRow] = []
    problems: list[Problem] = []
    for number, cells in table.rows:
        reader = _RowReader(number, cells, columns, day)
        rows.append(reader.read())
        problems.extend(reader.problems)
    problems.extend(find_duplicates(rows))
    return rows, problems


# Digests are left out of the packed rows: recomputing them is cheaper than storing 128 hex digits a row.
_ROW_FIELDS = tuple(item.name for item in fields(RosterRow) if not item.name.endswith("_digest"))
_DATE_FIELDS = frozenset({"birth_date", "status_date"})


def pack_rows(rows: Sequence[RosterRow], problems: Sequence[Problem]) -> str:
    """Checked rows and their problems as one compressed, encrypted text (they hold personal data).

    One JSON document per line (the problems, then each row), compressed as it is written, so that
    packing 100,000 rows never holds them twice in memory.
    """
    compressor = zlib.compressobj()
    chunks = [compressor.compress(_json_line([problem.as_json() for problem in problems]))]
    for row in rows:
        values = [getattr(row, name) for name in _ROW_FIELDS]
        chunks.append(
            compressor.compress(_json_line([v.isoformat() if isinstance(v, date) else v for v in values]))
        )
    chunks.append(compressor.flush())
    return crypto.encrypt(base64.b64encode(b"".join(chunks)).decode("ascii"))


def _json_line(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def unpack_rows(token: str) -> tuple[list[RosterRow], list[Problem]]:
    """The rows and problems that ``pack_rows`` stored."""
    lines = zlib.decompress(base64.b64decode(crypto.decrypt(token))).splitlines()
    problems = [
        Problem(
            item["row"], item["field"], item["code"], item["value"], item["params"] or None, item["level"]
        )
        for item in json.loads(lines[0])
    ]
    rows = []
    for line in lines[1:]:
        row = RosterRow(**dict(zip(_ROW_FIELDS, json.loads(line), strict=True)))
        for name in _DATE_FIELDS:
            text = getattr(row, name)
            setattr(row, name, date.fromisoformat(text) if text else None)
        if row.national_id:
            row.national_id_digest = crypto.digest("national_id", row.national_id)
        if row.phone:
            row.phone_digest = crypto.digest("phone", row.phone)
        rows.append(row)
    return rows, problems


def find_duplicates(rows: Sequence[RosterRow]) -> list[Problem]:
    """The same number, national ID, phone or email in several rows: each row names the others."""
    problems: list[Problem] = []
    for name in ("number", "national_id", "phone", "email"):
        seen: dict[str, list[RosterRow]] = defaultdict(list)
        for row in rows:
            value = getattr(row, name)
            if value:
                seen[value.lower() if name == "email" else value].append(row)
        for same in seen.values():
            if len(same) < 2:
                continue
            for row in same:
                others = ", ".join(str(other.row) for other in same if other is not row)
                problems.append(
                    Problem(
                        row.row,
                        name,
                        "duplicate_in_file",
                        safe_value(getattr(row, name), name),
                        {"rows": others},
                    )
                )
                row.has_errors = True
    return problems
