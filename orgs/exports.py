"""Spreadsheets the organisation hands out: member lists and the roster template.

Every cell goes through ``core.text.spreadsheet_safe``, so no text we write can run as a formula
when the file is opened. Member lists are written in openpyxl's write-only mode, row by row, so a
list of 100,000 members needs little memory. The columns are those of the roster import, with the
header in the reader's language, so an unmasked export can be imported again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import IO, cast

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from core.text import mask_national_id, mask_phone, spreadsheet_safe
from orgs.imports import FIELDS, field_label
from orgs.models import Membership, PartyStatus

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WIDTHS = {
    "number": 14,
    "name": 12,
    "birth_date": 12,
    "national_id": 21,
    "phone": 14,
    "email": 26,
    "major": 20,
}
_WIDTHS |= {"branch": 20, "group": 18, "party_status": 12, "status_date": 12}


def mask_email(value: str) -> str:
    """Keep the mailbox's first character and the domain: ``z***@example.edu.cn``."""
    if not value:
        return ""
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "*" * len(value)


def _yes_no(value: bool) -> str:
    return pgettext("roster cell", "yes") if value else pgettext("roster cell", "no")


def member_row(membership: Membership, *, full: bool) -> list[object]:
    """One member as the cells of an export row, personal data masked unless ``full``."""
    person = membership.person
    national_id, phone, email = person.national_id, person.phone, person.email or ""
    if not full:
        national_id, phone, email = mask_national_id(national_id), mask_phone(phone), mask_email(email)
    values: dict[str, object] = {
        "number": person.number,
        "name": person.name,
        "gender": person.get_gender_display() if person.gender else "",
        "birth_date": person.birth_date,
        "national_id": national_id,
        "phone": phone,
        "email": email,
        "grade": person.grade,
        "major": person.major,
        "branch": membership.unit.name,
        "group": membership.group.name if membership.group else "",
        "party_status": membership.get_party_status_display(),
        "league_member": _yes_no(membership.league_member),
        "status_date": membership.status_since,
    }
    return [spreadsheet_safe(values[name]) for name in FIELDS]


def _prepare(sheet: Worksheet | WriteOnlyWorksheet) -> None:
    # Write-only sheets have column dimensions too, though the type stubs do not say so.
    dimensions = cast(Worksheet, sheet).column_dimensions
    for index, name in enumerate(FIELDS, start=1):
        dimensions[get_column_letter(index)].width = _WIDTHS.get(name, 10)
    sheet.freeze_panes = "A2"


def write_members_xlsx(
    memberships: Iterable[Membership], out: IO[bytes], *, may_see: Callable[[Membership], bool]
) -> tuple[int, int]:
    """Write the members to ``out``; returns how many rows were written and how many were masked."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Members")[:31])
    _prepare(sheet)
    sheet.append([spreadsheet_safe(field_label(name)) for name in FIELDS])
    count = masked = 0
    for membership in memberships:
        full = may_see(membership)
        sheet.append(member_row(membership, full=full))
        count += 1
        masked += not full
    book.save(out)
    return count, masked


def write_template(out: IO[bytes], *, branch_code: str) -> None:
    """The roster template: the header in the reader's language, one example row, and instructions."""
    book = Workbook()
    sheet = book.active
    if sheet is None:  # pragma: no cover - a new workbook always has a sheet
        sheet = book.create_sheet()
    sheet.title = _("Roster")[:31]
    _prepare(sheet)
    sheet.append([field_label(name) for name in FIELDS])
    example: dict[str, object] = {
        "number": "2024000001",
        "name": _("Zhang San"),
        "gender": _("Male"),
        "birth_date": date(2005, 3, 1),
        "national_id": "",
        "phone": "13800138000",
        "email": "zhangsan@example.edu.cn",
        "grade": 2024,
        "major": _("Computer science"),
        "branch": branch_code,
        "group": "",
        "party_status": str(PartyStatus.APPLICANT.label),
        "league_member": _yes_no(True),
        "status_date": date(2024, 10, 8),
    }
    sheet.append([spreadsheet_safe(example[name]) for name in FIELDS])
    # Numbers typed into these columns must stay text, or Excel drops digits and leading zeros.
    for name in ("number", "national_id", "phone"):
        letter = get_column_letter(FIELDS.index(name) + 1)
        for row in range(2, 1001):
            sheet[f"{letter}{row}"].number_format = "@"
    help_sheet = book.create_sheet(title=_("Instructions")[:31])
    help_sheet.column_dimensions["A"].width = 110
    for line in _instructions():
        help_sheet.append([spreadsheet_safe(line)])
    book.save(out)


def _instructions() -> list[str]:
    return [
        _("Fill one row per person on the first sheet and delete the example row."),
        _("Required columns: Number, Name and Branch (the branch's code or its exact name)."),
        _("Dates: 2003-05-07, 2003/5/7, 2003.5.7, 2003年5月7日 or 20030507; date cells work too."),
        _("National ID: 18 characters; the last one is a check digit (GB 11643). Keep the column as text."),
        _("Phone: an 11-digit mainland mobile number; spaces, dashes and +86 are removed."),
        _("Party status: 群众, 入党申请人, 积极分子, 发展对象, 预备党员 or 正式党员."),
        _("League member: 是 or 否. Gender: 男 or 女."),
        _("An empty cell leaves the value already recorded unchanged."),
        _("Imported people cannot log in until an administrator or their secretary gives them a password."),
    ]
