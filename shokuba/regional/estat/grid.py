"""A downloaded table as sheets of text cells, whatever it came as: .xlsx, or CSV in UTF-8 (with or without BOM)
or CP932. Broken, truncated, password-protected and legacy .xls files are refused with a message that says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext as _

from shokuba.regional.estat.errors import Place, StatisticsImportError

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .xlsx, or a legacy .xls
ENCRYPTED_PACKAGE_MARKER = "EncryptedPackage".encode("utf-16-le")

Progress = Callable[[int, str], None]


@dataclass
class Sheet:
    name: str  # "" for CSV
    rows: list[list[str]] = field(default_factory=list)


def cell_text(value: object) -> str:
    """A cell as normalised text: full-width digits and signs folded (NFKC), integers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


def _refuse(file_name: str, message: str) -> StatisticsImportError:
    return StatisticsImportError.at(Place(file_name), message)


def _read_xlsx(data: bytes, file_name: str, progress: Progress | None) -> list[Sheet]:
    """Every sheet's cells, read with calamine (Rust): a full year of 表11 in about a second, where openpyxl
    takes ten. Merged cells read as their top-left value with the rest empty, as in openpyxl."""
    from python_calamine import CalamineWorkbook

    broken = _(
        "Excel ファイルが壊れているか、途中で切れています。e-Stat からダウンロードし直してください（%(detail)s）。"
    )
    sheets: list[Sheet] = []
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for index, name in enumerate(workbook.sheet_names):
            if progress:
                progress(5, _("シート「%(sheet)s」を読んでいます") % {"sheet": name})
            values = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
            sheet = Sheet(name, [[cell_text(v) for v in row] for row in values])
            while sheet.rows and not any(sheet.rows[-1]):  # trailing blank rows
                sheet.rows.pop()
            sheets.append(sheet)
    except Exception as exc:  # calamine reports zip, XML and format errors with its own exception types
        if isinstance(exc, MemoryError):
            raise
        raise _refuse(file_name, broken % {"detail": type(exc).__name__}) from exc
    if not sheets:
        raise _refuse(file_name, _("Excel ファイルにシートがありません。"))
    return sheets


def decode_text(data: bytes, file_name: str) -> str:
    """UTF-8 (a BOM is dropped) or CP932, the two encodings Japanese CSV files come in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise StatisticsImportError.at(
            Place(file_name, row=row),
            _("文字コードを判別できません。UTF-8 か Shift_JIS（CP932）の CSV として保存し直してください。"),
        ) from exc


def _read_csv(data: bytes, file_name: str) -> list[Sheet]:
    text = decode_text(data, file_name)
    if "\x00" in text:
        raise _refuse(file_name, _("CSV ではないファイルのようです（文字として読めないデータが含まれています）。"))
    sheet = Sheet("")
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            sheet.rows.append([cell_text(v) for v in row])
    except csv.Error as exc:
        raise _refuse(file_name, _("CSV の形式が正しくありません（%(detail)s）。") % {"detail": exc}) from exc
    while sheet.rows and not any(sheet.rows[-1]):
        sheet.rows.pop()
    return [sheet]


def read_table_file(data: bytes, *, file_name: str, progress: Progress | None = None) -> list[Sheet]:
    """The file's sheets, decided by content: a zip is .xlsx, an OLE2 container is refused, anything else is CSV."""
    name = PurePath(file_name).name or file_name
    if not data:
        raise _refuse(name, _("ファイルが空です。"))
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTED_PACKAGE_MARKER in data:
            raise _refuse(
                name,
                _("パスワードで保護された Excel ファイルは読めません。パスワードを解除して保存し直してください。"),
            )
        raise _refuse(
            name, _("古い形式の Excel ファイル（.xls）は読めません。.xlsx 形式か CSV で保存し直してください。")
        )
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, name, progress)
    if PurePath(name).suffix.lower() == ".xlsx":
        raise _refuse(name, _("拡張子は .xlsx ですが、Excel ファイルではありません。"))
    return _read_csv(data, name)
