"""A unit's dues status as .xlsx: one row per paying member, arrears first, as on the page.

Every cell goes through ``core.text.spreadsheet_safe`` so that nothing runs as a formula when the
file is opened; amounts are written as numbers in yuan so the sheet can add them up. The export is
recorded in the audit log.
"""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from core.audit import audit_record
from core.text import spreadsheet_safe
from dues.months import month_label
from dues.queries import MemberStatus, unit_status
from orgs.models import OrgUnit


def header() -> list[str]:
    return [
        _("Number"),
        pgettext("person", "Name"),
        _("Branch"),
        _("Party status"),
        _("Category"),
        _("Monthly dues (yuan)"),
        _("Paid up to"),
        _("Months in arrears"),
        _("Amount owed (yuan)"),
    ]


def _yuan_number(fen: int | None) -> float | None:
    return None if fen is None else round(fen / 100, 2)


def member_row(row: MemberStatus) -> list[object]:
    standing = row.standing
    base = standing.current_base
    cells: list[object] = [
        row.person.number,
        row.person.name,
        row.membership.unit.display_name,
        row.membership.get_party_status_display(),
        base.get_category_display() if base else _("Not set"),
        _yuan_number(standing.monthly_fen),
        month_label(standing.paid_up_to) if standing.paid_up_to else "",
        standing.months_in_arrears,
        _yuan_number(standing.owed_fen),
    ]
    return [spreadsheet_safe(cell) for cell in cells]


def status_export(*, actor: Any, unit: OrgUnit, out: IO[bytes], today: date | None = None) -> int:
    """Write the dues status of ``unit``'s subtree to ``out``; returns the rows written (404/403 as usual)."""
    rows = unit_status(actor, unit, today)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Party dues")[:31])
    sheet.append([spreadsheet_safe(label) for label in header()])
    for row in rows:
        sheet.append(member_row(row))
    book.save(out)
    audit_record(
        actor=actor, action="dues.status.export", target=unit, unit_id=unit.pk, data={"count": len(rows)}
    )
    return len(rows)


def export_file_name(unit: OrgUnit) -> str:
    return f"dues-{unit.code}-{date_format(timezone.localdate(), 'Ymd')}.xlsx"
