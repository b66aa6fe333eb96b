"""Bytes in (with a file name) → a workbook of sheets of rows of cells, decided by content, never by the name.

- CSV (UTF-8 with/without BOM, CP932; comma or tab): one sheet named "", streamed: `Sheet.rows()` decodes and
  parses as it goes, so a 340 MB file is never held as text or as a list of rows.
- XLSX: the ZIP guard (`archive.py`), then python-calamine (Rust; a year of 表11 in about a second where openpyxl
  takes ten). Cells come as calamine gives them: str, float (every number), bool, datetime/date/time/timedelta,
  and "" for an empty cell. Formula cells (a `<f>` element in the sheet's XML) and merged ranges are known by
  cell, and `Sheet.problems` refuses them by the one rule every import follows.
- A ZIP that is not a workbook must hold exactly one CSV (the 女性活躍DB download); it is streamed from the
  archive through the same guards.
- Refused by name: legacy .xls and password-protected workbooks (OLE2), OpenDocument, broken or truncated files,
  other encodings (`text.py`), empty files, files over `Limits.max_bytes`.

Rows are numbered as the spreadsheet numbers them (row 1 is the first line; a CSV record with a quoted line break is
one row, as in Excel).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any, NamedTuple

from shokuba.analysis.i18n import _
from shokuba.tabular import archive as zipguard
from shokuba.tabular.archive import OLE2_MAGIC, ZIP_MAGIC, Limits
from shokuba.tabular.errors import CellError, TableRefused, column_index, column_letter
from shokuba.tabular.text import (
    CP932,
    BadText,
    binary_refusal,
    detect_encoding,
    encoding_label,
    private_use_refusal,
    text_lines,
    truncated_refusal,
)

CSV = "csv"
XLSX = "xlsx"


class Row(NamedTuple):
    """One row: its number as the spreadsheet shows it (1-based) and its cells (0-based columns)."""

    number: int
    cells: list[Any]


@dataclass(frozen=True)
class CellRange:
    """A rectangle of cells: rows as the spreadsheet numbers them, 0-based columns."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int

    def __str__(self) -> str:
        return f"{column_letter(self.first_column)}{self.first_row}:{column_letter(self.last_column)}{self.last_row}"


def is_blank(value: Any) -> bool:
    """An empty cell: None, "" or only spaces (calamine gives "" for an empty cell, CSV gives "")."""
    return value is None or (isinstance(value, str) and not value.strip())


def blank_row(cells: Sequence[Any]) -> bool:
    return all(is_blank(v) for v in cells)


# --- sheets -----------------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One sheet. `rows()` may be called more than once (a CSV is read again from its start each time)."""

    name: str  # "" for a CSV
    format: str  # "csv" or "xlsx"
    formula_cells: frozenset[tuple[int, int]] = frozenset()  # (row number, 0-based column)
    merged: tuple[CellRange, ...] = ()
    _rows: list[list[Any]] | None = None
    _csv: _CsvSource | None = None

    def rows(self) -> Iterator[Row]:
        if self._rows is not None:
            return (Row(number, cells) for number, cells in enumerate(self._rows, start=1))
        assert self._csv is not None
        return self._csv.rows()

    def problems(self, *, merged_from_row: int | None = 1) -> list[CellError]:
        """The one rule for cells no import takes: every formula (type the value, or paste values), and every
        merged range reaching row `merged_from_row` or below (a caller whose header spans several rows, like
        e-Stat's sex blocks, allows merged cells above its first data row; None: the caller judges merged cells
        later, once it knows where its data starts)."""
        found: list[CellError] = []
        for row, column in sorted(self.formula_cells):
            found.append(
                CellError(
                    _("数式が入っています。数式ではなく値を入力してください（コピーして「値の貼り付け」）。"),
                    self.name,
                    row,
                    column_letter(column),
                )
            )
        for cells in self.merged:
            if merged_from_row is not None and cells.last_row >= merged_from_row:
                found.append(
                    CellError(
                        _("セル %(range)s が結合されています。結合を解除し、1つのセルに1つの値を入れてください。")
                        % {"range": str(cells)},
                        self.name,
                        cells.first_row,
                        column_letter(cells.first_column),
                    )
                )
        return found


class _NulFound(Exception):
    """A NUL byte: not text. The checked path finds its row."""


class _NulGuard(io.BufferedIOBase):
    """The caller's binary stream, refusing NUL bytes as they pass (csv reads NUL as a character since 3.11)."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__()
        self._stream = stream

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data = self._stream.read(-1 if size is None else size)
        if b"\x00" in data:
            raise _NulFound
        return data

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)


@dataclass
class _CsvSource:
    stream: IO[bytes]
    name: str
    encoding: str
    delimiter: str
    max_rows: int | None

    def rows(self) -> Iterator[Row]:
        """UTF-8 streams through io.TextIOWrapper and csv (C code, strict decoding); the first decoding problem
        sends the read through `text_lines`, which finds the row it is in. CP932 always takes that path, which also
        refuses its user-defined characters."""
        if self.encoding == CP932:
            yield from self._checked_rows()
            return
        number = 0
        self.stream.seek(0)
        guarded: Any = _NulGuard(self.stream)  # a BufferedIOBase; typeshed wants its own buffer protocol
        text = io.TextIOWrapper(guarded, encoding=self.encoding, errors="strict", newline="")
        text._CHUNK_SIZE = 1 << 16  # type: ignore[attr-defined]  # fewer, larger reads
        try:
            reader = csv.reader(text, delimiter=self.delimiter, strict=True)
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except (UnicodeDecodeError, _NulFound):
                    break
                except csv.Error as exc:
                    raise self._bad_csv(exc, number + 1) from None
                number += 1
                self._count(number)
                yield Row(number, cells)
        finally:
            text.detach()  # the stream is the caller's: a wrapper going away must not close it
        for _row in self._checked_rows():  # raises TableRefused at the row of the first problem
            pass
        raise TableRefused.one(_("ファイル「%(name)s」を読めません。") % {"name": self.name})  # pragma: no cover

    def _checked_rows(self) -> Iterator[Row]:
        reader = csv.reader(text_lines(self.stream, self.encoding), delimiter=self.delimiter, strict=True)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except BadText as bad:
                raise self._bad_text(bad.reason, number + 1) from None
            except csv.Error as exc:
                raise self._bad_csv(exc, number + 1) from None
            number += 1
            self._count(number)
            yield Row(number, cells)

    def _count(self, number: int) -> None:
        if self.max_rows is not None and number > self.max_rows:
            raise TableRefused.one(
                _("ファイル「%(name)s」は行が多すぎます（%(max)s行まで読めます）。ファイルを分けてください。")
                % {"name": self.name, "max": f"{self.max_rows:,}"}
            )

    def _bad_text(self, reason: str, row: int) -> TableRefused:
        if reason == "truncated":
            return truncated_refusal(self.name, row)
        if reason == "binary":
            return binary_refusal(self.name, row)
        if reason == "private_use":
            return private_use_refusal(row)
        return TableRefused.one(
            _(
                "%(encoding)s として読めない文字があります。ファイルの文字コードが途中で変わっているか、"
                "壊れています。「CSV UTF-8（コンマ区切り）」で保存し直してください。"
            )
            % {"encoding": encoding_label(self.encoding)},
            row=row,
        )

    def _bad_csv(self, exc: csv.Error, row: int) -> TableRefused:
        if "unexpected end of data" in str(exc):
            return TableRefused.one(
                _(
                    'ファイル「%(name)s」は途中で切れています（引用符（"）が閉じないまま終わっています）。'
                    "ダウンロードか保存をし直してください。"
                )
                % {"name": self.name},
                row=row,
            )
        if "field larger than field limit" in str(exc):
            return TableRefused.one(_("セルが大きすぎます。"), row=row)
        return TableRefused.one(
            _('CSV の形式が正しくありません（%(detail)s）。引用符（"）の対応を確かめてください。')
            % {"detail": str(exc)[:80]},
            row=row,
        )


# --- workbooks --------------------------------------------------------------------------------------------------


@dataclass
class Workbook:
    """What a file holds. For a CSV, one sheet named ""; `member` is the CSV's name inside a ZIP."""

    name: str
    format: str
    encoding: str = ""  # "utf-8-sig", "utf-8" or "cp932" for CSV; "" for XLSX
    member: str = ""
    sheet_names: list[str] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)
    _csv_sheet: Sheet | None = None
    _calamine: Any = None
    _archive: zipfile.ZipFile | None = None
    _sheets: dict[str, Sheet] = field(default_factory=dict)

    def sheet(self, name: str | None = None, *, prefer: Sequence[str] = ()) -> Sheet:
        """A sheet by name (refused, naming the sheets there are, if missing); without a name, the first of
        `prefer` that exists, else the first worksheet. A CSV has one sheet, whatever is asked."""
        if self._csv_sheet is not None:
            return self._csv_sheet
        if name is None:
            name = next((p for p in prefer if p in self.sheet_names), None) or self.sheet_names[0]
        elif name not in self.sheet_names:
            raise TableRefused.one(
                _("ファイル「%(name)s」にシート「%(sheet)s」がありません（あるシート：%(sheets)s）。")
                % {"name": self.name, "sheet": name, "sheets": "、".join(self.sheet_names)}
            )
        if name not in self._sheets:
            self._sheets[name] = self._read_sheet(name)
        return self._sheets[name]

    def sheets(self) -> Iterator[Sheet]:
        """Every sheet in order."""
        if self._csv_sheet is not None:
            yield self._csv_sheet
            return
        for name in self.sheet_names:
            yield self.sheet(name)

    def _read_sheet(self, name: str) -> Sheet:
        limits = self.limits
        try:
            calamine_sheet = self._calamine.get_sheet_by_name(name)
            end = calamine_sheet.end
            height, width = (end[0] + 1, end[1] + 1) if end is not None else (0, 0)
            if (limits.max_rows is not None and height > limits.max_rows) or (
                limits.max_columns is not None and width > limits.max_columns
            ):
                raise TableRefused.one(
                    _(
                        "シート「%(sheet)s」が大きすぎます（%(rows)s行 × %(columns)s列）。"
                        "読めるのは%(max_rows)s行・%(max_columns)s列までです。ファイルを分けてください。"
                    )
                    % {
                        "sheet": name,
                        "rows": f"{height:,}",
                        "columns": f"{width:,}",
                        "max_rows": f"{limits.max_rows or height:,}",
                        "max_columns": f"{limits.max_columns or width:,}",
                    }
                )
            rows = calamine_sheet.to_python(skip_empty_area=False)
            merged = tuple(
                CellRange(a[0] + 1, a[1], b[0] + 1, b[1]) for a, b in (calamine_sheet.merged_cell_ranges or [])
            )
        except TableRefused:
            raise
        except Exception as exc:  # calamine reports XML and format errors with its own exception types
            if isinstance(exc, MemoryError):
                raise
            raise TableRefused.one(
                _("ファイル「%(name)s」は Excel ファイルとして読めません（%(detail)s）。")
                % {"name": self.name, "detail": type(exc).__name__}
            ) from exc
        assert self._archive is not None
        return Sheet(name, XLSX, _formula_cells(self._archive, name), merged, _rows=rows)


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def open_workbook(
    source: bytes | IO[bytes],
    file_name: str,
    *,
    limits: Limits | None = None,
    extensions: Collection[str] | None = None,
) -> Workbook:
    """Open an uploaded table. `source` is the file's bytes or a seekable binary file (a big CSV is then streamed
    from it, never read whole); `file_name` names it in messages (only the last part is used). `extensions`
    (e.g. {".csv", ".xlsx"}) refuses other names up front; otherwise only the content decides. Raises TableRefused
    with a Japanese message saying why the file cannot be read."""
    limits = limits or Limits()
    name = PurePath(file_name).name or _("（名前なし）")
    extension = PurePath(name).suffix.lower()
    if extensions is not None and extension not in extensions:
        if extension == ".xls":
            raise TableRefused.one(
                _(
                    "ファイル「%(name)s」は古い形式（.xls）のため読めません。"
                    "Excel で「Excel ブック（.xlsx）」として保存し直してください。"
                )
                % {"name": name}
            )
        raise TableRefused.one(
            _("ファイル「%(name)s」は取り込めません。%(allowed)s のファイルにしてください。")
            % {"name": name, "allowed": "・".join(_describe(e) for e in sorted(extensions, key=_extension_order))}
        )
    stream: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    size = _size(stream)
    if size == 0:
        raise TableRefused.one(_("ファイル「%(name)s」は空です。") % {"name": name})
    if size > limits.max_bytes:
        raise TableRefused.one(
            _("ファイル「%(name)s」は大きすぎます（%(size).1f MB）。%(limit).0f MB 以下に分けてください。")
            % {"name": name, "size": size / 1024 / 1024, "limit": limits.max_bytes / 1024 / 1024}
        )
    head = stream.read(4096)
    stream.seek(0)
    if head.startswith(OLE2_MAGIC):
        stream.seek(0)
        raise zipguard.ole2_refusal(stream.read(min(size, 1 << 20)), name)
    if head.startswith(ZIP_MAGIC):
        return _open_zip(stream, name, limits)
    if extension in {".xlsx", ".xlsm"}:
        raise TableRefused.one(
            _(
                "ファイル「%(name)s」は拡張子が %(ext)s ですが、Excel ファイルではありません"
                "（壊れているか、別の形式です）。"
            )
            % {"name": name, "ext": extension}
        )
    if extension == ".zip":
        raise zipguard.broken_refusal(name, workbook=False)
    return _open_csv(stream, name, limits)


def _extension_order(extension: str) -> tuple[int, str]:
    order = [".xlsx", ".csv", ".zip"]
    return (order.index(extension) if extension in order else len(order), extension)


def _describe(extension: str) -> str:
    return {".xlsx": "Excel（.xlsx）", ".csv": "CSV（.csv）", ".zip": "ZIP（.zip）"}.get(extension, extension)


def _open_csv(stream: IO[bytes], name: str, limits: Limits, member: str = "") -> Workbook:
    shown = member or name
    encoding = detect_encoding(stream, name=shown)
    head = stream.read(64 * 1024)
    stream.seek(0)
    first_line = head.split(b"\n", 1)[0].decode(encoding, "replace")
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    # The field limit is process-wide; raise it to what a file may hold, so an oversized cell is read and reported
    # where it is rather than ending the read.
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_bytes, limits.max_uncompressed_bytes))
    source = _CsvSource(stream, shown, encoding, delimiter, limits.max_rows)
    workbook = Workbook(name, CSV, encoding=encoding, member=member, sheet_names=[""], limits=limits)
    workbook._csv_sheet = Sheet("", CSV, _csv=source)
    return workbook


def _open_zip(stream: IO[bytes], name: str, limits: Limits) -> Workbook:
    probe = zipguard.checked_archive(stream, name, limits, workbook=PurePath(name).suffix.lower() != ".zip")
    if zipguard.is_workbook(probe):
        zipguard.inflate_all(probe, name)
        return _open_xlsx(stream, probe, name, limits)
    if zipguard.is_opendocument(probe):
        raise TableRefused.one(
            _(
                "ファイル「%(name)s」は OpenDocument（.ods）形式のため読めません。"
                "「Excel 2007-365（.xlsx）」か CSV として保存し直してください。"
            )
            % {"name": name}
        )
    if PurePath(name).suffix.lower() in {".xlsx", ".xlsm"}:
        raise TableRefused.one(
            _("ファイル「%(name)s」は Excel ブック（.xlsx）ではありません（ほかの形式の名前を変えたものです）。")
            % {"name": name}
        )
    members = [
        i
        for i in probe.infolist()
        if not i.is_dir() and i.filename.lower().endswith((".csv", ".txt")) and not i.filename.startswith("__MACOSX/")
    ]
    if len(members) != 1:
        raise TableRefused.one(
            _("ZIP ファイル「%(name)s」には CSV ファイルが1つだけ入っている必要があります（%(count)d個あります）。")
            % {"name": name, "count": len(members)}
        )
    inner = PurePath(members[0].filename).name
    stream = io.BufferedReader(zipguard.MemberStream(probe, members[0], name), buffer_size=1 << 20)
    return _open_csv(stream, name, limits, member=inner)


def _open_xlsx(stream: IO[bytes], archive: zipfile.ZipFile, name: str, limits: Limits) -> Workbook:
    from python_calamine import CalamineWorkbook

    try:
        stream.seek(0)
        calamine = CalamineWorkbook.from_filelike(stream)
        names = [
            m.name for m in calamine.sheets_metadata if str(getattr(m.typ, "name", m.typ)).lower().endswith("worksheet")
        ] or list(calamine.sheet_names)
    except Exception as exc:  # calamine reports zip, XML and format errors with its own exception types
        if isinstance(exc, MemoryError):
            raise
        raise TableRefused.one(
            _("ファイル「%(name)s」は Excel ファイルとして読めません（%(detail)s）。")
            % {"name": name, "detail": type(exc).__name__}
        ) from exc
    if not names:
        raise TableRefused.one(_("ファイル「%(name)s」にシートがありません。") % {"name": name})
    workbook = Workbook(name, XLSX, sheet_names=names, limits=limits)
    workbook._calamine = calamine
    workbook._archive = archive
    return workbook


# --- formulas, from the sheet's XML -----------------------------------------------------------------------------

_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_RELATIONSHIP_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_FORMULA_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b")
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")


def _attributes(raw: bytes) -> dict[str, str]:
    found = {}
    for key, value in _ATTRIBUTE.findall(raw):
        text = value.decode("utf-8", "replace")
        text = text.replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">")
        found[key.decode().split(":")[-1]] = text.replace("&amp;", "&")
    return found


def _sheet_path(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The worksheet part of a sheet name (workbook.xml → its relationships), or None if it cannot be told."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    relation_id = next(
        (a.get("id") for a in map(_attributes, _SHEET_TAG.findall(workbook)) if a.get("name") == sheet), None
    )
    for relation in map(_attributes, _RELATIONSHIP_TAG.findall(relations)):
        if relation.get("Id") == relation_id:
            target = relation.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _formula_cells(archive: zipfile.ZipFile, sheet: str) -> frozenset[tuple[int, int]]:
    path = _sheet_path(archive, sheet)
    if path is None or path not in archive.namelist():
        return frozenset()
    xml = archive.read(path)  # bounded by the archive's checks
    if b"<f" not in xml and b":f" not in xml:
        return frozenset()
    cells: set[tuple[int, int]] = set()
    for raw in _FORMULA_CELL.findall(xml):
        match = _CELL_REF.match(_attributes(raw).get("r", ""))
        if match:
            cells.add((int(match.group(2)), column_index(match.group(1))))
    return frozenset(cells)
