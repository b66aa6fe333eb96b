"""A constant-memory XLSX writer: sheets streamed row by row straight into the ZIP archive.

Why not openpyxl's write-only mode: it takes about 1 ms a row of 60 cells (1,000,000 responses: a quarter of an
hour) and keeps each sheet in a temporary file until the workbook is saved. Here each sheet's XML is written
as its rows come, into its ZIP entry (deflate level 1), and nothing is kept but the current row: the parts that
name the sheets are written first (the sheet titles are known before any row), then each sheet in order. Strings
are inline strings (no shared-string table to hold in memory); Excel, LibreOffice and calamine read them.

Cells: None and "" are left empty; bool, int, float (finite) and Decimal are numbers; date and datetime are
Excel serial numbers with a date format; everything else is text, with the characters XML 1.0 cannot hold
(C0 controls but tab and line breaks) dropped. Formula-like text is neutralised by the caller (core.exports).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import quoteattr

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles (cellXfs order): 0 normal, 1 bold (headers), 2 date, 3 date and time.
BOLD, DATE, DATETIME = 1, 2, 3
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_EPOCH = dt.datetime(1899, 12, 30)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED = re.compile("_(x[0-9A-Fa-f]{4}_)")
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_BUFFER = 1 << 20

# The most rows a worksheet holds (Excel's limit), the header included.
MAX_ROWS = 1_048_576


def column_name(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _text(value: str, ref: str, style: int) -> str:
    if _NOT_XML.search(value):
        value = _NOT_XML.sub("", value)
    if "_x" in value:  # spreadsheets read _xHHHH_ as an escaped character: escape its underscore
        value = _ESCAPED.sub(r"_x005F_\1", value)
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{value.translate(_ESCAPE)}</t></is></c>'


def _serial(value: dt.date) -> float:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return (value - _EPOCH) / dt.timedelta(days=1)
    return float((value - _EPOCH.date()).days)


def _cell(value: Any, ref: str, style: int = 0) -> str:
    """One cell's XML at `ref` (e.g. "B2"); "" for an empty cell (every cell names its place, so a gap is just a
    missing cell). Kept flat: it runs once per cell of a million-row export."""
    kind = type(value)
    if kind is str:
        return _text(value, ref, style) if value else ""
    if kind is int or kind is float:
        if kind is float and not math.isfinite(value):
            return ""
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>' if style else f'<c r="{ref}"><v>{value!r}</v></c>'
    if value is None:
        return ""
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>' if value.is_finite() else ""
    if isinstance(value, dt.datetime):
        return f'<c r="{ref}" s="{DATETIME}"><v>{_serial(value)!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{DATE}"><v>{_serial(value)!r}</v></c>'
    return _text(str(value), ref, style)


class SheetTooLarge(ValueError):
    """More rows than a worksheet holds."""


# Cells whose value repeats (codes, 0/1 flags, short answers) are written from a cache of their XML after the
# cell's reference: a million-row export repeats a few hundred distinct values, so most cells cost one dict lookup.
# Bounded, so that a column of distinct texts cannot grow it without end; long texts are never cached.
_CACHE_ENTRIES = 65536
_CACHED_TEXT_LENGTH = 32


def _tail(value: Any, text: Callable[[str], str] | None) -> str:
    """What follows a cell's reference in its XML (`<c r="B2` + this), "" for an empty cell."""
    if type(value) is str and text is not None and value:
        value = text(value)
    cell = _cell(value, "@")
    return cell[cell.index("@") + 1 :] if cell else ""


def _sheet(
    entry: IO[bytes],
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    freeze: bool,
    text: Callable[[str], str] | None = None,
) -> int:
    """Write one worksheet's XML; returns the number of rows written after the header. `text` transforms every
    non-empty text cell of the rows (e.g. neutralising formulas), once per distinct value."""
    view = (
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
        if freeze and header
        else '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    )
    entry.write(f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">{view}<sheetData>'.encode())
    if header:
        bold = "".join(_cell(v, f"{column_name(i)}1", BOLD) for i, v in enumerate(header))
        entry.write(f'<row r="1">{bold}</row>'.encode())
    first = 2 if header else 1
    limit = MAX_ROWS - first + 1
    written = 0
    pending: list[str] = []
    size = 0
    # '<c r="B' for each column: a cell is that, its row number and its cached tail.
    starts = [f'<c r="{column_name(i)}' for i in range(len(header))]
    # Separate caches per type: 1, 1.0 and True are equal as dict keys but not as cells.
    ints: dict[int, str] = {}
    texts: dict[str, str] = {"": ""}
    tail = _tail
    cached = _CACHED_TEXT_LENGTH
    for row in rows:
        written += 1
        if written > limit:
            raise SheetTooLarge(written)
        if len(row) > len(starts):
            starts += [f'<c r="{column_name(i)}' for i in range(len(starts), len(row))]
        n = str(written + first - 1)
        parts = [f'<row r="{n}">']
        append = parts.append
        for start, v in zip(starts, row, strict=False):
            kind = type(v)
            if kind is str:
                end = texts.get(v)
                if end is None:
                    end = tail(v, text)
                    if len(v) <= cached and len(texts) < _CACHE_ENTRIES:
                        texts[v] = end
            elif kind is int:
                end = ints.get(v)
                if end is None:
                    end = tail(v, text)
                    if len(ints) < _CACHE_ENTRIES:
                        ints[v] = end
            elif v is None:
                continue
            else:
                end = tail(v, text)
            if end:
                append(start + n + end)
        append("</row>")
        line = "".join(parts)
        pending.append(line)
        size += len(line)
        if size > _BUFFER:
            entry.write("".join(pending).encode())
            pending.clear()
            size = 0
    entry.write(("".join(pending) + "</sheetData></worksheet>").encode())
    return written


def write_workbook(
    stream: IO[bytes],
    sheets: Sequence[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]],
    *,
    freeze: bool = True,
    text: Callable[[str], str] | None = None,
) -> list[int]:
    """Stream sheets (title, header with bold cells, rows) into `stream` as one workbook; returns each sheet's
    number of rows after its header. Titles are cut to Excel's 31 characters; `freeze` keeps the header in
    view; `text` transforms every non-empty text cell (headers included). The stream needs no seeking (ZIP data
    descriptors), so a response or a pipe will do."""
    titles = [title[:31] for title, _header, _rows in sheets]
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    parts = {
        "[Content_Types].xml": _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": _HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/_rels/workbook.xml.rels": _HEAD
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
        "xl/workbook.xml": _HEAD
        + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        + "".join(
            f'<sheet name={quoteattr(_NOT_XML.sub("", title))} sheetId="{i}" r:id="rId{i}"/>'
            for i, title in enumerate(titles, start=1)
        )
        + "</sheets></workbook>",
        "xl/styles.xml": _STYLES,
    }
    counts: list[int] = []
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
        for i, (_title, header, rows) in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as entry:
                header = [text(v) if text is not None and type(v) is str and v else v for v in header]
                counts.append(_sheet(entry, header, rows, freeze, text))
    return counts
