"""Tabular downloads for Excel users: CSV (UTF-8 with BOM by default, CP932 on request) and XLSX.

Every export in the platform goes through this module, so encoding, file names and the neutralising of
formula-like cells are decided once: `table_response` for a download answered at once, `write_csv` / `write_xlsx`
for a table streamed into a file (a background export of any size: rows are consumed one at a time, never held).
"""

from __future__ import annotations

import codecs
import contextvars
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.http import HttpResponse

from shokuba.core import xlsx
from shokuba.core.downloads import attach

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


def _neutralised(row: Sequence[Any], columns: Sequence[int]) -> Sequence[Any]:
    """The row with its free-text columns neutralised (a copy only when one of them needs it)."""
    for index in columns:
        value = row[index]
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            copy = list(row)
            for other in columns:
                copy[other] = neutralise(copy[other])
            return copy
    return row


@dataclass
class Replacements:
    """Characters the chosen encoding cannot hold (CP932 has no emoji, for one), written as '?' and counted, so the
    person who asked for the file can be told."""

    count: int = 0


_REPLACE_AND_COUNT = "shokuba-replace-and-count"
_replacements: contextvars.ContextVar[Replacements | None] = contextvars.ContextVar("replacements", default=None)


def _replace_and_count(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    tally = _replacements.get()
    if tally is not None:
        tally.count += error.end - error.start
    return "?" * (error.end - error.start), error.end


codecs.register_error(_REPLACE_AND_COUNT, _replace_and_count)


def csv_encoding(name: str) -> str:
    """'cp932' (or sjis, shift_jis) asks for Shift_JIS; anything else is UTF-8 with a BOM, which Excel needs."""
    return "cp932" if name.lower() in {"cp932", "sjis", "shift_jis"} else "utf-8-sig"


def write_csv(
    stream: IO[bytes],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    encoding: str = "utf-8-sig",
    text_columns: Sequence[int] | None = None,
    replacements: Replacements | None = None,
) -> int:
    """Stream a CSV for Excel into a binary file; returns the number of data rows written.

    Rows are taken one at a time from any iterable (a database cursor, a generator) and never collected. None is
    an empty cell. CP932 replaces characters it cannot hold with '?' rather than failing the export; `replacements`
    counts them. `text_columns`: when given, only these columns can hold free text and are neutralised (the caller
    vouches that the others hold codes, numbers and dates); None neutralises every cell."""
    text = io.TextIOWrapper(stream, encoding=encoding, errors=_REPLACE_AND_COUNT, newline="")
    token = _replacements.set(replacements if replacements is not None else Replacements())
    written = 0
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(_cells(header))
        writerow = writer.writerow
        if text_columns is None:
            for row in rows:
                writerow(_cells(row))
                written += 1
        else:
            columns = tuple(text_columns)
            for row in rows:
                writerow(_neutralised(row, columns))
                written += 1
        text.flush()
    finally:
        text.detach()  # leave the caller's stream open
        _replacements.reset(token)
    return written


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8-sig") -> bytes:
    """CSV for Excel. CP932 replaces characters it cannot hold with '?' rather than failing the download."""
    out = io.BytesIO()
    write_csv(out, header, rows, encoding=encoding)
    return out.getvalue()


# An extra sheet of a workbook (e.g. a survey's codebook): title, header, rows.
Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


# The most rows a worksheet holds (Excel's limit), the header included.
XLSX_MAX_ROWS = xlsx.MAX_ROWS


def write_xlsx(
    stream: IO[bytes],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "data",
    extra_sheets: Sequence[Sheet] = (),
) -> int:
    """Stream a workbook into a binary file through the constant-memory writer (core.xlsx: rows go into the
    archive as they come, nothing is kept); returns the number of data rows of the first sheet. Headers bold and
    frozen; every text cell neutralised."""
    sheets = [
        (title, sheet_header, sheet_rows)
        for title, sheet_header, sheet_rows in [(sheet_title, header, rows), *extra_sheets]
    ]
    return xlsx.write_workbook(stream, sheets, text=neutralise)[0]


def xlsx_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "data",
    extra_sheets: Sequence[Sheet] = (),
) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, header, rows, sheet_title=sheet_title, extra_sheets=extra_sheets)
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
        charset = csv_encoding(encoding)
        body = csv_bytes(header, rows, encoding=charset)
        content_type = f"text/csv; charset={'Shift_JIS' if charset == 'cp932' else 'utf-8'}"
    elif fmt == "xlsx":
        body = xlsx_bytes(header, rows, sheet_title=sheet_title, extra_sheets=extra_sheets)
        content_type = CONTENT_TYPES["xlsx"]
    else:
        raise ExportFormatError(fmt)
    return attach(HttpResponse(body, content_type=content_type), f"{filename}.{fmt}", fallback="export")
