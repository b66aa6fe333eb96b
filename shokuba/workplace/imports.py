"""Reading indicator files: the platform's own template (XLSX/CSV) and the 女性の活躍推進企業データベース open-data
file (its 全体版 CSV, bare or inside its ZIP, or the same saved as .xlsx by a spreadsheet). Every byte is read by the
one tabular reader (`shokuba.tabular`: encodings, the ZIP guard, calamine, header keys, skipped rows, cell values);
this module maps what it reads to the workplace's figures. Nothing here writes indicator data: `preview_*` return
what an import would write, checked cell by cell; services.indicator_import_* store the preview and, once
confirmed, write it in one transaction.

Imports only ever set values present in the file: a blank cell or a placeholder ("-", "…", 非公表) means not
disclosed and leaves the stored figure as it was (never zero).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from shokuba.core.codes import CodeError, normalise_corporate_number
from shokuba.network.models import Organisation
from shokuba.network.services import organisation_name_key
from shokuba.tabular import (
    CSV,
    CellValueError,
    ColumnSpec,
    DataRows,
    Limits,
    Row,
    Sheet,
    TableRefused,
    Workbook,
    column_letter,
    header_key,
    identifier_of,
    locate_header,
    match_header,
    open_workbook,
    plain_text,
)
from shokuba.tabular.headers import header_text
from shokuba.workplace import definitions, opendata
from shokuba.workplace.messages import label, problem_message
from shokuba.workplace.models import IndicatorYear, fiscal_year_problem

MAX_UPLOAD_BYTES = 300 * 1024 * 1024  # the open-data ZIP is far smaller; its CSV about 85 MB for 65,000 companies
LIMITS = Limits(max_bytes=MAX_UPLOAD_BYTES, max_uncompressed_bytes=600 * 1024 * 1024)
EXTENSIONS = frozenset({".csv", ".zip", ".xlsx"})
MAX_PROBLEMS_KEPT = 500
MAX_UNMATCHED_KEPT = 200


class ImportRefused(Exception):
    """The file cannot be read at all (or is incomplete); nothing was stored. Messages are Japanese."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class CellProblem:
    row: int  # the row as a spreadsheet shows it
    column: str  # the column's header name
    message: str
    blocking: bool = True  # the import cannot be confirmed (template); otherwise the cell is skipped (open data)
    letter: str = ""  # the column as a spreadsheet names it ("E")

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
            "message": self.message,
            "blocking": self.blocking,
        }

    def __str__(self) -> str:
        where = _("%(row)d行目・「%(column)s」列") % {"row": self.row, "column": self.column}
        return f"{where}：{self.message}"


# --- reading through the tabular reader -------------------------------------------------------------------------


def _refuse(message: str) -> ImportRefused:
    return ImportRefused([message])


def _refused(refusal: TableRefused) -> ImportRefused:
    return ImportRefused(refusal.messages)


def _open(stream: IO[bytes], file_name: str) -> tuple[Workbook, Sheet]:
    workbook = open_workbook(stream, file_name, limits=LIMITS, extensions=EXTENSIONS)
    return workbook, workbook.sheet()


def _encoding(workbook: Workbook) -> str:
    return "xlsx" if workbook.format != CSV else workbook.encoding.replace("utf-8-sig", "utf-8")


def _refuse_formulas_and_merged_cells(sheet: Sheet, header_row: int) -> None:
    """The one rule of every import (the survey import's too): no formula anywhere, no merged cell from the
    header down. Every such cell is named."""
    found = sheet.problems(merged_from_row=header_row)
    if found:
        raise TableRefused(found)


def _text(value: Any) -> str:
    """A cell as text as a person reads it: a date cell as 2025年10月30日 (what a Japanese spreadsheet shows)."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    return plain_text(value)


Place = tuple[str, str]  # (header as written, column letter)


# --- the open-data file's header ------------------------------------------------------------------------------

_CATEGORY_NAME = re.compile(r"-雇用管理区分\d+$")


@dataclass
class WdbHeader:
    """Where each of opendata.COLUMNS is: one column (company-wide) or one per 雇用管理区分 block."""

    row: int
    names: list[str]  # the file's header names, as written
    single: dict[int, int]  # index in opendata.COLUMNS -> column
    blocks: dict[int, list[tuple[int, int]]]  # index in opendata.COLUMNS -> [(category name column, value column)]
    missing: list[opendata.WdbColumn]  # known columns not found
    ambiguous: dict[int, list[int]]  # index in opendata.COLUMNS -> the columns that answer to it

    def found(self, target: str) -> bool:
        return any(opendata.COLUMNS[n].target == target for n in (*self.single, *self.blocks))

    def column(self, target: str) -> int | None:
        for n, index in self.single.items():
            if opendata.COLUMNS[n].target == target:
                return index
        return None

    def place(self, column: int) -> Place:
        return self.names[column], column_letter(column)


def match_wdb_header(header: Sequence[Any], row: int = 1) -> WdbHeader:
    """The real file's header (DOMAIN.md §8) or an older layout's, mapped to opendata.COLUMNS. Names are compared by
    the reader's `header_key` (item numbers, units, width and spaces ignored). A "<item>-雇用管理区分N" column opens
    a block; the item's columns after it are that category's values and are read per block. Every other column is
    matched by the reader's `match_header` (whole name first; then without a 「企業認定等-」-like prefix or a
    sub-item, when only one column answers)."""
    names = [header_text(h) for h in header]
    keys = [header_key(h) if h else "" for h in names]
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
    blocks: dict[int, list[tuple[int, int]]] = {}
    for n, spec in enumerate(opendata.COLUMNS):
        if not spec.per_category:
            continue
        wanted = {header_key(name) for name in spec.names}
        found = [(block_of[i], i) for i, key in enumerate(keys) if i in block_of and key in wanted]
        if found:
            blocks[n] = found
    # Block columns are the blocks' own: masked, so that no other spec claims them or finds them ambiguous.
    visible = ["" if i in block_of or _CATEGORY_NAME.search(keys[i]) else name for i, name in enumerate(names)]
    specs = [ColumnSpec(str(n), spec.names) for n, spec in enumerate(opendata.COLUMNS) if n not in blocks]
    match = match_header(visible, specs, row=row)
    single = {int(key): column for key, column in match.columns.items()}
    ambiguous = {int(key): columns for key, columns in match.ambiguous.items()}
    located = {opendata.COLUMNS[n] for n in (*single, *blocks)}
    missing = [c for c in opendata.KNOWN if c not in located]
    return WdbHeader(row, names, single, blocks, missing, ambiguous)


def _missing_list(columns: Iterable[opendata.WdbColumn]) -> str:
    return "「" + "」「".join(c.label for c in columns) + "」"


def _is_wdb_header(cells: list[Any]) -> bool:
    keys = {header_key(c) for c in cells if isinstance(c, str)}
    return "法人番号" in keys and bool(keys & {"企業名", "会社名", "企業名称"})


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
    values: dict[str, float],
    *,
    row: int,
    places: Mapping[str, Place],
    formula: str,
    blocking: bool,
    preview: Preview,
) -> dict[str, float]:
    """Check one row's figures together; a cell with an error is reported (and, when not blocking, dropped)."""
    problems = definitions.check(values, formula=formula)
    bad: set[str] = set()
    for problem in problems:
        if problem.severity != "error":
            continue
        header, letter = places.get(problem.field) or (label(problem.field), "")
        preview.add(CellProblem(row, header, _with_skip(problem_message(problem), blocking), blocking, letter))
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


def _cell_number(value: Any, *, row: int, place: Place, blocking: bool, preview: Preview) -> tuple[bool, float | None]:
    try:
        return True, definitions.parse_number(value)
    except definitions.CellError:
        preview.add(
            CellProblem(
                row,
                place[0],
                _with_skip(_("数字として読めません（「%(value)s」）。") % {"value": _text(value)[:40]}, blocking),
                blocking,
                place[1],
            )
        )
        return False, None


def _by_corporate_number(organisations: Iterable[Organisation]) -> dict[str, list[Organisation]]:
    found: dict[str, list[Organisation]] = {}
    for organisation in organisations:
        if organisation.corporate_number:
            found.setdefault(organisation.corporate_number, []).append(organisation)
    return found


def _corporate_number(value: Any) -> str | None:
    """The 13-digit 法人番号 of a cell, or None when it cannot be one. A number from a spreadsheet is read back
    to its digits; scientific notation (1.23457E+12) raises CellValueError: its lost digits cannot be recovered."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 13 and text.isdigit() and text.isascii():  # the common case, kept cheap
            return text
    text = identifier_of(value, width=13) or ""
    if not text:
        return None
    try:
        return normalise_corporate_number(text)
    except CodeError:
        return None


def preview_wdb(
    stream: IO[bytes], *, file_name: str, organisations: Sequence[Organisation], fiscal_year: int
) -> Preview:
    """The open-data file (CSV, the ZIP it comes in, or the same saved as .xlsx by a spreadsheet) matched by
    法人番号 to the given organisations (the programme's, or the whole network's)."""
    try:
        return _preview_wdb(stream, file_name=file_name, organisations=organisations, fiscal_year=fiscal_year)
    except TableRefused as refusal:
        raise _refused(refusal) from refusal


def _preview_wdb(
    stream: IO[bytes], *, file_name: str, organisations: Sequence[Organisation], fiscal_year: int
) -> Preview:
    workbook, sheet = _open(stream, file_name)
    preview = Preview(kind="wdb", fiscal_year=fiscal_year, encoding=_encoding(workbook))
    try:
        found_header, rows = locate_header(sheet.rows(), predicate=_is_wdb_header)
    except TableRefused as refusal:
        raise _refuse(
            _(
                "「法人番号」と「企業名」の見出しが見つかりません。女性の活躍推進企業データベースのファイルか確かめてください。"
            )
        ) from refusal
    _refuse_formulas_and_merged_cells(sheet, found_header.row)
    headers = match_wdb_header(found_header.headers, found_header.row)
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
    for n, columns in headers.ambiguous.items():
        preview.notes.append(
            _("「%(header)s」に当たる列が複数あるため（%(columns)s）、その値は取り込みません。")
            % {
                "header": opendata.COLUMNS[n].label,
                "columns": "、".join(f"{column_letter(i)}列「{headers.names[i]}」" for i in columns),
            }
        )
    reader = _WdbRowReader(headers, preview)
    by_number = _by_corporate_number(organisations)
    number_at = headers.column("corporate_number")
    assert number_at is not None  # required above
    width = len(found_header.headers)
    matched: list[tuple[int, Organisation, _WdbRow]] = []
    seen: dict[int, int] = {}
    last_short = 0
    data_rows = DataRows(code_columns=[number_at])
    for row in rows:
        cells = row.cells
        number_cell = cells[number_at] if number_at < len(cells) else None
        if not (isinstance(number_cell, str) and len(number_cell) == 13 and number_cell.isdigit()):
            # Only a row without a 法人番号 can be blank, a totals or a notes row: the reader's rule decides (a
            # company's row, tens of thousands of them with 236 cells, is not scanned for it).
            if not any(True for _row in data_rows([row])):
                continue
        preview.rows_read += 1
        if sheet.format == CSV and len(cells) < width:
            last_short = row.number
            continue
        last_short = 0
        try:
            number = _corporate_number(cells[number_at])
        except CellValueError as exc:
            raise TableRefused.one(
                exc.message
                + _(
                    "13桁の法人番号が分からないため、企業を照合できません。ダウンロードしたままのファイル"
                    "（または ZIP）を読み込んでください（.xlsx で保存し直したファイルなら読めます）。"
                ),
                row=row.number,
                column=column_letter(number_at),
                header=headers.names[number_at],
            ) from exc
        if number is None:
            preview.invalid_numbers += 1
            continue
        owners = by_number.get(number)
        if not owners:
            continue
        found = reader.read(cells, row.number)
        for organisation in owners:
            if organisation.pk in seen:
                preview.add(
                    CellProblem(
                        row.number,
                        headers.names[number_at],
                        _("法人番号「%(number)s」の行が2回あります（%(first)d行目を使います）。")
                        % {"number": number, "first": seen[organisation.pk]},
                        blocking=False,
                        letter=column_letter(number_at),
                    )
                )
                continue
            seen[organisation.pk] = row.number
            matched.append((row.number, organisation, found))
    if last_short:
        raise _refuse(
            _("ファイルが途中で切れています（%(row)d行目の列が足りません）。ダウンロードし直してください。")
            % {"row": last_short}
        )
    if not preview.rows_read:
        raise _refuse(
            _(
                "見出しの行のあとに企業の行がありません。ファイルが途中で切れていないか確かめてください。"
                "ダウンロードし直してください。"
            )
        )
    existing = _existing([m[1] for m in matched], [fiscal_year])
    for _number, organisation, found in matched:
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
    preview.notes += data_rows.notes()
    if preview.invalid_numbers:
        preview.notes.append(
            _("法人番号が空欄か読めない行が%(count)d行あります（照合していません）。")
            % {"count": preview.invalid_numbers}
        )
    if workbook.member:
        preview.notes.append(_("ZIP の中の「%(name)s」を読みました。") % {"name": workbook.member})
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

    def _number(self, value: Any, row: int, column: int) -> float | None:
        if isinstance(value, str) and value.strip() in opendata.PLACEHOLDERS:
            self.blank_cells += 1
            return None
        ok, number = _cell_number(
            value, row=row, place=self.headers.place(column), blocking=False, preview=self.preview
        )
        if not ok:
            self.unreadable_cells += 1
        elif number is None:
            self.blank_cells += 1
        return number

    def read(self, cells: Sequence[Any], row: int) -> _WdbRow:
        found = _WdbRow()
        places: dict[str, Place] = {}
        certification_cells: dict[str, str] = {}
        for spec, index in self.singles:
            value = cells[index]
            if spec.kind == "identity":
                if spec.target in ("period", "as_of", "updated"):
                    _period(found, spec, _text(value))
                continue
            if spec.kind == "certification":
                certification_cells[spec.target] = _text(value)
                continue
            if spec.kind == "flag":
                try:
                    flag = definitions.parse_flag(value)
                except definitions.CellError:
                    self.unreadable_cells += 1
                    self.preview.add(
                        CellProblem(
                            row,
                            self.headers.names[index],
                            _("「あり」「なし」や「○」として読めません（「%(value)s」）。この値は取り込みません。")
                            % {"value": _text(value)[:40]},
                            blocking=False,
                            letter=column_letter(index),
                        )
                    )
                    continue
                if flag is not None:
                    found.flags[spec.target] = flag
                continue
            number = self._number(value, row, index)
            if number is not None:
                self._add(found, spec, number)
                places.setdefault(spec.target, self.headers.place(index))
        skipped: dict[str, list[str]] = {}
        for spec, blocks in self.blocks:
            names = [_text(cells[name]) for name, _value in blocks]
            values = [[_text(cells[value])] for _name, value in blocks]
            choice = opendata.choose_category(names, values)
            if choice.block is None:
                if choice.categories:
                    skipped.setdefault(opendata.item_of(spec), list(choice.categories))
                else:
                    self.blank_cells += 1
                continue
            value_at = blocks[choice.block][1]
            number = self._number(cells[value_at], row, value_at)
            if number is not None:
                self._add(found, spec, number)
                places.setdefault(spec.target, self.headers.place(value_at))
        for item, categories in skipped.items():
            self.per_category[item] = self.per_category.get(item, 0) + 1
            found.per_category_only.append({"item": item, "categories": categories})
        found.certifications = opendata.certifications_from(certification_cells)
        found.values = _check_values(
            found.values,
            row=row,
            places=places,
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


def _period(found: _WdbRow, spec: opendata.WdbColumn, text: str) -> None:
    """The period note (14.対象期間, else 16.データ集計時点) and the database's last update, on the row."""
    value = " ".join(text.split())
    if value in opendata.PLACEHOLDERS:
        return
    if spec.target == "updated":
        found.updated = value[:40]
    elif spec.target == "period":
        found.period = value[:120]
    elif not found.period:
        found.period = _("%(date)s時点") % {"date": value[:100]}


# --- the platform's own template ------------------------------------------------------------------------------

TEMPLATE_IDENTITY: tuple[ColumnSpec, ...] = (
    ColumnSpec("corporate_number", ("法人番号",)),
    ColumnSpec("name", ("企業・団体名", "企業名", "名称")),
    ColumnSpec("fiscal_year", ("年度",)),
    ColumnSpec("formula", ("男性の育児休業等取得率の算定式", "算定式")),
)


def template_columns() -> list[ColumnSpec]:
    columns = list(TEMPLATE_IDENTITY)
    for spec in definitions.INPUTS:
        columns.append(ColumnSpec(spec.code, (f"{spec.label}（{spec.unit}）", spec.label, spec.code)))
    for code in definitions.DIRECT_ON_FORM:
        indicator = definitions.INDICATORS_BY_CODE[code]
        columns.append(ColumnSpec(code, (f"{indicator.label}（%）", indicator.label, code)))
    for arrangement in definitions.ARRANGEMENTS:
        columns.append(
            ColumnSpec(arrangement.code, (f"{arrangement.label}（あり/なし）", arrangement.label, arrangement.code))
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
    stream: IO[bytes], *, file_name: str, organisations: Sequence[Organisation], fiscal_year: int | None
) -> Preview:
    """The platform's template: one row per organisation-year, found by 法人番号 or else by name. Every problem
    blocks confirmation (the file is the user's own; they fix it and read it again)."""
    try:
        return _preview_template(stream, file_name=file_name, organisations=organisations, fiscal_year=fiscal_year)
    except TableRefused as refusal:
        raise _refused(refusal) from refusal


def _preview_template(
    stream: IO[bytes], *, file_name: str, organisations: Sequence[Organisation], fiscal_year: int | None
) -> Preview:
    workbook, sheet = _open(stream, file_name)
    preview = Preview(kind="template", fiscal_year=fiscal_year, encoding=_encoding(workbook))
    columns = template_columns()
    try:
        headers, rows = locate_header(sheet.rows(), columns, loose=False)
    except TableRefused as refusal:
        raise _refuse(_("ファイルに見出しの行がありません。様式をダウンロードして使ってください。")) from refusal
    _refuse_formulas_and_merged_cells(sheet, headers.row)
    if headers.column("corporate_number") is None and headers.column("name") is None:
        raise _refuse(_("「法人番号」か「企業・団体名」の列が必要です。様式をダウンロードして使ってください。"))
    if headers.column("fiscal_year") is None and fiscal_year is None:
        raise _refuse(_("「年度」の列がありません。取り込む年度を指定してください。"))
    figure_targets = [c.key for c in columns[len(TEMPLATE_IDENTITY) :]]
    preview.missing_columns = [c.label for c in headers.missing if c.key in figure_targets]
    places: dict[str, Place] = {key: (headers.header(key), headers.letter(key)) for key in headers.columns}
    by_number = _by_corporate_number(organisations)
    by_name: dict[str, list[Organisation]] = {}
    for candidate in organisations:
        by_name.setdefault(organisation_name_key(candidate.name), []).append(candidate)
    planned: list[tuple[int, Organisation, int, dict[str, float], str | None, dict[str, bool]]] = []
    seen: dict[tuple[int, int], int] = {}
    identity = [c for c in (headers.column("corporate_number"), headers.column("name")) if c is not None]
    data_rows = DataRows(code_columns=identity)

    labels = {c.key: c.label for c in TEMPLATE_IDENTITY}

    def problem(row: int, key: str, message: str) -> None:
        header, letter = places.get(key, (labels.get(key, key), ""))
        preview.add(CellProblem(row, header, message, True, letter))

    def identity_key() -> str:
        return "corporate_number" if "corporate_number" in places else "name"

    for row in data_rows(rows):
        preview.rows_read += 1

        def cell(key: str, row: Row = row) -> Any:
            column = headers.column(key)
            return row.cells[column] if column is not None and column < len(row.cells) else None

        def text(key: str) -> str:
            return _text(cell(key)).strip()

        # Which organisation.
        organisation: Organisation | None = None
        name_text = text("name")
        try:
            number_digits = identifier_of(cell("corporate_number"), width=13)
        except CellValueError as exc:
            problem(row.number, "corporate_number", exc.message)
            continue
        if number_digits:
            try:
                number = normalise_corporate_number(number_digits)
            except CodeError as exc:
                problem(row.number, "corporate_number", str(exc))
                continue
            owners = by_number.get(number, [])
            if len(owners) != 1:
                problem(
                    row.number,
                    "corporate_number",
                    _("法人番号「%(number)s」の参加企業・団体が見つかりません。") % {"number": number}
                    if not owners
                    else _("法人番号「%(number)s」の参加企業・団体が複数あります。企業・団体名で指定してください。")
                    % {"number": number},
                )
                preview.unknown_rows.append({"row": row.number, "name": name_text, "corporate_number": number})
                continue
            organisation = owners[0]
        elif name_text:
            owners = by_name.get(organisation_name_key(name_text), [])
            if len(owners) != 1:
                problem(
                    row.number,
                    "name",
                    _("「%(name)s」という参加企業・団体が見つかりません。") % {"name": name_text[:60]},
                )
                preview.unknown_rows.append({"row": row.number, "name": name_text, "corporate_number": ""})
                continue
            organisation = owners[0]
        else:
            problem(row.number, identity_key(), _("法人番号か企業・団体名を入力してください。"))
            continue
        # Which year.
        year = fiscal_year
        year_text = text("fiscal_year")
        if year_text:
            try:
                parsed = definitions.parse_number(year_text.removesuffix("年度"))
            except definitions.CellError:
                parsed = None
            year = int(parsed) if parsed is not None and float(parsed).is_integer() else None
            year_problem = fiscal_year_problem(year)
            if year_problem:
                problem(row.number, "fiscal_year", year_problem)
                continue
        if year is None:
            problem(row.number, "fiscal_year", _("年度を入力してください。"))
            continue
        key = (organisation.pk, year)
        if key in seen:
            problem(
                row.number,
                identity_key(),
                _("「%(name)s」の%(year)d年度の行が2回あります（%(first)d行目と重複）。")
                % {"name": organisation.name, "year": year, "first": seen[key]},
            )
            continue
        seen[key] = row.number
        formula: str | None = None
        formula_text = text("formula")
        if formula_text:
            formula = FORMULA_WORDS.get("".join(unicodedata.normalize("NFKC", formula_text).split()))
            if formula is None:
                problem(
                    row.number,
                    "formula",
                    _("算定式は「育児休業等」か「育児休業等＋育児目的休暇」と入力してください（「%(value)s」）。")
                    % {"value": formula_text[:40]},
                )
                continue
        values: dict[str, float] = {}
        flags: dict[str, bool] = {}
        for target in figure_targets:
            if target not in places:
                continue
            if target in definitions.ARRANGEMENTS_BY_CODE:
                try:
                    flag = definitions.parse_flag(cell(target))
                except definitions.CellError:
                    problem(
                        row.number,
                        target,
                        _("「あり」か「なし」で入力してください（「%(value)s」）。") % {"value": text(target)[:40]},
                    )
                    continue
                if flag is not None:
                    flags[target] = flag
                continue
            ok, value = _cell_number(cell(target), row=row.number, place=places[target], blocking=True, preview=preview)
            if ok and value is not None:
                values[target] = value
        planned.append((row.number, organisation, year, values, formula, flags))
    preview.notes += data_rows.notes()
    existing = _existing([p[1] for p in planned], [p[2] for p in planned])
    for row_number, owner, year, values, formula, flags in planned:
        current = existing.get((owner.pk, year))
        merged: dict[str, Any] = dict(current.raw) if current is not None else {}
        merged.update(values)
        chosen = formula or (
            current.male_childcare_leave_formula if current else definitions.DEFAULT_MALE_LEAVE_FORMULA
        )
        # Errors are reported against the file's own cells (a stored figure the file did not touch is named by label).
        _check_values(merged, row=row_number, places=places, formula=chosen, blocking=True, preview=preview)
        planned_row = _row_for_write(owner, year, values, existing=current, formula=chosen, arrangements=flags)
        if not has_changes(planned_row):
            preview.unchanged += 1
        preview.rows.append(planned_row)
    return preview
