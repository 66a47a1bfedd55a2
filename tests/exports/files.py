"""Reading the files an export answers, as a spreadsheet would."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from django.http import FileResponse
from django.test import Client
from openpyxl import load_workbook

BOM = b"\xef\xbb\xbf"


def post_export(client: Client, **fields: str) -> Any:
    return client.post("/desk/exports/new", fields)


def content(response: Any) -> bytes:
    assert isinstance(response, FileResponse), response
    return b"".join(response.streaming_content)  # type: ignore[arg-type]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)  # Excel reads UTF-8 only with it
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_rows(data: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    width = max((len(row) for row in rows), default=0)
    # Reading leaves out a row's empty cells at its end: put them back.
    return [row + [None] * (width - len(row)) for row in rows]


def xlsx_text_cells(data: bytes) -> list[tuple[Any, str]]:
    """(value, data type) of every cell: "s" is text, "f" a formula."""
    book = load_workbook(io.BytesIO(data))
    return [(cell.value, cell.data_type) for row in book.worksheets[0].iter_rows()
            for cell in row]


def every_text(data: bytes) -> str:
    """All the text a file holds: CSV decoded, or each part of the XLSX zip unpacked."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "\n".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    return data.decode("utf-8-sig")
