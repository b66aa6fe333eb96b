"""A downloaded table as sheets of normalised text cells, whatever it came as (.xlsx, or CSV in UTF-8 with or without
BOM, or CP932), read by the one tabular reader (`shokuba.tabular`): its decoder, its ZIP guard and calamine, its
refusals (broken, truncated, password-protected, legacy .xls, other encodings). This module only turns the reader's
cells into the text `tables.py` parses and its refusals into `StatisticsImportError`s with their places.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from shokuba.regional.estat.errors import ImportProblem, Place, StatisticsImportError
from shokuba.tabular import CellRange, Limits, TableRefused, cell_text, column_index, open_workbook
from shokuba.tabular.archive import ENCRYPTED_PACKAGE_MARKER, OLE2_MAGIC, ZIP_MAGIC
from shokuba.tabular.errors import CellError
from shokuba.tabular.reader import Sheet as TabularSheet

__all__ = [
    "ENCRYPTED_PACKAGE_MARKER",
    "OLE2_MAGIC",
    "ZIP_MAGIC",
    "Progress",
    "Sheet",
    "cell_text",
    "read_table_file",
]

Progress = Callable[[int, str], None]

# A whole-country year of 表11 as .xlsx inflates to some tens of MB; its sheet XML compresses 10–40-fold.
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024


@dataclass
class Sheet:
    """One sheet as text: `rows[0]` is the spreadsheet's row 1 (trailing blank rows dropped). `merged` keeps the
    merged ranges (their top-left cell holds the value, the rest are empty): `problems(merged_from_row=…)` refuses
    those reaching the data, once the parser knows where the data starts."""

    name: str  # "" for CSV
    rows: list[list[str]] = field(default_factory=list)
    merged: tuple[CellRange, ...] = ()

    def problems(self, *, merged_from_row: int, file_name: str = "") -> list[ImportProblem]:
        found = TabularSheet(self.name, "xlsx", merged=self.merged).problems(merged_from_row=merged_from_row)
        return [_problem(error, file_name) for error in found]


def _place(error: CellError, file_name: str) -> Place:
    column = None
    if error.column and error.column.isalpha():
        column = column_index(error.column)
    return Place(file_name, error.sheet, error.row, column)


def _problem(error: CellError, file_name: str) -> ImportProblem:
    return ImportProblem(_place(error, file_name), error.message)


def _refused(refusal: TableRefused, file_name: str) -> StatisticsImportError:
    return StatisticsImportError([_problem(error, file_name) for error in refusal.errors])


def read_table_file(data: bytes, *, file_name: str, progress: Progress | None = None) -> list[Sheet]:
    """The file's sheets, decided by content: a ZIP is .xlsx, an OLE2 container is refused, anything else is CSV.
    Formula cells are refused (the rule of every import); merged cells are left to the parser (see `Sheet`)."""
    limits = Limits(
        max_bytes=max(getattr(settings, "REGIONAL_IMPORT_MAX_BYTES", 0), len(data)),
        max_uncompressed_bytes=MAX_UNCOMPRESSED_BYTES,
    )
    try:
        workbook = open_workbook(data, file_name, limits=limits)
        sheets: list[Sheet] = []
        formulas: list[CellError] = []
        for name in workbook.sheet_names:
            if progress and workbook.format == "xlsx":
                progress(5, _("シート「%(sheet)s」を読んでいます") % {"sheet": name})
            read = workbook.sheet(name)
            rows = [[cell_text(v) for v in row.cells] for row in read.rows()]
            while rows and not any(rows[-1]):  # trailing blank rows
                rows.pop()
            sheets.append(Sheet(read.name, rows, read.merged))
            formulas.extend(read.problems(merged_from_row=None))  # formulas only
    except TableRefused as refusal:
        raise _refused(refusal, workbook_name(file_name)) from refusal
    if formulas:
        raise _refused(TableRefused(formulas), workbook_name(file_name))
    return sheets


def workbook_name(file_name: str) -> str:
    return PurePath(file_name).name or file_name
