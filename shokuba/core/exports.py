"""Tabular downloads for Excel users: CSV (UTF-8 with BOM by default, CP932 on request) and XLSX.

Every export in the platform goes through `table_response`, so encoding, file names and the neutralising of
formula-like cells are decided once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ExportFormatError(ValueError):
    pass


def neutralise(value: Any) -> Any:
    """Stop spreadsheet formula injection: a text cell starting with = + - @ is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cells(row: Sequence[Any]) -> list[Any]:
    return ["" if v is None else neutralise(v) for v in row]


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8-sig") -> bytes:
    """CSV for Excel. CP932 replaces characters it cannot hold with '?' rather than failing the download."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_cells(header))
    for row in rows:
        writer.writerow(_cells(row))
    return buffer.getvalue().encode(encoding, errors="replace")


# An extra sheet of a workbook (e.g. a survey's codebook): title, header, rows.
Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def xlsx_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "data",
    extra_sheets: Sequence[Sheet] = (),
) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title[:31]
    for index, (title, sheet_header, sheet_rows) in enumerate([(sheet_title, header, rows), *extra_sheets]):
        if index:
            sheet = workbook.create_sheet(title[:31])
        sheet.append(_cells(sheet_header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet_rows:
            sheet.append(_cells(row))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_response(
    *,
    fmt: str,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    encoding: str = "",
    sheet_title: str = "data",
    extra_sheets: Sequence[Sheet] = (),
) -> HttpResponse:
    """An HTTP download of a table. fmt is 'csv' or 'xlsx'; encoding 'cp932' asks for Shift_JIS CSV.
    `extra_sheets` (XLSX only) adds sheets after the data, e.g. a codebook."""
    if fmt == "csv":
        charset = "cp932" if encoding.lower() in {"cp932", "sjis", "shift_jis"} else "utf-8-sig"
        body = csv_bytes(header, rows, encoding=charset)
        content_type = f"text/csv; charset={'Shift_JIS' if charset == 'cp932' else 'utf-8'}"
    elif fmt == "xlsx":
        body = xlsx_bytes(header, rows, sheet_title=sheet_title, extra_sheets=extra_sheets)
        content_type = CONTENT_TYPES["xlsx"]
    else:
        raise ExportFormatError(fmt)
    response = HttpResponse(body, content_type=content_type)
    full_name = f"{filename}.{fmt}"
    # Old clients read only filename=; keep what is ASCII of the name, or a neutral one.
    ascii_stem = filename.encode("ascii", "ignore").decode().strip(" _-.")
    ascii_name = f"{ascii_stem or 'export'}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full_name)}"
    return response
