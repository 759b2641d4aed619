"""Reading roster files: an .xlsx workbook or a CSV file becomes a ``Table`` of rows.

CSV files come from Excel, WPS or text editors on Chinese and English systems: UTF-8 with or
without a BOM, UTF-16, or GBK; separated by commas, semicolons or tabs. Rows are produced one at a
time, so a 100,000-row file is never held twice in memory.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import openpyxl
from django.utils.translation import gettext as _

from core.errors import FieldErrors
from orgs.imports import Problem, RosterRow, Table, cell_text, file_error, map_columns, read_rows

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000


# --- Reading files ------------------------------------------------------------------------------


def read_table(file_name: str, data: bytes) -> Table:
    """Read an .xlsx or a CSV file (UTF-8, UTF-8 with BOM, UTF-16 or GBK; comma, semicolon or tab)."""
    if len(data) > MAX_FILE_BYTES:
        raise file_error(
            _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise file_error(_("The file is empty."))
    name = file_name.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise file_error(_("Old .xls files cannot be read; save the sheet as .xlsx or CSV."))
    if name.endswith((".xlsx", ".xlsm")) or data.startswith(b"PK\x03\x04"):
        cells = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")) or not name.rpartition(".")[1]:
        cells = _csv_rows(data)
    else:
        raise file_error(_("Upload an .xlsx or a .csv file."))
    return _table_from(cells)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, Sequence[object]]]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # a damaged zip raises any of a dozen types
        raise file_error(_("The file is damaged or is not an .xlsx workbook.")) from error
    return _xlsx_iter(book)


def _xlsx_iter(book: Any) -> Iterator[tuple[int, Sequence[object]]]:
    # Rows are read one at a time and never all kept: a 100,000-row sheet stays small in memory.
    try:
        sheet = book.worksheets[0]
        yield from _filled(enumerate(sheet.iter_rows(values_only=True), start=1))
    except FieldErrors:
        raise
    except Exception as error:
        raise file_error(_("The file is damaged or is not an .xlsx workbook.")) from error
    finally:
        book.close()


def decode_text(data: bytes) -> str:
    """Decode a text file saved by Excel, WPS or a text editor on a Chinese or English system."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB 18030 is a superset of GBK and GB 2312, which Excel uses for CSV on Chinese Windows.
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise file_error(_("The file's text encoding is not UTF-8 or GBK; save it as CSV UTF-8.")) from error


def detect_delimiter(first_line: str) -> str:
    """The separator of a CSV file: the commonest of comma, semicolon and tab outside quotes."""
    outside = re.sub(r'"[^"]*"', "", first_line)
    counts = {delimiter: outside.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _csv_rows(data: bytes) -> Iterator[tuple[int, Sequence[object]]]:
    try:
        text = decode_text(data)
    except UnicodeDecodeError as error:
        raise file_error(_("The file's text encoding is not UTF-8 or GBK; save it as CSV UTF-8.")) from error
    delimiter = detect_delimiter(text.lstrip("\r\n").split("\n", 1)[0])
    return _csv_iter(text, delimiter)


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, as ``csv.reader`` wants them, without copying it all."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end == -1:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _csv_iter(text: str, delimiter: str) -> Iterator[tuple[int, Sequence[object]]]:
    try:
        yield from _filled(enumerate(csv.reader(_lines(text), delimiter=delimiter), start=1))
    except csv.Error as error:
        raise file_error(_("The CSV file cannot be read: %(reason)s") % {"reason": error}) from error


def _filled(rows: Iterable[tuple[int, Sequence[object]]]) -> Iterator[tuple[int, Sequence[object]]]:
    """The rows with at least one filled cell; refuses a file with more rows than an import takes."""
    count = 0
    for number, values in rows:
        if any(_is_filled(value) for value in values):
            count += 1
            if count > MAX_ROWS + 1:
                raise _too_many_rows()
            yield number, values


def _too_many_rows() -> FieldErrors:
    return file_error(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})


def _is_filled(value: object) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _table_from(rows: Iterator[tuple[int, Sequence[object]]]) -> Table:
    first = next(rows, None)
    if first is None:
        raise file_error(_("The file is empty."))
    return Table(header=[cell_text(value) for value in first[1]], rows=rows)


def check_file(
    file_name: str, data: bytes, today: date | None = None
) -> tuple[list[RosterRow], list[Problem]]:
    """Read a file and check every row: the normalised rows and the problems found in the file itself."""
    table = read_table(file_name, data)
    columns, warnings = map_columns(table.header)
    rows, problems = read_rows(table, columns, today)
    return rows, [*warnings, *problems]
