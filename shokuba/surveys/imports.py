"""Paper and Excel responses: the import sheet of a wave, and reading a filled one back, cell by cell.

The import sheet has exactly the column layout of the raw export (`exports.header`): the four fixed columns
(回答ID, 回答日, 企業・団体, 経路), the attribute columns, then one column per single/likert/number/text answer and
matrix statement, one 0/1 column per option of a multiple choice and one column per rank of a ranking. So a
downloaded export imports again as it is, and the blank sheet is the export's header with no rows.

Reading is all-or-nothing and happens before any write: `prepare_import` returns either every row as cleaned
answers (checked by `answers.validate_submission`, the same check as the answering page) or every problem as a
`CellError` naming the sheet, the row as Excel numbers it, the column letter and its header, and what was
expected, in Japanese. The file itself is checked first:

- CSV: a BOM means UTF-8; else strict UTF-8; else CP932 (Shift_JIS as Excel writes it); else refused, naming the
  line with the first undecodable byte. UTF-16 ("Unicode テキスト") is refused with how to save instead.
- XLSX: before anything parses it, the ZIP's central directory is checked (number of entries, declared
  uncompressed sizes, compression ratio: a ZIP bomb is refused without inflating it), then every entry is inflated
  in a bounded stream whose CRC must match (a lying header is refused too). Cells are read with calamine; real
  formulas (a `<f>` element) and merged cells are found in the sheet and reported by cell.
- Full-width digits are folded (NFKC) in code and number cells; a code typed as a number (4 for "04") or the
  choice's label is accepted; formula-like text (=, +, @) in a code or number cell is an error, while in a free-text
  cell it is stored as typed (exports neutralise it again). The exports' own neutralising quote ('=…, '-29) is
  taken off, so an export round-trips.
- Blank rows are skipped wherever they are. At most `MAX_LISTED_ERRORS` problems are listed, with the total.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from shokuba.core.exports import FORMULA_PREFIXES
from shokuba.core.text import file_name_clean
from shokuba.surveys import exports
from shokuba.surveys.answers import AnswerProblem, AnswerRow, answer_rows, validate_submission
from shokuba.surveys.instrument import ATTRIBUTES, NON_SUBSTANTIVE, Choice, Definition, Question
from shokuba.surveys.messages import answer_message

# Limits. The file: 20 MB (a 10 MB text cell still gets a message about that cell, not about the file); the
# inflated workbook: 200 MB in at most 2,000 entries, no entry inflating more than 200-fold once it is over 1 MB
# (sheet XML compresses 5–30-fold; a ZIP bomb thousands-fold); 10,000 responses per file.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_RATIO = 200
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 2000
MAX_LISTED_ERRORS = 200

SHEET_NAME = "回答"
CODEBOOK_SHEET = "コードブック"
GUIDE_SHEET = "記入方法"
ID_HEADER, DATE_HEADER, ORGANISATION_HEADER, CHANNEL_HEADER = exports.FIXED_HEADER

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a password-protected .xlsx, or a legacy .xls
FORMULA_LIKE = ("=", "+", "@")  # in a code or number cell; "-" starts valid codes (-29) and negative numbers


def max_file_bytes() -> int:
    return int(getattr(settings, "SURVEY_IMPORT_MAX_BYTES", MAX_FILE_BYTES))


# --- what goes wrong, where ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    """One problem: where (sheet, row as Excel numbers it, column letter(s) and header) and what was expected."""

    message: str
    sheet: str = ""  # "" for a CSV file
    row: int | None = None
    column: str = ""  # "E", or "E〜H" for the columns of one multiple choice
    header: str = ""

    @property
    def place(self) -> str:
        parts = []
        if self.sheet:
            parts.append(_("シート「%(sheet)s」") % {"sheet": self.sheet})
        if self.row is not None:
            parts.append(_("%(row)d行目") % {"row": self.row})
        if self.column:
            parts.append(_("%(column)s列") % {"column": self.column})
        text = " ".join(parts)
        return f"{text}（{self.header}）" if self.header else text

    def __str__(self) -> str:
        return f"{self.place}：{self.message}" if self.place else self.message


class ImportRefused(Exception):
    """The file cannot be imported; `errors` lists (at most MAX_LISTED_ERRORS of) the problems, `total` counts all."""

    def __init__(self, errors: Sequence[CellError], total: int | None = None) -> None:
        self.errors = list(errors[:MAX_LISTED_ERRORS])
        self.total = total if total is not None else len(errors)
        super().__init__(self.summary)

    @property
    def summary(self) -> str:
        if self.total == 1:
            return str(self.errors[0])
        if self.total > len(self.errors):
            return _(
                "取り込めませんでした。%(total)s件の誤りがあります（最初の%(shown)s件を表示しています）。"
                "1件も保存していません。"
            ) % {"total": f"{self.total:,}", "shown": f"{len(self.errors):,}"}
        return _("取り込めませんでした。%(total)s件の誤りがあります。1件も保存していません。") % {
            "total": f"{self.total:,}"
        }


def _refuse(message: str, **where: Any) -> ImportRefused:
    return ImportRefused([CellError(message, **where)])


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cell_name(row: int, column: int) -> str:
    return f"{column_letter(column)}{row + 1}"


# --- the layout (the export's columns) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """What one column of the sheet holds: an attribute, or part of a question's answer."""

    header: str
    kind: str  # "attribute", or the question's type
    question: Question | None = None
    attribute: str = ""
    part: str = ""  # the choice (multiple), the rank (ranking) or the statement (matrix)


def layout(definition: Definition) -> list[Slot]:
    """The answer columns in the export's order, headers taken from `exports.columns` so the two never drift."""
    parts: list[tuple[Question, str]] = []
    for question in definition.questions:
        if question.type == "multiple":
            parts.extend((question, choice.code) for choice in question.choices)
        elif question.type == "ranking":
            limit = question.max_choices or len(question.choices)
            parts.extend((question, str(rank)) for rank in range(1, limit + 1))
        elif question.type == "matrix":
            parts.extend((question, item.code) for item in question.items)
        else:
            parts.append((question, ""))
    slots = [Slot(code, "attribute", attribute=code) for code in definition.attributes]
    for column, (question, part) in zip(exports.columns(definition), parts, strict=True):
        slots.append(Slot(column.header, question.type, question=question, part=part))
    return slots


def sheet_header(definition: Definition) -> list[str]:
    return exports.header(definition)


def guide_rows(definition: Definition) -> list[list[str]]:
    """The 記入方法 sheet of the blank workbook: how to fill the 回答 sheet, one instruction per row."""
    lines = [
        _("1行に1人分の回答を入力します。1行目の見出しは変えないでください（列の順番は入れ替えても構いません）。"),
        _("回答はコードで入力します。コードの意味は「コードブック」シートにあります（選択肢の文言でも受け付けます）。"),
        _("複数選択の質問は、選んだ選択肢の列に 1、選ばなかった列に 0 を入力します（空欄は 0 と同じです）。"),
        _("順位の質問は、1位・2位…の列に選択肢のコードを入力します。同じコードは2回使えません。"),
        _("無回答は空欄のままにします。必須の質問が空欄の行は取り込めません。"),
        _("「回答ID」「回答日」「経路」は空欄で構いません（取り込む日付と新しい回答IDが付きます）。"),
        _("「企業・団体」には回答用リンクの配布先の名称を入力します（全体で1つのリンクの調査では空欄にできます）。"),
        _("数式は使わず、値を入力してください。セルの結合もしないでください。"),
        _(
            "ファイルは1件の回答も欠けずに取り込まれるか、1件も取り込まれないかのどちらかです。同じファイルは2回取り込めません。"
        ),
    ]
    return [[f"{n}. {line}"] for n, line in enumerate(lines, start=1)]


# --- reading the file ----------------------------------------------------------------------------------------


@dataclass
class Table:
    """The cells of the sheet that holds the responses. Row 0 is Excel's row 1."""

    file_format: str  # "xlsx" or "csv"
    encoding: str  # "" for XLSX
    sheet: str  # "" for CSV
    rows: list[list[Any]]
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, column), 0-based
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col


def read_table(data: bytes, file_name: str) -> Table:
    """The response sheet of an uploaded .xlsx or .csv, or ImportRefused saying why the file cannot be read."""
    name = file_name_clean(file_name) or _("（名前なし）")
    extension = PurePath(name).suffix.lower()
    if extension == ".xls":
        raise _refuse(
            _(
                "ファイル「%(name)s」は古い形式（.xls）のため読めません。"
                "Excel で「Excel ブック（.xlsx）」として保存し直してください。"
            )
            % {"name": name}
        )
    if extension not in {".xlsx", ".csv"}:
        raise _refuse(
            _("ファイル「%(name)s」は取り込めません。Excel（.xlsx）か CSV（.csv）にしてください。") % {"name": name}
        )
    if not data:
        raise _refuse(_("ファイル「%(name)s」は空です。") % {"name": name})
    limit = max_file_bytes()
    if len(data) > limit:
        raise _refuse(
            _("ファイル「%(name)s」は大きすぎます（%(size).1f MB）。%(limit).0f MB 以下に分けてください。")
            % {"name": name, "size": len(data) / 1024 / 1024, "limit": limit / 1024 / 1024}
        )
    if extension == ".xlsx":
        return _read_xlsx(data, name)
    return _read_csv(data, name)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(
            _(
                "ファイル「%(name)s」は UTF-16（Unicode テキスト）で保存されているため読めません。"
                "Excel で「CSV UTF-8（コンマ区切り）」として保存し直してください。"
            )
            % {"name": name}
        )
    else:
        encoding = ""
    if b"\x00" in data:
        raise _refuse(
            _("ファイル「%(name)s」は CSV（文字のファイル）ではありません。取込用シートの形式で保存してください。")
            % {"name": name}
        )
    candidates = [encoding] if encoding else ["utf-8", "cp932"]
    first_failure = 0
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError as exc:
            first_failure = max(first_failure, exc.start)
            continue
        if candidate == "cp932":
            _refuse_mojibake(data, text, name)
        return text, candidate
    line = data[:first_failure].count(b"\n") + 1
    raise _refuse(
        _(
            "ファイル「%(name)s」の文字コードを判別できません（%(line)d行目に UTF-8 でも Shift_JIS（CP932）でも"
            "読めない文字があります）。Excel で「CSV UTF-8（コンマ区切り）」として保存し直してください。"
        )
        % {"name": name, "line": line}
    )


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_HALF_WIDTH_KANA = re.compile("[\uff61-\uff9f]")


def _refuse_mojibake(data: bytes, text: str, name: str) -> None:
    """CP932 decodes almost any bytes; refuse what is evidently another encoding read as CP932: EUC-JP (Japanese
    that comes out as half-width katakana) or bytes CP932 maps to private-use characters."""
    if _HALF_WIDTH_KANA.search(text):
        try:
            euc = data.decode("euc_jp")
        except UnicodeDecodeError:
            euc = ""
        if euc and not _HALF_WIDTH_KANA.search(euc):
            raise _refuse(
                _(
                    "ファイル「%(name)s」は EUC-JP で保存されているようです。"
                    "UTF-8 か Shift_JIS（CP932）で保存し直してください。"
                )
                % {"name": name}
            )
    odd = _PRIVATE_USE.search(text)
    if odd:
        raise _refuse(
            _(
                "ファイル「%(name)s」の文字コードを判別できません（%(line)d行目に UTF-8 でも Shift_JIS（CP932）でも"
                "読めない文字があります）。Excel で「CSV UTF-8（コンマ区切り）」として保存し直してください。"
            )
            % {"name": name, "line": text[: odd.start()].count("\n") + 1}
        )


def _read_csv(data: bytes, name: str) -> Table:
    text, encoding = _decode(data, name)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    # The field limit is process-wide; raise it to what a file may hold so that an oversized cell is read and
    # reported where it is (text_too_long) rather than ending the read.
    csv.field_size_limit(max(csv.field_size_limit(), max_file_bytes()))
    rows: list[list[Any]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1000:  # more rows than can be imported, blank ones included
                break
    except csv.Error as exc:
        raise _refuse(
            _('CSV の%(line)d行目を読めません（%(detail)s）。引用符（"）の対応を確かめてください。')
            % {"line": reader.line_num, "detail": str(exc)[:80]}
        ) from exc
    return Table("csv", encoding, "", rows)


def _zip_checked(data: bytes, name: str) -> zipfile.ZipFile:
    """The workbook's archive after refusing bombs by their declared sizes, then inflating every entry in a bounded
    stream (zipfile stops at the declared size and checks the CRC, so a header that lies is caught too)."""
    broken = _("ファイル「%(name)s」は Excel ファイルとして読めません（壊れているか、途中で切れています）。") % {
        "name": name
    }
    if data.startswith(OLE2_MAGIC):
        raise _refuse(
            _(
                "ファイル「%(name)s」はパスワード付きか古い形式（.xls）の Excel ファイルです。"
                "パスワードを外し、「Excel ブック（.xlsx）」として保存し直してください。"
            )
            % {"name": name}
        )
    if not data.startswith(ZIP_MAGIC):
        raise _refuse(broken)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _refuse(broken) from exc
    too_big = _(
        "ファイル「%(name)s」は展開すると大きくなりすぎるため読みません（ZIP 爆弾の疑い）。"
        "取込用シートに値だけを入力したファイルにしてください。"
    ) % {"name": name}
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _refuse(too_big)
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio_suspicious = entry.file_size > RATIO_CHECK_FROM_BYTES and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        )
        if total > MAX_UNCOMPRESSED_BYTES or ratio_suspicious:
            raise _refuse(too_big)
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _refuse(
            _("ファイル「%(name)s」は Excel ブック（.xlsx）ではありません（ほかの形式の名前を変えたものです）。")
            % {"name": name}
        )
    try:
        for entry in entries:
            if entry.flag_bits & 0x1:
                raise _refuse(
                    _("ファイル「%(name)s」は暗号化されています。パスワードを外して保存し直してください。")
                    % {"name": name}
                )
            with archive.open(entry) as stream:
                while stream.read(1024 * 1024):
                    pass
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:  # CRC, method, cut
        raise _refuse(broken) from exc
    return archive


_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_RELATIONSHIP_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_FORMULA_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b")
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


def _attributes(raw: bytes) -> dict[str, str]:
    found = {}
    for key, value in _ATTRIBUTE.findall(raw):
        text = value.decode("utf-8", "replace")
        found[key.decode().split(":")[-1]] = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
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


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _formula_cells(archive: zipfile.ZipFile, sheet: str) -> set[tuple[int, int]]:
    path = _sheet_path(archive, sheet)
    if path is None or path not in archive.namelist():
        return set()
    xml = archive.read(path)  # bounded by the checks above
    cells: set[tuple[int, int]] = set()
    if b"<f" not in xml and b":f" not in xml:
        return cells
    for raw in _FORMULA_CELL.findall(xml):
        match = _CELL_REF.match(_attributes(raw).get("r", ""))
        if match:
            cells.add((int(match.group(2)) - 1, _column_index(match.group(1))))
    return cells


def _read_xlsx(data: bytes, name: str) -> Table:
    from python_calamine import CalamineWorkbook

    archive = _zip_checked(data, name)
    broken = _("ファイル「%(name)s」は Excel ファイルとして読めません（%(detail)s）。")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        if not names:
            raise _refuse(_("ファイル「%(name)s」にシートがありません。") % {"name": name})
        sheet_name = SHEET_NAME if SHEET_NAME in names else names[0]
        sheet = workbook.get_sheet_by_name(sheet_name)
        if sheet.width > MAX_COLUMNS or sheet.height > MAX_ROWS + 1000:
            raise _refuse(
                _(
                    "シート「%(sheet)s」が大きすぎます（%(rows)s行 × %(columns)s列）。"
                    "1つのファイルで取り込めるのは%(max)s件までです。ファイルを分けてください。"
                )
                % {
                    "sheet": sheet_name,
                    "rows": f"{sheet.height:,}",
                    "columns": f"{sheet.width:,}",
                    "max": f"{MAX_ROWS:,}",
                }
            )
        rows = [list(row) for row in sheet.to_python(skip_empty_area=False)]
        merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
    except ImportRefused:
        raise
    except Exception as exc:  # calamine reports zip, XML and format errors with its own exception types
        if isinstance(exc, MemoryError):
            raise
        raise _refuse(broken % {"name": name, "detail": type(exc).__name__}) from exc
    with archive:
        formulas = _formula_cells(archive, sheet_name)
    return Table("xlsx", "", sheet_name, rows, formulas, merged)


# --- cells → answers -----------------------------------------------------------------------------------------


def _unneutralised(text: str) -> str:
    """The exports' quote before formula-like text ('=…, '-29) comes off again."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def _number_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    try:
        return format(Decimal(repr(value)), "f")
    except InvalidOperation:  # nan, inf
        return repr(value)


def _plain(value: Any) -> str:
    """A cell as text as typed: numbers without '.0', dates as ISO, strings untouched except the export's quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return _unneutralised(str(value))


def _folded(value: Any) -> str:
    """A code or number cell: full-width folded (NFKC), spaces trimmed."""
    text = _plain(value)
    return text.strip() if text.isascii() else unicodedata.normalize("NFKC", text).strip()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class Codes:
    """The codes one column accepts, and how to find one from what was typed."""

    choices: tuple[Choice, ...]

    @cached_property
    def codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.choices)

    def match(self, text: str) -> str | None:
        codes = self.codes
        if text in codes:
            return text
        same_case = [c for c in codes if c.casefold() == text.casefold()]
        if len(same_case) == 1:  # DK for dk
            return same_case[0]
        if text.isdigit():  # 4 for "04": Excel drops leading zeros of numbers typed into a cell
            same = [c for c in codes if c.isdigit() and int(c) == int(text)]
            if len(same) == 1:
                return same[0]
        folded = _label_key(text)
        by_label = [c.code for c in self.choices if _label_key(c.label) == folded]
        return by_label[0] if len(by_label) == 1 else None

    def expected(self) -> str:
        shown = " / ".join(f"{c.code}={c.label}" for c in self.choices[:12])
        return shown + (" …" if len(self.choices) > 12 else "")


def _label_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _codes_of(slot: Slot) -> Codes:
    if slot.kind == "attribute":
        return Codes(ATTRIBUTES[slot.attribute].choices)
    question = slot.question
    assert question is not None
    extra = tuple(Choice(code, NON_SUBSTANTIVE[code]) for code in question.non_substantive)
    return Codes(tuple(question.options) + extra)


@dataclass
class ImportRow:
    """One response ready to store: the Excel row it came from, its organisation, cleaned answers and rows."""

    row: int
    organisation_id: int | None
    attributes: dict[str, str]
    answers: dict[str, Any]
    rows: list[AnswerRow]
    response_id: str = ""  # the 回答ID cell when it holds a UUID (an export re-imported): checked by the service


@dataclass
class PreparedImport:
    file_name: str
    sha256: str
    file_format: str
    encoding: str
    sheet: str
    rows: list[ImportRow]


def _organisation_key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()


class _Errors:
    """Collects problems; keeps the first MAX_LISTED_ERRORS and counts the rest."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.listed: list[CellError] = []
        self.total = 0

    def add(self, message: str, *, row: int | None = None, column: str = "", header: str = "") -> None:
        self.total += 1
        if len(self.listed) < MAX_LISTED_ERRORS:
            self.listed.append(CellError(message, self.sheet, row, column, header))

    def refuse_if_any(self) -> None:
        if self.total:
            raise ImportRefused(self.listed, self.total)


def _header_map(table: Table, definition: Definition, errors: _Errors) -> tuple[int, dict[int, Slot | str]]:
    """The header row's index and what each column holds (a Slot, a fixed column's name, or "" for ignored)."""
    header_index = next((i for i, row in enumerate(table.rows) if any(not _is_blank(v) for v in row)), None)
    if header_index is None:
        errors.add(_("回答が1行もありません（シートが空です）。取込用シートに入力してください。"))
        errors.refuse_if_any()
    assert header_index is not None
    excel_row = header_index + 1
    for first_row, first_col, last_row, last_col in table.merged:
        if first_row <= header_index <= last_row:
            errors.add(
                _("見出しのセル %(range)s が結合されています。結合を解除し、1つの列に1つの見出しを入れてください。")
                % {"range": f"{_cell_name(first_row, first_col)}:{_cell_name(last_row, last_col)}"},
                row=excel_row,
                column=f"{column_letter(first_col)}〜{column_letter(last_col)}",
            )
    slots = {slot.header: slot for slot in layout(definition)}
    fixed = set(exports.FIXED_HEADER)
    columns: dict[int, Slot | str] = {}
    seen: dict[str, int] = {}
    header = table.rows[header_index]
    width = max((len(r) for r in table.rows), default=0)
    for index in range(width):
        raw = header[index] if index < len(header) else None
        text = _folded(raw)
        letter = column_letter(index)
        if (header_index, index) in table.formula_cells:
            errors.add(_("見出しに数式が入っています。見出しの文字を入力してください。"), row=excel_row, column=letter)
            continue
        if not text:
            has_values = any(index < len(row) and not _is_blank(row[index]) for row in table.rows[header_index + 1 :])
            if has_values:
                errors.add(
                    _("見出しが空ですが、この列に値があります。見出しを入れるか、列を削除してください。"),
                    row=excel_row,
                    column=letter,
                )
            continue
        if text in seen:
            errors.add(
                _("見出し「%(header)s」が%(other)s列と重複しています。")
                % {"header": _short(text), "other": column_letter(seen[text])},
                row=excel_row,
                column=letter,
                header=_short(text),
            )
            continue
        seen[text] = index
        if text in slots:
            columns[index] = slots[text]
        elif text in fixed:
            columns[index] = text
        else:
            errors.add(
                _(
                    "見出し「%(header)s」はこの調査の調査票にありません。"
                    "この調査の取込用シートをダウンロードし、その見出しのまま入力してください。"
                )
                % {"header": _short(text)},
                row=excel_row,
                column=letter,
                header=_short(text),
            )
    missing = [name for name in slots if name not in seen]
    if missing:
        errors.add(
            _("列「%(headers)s」がありません。取込用シートの見出しをすべて残してください。")
            % {"headers": "」「".join(_short(m, 20) for m in missing[:10]) + ("」ほか" if len(missing) > 10 else "")},
            row=excel_row,
        )
    errors.refuse_if_any()
    return header_index, columns


@dataclass
class _RowState:
    excel_row: int
    answers: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    bad_cells: set[str] = field(default_factory=set)  # question codes / item codes / attr:code with cell errors
    organisation_id: int | None = None
    response_id: str = ""


def prepare_import(
    data: bytes,
    file_name: str,
    definition: Definition,
    organisations: Mapping[str, int],
    *,
    organisation_required: bool = False,
) -> PreparedImport:
    """Read and check a whole file: every response cleaned, or ImportRefused listing every problem by cell.
    `organisations` maps the names of the wave's participating organisations to their ids; with
    `organisation_required` (a wave without a public link) every response must name one of them, so that it counts
    for that organisation as a response through its link would."""
    table = read_table(data, file_name)
    errors = _Errors(table.sheet)
    header_index, columns = _header_map(table, definition, errors)
    organisation_column = next((i for i, slot in columns.items() if slot == ORGANISATION_HEADER), None)
    names = sorted(organisations)
    known_names = "、".join(names[:5]) + (_(" ほか%(n)d件") % {"n": len(names) - 5} if len(names) > 5 else "")
    if organisation_required and organisation_column is None:
        errors.add(
            _(
                "列「%(header)s」がありません。この調査は企業・団体ごとに回答を集めているため、配布先の名称を入力してください。"
            )
            % {"header": ORGANISATION_HEADER},
            row=header_index + 1,
        )
        errors.refuse_if_any()
    letters = {index: column_letter(index) for index in columns}
    by_question: dict[str, list[int]] = {}
    for index, slot in columns.items():
        if isinstance(slot, Slot) and slot.question is not None:
            by_question.setdefault(slot.question.code, []).append(index)
    codes = {
        index: _codes_of(slot)
        for index, slot in columns.items()
        if isinstance(slot, Slot) and slot.kind in {"attribute", "single", "likert", "ranking", "matrix"}
    }
    organisation_keys = {_organisation_key(name): pk for name, pk in organisations.items()}
    for first_row, first_col, last_row, last_col in table.merged:
        if last_row > header_index:
            errors.add(
                _("セル %(range)s が結合されています。結合を解除し、1つのセルに1つの値を入れてください。")
                % {"range": f"{_cell_name(first_row, first_col)}:{_cell_name(last_row, last_col)}"},
                row=first_row + 1,
                column=column_letter(first_col),
            )
    # A row counts when an attribute or answer cell holds something: a row with only the paper form's number (回答ID)
    # or an organisation typed ahead is as blank as an empty one.
    answer_columns = [index for index, slot in columns.items() if isinstance(slot, Slot)]
    prepared: list[ImportRow] = []
    data_rows = 0
    for row_index in range(header_index + 1, len(table.rows)):
        cells = table.rows[row_index]
        if _blank_row(cells, row_index, answer_columns, table):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            errors.add(
                _("1つのファイルで取り込めるのは%(max)s件までです。ファイルを分けてください。")
                % {"max": f"{MAX_ROWS:,}"},
                row=row_index + 1,
            )
            break
        state = _RowState(excel_row=row_index + 1)
        _read_row(cells, row_index, columns, letters, codes, organisation_keys, known_names, table, state, errors)
        if organisation_required and organisation_column is not None and state.organisation_id is None:
            if f"fixed:{ORGANISATION_HEADER}" not in state.bad_cells:
                errors.add(
                    _(
                        "この調査は企業・団体ごとに回答を集めています。配布先の企業・団体の名称を入力してください"
                        "（%(names)s）。"
                    )
                    % {"names": known_names},
                    row=state.excel_row,
                    column=letters[organisation_column],
                    header=ORGANISATION_HEADER,
                )
                state.bad_cells.add(f"fixed:{ORGANISATION_HEADER}")
        validated = validate_submission(definition, state.answers, state.attributes)
        for problem in validated.problems:
            _report(problem, state, columns, letters, by_question, definition, errors)
        if validated.ok and not state.bad_cells:
            prepared.append(
                ImportRow(
                    row=state.excel_row,
                    organisation_id=state.organisation_id,
                    attributes=validated.attributes,
                    answers=validated.answers,
                    rows=answer_rows(definition, validated.answers),
                    response_id=state.response_id,
                )
            )
    if not data_rows and not errors.total:
        errors.add(_("回答が1行もありません。見出しの下の行に入力してください。"), row=header_index + 2)
    errors.refuse_if_any()
    return PreparedImport(
        file_name=file_name_clean(file_name),
        sha256=hashlib.sha256(data).hexdigest(),
        file_format=table.file_format,
        encoding=table.encoding,
        sheet=table.sheet,
        rows=prepared,
    )


def _blank_row(cells: Sequence[Any], row_index: int, answer_columns: Sequence[int], table: Table) -> bool:
    for index in answer_columns:
        if (row_index, index) in table.formula_cells:
            return False
        if index < len(cells) and not _is_blank(cells[index]):
            return False
    return True


def _read_row(
    cells: Sequence[Any],
    row_index: int,
    columns: Mapping[int, Slot | str],
    letters: Mapping[int, str],
    codes: Mapping[int, Codes],
    organisation_keys: Mapping[str, int],
    known_names: str,
    table: Table,
    state: _RowState,
    errors: _Errors,
) -> None:
    excel_row = state.excel_row
    chosen: dict[str, list[str]] = {}  # multiple: question → chosen codes in column order
    ranked: dict[str, dict[int, str]] = {}

    for index, slot in columns.items():
        if slot in (DATE_HEADER, CHANNEL_HEADER):
            continue  # the import date and the import's channel are used instead
        value = cells[index] if index < len(cells) else None
        if value is None or value == "":
            if isinstance(slot, Slot) and (row_index, index) not in table.formula_cells:
                continue  # the common case, kept cheap: an unanswered cell
        header = slot.header if isinstance(slot, Slot) else slot
        where: dict[str, Any] = {"row": excel_row, "column": letters[index], "header": _short(header)}
        key = _slot_key(slot)
        if (row_index, index) in table.formula_cells:
            errors.add(
                _("数式が入っています。数式ではなく値を入力してください（コピーして「値の貼り付け」）。"), **where
            )
            state.bad_cells.add(key)
            continue
        if isinstance(slot, str):
            if slot == ORGANISATION_HEADER and not _is_blank(value):
                text = _plain(value).strip()
                found = organisation_keys.get(_organisation_key(text))
                if found is None:
                    errors.add(
                        _(
                            "「%(name)s」はこの調査の配布先の企業・団体ではありません。"
                            "配布先の名称どおりに入力してください（%(names)s）。"
                        )
                        % {"name": _short(text), "names": known_names or _("配布先の企業・団体はありません")},
                        **where,
                    )
                    state.bad_cells.add(key)
                state.organisation_id = found
            elif slot == ID_HEADER and not _is_blank(value):
                try:
                    state.response_id = str(uuid.UUID(_folded(value)))
                except ValueError:
                    pass  # a paper form's own number: a note for whoever types, not stored
            continue
        if _is_blank(value):
            continue
        kind = slot.kind
        if kind in {"text_short", "text_long"}:
            assert slot.question is not None
            state.answers[slot.question.code] = _plain(value)
            continue
        text = _folded(value)
        if isinstance(value, bool) or isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
            errors.add(_expected_message(slot, codes.get(index), text), **where)
            state.bad_cells.add(key)
            continue
        if text.startswith(FORMULA_LIKE):
            errors.add(
                _("数式のような値（%(value)s）は使えません。%(expected)s")
                % {"value": _short(text, 20), "expected": _expected_message(slot, codes.get(index), "", bare=True)},
                **where,
            )
            state.bad_cells.add(key)
            continue
        if kind == "number":
            assert slot.question is not None
            state.answers[slot.question.code] = text
        elif kind == "multiple":
            assert slot.question is not None
            if text in {"1", "0"}:
                if text == "1":
                    chosen.setdefault(slot.question.code, []).append(slot.part)
                else:
                    chosen.setdefault(slot.question.code, [])
            else:
                errors.add(_expected_message(slot, None, text), **where)
                state.bad_cells.add(key)
        else:
            match = codes[index].match(text)
            if match is None:
                errors.add(_expected_message(slot, codes[index], text), **where)
                state.bad_cells.add(key)
                continue
            if kind == "attribute":
                state.attributes[slot.attribute] = match
            elif kind == "ranking":
                assert slot.question is not None
                ranked.setdefault(slot.question.code, {})[int(slot.part)] = match
            elif kind == "matrix":
                assert slot.question is not None
                state.answers.setdefault(slot.question.code, {})[slot.part] = match
            else:
                assert slot.question is not None
                state.answers[slot.question.code] = match
    for code, values in chosen.items():
        if values and code not in state.bad_cells:
            state.answers[code] = values
    for code, by_rank in ranked.items():
        if code not in state.bad_cells:
            state.answers[code] = [by_rank.get(rank, "") for rank in range(1, max(by_rank) + 1)]


def _slot_key(slot: Slot | str) -> str:
    if isinstance(slot, str):
        return f"fixed:{slot}"
    if slot.kind == "attribute":
        return f"attr:{slot.attribute}"
    assert slot.question is not None
    if slot.kind == "matrix":
        return slot.part
    return slot.question.code


def _expected_message(slot: Slot, codes: Codes | None, value: str, *, bare: bool = False) -> str:
    """What the cell should hold; with `bare=False`, preceded by what is wrong with `value`."""
    shown = {"value": _short(value, 20)}
    if slot.kind == "number":
        expected = _("数字を入力してください。")
        wrong = _("「%(value)s」は数字として読み取れません。") % shown
    elif slot.kind == "multiple":
        expected = _("選んだときは 1、選ばなかったときは 0 を入力してください。")
        wrong = _("「%(value)s」は入力できません。") % shown
    else:
        expected = _("次のコードのどれかを入力してください：%(codes)s") % {"codes": codes.expected() if codes else ""}
        wrong = _("「%(value)s」は選択肢にありません。") % shown
    return expected if bare else wrong + expected


def _report(
    problem: AnswerProblem,
    state: _RowState,
    columns: Mapping[int, Slot | str],
    letters: Mapping[int, str],
    by_question: Mapping[str, list[int]],
    definition: Definition,
    errors: _Errors,
) -> None:
    """A validator problem, put on the cell (or the columns of one question) it belongs to."""
    row = state.excel_row
    if problem.question.startswith("attr:"):
        if problem.question in state.bad_cells:
            return
        code = problem.question.removeprefix("attr:")
        index = next((i for i, s in columns.items() if isinstance(s, Slot) and s.attribute == code), None)
        column = letters[index] if index is not None else ""
        errors.add(answer_message(problem), row=row, column=column, header=code)
        return
    if (problem.item and problem.item in state.bad_cells) or problem.question in state.bad_cells:
        return
    indexes = by_question.get(problem.question, [])
    question = definition.question(problem.question)
    if question is None or not indexes:
        errors.add(answer_message(problem), row=row, header=problem.question)
        return
    target: list[int] = indexes
    if problem.item:
        target = [i for i in indexes if _part(columns[i]) == problem.item] or indexes
    elif question.type == "ranking":
        target = _ranking_cell(problem, state.answers.get(question.code), indexes, columns) or indexes
    if len(target) == 1:
        slot = columns[target[0]]
        header = slot.header if isinstance(slot, Slot) else slot
        errors.add(_message(problem, question), row=row, column=letters[target[0]], header=header)
    else:
        first, last = columns[target[0]], columns[target[-1]]
        header = (
            f"{first.header}〜{last.header}" if isinstance(first, Slot) and isinstance(last, Slot) else question.code
        )
        errors.add(
            _message(problem, question),
            row=row,
            column=f"{letters[target[0]]}〜{letters[target[-1]]}",
            header=header,
        )


def _part(slot: Slot | str) -> str:
    return slot.part if isinstance(slot, Slot) else ""


def _ranking_cell(
    problem: AnswerProblem, ranked: Any, indexes: list[int], columns: Mapping[int, Slot | str]
) -> list[int]:
    by_rank = {int(s.part): i for i in indexes if isinstance((s := columns[i]), Slot)}
    if problem.code == "rank_gap":
        rank = int(problem.params.get("rank", 1))
        return [by_rank[rank]] if rank in by_rank else []
    if problem.code == "rank_repeat" and isinstance(ranked, list):
        seen: set[str] = set()
        for rank, code in enumerate(ranked, start=1):
            if code in seen and rank in by_rank:
                return [by_rank[rank]]
            seen.add(code)
    return []


def _message(problem: AnswerProblem, question: Question) -> str:
    if problem.code == "required" and question.type == "multiple":
        return _("この質問に回答してください（選んだ選択肢の列に 1 を入力します）。")
    if problem.code == "required" and question.type == "ranking":
        return _("この質問に回答してください（1位の列から順に選択肢のコードを入力します）。")
    return answer_message(problem)
