"""Reading indicator files: the platform's own template (XLSX/CSV) and the 女性の活躍推進企業データベース open-data
CSV (bare or inside its ZIP; UTF-8 with or without BOM, or CP932; multi-line quoted cells; columns found by header
name). Nothing here writes indicator data: `preview_*` return what an import would write, checked cell by cell;
services.indicator_import_* store the preview and, once confirmed, write it in one transaction.

Imports only ever set values present in the file: a blank cell or a placeholder ("-", "…", 非公表) means not
disclosed and leaves the stored figure as it was (never zero).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from shokuba.core.codes import CodeError, normalise_corporate_number
from shokuba.network.models import Organisation
from shokuba.workplace import definitions, opendata
from shokuba.workplace.messages import label, problem_message
from shokuba.workplace.models import IndicatorYear

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UPLOAD_BYTES = 300 * 1024 * 1024  # the open-data ZIP is far smaller; its CSV about 100 MB for 40,000 rows
MAX_UNCOMPRESSED_BYTES = 600 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_PROBLEMS_KEPT = 500
MAX_UNMATCHED_KEPT = 200


class ImportRefused(Exception):
    """The file cannot be read at all (or is incomplete); nothing was stored. Messages are Japanese."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class CellProblem:
    row: int  # the row as a spreadsheet shows it (the header is row 1)
    column: str  # the column's header name
    message: str
    blocking: bool = True  # the import cannot be confirmed (template); otherwise the cell is skipped (open data)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "blocking": self.blocking}

    def __str__(self) -> str:
        where = _("%(row)d行目・「%(column)s」列") % {"row": self.row, "column": self.column}
        return f"{where}：{self.message}"


# --- bytes to rows --------------------------------------------------------------------------------------------


def _refuse(message: str) -> ImportRefused:
    return ImportRefused([message])


def unpack(data: bytes, file_name: str) -> tuple[bytes, str, str]:
    """(content, format "csv"|"xlsx", inner name). A ZIP that is not an .xlsx must hold exactly one CSV; its
    size is checked before and while it is decompressed (a small ZIP that expands to gigabytes is refused)."""
    name = PurePath(file_name).name or file_name
    if not data:
        raise _refuse(_("ファイル「%(name)s」は空です。") % {"name": name})
    if data.startswith(OLE2_MAGIC):
        raise _refuse(
            _(
                "古い形式の Excel ファイル（.xls）やパスワード付きのファイルは読めません。"
                ".xlsx か CSV で保存し直してください。"
            )
        )
    if not data.startswith(ZIP_MAGIC):
        return data, "csv", name
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise _refuse(_("ZIP ファイル「%(name)s」が壊れているか、途中で切れています。") % {"name": name}) from exc
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return data, "xlsx", name
    members = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith(".csv")]
    if len(members) != 1:
        raise _refuse(
            _("ZIP ファイル「%(name)s」には CSV ファイルが1つだけ入っている必要があります（%(count)d個あります）。")
            % {"name": name, "count": len(members)}
        )
    member = members[0]
    if member.file_size > MAX_UNCOMPRESSED_BYTES or (
        member.compress_size and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO
    ):
        raise _refuse(
            _("ZIP ファイル「%(name)s」の中身が大きすぎます（展開後 %(size).0f MB）。")
            % {"name": name, "size": member.file_size / 1024 / 1024}
        )
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                total += len(chunk)
                if total > MAX_UNCOMPRESSED_BYTES:  # the header's size may lie
                    raise _refuse(
                        _("ZIP ファイル「%(name)s」の中身が大きすぎます（展開後 %(size).0f MB）。")
                        % {"name": name, "size": total / 1024 / 1024}
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _refuse(_("ZIP ファイル「%(name)s」が壊れているか、途中で切れています。") % {"name": name}) from exc
    inner = PurePath(member.filename).name
    return b"".join(chunks), "csv", inner


def detect_encoding(data: bytes) -> str:
    """utf-8-sig (with or without the BOM) or cp932, checked over the whole file without building the text."""
    for encoding in ("utf-8-sig", "cp932"):
        decoder = codecs.getincrementaldecoder(encoding)()
        view = memoryview(data)
        try:
            for start in range(0, len(data), 1 << 22):
                decoder.decode(view[start : start + (1 << 22)])
        except UnicodeDecodeError:
            continue
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8-sig":  # valid UTF-8 up to a character cut at the very end
                raise _refuse(
                    _("ファイルが途中で切れています（最後の文字が欠けています）。ダウンロードし直してください。")
                ) from exc
            continue
        return encoding
    raise _refuse(_("文字コードを判別できません。UTF-8 か Shift_JIS（CP932）の CSV として保存し直してください。"))


def csv_rows(data: bytes, encoding: str) -> Iterator[list[str]]:
    """The records of a CSV, quoted line breaks kept inside their cell."""
    if b"\x00" in data[:65536]:
        raise _refuse(_("CSV ではないファイルのようです（文字として読めないデータが含まれています）。"))
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    try:
        yield from csv.reader(text)
    except csv.Error as exc:
        raise _refuse(_("CSV の形式が正しくありません（%(detail)s）。") % {"detail": exc}) from exc


def xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        values = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine reports zip, XML and format errors with its own exception types
        if isinstance(exc, MemoryError):
            raise
        raise _refuse(_("Excel ファイルが壊れているか、途中で切れています。")) from exc
    for row in values:
        yield [_cell_text(v) for v in row]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日"  # as a Japanese spreadsheet shows a date cell
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalise_header(text: str) -> str:
    """Header names compared without width, spaces, brackets' shape or a trailing unit: 「管理職女性割合（％）」 and
    「管理職女性割合 (%)」 are one."""
    value = unicodedata.normalize("NFKC", text).strip().lstrip("\ufeff")
    value = "".join(value.split()).replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    for unit in ("(%)", "(倍)", "(時間)", "(年)", "(人)", "(円)", "(日)"):
        if value.endswith(unit):
            value = value[: -len(unit)]
    return value.casefold()


# --- the open-data file's header ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    target: str  # an input or indicator code, or an identity field of the template
    names: tuple[str, ...]  # accepted header names; the first is the current one
    required: bool = False


@dataclass
class HeaderMap:
    index: dict[str, int]  # target -> column index
    names: list[str]  # the file's header names, as written
    missing: list[Column]

    def column_name(self, target: str) -> str:
        return self.names[self.index[target]]


def map_headers(header: Sequence[str], columns: Iterable[Column]) -> HeaderMap:
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        positions.setdefault(normalise_header(name), i)
    index: dict[str, int] = {}
    missing: list[Column] = []
    for column in columns:
        for name in column.names:
            found = positions.get(normalise_header(name))
            if found is not None:
                index[column.target] = found
                break
        else:
            missing.append(column)
    return HeaderMap(index, [h.strip().lstrip("\ufeff").strip() for h in header], missing)


_ITEM_NUMBER = re.compile(r"^\d+\.(\(\d+\))?")
_CATEGORY_NAME = re.compile(r"-雇用管理区分\d+$")


def wdb_key(text: str) -> str:
    """A header compared without width, spaces, bracket shapes, the law's item number (「10.」「4.(1)」) or a
    trailing unit: `10.管理職に占める女性労働者の割合-割合(%)` and `管理職に占める女性労働者の割合-割合（％）` are
    one key; sub-items after 「-」 stay (`-割合` and `-人数` are different columns)."""
    return _ITEM_NUMBER.sub("", normalise_header(text))


@dataclass
class WdbHeader:
    """Where each of opendata.COLUMNS is: one column (company-wide) or one per 雇用管理区分 block."""

    names: list[str]  # the file's header names, as written
    single: dict[int, int]  # index in opendata.COLUMNS -> column
    blocks: dict[int, list[tuple[int, int]]]  # index in opendata.COLUMNS -> [(category name column, value column)]
    missing: list[opendata.WdbColumn]  # known columns not found

    def found(self, target: str) -> bool:
        return any(opendata.COLUMNS[n].target == target for n in (*self.single, *self.blocks))

    def column(self, target: str) -> int | None:
        for n, index in self.single.items():
            if opendata.COLUMNS[n].target == target:
                return index
        return None


def match_wdb_header(header: Sequence[str]) -> WdbHeader:
    keys = [wdb_key(h) for h in header]
    # A "<item>-雇用管理区分N" column opens a block; the item's next columns are that category's values.
    block_of: dict[int, int] = {}
    item, start = "", -1
    for i, key in enumerate(keys):
        this_item = key.split("-", 1)[0]
        if _CATEGORY_NAME.search(key):
            item, start = this_item, i
        elif item and "-" in key and this_item == item:
            block_of[i] = start
        else:
            item, start = "", -1
    positions: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        positions.setdefault(key, []).append(i)
    single: dict[int, int] = {}
    blocks: dict[int, list[tuple[int, int]]] = {}
    for n, spec in enumerate(opendata.COLUMNS):
        for name in spec.names:
            found = positions.get(wdb_key(name))
            if not found:
                continue
            in_blocks = [(block_of[i], i) for i in found if i in block_of]
            if in_blocks:
                blocks[n] = in_blocks
            else:
                single[n] = found[0]
            break
    located = {opendata.COLUMNS[n] for n in (*single, *blocks)}
    missing = [c for c in opendata.KNOWN if c not in located]
    return WdbHeader([h.strip().lstrip("\ufeff").strip() for h in header], single, blocks, missing)


def _missing_list(columns: Iterable[opendata.WdbColumn]) -> str:
    return "「" + "」「".join(c.label for c in columns) + "」"


def _looks_exponential(text: str) -> bool:
    """1.23457E+12: a 法人番号 that went through a spreadsheet's General format (its last digits are gone)."""
    return bool(_EXPONENT.match(unicodedata.normalize("NFKC", text).strip()))


_EXPONENT = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")


# --- matching and the preview ---------------------------------------------------------------------------------


@dataclass
class Preview:
    kind: str
    fiscal_year: int | None
    encoding: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)  # what confirm writes
    problems: list[CellProblem] = field(default_factory=list)
    problem_count: int = 0
    missing_columns: list[str] = field(default_factory=list)
    unmatched: list[dict[str, str]] = field(default_factory=list)  # the programme's organisations not in the file
    unknown_rows: list[dict[str, Any]] = field(default_factory=list)  # template rows naming no organisation
    rows_read: int = 0
    unchanged: int = 0
    invalid_numbers: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, problem: CellProblem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)

    @property
    def blocking(self) -> bool:
        return any(p.blocking for p in self.problems)

    def summary(self) -> dict[str, Any]:
        return {
            "matched": len(self.rows),
            "changed": sum(1 for r in self.rows if has_changes(r)),
            "unchanged": self.unchanged,
            "rows_read": self.rows_read,
            "unmatched": self.unmatched[:MAX_UNMATCHED_KEPT],
            "unmatched_count": len(self.unmatched),
            "unknown_rows": self.unknown_rows[:MAX_UNMATCHED_KEPT],
            "unknown_count": len(self.unknown_rows),
            "missing_columns": self.missing_columns,
            "problems": [p.as_dict() for p in self.problems],
            "problem_count": self.problem_count,
            "blocking": self.blocking,
            "invalid_numbers": self.invalid_numbers,
            "notes": self.notes,
        }


def _existing(
    organisations: Iterable[Organisation], fiscal_years: Iterable[int]
) -> dict[tuple[int, int], IndicatorYear]:
    ids = [o.pk for o in organisations]
    years = sorted(set(fiscal_years))
    found: dict[tuple[int, int], IndicatorYear] = {}
    for start in range(0, len(ids), 500):
        for year in IndicatorYear.objects.filter(organisation_id__in=ids[start : start + 500], fiscal_year__in=years):
            found[(year.organisation_id, year.fiscal_year)] = year
    return found


def _changes(
    old: Mapping[str, float | None],
    new: Mapping[str, float | None],
    old_raw: Mapping[str, Any],
    new_raw: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """Old → new for every indicator that changes, then for every count or amount entered (raw input) that
    changes: an import may set counts that no indicator shows (再雇用・中途採用の数)."""
    changes = []
    pairs = [(i.code, old.get(i.code), new.get(i.code)) for i in definitions.INDICATORS]
    pairs += [(i.code, _number(old_raw.get(i.code)), _number(new_raw.get(i.code))) for i in definitions.INPUTS]
    for code, before, after in pairs:
        if before is None and after is None:
            continue
        if before is not None and after is not None and abs(before - after) < 1e-9:
            continue
        changes.append({"code": code, "old": before, "new": after})
    return changes


def _number(value: Any) -> float | None:
    return None if value is None or isinstance(value, bool) else float(value)


def has_changes(row: Mapping[str, Any]) -> bool:
    return bool(row["changes"] or row["flag_changes"] or row.get("certification_changes"))


def _row_for_write(
    organisation: Organisation,
    fiscal_year: int,
    values: Mapping[str, float],
    *,
    existing: IndicatorYear | None,
    formula: str | None,
    arrangements: Mapping[str, bool],
    period_note: str = "",
    certifications: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The row confirm will write: the stored raw with the file's values laid over it (and the file's
    certifications over the stored ones; a certification the file does not state is kept)."""
    old_raw: dict[str, Any] = dict(existing.raw) if existing is not None else {}
    raw = {**old_raw, **values}
    chosen = formula or (existing.male_childcare_leave_formula if existing is not None else None)
    if chosen is None:
        has_leave = raw.get("men_childcare_leave") is not None or raw.get("male_childcare_leave_rate_leave") is not None
        chosen = (
            "leave_and_purpose"
            if raw.get("male_childcare_leave_rate_combined") is not None and not has_leave
            else "leave"
        )
    flags = dict(existing.arrangements) if existing is not None else {}
    flags.update(arrangements)
    old_values = existing.values if existing is not None else {}
    old_flags = existing.arrangements if existing is not None else {}
    changes = _changes(old_values, definitions.compute(raw, formula=chosen), old_raw, raw)
    flag_changes = [code for code, on in arrangements.items() if old_flags.get(code, False) != on]
    old_certifications: dict[str, Any] = dict(existing.certifications) if existing is not None else {}
    held = {**old_certifications, **(certifications or {})}
    certification_changes = [
        {"code": code, "old": old_certifications.get(code), "new": held[code]}
        for code in opendata.CERTIFICATION_NAMES
        if code in held and old_certifications.get(code) != held[code]
    ]
    return {
        "organisation_id": organisation.pk,
        "organisation": organisation.name,
        "corporate_number": organisation.corporate_number or "",
        "fiscal_year": fiscal_year,
        "raw": definitions.stored_raw(raw),
        "formula": chosen,
        "arrangements": {k: bool(v) for k, v in flags.items()},
        "certifications": held,
        "period_note": period_note,
        "changes": changes,
        "flag_changes": flag_changes,
        "certification_changes": certification_changes,
        "new": existing is None,
        "base_updated_at": existing.updated_at.isoformat() if existing is not None else None,
    }


def _check_values(
    values: dict[str, float], *, row: int, columns: Mapping[str, str], formula: str, blocking: bool, preview: Preview
) -> dict[str, float]:
    """Check one row's figures together; a cell with an error is reported (and, when not blocking, dropped)."""
    problems = definitions.check(values, formula=formula)
    bad: set[str] = set()
    for problem in problems:
        if problem.severity != "error":
            continue
        column = columns.get(problem.field) or label(problem.field)
        preview.add(CellProblem(row, column, _with_skip(problem_message(problem), blocking), blocking))
        bad.add(problem.field)
    if not blocking and bad:
        # A ratio that is impossible because of its counts: drop the counts too.
        for indicator in definitions.INDICATORS:
            if indicator.code in bad:
                bad.update(c for c in indicator.inputs if c in values)
        return {k: v for k, v in values.items() if k not in bad}
    return values


def _with_skip(message: str, blocking: bool) -> str:
    return message if blocking else message + _("（この値は取り込みません）")


def _cell_number(text: str, *, row: int, column: str, blocking: bool, preview: Preview) -> tuple[bool, float | None]:
    try:
        return True, definitions.parse_number(text)
    except definitions.CellError:
        preview.add(
            CellProblem(
                row,
                column,
                _with_skip(_("数字として読めません（「%(value)s」）。") % {"value": text[:40]}, blocking),
                blocking,
            )
        )
        return False, None


def _by_corporate_number(organisations: Iterable[Organisation]) -> dict[str, list[Organisation]]:
    found: dict[str, list[Organisation]] = {}
    for organisation in organisations:
        if organisation.corporate_number:
            found.setdefault(organisation.corporate_number, []).append(organisation)
    return found


def _corporate_number(text: str) -> str | None:
    value = text.strip()
    if len(value) == 13 and value.isdigit() and value.isascii():
        return value
    if not value:
        return None
    try:
        return normalise_corporate_number(value)
    except CodeError:
        return None


def preview_wdb(data: bytes, *, file_name: str, organisations: Sequence[Organisation], fiscal_year: int) -> Preview:
    """The open-data file (CSV, the ZIP it comes in, or the same saved as .xlsx by a spreadsheet) matched by
    法人番号 to the given organisations (the programme's, or the whole network's)."""
    content, fmt, inner = unpack(data, file_name)
    odd_quotes = False
    if fmt == "xlsx":
        rows: Iterator[list[str]] = xlsx_rows(content)
        preview = Preview(kind="wdb", fiscal_year=fiscal_year, encoding="xlsx")
    else:
        encoding = detect_encoding(content)
        preview = Preview(kind="wdb", fiscal_year=fiscal_year, encoding=encoding.replace("utf-8-sig", "utf-8"))
        odd_quotes = content.count(b'"') % 2 == 1
        rows = csv_rows(content, encoding)
    header = next(rows, None)
    if not header or not any(h.strip() for h in header):
        raise _refuse(_("ファイルに見出しの行がありません。"))
    headers = match_wdb_header(header)
    required = [c for c in opendata.COLUMNS if c.required and not headers.found(c.target)]
    if required:
        raise _refuse(
            _("必要な列%(columns)sが見つかりません。女性の活躍推進企業データベースのファイルか確かめてください。")
            % {"columns": _missing_list(required)}
        )
    known = len(opendata.KNOWN)
    if len(headers.missing) * 2 > known:
        raise _refuse(
            _(
                "女性の活躍推進企業データベースの列が半分以上見つからないため、読み込みを中止しました"
                "（知っている%(known)d列のうち%(found)d列）。見つからない列: %(columns)s。"
                "公開されている全体版の CSV（または ZIP）か確かめてください。列の名前が変わった新しい版なら、"
                "事務局に連絡してください。"
            )
            % {"known": known, "found": known - len(headers.missing), "columns": _missing_list(headers.missing)}
        )
    preview.missing_columns = [c.label for c in headers.missing]
    if headers.missing:
        preview.notes.append(
            _("次の列がファイルにないため、その値は取り込みません: %(columns)s")
            % {"columns": _missing_list(headers.missing)}
        )
    reader = _WdbRowReader(headers, preview)
    by_number = _by_corporate_number(organisations)
    number_at = headers.column("corporate_number")
    assert number_at is not None  # required above
    width = len(header)
    matched: list[tuple[int, Organisation, _WdbRow]] = []
    seen: dict[int, int] = {}
    last_short = 0
    row_number = 1
    for record in rows:
        row_number += 1
        if not record or not any(c.strip() for c in record):
            continue
        preview.rows_read += 1
        if len(record) < width:
            last_short = row_number
            continue
        last_short = 0
        number_text = record[number_at]
        number = _corporate_number(number_text)
        if number is None:
            if _looks_exponential(number_text):
                raise _refuse(
                    _(
                        "%(row)d行目の「%(column)s」が「%(value)s」になっています。Excel などの表計算ソフトで開いて"
                        "保存したため、13桁の法人番号の下の桁が失われ、企業を照合できません。ダウンロードしたままの"
                        "ファイル（または ZIP）を読み込んでください（.xlsx で保存し直したファイルなら読めます）。"
                    )
                    % {"row": row_number, "column": headers.names[number_at], "value": number_text.strip()[:20]}
                )
            preview.invalid_numbers += 1
            continue
        owners = by_number.get(number)
        if not owners:
            continue
        found = reader.read(record, row_number)
        for organisation in owners:
            if organisation.pk in seen:
                preview.add(
                    CellProblem(
                        row_number,
                        headers.names[number_at],
                        _("法人番号「%(number)s」の行が2回あります（%(first)d行目を使います）。")
                        % {"number": number, "first": seen[organisation.pk]},
                        blocking=False,
                    )
                )
                continue
            seen[organisation.pk] = row_number
            matched.append((row_number, organisation, found))
    if last_short or odd_quotes:
        raise _refuse(
            _("ファイルが途中で切れています（%(row)d行目の列が足りません）。ダウンロードし直してください。")
            % {"row": last_short or row_number}
        )
    if not preview.rows_read:
        raise _refuse(
            _(
                "見出しの行のあとに企業の行がありません。ファイルが途中で切れていないか確かめてください。ダウンロードし直してください。"
            )
        )
    existing = _existing([m[1] for m in matched], [fiscal_year])
    for _row, organisation, found in matched:
        current = existing.get((organisation.pk, fiscal_year))
        planned = _row_for_write(
            organisation,
            fiscal_year,
            found.values,
            existing=current,
            formula=None,
            arrangements=found.flags,
            period_note=found.period,
            certifications=found.certifications,
        )
        planned["per_category_only"] = found.per_category_only
        planned["source_updated"] = found.updated
        if not has_changes(planned):
            preview.unchanged += 1
        preview.rows.append(planned)
    preview.unmatched = [
        {"name": o.name, "corporate_number": o.corporate_number or ""} for o in organisations if o.pk not in seen
    ]
    preview.notes += reader.notes(matched=len(preview.rows), rows_read=preview.rows_read)
    if preview.invalid_numbers:
        preview.notes.append(
            _("法人番号が空欄か読めない行が%(count)d行あります（照合していません）。")
            % {"count": preview.invalid_numbers}
        )
    if inner != file_name:
        preview.notes.append(_("ZIP の中の「%(name)s」を読みました。") % {"name": inner})
    return preview


@dataclass
class _WdbRow:
    values: dict[str, float] = field(default_factory=dict)
    certifications: dict[str, dict[str, Any]] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)
    per_category_only: list[dict[str, Any]] = field(default_factory=list)  # items given only per 雇用管理区分
    period: str = ""
    updated: str = ""


class _WdbRowReader:
    """Reads one matched row of the open-data file into figures, certifications and arrangements, recording why
    a cell gave nothing (for the preview's notes)."""

    def __init__(self, headers: WdbHeader, preview: Preview) -> None:
        self.headers = headers
        self.preview = preview
        self.singles = [(opendata.COLUMNS[n], i) for n, i in headers.single.items()]
        self.blocks = [(opendata.COLUMNS[n], b) for n, b in headers.blocks.items()]
        self.blank_cells = 0
        self.unreadable_cells = 0
        self.per_category: dict[str, int] = {}  # item -> organisations whose item was per category only
        self.values_found = 0

    def _number(self, text: str, row: int, column: int) -> float | None:
        if text.strip() in opendata.PLACEHOLDERS or text.strip() in definitions.UNDISCLOSED:
            self.blank_cells += 1
            return None
        ok, value = _cell_number(text, row=row, column=self.headers.names[column], blocking=False, preview=self.preview)
        if not ok:
            self.unreadable_cells += 1
        return value

    def read(self, record: Sequence[str], row: int) -> _WdbRow:
        found = _WdbRow()
        columns: dict[str, str] = {}
        certification_cells: dict[str, str] = {}
        for spec, index in self.singles:
            text = record[index]
            if spec.kind == "identity":
                if spec.target in ("period", "as_of", "updated"):
                    setattr(found, "updated" if spec.target == "updated" else "period", _period(found, spec, text))
                continue
            if spec.kind == "certification":
                certification_cells[spec.target] = text
                continue
            if spec.kind == "flag":
                try:
                    flag = definitions.parse_flag(text)
                except definitions.CellError:
                    self.unreadable_cells += 1
                    self.preview.add(
                        CellProblem(
                            row,
                            self.headers.names[index],
                            _("「あり」「なし」や「○」として読めません（「%(value)s」）。この値は取り込みません。")
                            % {"value": text[:40]},
                            blocking=False,
                        )
                    )
                    continue
                if flag is not None:
                    found.flags[spec.target] = flag
                continue
            value = self._number(text, row, index)
            if value is not None:
                self._add(found, spec, value)
                columns.setdefault(spec.target, self.headers.names[index])
        skipped: dict[str, list[str]] = {}
        for spec, blocks in self.blocks:
            names = [record[name] for name, _value in blocks]
            values = [[record[value]] for _name, value in blocks]
            choice = opendata.choose_category(names, values)
            if choice.block is None:
                if choice.categories:
                    skipped.setdefault(opendata.item_of(spec), list(choice.categories))
                else:
                    self.blank_cells += 1
                continue
            value_at = blocks[choice.block][1]
            value = self._number(record[value_at], row, value_at)
            if value is not None:
                self._add(found, spec, value)
                columns.setdefault(spec.target, self.headers.names[value_at])
        for item, categories in skipped.items():
            self.per_category[item] = self.per_category.get(item, 0) + 1
            found.per_category_only.append({"item": item, "categories": categories})
        found.certifications = opendata.certifications_from(certification_cells)
        found.values = _check_values(
            found.values,
            row=row,
            columns=columns,
            formula=definitions.DEFAULT_MALE_LEAVE_FORMULA,
            blocking=False,
            preview=self.preview,
        )
        self.values_found += len(found.values) + len(found.certifications) + len(found.flags)
        return found

    @staticmethod
    def _add(found: _WdbRow, spec: opendata.WdbColumn, value: float) -> None:
        # Two columns for one input (再雇用 and 中途採用) are added up.
        found.values[spec.target] = found.values.get(spec.target, 0.0) + value

    def notes(self, *, matched: int, rows_read: int) -> list[str]:
        notes: list[str] = []
        if self.per_category:
            notes.append(
                _(
                    "雇用管理区分（正社員・パートなど）ごとにしか公表されていない項目は、その企業・団体全体の値ではないため"
                    "取り込みません（区分が「全労働者」などのときは取り込みます）: %(items)s"
                )
                % {
                    "items": "、".join(
                        _("「%(item)s」%(count)d件") % {"item": item, "count": count}
                        for item, count in self.per_category.items()
                    )
                }
            )
        if matched and not self.values_found:
            notes.append(
                _(
                    "照合できた%(matched)d件の行には、取り込める値がありません。"
                    "「-」など公表されていないセル %(blank)d、雇用管理区分ごとの値だけの項目 %(split)d、"
                    "数字として読めないセル %(bad)d です。"
                )
                % {
                    "matched": matched,
                    "blank": self.blank_cells,
                    "split": sum(self.per_category.values()),
                    "bad": self.unreadable_cells,
                }
            )
        if rows_read and not matched:
            notes.append(
                _(
                    "ファイルの%(rows)d行のうち、参加企業・団体の法人番号と一致する行はありません。"
                    "参加企業・団体に法人番号が登録されているか確かめてください。"
                )
                % {"rows": rows_read}
            )
        return notes


def _period(found: _WdbRow, spec: opendata.WdbColumn, text: str) -> str:
    """The period note: 14.対象期間, else 16.データ集計時点; the last update date is kept on its own."""
    value = " ".join(text.split())
    if value in opendata.PLACEHOLDERS:
        return found.updated if spec.target == "updated" else found.period
    if spec.target == "updated":
        return value[:40]
    if spec.target == "period":
        return value[:120]
    return found.period or _("%(date)s時点") % {"date": value[:100]}


# --- the platform's own template ------------------------------------------------------------------------------

TEMPLATE_IDENTITY: tuple[Column, ...] = (
    Column("corporate_number", ("法人番号",)),
    Column("name", ("企業・団体名", "企業名", "名称")),
    Column("fiscal_year", ("年度",)),
    Column("formula", ("男性の育児休業等取得率の算定式", "算定式")),
)


def template_columns() -> list[Column]:
    columns = list(TEMPLATE_IDENTITY)
    for spec in definitions.INPUTS:
        columns.append(Column(spec.code, (f"{spec.label}（{spec.unit}）", spec.label, spec.code)))
    for code in definitions.DIRECT_ON_FORM:
        indicator = definitions.INDICATORS_BY_CODE[code]
        columns.append(Column(code, (f"{indicator.label}（%）", indicator.label, code)))
    for arrangement in definitions.ARRANGEMENTS:
        columns.append(
            Column(arrangement.code, (f"{arrangement.label}（あり/なし）", arrangement.label, arrangement.code))
        )
    return columns


def template_header() -> list[str]:
    """The header row of the downloadable template (Japanese, in the active language's wording for the fixed
    columns; figures' labels stay Japanese so a file made in English still imports)."""
    return [c.names[0] for c in template_columns()]


FORMULA_WORDS = {
    "leave": "leave",
    "育児休業等": "leave",
    "育児休業等のみ": "leave",
    "育休等": "leave",
    "1": "leave",
    "leave_and_purpose": "leave_and_purpose",
    "育児休業等+育児目的休暇": "leave_and_purpose",
    "育児休業等及び育児目的休暇": "leave_and_purpose",
    "育児休業等と育児目的休暇": "leave_and_purpose",
    "育休等+育児目的休暇": "leave_and_purpose",
    "2": "leave_and_purpose",
}


def preview_template(
    data: bytes, *, file_name: str, organisations: Sequence[Organisation], fiscal_year: int | None
) -> Preview:
    """The platform's template: one row per organisation-year, found by 法人番号 or else by name. Every problem
    blocks confirmation (the file is the user's own; they fix it and read it again)."""
    from shokuba.network.services import organisation_name_key
    from shokuba.workplace.services import fiscal_year_problem

    content, fmt, _inner = unpack(data, file_name)
    preview = Preview(kind="template", fiscal_year=fiscal_year)
    if fmt == "xlsx":
        rows: Iterator[list[str]] = xlsx_rows(content)
        preview.encoding = "xlsx"
    else:
        encoding = detect_encoding(content)
        preview.encoding = encoding.replace("utf-8-sig", "utf-8")
        if content.count(b'"') % 2 == 1:
            raise _refuse(_("ファイルが途中で切れています（引用符が閉じていません）。保存し直してください。"))
        rows = csv_rows(content, encoding)
    header = next(rows, None)
    if not header or not any(str(h).strip() for h in header):
        raise _refuse(_("ファイルに見出しの行がありません。様式をダウンロードして使ってください。"))
    columns = template_columns()
    headers = map_headers(header, columns)
    if "corporate_number" not in headers.index and "name" not in headers.index:
        raise _refuse(_("「法人番号」か「企業・団体名」の列が必要です。様式をダウンロードして使ってください。"))
    if "fiscal_year" not in headers.index and fiscal_year is None:
        raise _refuse(_("「年度」の列がありません。取り込む年度を指定してください。"))
    figure_targets = [c.target for c in columns[len(TEMPLATE_IDENTITY) :]]
    preview.missing_columns = [c.names[0] for c in headers.missing if c.target in figure_targets]
    column_names = {t: headers.names[i] for t, i in headers.index.items()}
    by_number = _by_corporate_number(organisations)
    by_name: dict[str, list[Organisation]] = {}
    for candidate in organisations:
        by_name.setdefault(organisation_name_key(candidate.name), []).append(candidate)
    width = len(header)
    planned: list[tuple[int, Organisation, int, dict[str, float], str | None, dict[str, bool]]] = []
    seen: dict[tuple[int, int], int] = {}
    row_number = 1
    for record in rows:
        row_number += 1
        if not any(str(c).strip() for c in record):
            continue
        preview.rows_read += 1
        record = list(record) + [""] * (width - len(record))

        def cell(target: str, record: list[str] = record) -> str:
            return str(record[headers.index[target]]).strip() if target in headers.index else ""

        # Which organisation.
        organisation: Organisation | None = None
        number_text = cell("corporate_number")
        name_text = cell("name")
        if number_text:
            try:
                number = normalise_corporate_number(number_text)
            except CodeError as exc:
                preview.add(CellProblem(row_number, column_names["corporate_number"], str(exc)))
                continue
            owners = by_number.get(number, [])
            if len(owners) != 1:
                preview.add(
                    CellProblem(
                        row_number,
                        column_names["corporate_number"],
                        _("法人番号「%(number)s」の参加企業・団体が見つかりません。") % {"number": number}
                        if not owners
                        else _("法人番号「%(number)s」の参加企業・団体が複数あります。企業・団体名で指定してください。")
                        % {"number": number},
                    )
                )
                preview.unknown_rows.append({"row": row_number, "name": name_text, "corporate_number": number})
                continue
            organisation = owners[0]
        elif name_text:
            owners = by_name.get(organisation_name_key(name_text), [])
            if len(owners) != 1:
                preview.add(
                    CellProblem(
                        row_number,
                        column_names["name"],
                        _("「%(name)s」という参加企業・団体が見つかりません。") % {"name": name_text[:60]},
                    )
                )
                preview.unknown_rows.append({"row": row_number, "name": name_text, "corporate_number": ""})
                continue
            organisation = owners[0]
        else:
            preview.add(
                CellProblem(
                    row_number,
                    column_names.get("corporate_number") or column_names.get("name", ""),
                    _("法人番号か企業・団体名を入力してください。"),
                )
            )
            continue
        # Which year.
        year = fiscal_year
        year_text = cell("fiscal_year")
        if year_text:
            try:
                parsed = definitions.parse_number(year_text.removesuffix("年度"))
            except definitions.CellError:
                parsed = None
            year = int(parsed) if parsed is not None and float(parsed).is_integer() else None
            problem = fiscal_year_problem(year)
            if problem:
                preview.add(CellProblem(row_number, column_names["fiscal_year"], problem))
                continue
        if year is None:
            preview.add(
                CellProblem(row_number, column_names.get("fiscal_year", _("年度")), _("年度を入力してください。"))
            )
            continue
        key = (organisation.pk, year)
        if key in seen:
            preview.add(
                CellProblem(
                    row_number,
                    column_names.get("corporate_number") or column_names["name"],
                    _("「%(name)s」の%(year)d年度の行が2回あります（%(first)d行目と重複）。")
                    % {"name": organisation.name, "year": year, "first": seen[key]},
                )
            )
            continue
        seen[key] = row_number
        formula: str | None = None
        formula_text = cell("formula")
        if formula_text:
            formula = FORMULA_WORDS.get("".join(unicodedata.normalize("NFKC", formula_text).split()))
            if formula is None:
                preview.add(
                    CellProblem(
                        row_number,
                        column_names["formula"],
                        _("算定式は「育児休業等」か「育児休業等＋育児目的休暇」と入力してください（「%(value)s」）。")
                        % {"value": formula_text[:40]},
                    )
                )
                continue
        values: dict[str, float] = {}
        flags: dict[str, bool] = {}
        for target in figure_targets:
            if target not in headers.index:
                continue
            text = cell(target)
            if target in definitions.ARRANGEMENTS_BY_CODE:
                try:
                    flag = definitions.parse_flag(text)
                except definitions.CellError:
                    preview.add(
                        CellProblem(
                            row_number,
                            column_names[target],
                            _("「あり」か「なし」で入力してください（「%(value)s」）。") % {"value": text[:40]},
                        )
                    )
                    continue
                if flag is not None:
                    flags[target] = flag
                continue
            ok, value = _cell_number(text, row=row_number, column=column_names[target], blocking=True, preview=preview)
            if ok and value is not None:
                values[target] = value
        planned.append((row_number, organisation, year, values, formula, flags))
    existing = _existing([p[1] for p in planned], [p[2] for p in planned])
    for row_number, owner, year, values, formula, flags in planned:
        current = existing.get((owner.pk, year))
        merged: dict[str, Any] = dict(current.raw) if current is not None else {}
        merged.update(values)
        chosen = formula or (
            current.male_childcare_leave_formula if current else definitions.DEFAULT_MALE_LEAVE_FORMULA
        )
        # Errors are reported against the file's own cells (a stored figure the file did not touch is named by label).
        _check_values(merged, row=row_number, columns=column_names, formula=chosen, blocking=True, preview=preview)
        row = _row_for_write(owner, year, values, existing=current, formula=chosen, arrangements=flags)
        if not has_changes(row):
            preview.unchanged += 1
        preview.rows.append(row)
    return preview
