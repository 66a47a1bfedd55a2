"""Writing rows to CSV or XLSX one at a time (constant memory), whatever the cell types.

Cells are str, int, float, bool, None or an aware datetime (written in Istanbul
time: spreadsheets know no time zones). A text that a spreadsheet would run as
a formula (starting with =, +, -, @, a tab or a carriage return) is written
with a leading apostrophe in CSV; in XLSX it is stored as a text cell, which no
spreadsheet evaluates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import IO, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from memnun.feedback.export_models import ExportFormat
from memnun.feedback.selectors.reports.scope import REPORT_TIMEZONE

Cell = str | int | float | bool | datetime | None
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MOMENT = "%Y-%m-%d %H:%M:%S"


def formula_neutral(text: str) -> str:
    """The text as a spreadsheet shows it, never runs it (OWASP's CSV injection rule)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _local(moment: datetime) -> datetime:
    return moment.astimezone(REPORT_TIMEZONE).replace(tzinfo=None)


def csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _local(value).strftime(_MOMENT)
    if isinstance(value, str):
        return formula_neutral(value)
    return str(value)


class RowWriter(Protocol):
    def row(self, values: Sequence[Cell]) -> None: ...

    def close(self) -> None: ...


class CsvWriter:
    """UTF-8 with a byte-order mark, so that Excel reads Turkish letters right."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
        self._csv = csv.writer(self._text)

    def row(self, values: Sequence[Cell]) -> None:
        self._csv.writerow([csv_cell(v) for v in values])

    def close(self) -> None:
        self._text.flush()
        self._text.detach()  # the caller owns the stream


class XlsxWriter:
    """One sheet of a write-only workbook: rows go to a temporary file as they come."""

    def __init__(self, stream: IO[bytes], *, title: str) -> None:
        self._stream = stream
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(title=title[:31])

    def _cell(self, value: Cell) -> object:
        if isinstance(value, datetime):
            return _local(value)
        if isinstance(value, str):
            cell = WriteOnlyCell(self._sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"  # text, even when it looks like a formula
            return cell
        return value

    def row(self, values: Sequence[Cell]) -> None:
        self._sheet.append([self._cell(v) for v in values])

    def close(self) -> None:
        self._book.save(self._stream)


def writer_for(fmt: str, stream: IO[bytes], *, title: str) -> RowWriter:
    if fmt == ExportFormat.XLSX:
        return XlsxWriter(stream, title=title)
    return CsvWriter(stream)


CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
