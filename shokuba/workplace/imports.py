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
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from shokuba.core.codes import CodeError, normalise_corporate_number
from shokuba.network.models import Organisation
from shokuba.network.services import organisation_name_key
from shokuba.workplace import definitions
from shokuba.workplace.messages import label, problem_message
from shokuba.workplace.models import IndicatorYear, fiscal_year_problem

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


# --- the open-data file's columns -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    target: str  # an input or indicator code, or one of the identity fields below
    names: tuple[str, ...]  # accepted header names; the first is the current release's
    required: bool = False


IDENTITY = ("corporate_number", "name", "industry", "prefecture", "size", "eruboshi", "kurumin", "period", "updated")

WDB_COLUMNS: tuple[Column, ...] = (
    Column("corporate_number", ("法人番号", "法人番号（13桁）"), required=True),
    Column("name", ("企業名", "会社名", "企業名称"), required=True),
    Column("industry", ("業種",)),
    Column("prefecture", ("都道府県", "所在地（都道府県）")),
    Column("size", ("企業規模", "常時雇用する労働者数")),
    Column("eruboshi", ("えるぼし", "えるぼし認定", "えるぼし認定段階")),
    Column("kurumin", ("くるみん", "くるみん認定")),
    Column("period", ("対象期間", "データ対象期間", "対象年度")),
    Column("updated", ("最終更新日", "更新日")),
    Column("women_hire_ratio", ("採用した労働者に占める女性労働者の割合", "採用者に占める女性割合", "女性採用比率")),
    Column(
        "competition_ratio_women", ("採用における競争倍率（女性）", "女性の採用における競争倍率", "競争倍率（女性）")
    ),
    Column("competition_ratio_men", ("採用における競争倍率（男性）", "男性の採用における競争倍率", "競争倍率（男性）")),
    Column("competition_ratio_sex", ("採用における競争倍率の男女比", "競争倍率の男女比")),
    Column("women_worker_ratio", ("労働者に占める女性労働者の割合", "女性労働者比率", "労働者に占める女性割合")),
    Column("women_chief_ratio", ("係長級にある者に占める女性労働者の割合", "係長級女性割合", "係長級の女性割合")),
    Column("women_manager_ratio", ("管理職女性割合", "管理職に占める女性労働者の割合", "女性管理職比率")),
    Column("women_officer_ratio", ("役員に占める女性の割合", "役員女性割合", "女性役員比率")),
    Column("pay_gap_all", ("賃金差異（全労働者）", "男女の賃金の差異（全労働者）", "賃金差異")),
    Column("pay_gap_regular", ("賃金差異（正規雇用労働者）", "男女の賃金の差異（正規雇用労働者）", "賃金差異（正規）")),
    Column(
        "pay_gap_non_regular",
        ("賃金差異（非正規雇用労働者）", "男女の賃金の差異（非正規雇用労働者）", "賃金差異（非正規）"),
    ),
    Column("tenure_women", ("平均継続勤務年数（女性）", "女性の平均継続勤務年数")),
    Column("tenure_men", ("平均継続勤務年数（男性）", "男性の平均継続勤務年数")),
    Column("retention_10y_women", ("採用10年前後の継続雇用割合（女性）", "女性の採用10年前後の継続雇用割合")),
    Column("retention_10y_men", ("採用10年前後の継続雇用割合（男性）", "男性の採用10年前後の継続雇用割合")),
    Column("childcare_leave_rate_women", ("育休取得率（女性）", "女性の育児休業取得率", "育児休業取得率（女性）")),
    Column(
        "male_childcare_leave_rate_leave",
        ("育休取得率（男性）", "男性の育児休業等取得率", "育児休業取得率（男性）", "男性の育児休業取得率"),
    ),
    Column(
        "male_childcare_leave_rate_combined",
        ("男性の育児休業等及び育児目的休暇の取得率", "育休等・育児目的休暇取得率（男性）"),
    ),
    Column("avg_monthly_overtime", ("平均残業時間", "一月当たりの労働者の平均残業時間", "月平均残業時間")),
    Column("paid_leave_rate", ("年休取得率", "年次有給休暇の取得率", "有給休暇取得率")),
)


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
            "changed": sum(1 for r in self.rows if r["changes"]),
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


def _changes(old: Mapping[str, float | None], new: Mapping[str, float | None]) -> list[dict[str, Any]]:
    changes = []
    for indicator in definitions.INDICATORS:
        before, after = old.get(indicator.code), new.get(indicator.code)
        if before is None and after is None:
            continue
        if before is not None and after is not None and abs(before - after) < 1e-9:
            continue
        changes.append({"code": indicator.code, "old": before, "new": after})
    return changes


def _row_for_write(
    organisation: Organisation,
    fiscal_year: int,
    values: Mapping[str, float],
    *,
    existing: IndicatorYear | None,
    formula: str | None,
    arrangements: Mapping[str, bool],
    period_note: str = "",
) -> dict[str, Any]:
    """The row confirm will write: the stored raw with the file's values laid over it."""
    raw: dict[str, Any] = dict(existing.raw) if existing is not None else {}
    raw.update(values)
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
    changes = _changes(old_values, definitions.compute(raw, formula=chosen))
    flag_changes = [code for code, on in arrangements.items() if old_flags.get(code, False) != on]
    return {
        "organisation_id": organisation.pk,
        "organisation": organisation.name,
        "corporate_number": organisation.corporate_number or "",
        "fiscal_year": fiscal_year,
        "raw": definitions.stored_raw(raw),
        "formula": chosen,
        "arrangements": {k: bool(v) for k, v in flags.items()},
        "period_note": period_note,
        "changes": changes,
        "flag_changes": flag_changes,
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
    """The open-data CSV matched by 法人番号 to the given organisations (the programme's)."""
    content, fmt, inner = unpack(data, file_name)
    if fmt != "csv":
        raise _refuse(_("女性の活躍推進企業データベースの CSV（または それを含む ZIP）を選んでください。"))
    encoding = detect_encoding(content)
    preview = Preview(kind="wdb", fiscal_year=fiscal_year, encoding=encoding.replace("utf-8-sig", "utf-8"))
    odd_quotes = content.count(b'"') % 2 == 1
    rows = csv_rows(content, encoding)
    header = next(rows, None)
    if not header or not any(h.strip() for h in header):
        raise _refuse(_("CSV に見出しの行がありません。"))
    headers = map_headers(header, WDB_COLUMNS)
    required = [c for c in headers.missing if c.required]
    if required:
        raise _refuse(
            _("必要な列「%(columns)s」が見つかりません。女性の活躍推進企業データベースの CSV か確かめてください。")
            % {"columns": "」「".join(c.names[0] for c in required)}
        )
    preview.missing_columns = [c.names[0] for c in headers.missing]
    if preview.missing_columns:
        preview.notes.append(
            _("次の列がファイルにないため、その値は取り込みません: %(columns)s")
            % {"columns": "、".join(preview.missing_columns)}
        )
    by_number = _by_corporate_number(organisations)
    number_at = headers.index["corporate_number"]
    width = len(header)
    targets = [(t, i) for t, i in headers.index.items() if t not in IDENTITY]
    column_names = {t: headers.names[i] for t, i in headers.index.items()}
    matched: list[tuple[int, Organisation, dict[str, float], str]] = []
    seen: dict[int, int] = {}
    last_short = 0
    row_number = 1
    for record in rows:
        row_number += 1
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        preview.rows_read += 1
        if len(record) < width:
            last_short = row_number
            continue
        last_short = 0
        number = _corporate_number(record[number_at]) if number_at < len(record) else None
        if number is None:
            preview.invalid_numbers += 1
            continue
        owners = by_number.get(number)
        if not owners:
            continue
        values: dict[str, float] = {}
        for target, index in targets:
            ok, value = _cell_number(
                record[index], row=row_number, column=column_names[target], blocking=False, preview=preview
            )
            if ok and value is not None:
                values[target] = value
        values = _check_values(
            values,
            row=row_number,
            columns=column_names,
            formula=definitions.DEFAULT_MALE_LEAVE_FORMULA,
            blocking=False,
            preview=preview,
        )
        period = record[headers.index["period"]].strip() if "period" in headers.index else ""
        for organisation in owners:
            if organisation.pk in seen:
                preview.add(
                    CellProblem(
                        row_number,
                        column_names["corporate_number"],
                        _("法人番号「%(number)s」の行が2回あります（%(first)d行目を使います）。")
                        % {"number": number, "first": seen[organisation.pk]},
                        blocking=False,
                    )
                )
                continue
            seen[organisation.pk] = row_number
            matched.append((row_number, organisation, values, period))
    if last_short or odd_quotes:
        raise _refuse(
            _("ファイルが途中で切れています（%(row)d行目の列が足りません）。ダウンロードし直してください。")
            % {"row": last_short or row_number}
        )
    existing = _existing([m[1] for m in matched], [fiscal_year])
    for _row, organisation, values, period in matched:
        current = existing.get((organisation.pk, fiscal_year))
        planned = _row_for_write(
            organisation, fiscal_year, values, existing=current, formula=None, arrangements={}, period_note=period
        )
        if not planned["changes"] and current is not None:
            preview.unchanged += 1
        preview.rows.append(planned)
    preview.unmatched = [
        {"name": o.name, "corporate_number": o.corporate_number or ""} for o in organisations if o.pk not in seen
    ]
    if inner != file_name:
        preview.notes.append(_("ZIP の中の「%(name)s」を読みました。") % {"name": inner})
    return preview


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
        if not row["changes"] and not row["flag_changes"] and current is not None:
            preview.unchanged += 1
        preview.rows.append(row)
    return preview
