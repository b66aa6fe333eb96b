"""Finding the figures in 表11-1/11-2/11-3, population and prefecture-to-prefecture tables, by their headers.

The statistics bureau's files are read as public parsers read them (six header rows, a 移動者/日本人/外国人 column,
5-digit codes without check digit, total then age groups, rows repeating per sex), but no column position is
assumed: the age-group header row is found by its labels, the code column by its values, the sex and
nationality columns by theirs. A CSV saved from the Excel file, with or without the header rows merged,
reads the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from shokuba.regional.estat.errors import ImportProblem, Place, StatisticsImportError
from shokuba.regional.estat.grid import Progress, Sheet
from shokuba.regional.indicators import AGE_GROUP_COUNT, Ages, add, age_group_index

SYNTHETIC_MARKER = "合成データ"
SEX_LABELS = {"総数": "T", "男女計": "T", "計": "T", "合計": "T", "男": "M", "男性": "M", "女": "F", "女性": "F"}
NATIONALITY_LABELS = {"移動者", "日本人", "外国人"}
ALL_MOVERS = "移動者"
TOTAL_LABELS = {"総数", "計", "合計", "総計", "年齢計"}
ZERO_MARKS = {"-", "−", "‐", "―", "—", "ー", "0"}
UNDISCLOSED_MARKS = {"***", "**", "*", "…", "...", "x", "X", "χ", "・", "-*"}
NEGATIVE_MARKS = ("△", "▲", "-", "−")
PREFECTURE_NAMES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)  # fmt: skip
PREFECTURE_BY_NAME = {name: f"{i:02d}" for i, name in enumerate(PREFECTURE_NAMES, start=1)}

_AGE_RANGE = re.compile(r"^(\d{1,3})\s*[~〜～\-－]\s*(\d{1,3})\s*歳?$")
_AGE_OPEN = re.compile(r"^(\d{1,3})\s*歳?\s*以上$")
_WESTERN_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_ERA_YEAR = re.compile(r"(令和|平成)\s*(元|\d{1,2})\s*年")
_ERA_START = {"令和": 2018, "平成": 1988}
HEADER_SCAN_ROWS = 15
COLUMN_SCAN_ROWS = 300


class TableKind:
    IN_MIGRANTS = "11-1"
    OUT_MIGRANTS = "11-2"
    NET_MIGRATION = "11-3"
    POPULATION = "population"
    PREFECTURE_FLOWS = "pref-flows"


def age_label_group(label: str) -> int | None:
    """The age group a header label belongs to ('15~19歳' -> 3, '90歳以上' and '95~99歳' -> 18)."""
    text = label.replace(" ", "")
    match = _AGE_RANGE.match(text)
    if match:
        lower, upper = int(match.group(1)), int(match.group(2))
        if upper - lower not in (4,) and lower < 90:
            return None  # a 10-year or other band cannot be placed in one 5-year group
        return age_group_index(lower)
    match = _AGE_OPEN.match(text)
    if match and int(match.group(1)) >= 90:
        return age_group_index(int(match.group(1)))
    return None


def parse_count(text: str) -> tuple[bool, int | None]:
    """(understood, value): '-' is zero, '***' and '…' are undisclosed (None), '△12' is -12, '1,234' is 1234."""
    value = text.replace(",", "").replace(" ", "").replace("\u3000", "")
    if value == "":
        return True, None
    if value in ZERO_MARKS:
        return True, 0
    if value in UNDISCLOSED_MARKS:
        return True, None
    sign = 1
    if value.startswith(NEGATIVE_MARKS):
        sign, value = -1, value[1:]
    if value.isdigit():
        return True, sign * int(value)
    try:
        number = float(value)
    except ValueError:
        return False, None
    if not number.is_integer():
        return False, None
    return True, sign * int(number)


def detect_table(text: str) -> str | None:
    """Which table a title (or any header text) announces."""
    if "都道府県間" in text or ("移動前の住所地" in text and "移動後の住所地" in text):
        return TableKind.PREFECTURE_FLOWS
    if "転入超過" in text:
        return TableKind.NET_MIGRATION
    if "転出者" in text or "転出数" in text:
        return TableKind.OUT_MIGRANTS
    if "転入者" in text or "転入数" in text:
        return TableKind.IN_MIGRANTS
    if "人口" in text and "移動" not in text:
        return TableKind.POPULATION
    return None


def detect_year(text: str) -> int | None:
    """The one year a text names (2024年, 令和6年, 2024年1月1日現在); None when it names none or several."""
    years = {int(y) for y in _WESTERN_YEAR.findall(text)}
    for era, number in _ERA_YEAR.findall(text):
        years.add(_ERA_START[era] + (1 if number == "元" else int(number)))
    return years.pop() if len(years) == 1 else None


def statistics_code(text: str) -> str | None:
    """A 5-digit statistics area code from a cell: zero-filled when Excel dropped the leading zero; a 6-digit
    local government code loses its check digit. None when the cell is not a code at all."""
    value = text.replace(" ", "")
    if not value.isdigit() or len(value) > 6:
        return None
    if len(value) == 6:
        return value[:5]
    return value.zfill(5)


@dataclass(frozen=True)
class AgeSexRecord:
    code: str  # 5-digit statistics code
    name: str
    sex: str
    total: int | None
    ages: Ages
    row: int


@dataclass
class ParsedAgeSexTable:
    place: Place
    table: str | None
    table_place: Place | None
    year: int | None
    synthetic: bool
    code_column: int
    records: list[AgeSexRecord] = field(default_factory=list)
    skipped_rows: int = 0


@dataclass(frozen=True)
class FlowRecord:
    origin: str  # 2-digit prefecture code
    destination: str
    sex: str
    movers: int | None
    row: int


@dataclass
class ParsedFlowTable:
    place: Place
    table: str | None
    table_place: Place | None
    year: int | None
    synthetic: bool
    records: list[FlowRecord] = field(default_factory=list)


def _width(rows: Sequence[Sequence[str]]) -> int:
    return max((len(r) for r in rows), default=0)


def _cell(row: Sequence[str], column: int) -> str:
    return row[column] if column < len(row) else ""


def _title(sheet: Sheet) -> str:
    """The sheet's title: its first written cell (notes further down may name other years, e.g. 2013年7月)."""
    return next((value for row in sheet.rows[:HEADER_SCAN_ROWS] for value in row if value), "")


def _header_text(sheet: Sheet, upto: int) -> tuple[str, str | None, Place | None]:
    """Everything written in the header rows, the table it announces and the cell that announced it."""
    texts: list[str] = []
    found: str | None = None
    found_at: tuple[int, int] | None = None
    for r, row in enumerate(sheet.rows[: upto + 1]):
        for c, value in enumerate(row):
            if not value:
                continue
            texts.append(value)
            kind = detect_table(value)
            if kind and found is None:
                found, found_at = kind, (r, c)
    place = Place("", sheet.name, found_at[0] + 1, found_at[1]) if found_at else None
    return " ".join(texts), found, place


def _find_age_header(sheet: Sheet) -> tuple[int, dict[int, int]] | None:
    """The row holding the age-group labels and, for each labelled column, its age group."""
    best: tuple[int, dict[int, int]] | None = None
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        columns = {c: g for c, value in enumerate(row) if value and (g := age_label_group(value)) is not None}
        if len(columns) >= 10 and (best is None or len(columns) > len(best[1])):
            best = (r, columns)
    return best


def _column_values(rows: Sequence[Sequence[str]], column: int) -> list[str]:
    return [v for row in rows if (v := _cell(row, column))]


def _label_column(rows: Sequence[Sequence[str]], width: int, labels: set[str] | dict[str, str]) -> int | None:
    best: tuple[int, int] | None = None
    for column in range(width):
        values = _column_values(rows, column)
        if not values:
            continue
        hits = [v for v in values if v in labels]
        if len(hits) >= max(1, len(values) * 0.8) and len(set(hits)) >= 2 and (best is None or len(hits) > best[1]):
            best = (column, len(hits))
    return best[0] if best else None


def _code_column(rows: Sequence[Sequence[str]], width: int, exclude: set[int]) -> int | None:
    """The column with the most distinct code-like values: codes vary by row, a year or a sex column does not."""
    best: tuple[int, int] | None = None
    for column in range(width):
        if column in exclude:
            continue
        distinct = {v for v in _column_values(rows, column) if statistics_code(v) is not None}
        if len(distinct) >= 2 and (best is None or len(distinct) > best[1]):
            best = (column, len(distinct))
    return best[0] if best else None


def _name_column(rows: Sequence[Sequence[str]], code_column: int, limit: int) -> int | None:
    for column in range(code_column + 1, limit):
        values = _column_values(rows, column)
        if values and sum(1 for v in values if not v.replace(",", "").lstrip("-").isdigit()) >= len(values) * 0.8:
            return column
    return None


def _data_year(rows: Sequence[Sequence[str]], width: int, limit: int) -> int | None:
    """A 時間軸 column ('2024年') repeating one year in every data row."""
    for column in range(min(width, limit)):
        values = set(_column_values(rows, column))
        if len(values) == 1:
            year = detect_year(next(iter(values)))
            if year:
                return year
    return None


def _age_sex_sheet(sheets: Sequence[Sheet]) -> tuple[Sheet, int, dict[int, int]] | None:
    for sheet in sheets:
        found = _find_age_header(sheet)
        if found:
            return sheet, found[0], found[1]
    return None


def parse_age_sex_table(
    sheets: Sequence[Sheet], *, file_name: str, progress: Progress | None = None
) -> ParsedAgeSexTable:
    """Every row of one 表11-x or population table: code, sex, total and the 19 age groups."""
    found = _age_sex_sheet(sheets)
    if found is None:
        only = sheets[0].name if len(sheets) == 1 else ""
        raise StatisticsImportError.at(
            Place(file_name, only),
            _(
                "年齢（5歳階級）の見出し（「0～4歳」「5～9歳」…「90歳以上」）が見つかりません。"
                "住民基本台帳人口移動報告の表11（年齢5歳階級・男女別）か、年齢5歳階級・男女別の人口の表を選んでください。"
            ),
        )
    sheet, header_row, age_columns = found
    place = Place(file_name, sheet.name)
    missing = sorted(set(range(AGE_GROUP_COUNT)) - set(age_columns.values()))
    if missing:
        raise StatisticsImportError.at(
            place.at(row=header_row + 1),
            _("年齢（5歳階級）の列がそろっていません（見つからない階級：%(groups)s）。")
            % {"groups": "、".join(_age_group_text(g) for g in missing)},
        )
    first_value_column = min(age_columns)
    header = sheet.rows[header_row]
    total_column = next(
        (c for c in range(first_value_column - 1, -1, -1) if _cell(header, c) in TOTAL_LABELS),
        None,
    )
    if total_column is None:
        total_column = next((c for c, v in enumerate(header) if v in TOTAL_LABELS and c > first_value_column), None)
    label_limit = total_column if total_column is not None and total_column < first_value_column else first_value_column
    header_text, table, table_place = _header_text(sheet, header_row)
    if table_place is not None:
        table_place = Place(file_name, sheet.name, table_place.row, table_place.column)
    data_rows = sheet.rows[header_row + 1 :]
    sample = data_rows[:COLUMN_SCAN_ROWS]
    width = _width(sample)
    sex_column = _label_column(sample, label_limit, SEX_LABELS)
    nationality_column = _label_column(sample, label_limit, NATIONALITY_LABELS)
    labelled = {c for c in (sex_column, nationality_column) if c is not None}
    code_column = _code_column(sample, label_limit, labelled)
    if code_column is None:
        raise StatisticsImportError.at(
            place.at(row=header_row + 2), _("団体コード（5桁の地域コード）の列が見つかりません。")
        )
    if sex_column is None:
        raise StatisticsImportError.at(
            place.at(row=header_row + 2), _("男女（総数・男・女）の列が見つかりません。男女別の表を選んでください。")
        )
    name_column = _name_column(sample, code_column, label_limit)
    year = _data_year(sample, width, label_limit) or detect_year(_title(sheet))
    parsed = ParsedAgeSexTable(
        place=place,
        table=table,
        table_place=table_place,
        year=year,
        synthetic=SYNTHETIC_MARKER in header_text,
        code_column=code_column,
    )
    problems: list[ImportProblem] = []
    value_columns = sorted(age_columns)
    last_sex = ""
    last_nationality = ""
    for offset, row in enumerate(data_rows):
        row_number = header_row + 2 + offset
        if progress and offset % 3000 == 0 and offset:
            # Reading the rows is the 10–80 % stretch of an import; writing follows at 90 %.
            percent = 10 + (70 * offset) // max(len(data_rows), 1)
            progress(percent, _("%(rows)d行を確認しました") % {"rows": offset})
        code_text = _cell(row, code_column)
        # a units row ("人") or a note has no number in the value columns
        written = [v for c in value_columns if (v := _cell(row, c))]
        has_values = any(parse_count(v)[0] for v in written) or (
            bool(written) and statistics_code(code_text) is not None
        )
        if not has_values:
            if code_text or any(row):
                parsed.skipped_rows += 1
            continue
        code = statistics_code(code_text)
        if code is None:
            problems.append(
                ImportProblem(
                    place.at(row=row_number, column=code_column),
                    _("団体コード「%(code)s」が読めません（5桁の数字のはずです）。") % {"code": code_text},
                )
            )
            continue
        nationality = _cell(row, nationality_column) if nationality_column is not None else ALL_MOVERS
        nationality = nationality or last_nationality  # vertically merged cells read as empty
        last_nationality = nationality
        if nationality != ALL_MOVERS:
            continue
        sex_text = _cell(row, sex_column) or last_sex
        last_sex = sex_text
        sex = SEX_LABELS.get(sex_text)
        if sex is None:
            problems.append(
                ImportProblem(
                    place.at(row=row_number, column=sex_column),
                    _("男女の区分「%(value)s」が分かりません（総数・男・女のいずれか）。") % {"value": sex_text},
                )
            )
            continue
        ages: list[int | None] = [0] * AGE_GROUP_COUNT
        seen: set[int] = set()
        bad = False
        for column in value_columns:
            ok, value = parse_count(_cell(row, column))
            if not ok:
                problems.append(
                    ImportProblem(
                        place.at(row=row_number, column=column),
                        _("数値「%(value)s」が読めません。") % {"value": _cell(row, column)},
                    )
                )
                bad = True
                continue
            group = age_columns[column]
            # 95-99 and 100+ of a population table fold into the open group 90+
            ages[group] = add(ages[group], value) if group in seen else value
            seen.add(group)
        total: int | None
        if total_column is not None:
            ok, total = parse_count(_cell(row, total_column))
            if not ok:
                problems.append(
                    ImportProblem(
                        place.at(row=row_number, column=total_column),
                        _("数値「%(value)s」が読めません。") % {"value": _cell(row, total_column)},
                    )
                )
                bad = True
        else:
            total = None if any(a is None for a in ages) else sum(a for a in ages if a is not None)
        if bad:
            continue
        name = _cell(row, name_column) if name_column is not None else ""
        parsed.records.append(AgeSexRecord(code, name, sex, total, tuple(ages), row_number))
        if len(problems) > 200:
            break
    if problems:
        raise StatisticsImportError(problems)
    if not parsed.records:
        raise StatisticsImportError.at(place, _("数値の行が1行もありません（移動者の行が見つかりません）。"))
    return parsed


def _age_group_text(group: int) -> str:
    lower = group * 5
    if group == AGE_GROUP_COUNT - 1:
        return _("%(lower)d歳以上") % {"lower": lower}
    return _("%(lower)d～%(upper)d歳") % {"lower": lower, "upper": lower + 4}


def _prefecture_header(sheet: Sheet) -> tuple[int, dict[int, str]] | None:
    """The row naming destination prefectures; merged cells are filled rightwards to the next name."""
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        named = {c: PREFECTURE_BY_NAME[v] for c, v in enumerate(row) if v in PREFECTURE_BY_NAME}
        if len(named) >= 40:
            filled: dict[int, str] = {}
            current: str | None = None
            for c in range(min(named), _width(sheet.rows[: HEADER_SCAN_ROWS + 1])):
                value = _cell(row, c)
                if value in PREFECTURE_BY_NAME:
                    current = PREFECTURE_BY_NAME[value]
                elif value:
                    current = None
                if current is not None:
                    filled[c] = current
            return r, filled
    return None


def parse_prefecture_flows(sheets: Sequence[Sheet], *, file_name: str) -> ParsedFlowTable:
    """都道府県間移動者数: rows are the prefecture moved from, columns the prefecture moved to (per sex)."""
    for sheet in sheets:
        found = _prefecture_header(sheet)
        if found:
            break
    else:
        raise StatisticsImportError.at(
            Place(file_name, sheets[0].name if len(sheets) == 1 else ""),
            _("移動後の都道府県名が並んだ見出し行が見つかりません。都道府県間移動者数の表を選んでください。"),
        )
    header_row, destinations = found
    place = Place(file_name, sheet.name)
    sex_row = header_row + 1
    sex_by_column = {c: SEX_LABELS[v] for c in destinations if (v := _cell(sheet.rows[sex_row], c)) in SEX_LABELS}
    first_data = sex_row + 1 if sex_by_column else header_row + 1
    if not sex_by_column:
        sex_by_column = {c: "T" for c in destinations}
        # one column per destination: keep the first column of each merged name
        seen: set[str] = set()
        for c in sorted(destinations):
            if destinations[c] in seen:
                sex_by_column.pop(c)
            seen.add(destinations[c])
    header_text, table, table_place = _header_text(sheet, header_row)
    if table_place is not None:
        table_place = Place(file_name, sheet.name, table_place.row, table_place.column)
    data_rows = sheet.rows[first_data:]
    limit = min(destinations)
    nationality_column = _label_column(data_rows[:COLUMN_SCAN_ROWS], limit, NATIONALITY_LABELS)
    parsed = ParsedFlowTable(
        place=place,
        table=table,
        table_place=table_place,
        year=_data_year(data_rows[:COLUMN_SCAN_ROWS], _width(data_rows), limit) or detect_year(_title(sheet)),
        synthetic=SYNTHETIC_MARKER in header_text,
    )
    problems: list[ImportProblem] = []
    last_nationality = ""
    for offset, row in enumerate(data_rows):
        row_number = first_data + 1 + offset
        origin = next((PREFECTURE_BY_NAME[v] for v in row[:limit] if v in PREFECTURE_BY_NAME), None)
        if origin is None:
            code = next((statistics_code(v) for v in row[:limit] if statistics_code(v)), None)
            origin = code[:2] if code and code.endswith("000") and code != "00000" else None
        if origin is None:
            continue  # 全国, 総数 and note rows
        nationality = _cell(row, nationality_column) if nationality_column is not None else ALL_MOVERS
        nationality = nationality or last_nationality
        last_nationality = nationality
        if nationality != ALL_MOVERS:
            continue
        for column, sex in sex_by_column.items():
            ok, movers = parse_count(_cell(row, column))
            if not ok:
                problems.append(
                    ImportProblem(
                        place.at(row=row_number, column=column),
                        _("数値「%(value)s」が読めません。") % {"value": _cell(row, column)},
                    )
                )
                continue
            if origin != destinations[column]:
                parsed.records.append(FlowRecord(origin, destinations[column], sex, movers, row_number))
    if problems:
        raise StatisticsImportError(problems)
    if not parsed.records:
        raise StatisticsImportError.at(place, _("移動者の行が1行もありません。"))
    counts = Counter((r.origin, r.destination, r.sex) for r in parsed.records)
    duplicated = [key for key, n in counts.items() if n > 1]
    if duplicated:
        first = next(r.row for r in parsed.records if (r.origin, r.destination, r.sex) == duplicated[0])
        raise StatisticsImportError.at(
            place.at(row=first), _("同じ都道府県の組み合わせが2回以上あります（移動者の行が重複しています）。")
        )
    return parsed
