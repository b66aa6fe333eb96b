"""Finding the figures in 表11-1/11-2/11-3, population and prefecture-to-prefecture tables, by their headers.

Three layouts of 表11 are read (DOMAIN.md §8), none by fixed column positions:

- wide, sexes in rows: the bureau's workbooks (b01101s.xlsx …) and CSV saved from them: header rows above, a
  row of age-group labels, then one row per area × sex × 国籍 with 総数 and the 19 age groups as columns;
- wide, sexes as column blocks: e-Stat's database download CSV: a sex row (総数 / 男 / 女 as blocks of columns side
  by side), an age row (「0歳～4歳」 … 「90歳以上」 with subtotals 0～14歳 / 15～64歳 / 65歳以上 and
  移動前の住所地不詳 mixed in), a code/name row naming 表章項目, 国籍, 時間軸 and 全国・都道府県・市区町村コード; then
  one row per 表章項目 × 国籍 × area;
- long: e-Stat's older CSV: metadata lines (the axes pinned on the page, e.g. 国籍), a `/表章項目 コード` row and a
  `/表章項目` row that also names the row dimensions (area, 性別, 年齢), then one row per area × sex × age.

The age-group row is found by its labels; the area code, name, 国籍, 表章項目, 時間軸 and sex columns by their
header names, or by their values where a file has no such header. The table (11-1 / 11-2 / 11-3 / population) is
recognised from the 表章項目 column or the title, so a file holding all three 表章項目 yields three tables.
Rows that are not areas are skipped with a note: titles and units above the header, totals (合計, no code) and
notes (※…) below it. Subtotal columns (0～14歳 …) are not stored: they are sums of the 5-year groups. Nothing
here touches the database: importers.py checks the areas and writes.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from shokuba.core.codes import local_government_check_digit
from shokuba.regional.estat.errors import ImportProblem, Place, StatisticsImportError
from shokuba.regional.estat.grid import Progress, Sheet
from shokuba.regional.indicators import AGE_GROUP_COUNT, Ages, add, age_group_index, sum_counts
from shokuba.tabular import DataRows, Row, header_key
from shokuba.tabular.rows import NOTES, TOTALS

SYNTHETIC_MARKER = "合成データ"
SEX_LABELS = {"総数": "T", "男女計": "T", "計": "T", "合計": "T", "男": "M", "男性": "M", "女": "F", "女性": "F"}
TOTAL_LABELS = {"総数", "計", "合計", "総計", "年齢計", "全年齢"}
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

_AGE_RANGE = re.compile(r"^(\d{1,3})歳?[~〜～\-－](\d{1,3})歳?$")
_AGE_OPEN = re.compile(r"^(\d{1,3})歳?以上$")
_WESTERN_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TIME_CODE = re.compile(r"^((?:19|20)\d{2})\d{6}$")  # e-Stat's 時間軸 codes: 2024000000
_ERA_YEAR = re.compile(r"(令和|平成)\s*(元|\d{1,2})\s*年")
_ERA_START = {"令和": 2018, "平成": 1988}
HEADER_SCAN_ROWS = 40
COLUMN_SCAN_ROWS = 300
MAX_PROBLEMS = 200


class TableKind:
    IN_MIGRANTS = "11-1"
    OUT_MIGRANTS = "11-2"
    NET_MIGRATION = "11-3"
    POPULATION = "population"
    PREFECTURE_FLOWS = "pref-flows"


class Movers:
    """Whose moves a figure counts: 移動者 (everyone), 日本人移動者 only, or 外国人移動者 only."""

    ALL = "all"
    JAPANESE = "japanese"
    FOREIGN = "foreign"


NATIONALITY_LABELS = {
    "移動者": Movers.ALL,
    "日本人移動者": Movers.JAPANESE,
    "外国人移動者": Movers.FOREIGN,
    "日本人": Movers.JAPANESE,
    "外国人": Movers.FOREIGN,
}


def nationality_kind(label: str) -> str | None:
    """移動者 → all; 日本人移動者 / 日本人 → japanese; 外国人移動者 / 外国人 → foreign; anything else → None."""
    return NATIONALITY_LABELS.get(label.replace(" ", "").replace("\u3000", ""))


def movers_text(kind: str) -> str:
    return {Movers.ALL: _("移動者"), Movers.JAPANESE: _("日本人移動者"), Movers.FOREIGN: _("外国人移動者")}[kind]


def age_label_group(label: str) -> int | None:
    """The age group a header label belongs to ('15~19歳', '15歳～19歳' -> 3; '90歳以上', '95~99歳' -> 18)."""
    text = label.replace(" ", "").replace("\u3000", "")
    match = _AGE_RANGE.match(text)
    if match:
        lower, upper = int(match.group(1)), int(match.group(2))
        if upper - lower != 4 and lower < 90:
            return None  # a 10-year band or a subtotal (0～14歳) cannot be placed in one 5-year group
        return age_group_index(lower)
    match = _AGE_OPEN.match(text)
    if match and int(match.group(1)) >= 90:
        return age_group_index(int(match.group(1)))
    return None


def is_age_subtotal(label: str) -> bool:
    """0～14歳, 15～64歳, 65歳以上: sums of 5-year groups that tables print beside them."""
    text = label.replace(" ", "").replace("\u3000", "")
    return bool(_AGE_RANGE.match(text) or _AGE_OPEN.match(text)) and age_label_group(text) is None


def is_unknown_age_column(label: str) -> bool:
    """移動前の住所地不詳 and 年齢不詳: columns outside the age groups."""
    return "不詳" in label


def parse_count(text: str) -> tuple[bool, int | None]:
    """(understood, value): '-' is zero, '***' and '…' are undisclosed (None), '△12' is -12, '1,234' is 1234."""
    if text.isdigit():  # the common cases, first
        return True, int(text)
    if text in ZERO_MARKS:
        return True, 0
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
    """Which table a title, a 表章項目 or any header text announces."""
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
    """The one year a text names (2024年, 令和6年, 2024年1月1日現在, 2024000000); None when none or several."""
    code = _TIME_CODE.match(text.strip())
    if code:
        return int(code.group(1))
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


def _check_digit_fits(text: str) -> bool:
    """A 6-digit code carries the check digit of JIS X 0402: it must fit (5 digits and fewer carry none)."""
    value = text.replace(" ", "")
    return len(value) != 6 or int(value[5]) == local_government_check_digit(value[:5])


def _code_problem(text: str) -> str:
    if statistics_code(text) is not None:
        return _(
            "団体コード「%(code)s」の6桁目（検査数字）が合いません。5桁か正しい6桁の団体コードにしてください。"
        ) % {"code": text}
    return _("団体コード「%(code)s」が読めません（5桁の数字のはずです）。") % {"code": text}


@dataclass(frozen=True)
class AgeSexRecord:
    code: str  # 5-digit statistics code
    name: str
    sex: str
    total: int | None
    ages: Ages
    row: int  # 0 when the figures did not come from a grid (API)


@dataclass
class ParsedAgeSexTable:
    """The rows of one table, one year and one kind of movers found in a file or an API response."""

    place: Place
    table: str | None
    table_place: Place | None
    year: int | None
    synthetic: bool
    code_column: int
    records: list[AgeSexRecord] = field(default_factory=list)
    skipped_rows: int = 0
    movers: str = Movers.ALL
    notes: list[str] = field(default_factory=list)


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


def _cell(row: Sequence[str], column: int | None) -> str:
    if column is None or column < 0:
        return ""
    return row[column] if column < len(row) else ""


def _title(sheet: Sheet) -> str:
    """The sheet's title: its first written cell (notes further down may name other years, e.g. 2013年7月)."""
    return next((value for row in sheet.rows[:HEADER_SCAN_ROWS] for value in row if value), "")


def _header_text(sheet: Sheet, upto: int, file_name: str) -> tuple[str, str | None, Place | None]:
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
    place = Place(file_name, sheet.name, found_at[0] + 1, found_at[1]) if found_at else None
    return " ".join(texts), found, place


def _column_values(rows: Sequence[Sequence[str]], column: int) -> list[str]:
    return [v for row in rows if (v := _cell(row, column))]


def _label_column(
    rows: Sequence[Sequence[str]], width: int, accept: Callable[[str], bool], *, distinct: int = 2
) -> int | None:
    """The column whose written values are (nearly) all accepted labels, with at least `distinct` of them."""
    best: tuple[int, int] | None = None
    for column in range(width):
        values = _column_values(rows, column)
        if not values:
            continue
        hits = [v for v in values if accept(v)]
        enough = len(hits) >= max(1, len(values) * 0.8) and len(set(hits)) >= distinct
        if enough and (best is None or len(hits) > best[1]):
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


def _name_column(rows: Sequence[Sequence[str]], code_column: int, limit: int, exclude: set[int]) -> int | None:
    for column in range(code_column + 1, limit):
        if column in exclude:
            continue
        values = _column_values(rows, column)
        if values and sum(1 for v in values if not v.replace(",", "").lstrip("-").isdigit()) >= len(values) * 0.8:
            return column
    return None


def _age_group_text(group: int) -> str:
    lower = group * 5
    if group == AGE_GROUP_COUNT - 1:
        return _("%(lower)d歳以上") % {"lower": lower}
    return _("%(lower)d～%(upper)d歳") % {"lower": lower, "upper": lower + 4}


def _sex_name(sex: str) -> str:
    return {"T": _("総数"), "M": _("男"), "F": _("女")}[sex]


# --- header names of the dimension columns --------------------------------------------------------------------


AREA_NAME_HEADERS = {
    "全国・都道府県・市区町村",
    "都道府県・市区町村",
    "市区町村",
    "名称",
    "地域名",
    "市区町村名",
    "団体名",
}


def _normalised(text: str) -> str:
    """A header name as the tabular reader compares them (NFKC, no spaces, case folded), without e-Stat's "/"."""
    return header_key(text).lstrip("/")


def _header_role(text: str) -> str | None:
    """What a header cell names: code / name / nationality / item / time / sex / age (None for anything else)."""
    label = _normalised(text)
    if not label:
        return None
    is_code = label.endswith("コード")
    stem = label[: -len("コード")] if is_code else label
    if stem.startswith("国籍"):
        return "nationality_code" if is_code else "nationality"
    if stem.startswith("表章項目"):
        return "item_code" if is_code else "item"
    if stem.startswith("時間軸") or stem in ("年次", "調査年"):
        return "time_code" if is_code else "time"
    if stem in ("性別", "男女", "男女別"):
        return "sex_code" if is_code else "sex"
    if stem.startswith("年齢"):
        return "age_code" if is_code else "age"
    if stem in ("階層", "地域階層"):
        return "level"
    area_words = ("市区町村", "地域", "団体", "都道府県")
    if is_code and (stem == "" or any(word in stem for word in area_words)):
        return "code"
    if re.sub(r"[・,、，]", "・", stem) in AREA_NAME_HEADERS:
        return "name"
    return None


def _header_columns(header_rows: Sequence[Sequence[str]], limit: int) -> dict[str, int]:
    """Column of each dimension named in the header rows left of `limit` (the first of each, top to bottom)."""
    found: dict[str, int] = {}
    for row in header_rows:
        for column in range(min(limit, len(row))):
            role = _header_role(row[column])
            if role and role not in found:
                found[role] = column
    return found


# --- wide layouts ---------------------------------------------------------------------------------------------


@dataclass
class _Block:
    """The value columns of one sex (or of every sex, when sexes come in rows)."""

    sex: str | None
    total: int | None = None
    ages: list[tuple[int, int]] = field(default_factory=list)  # (column, age group)
    # The columns of groups 0 … 18 in order when each group has exactly one (not a population table whose
    # 95～99歳 and 100歳以上 fold into 90歳以上): the rows of such a block are read in one go.
    plain: list[int] | None = None

    def settle(self) -> None:
        if sorted(g for _c, g in self.ages) == list(range(AGE_GROUP_COUNT)):
            self.plain = [c for c, _g in sorted(self.ages, key=lambda pair: pair[1])]


@dataclass
class _WideHeader:
    sheet: Sheet
    age_row: int
    data_start: int
    blocks: list[_Block]
    first_value_column: int
    ignored_labels: list[str]
    columns: dict[str, int]


def _age_row(sheet: Sheet) -> tuple[int, dict[int, int]] | None:
    best: tuple[int, dict[int, int]] | None = None
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        columns = {c: g for c, value in enumerate(row) if value and (g := age_label_group(value)) is not None}
        if len(columns) >= 10 and (best is None or len(columns) > len(best[1])):
            best = (r, columns)
    return best


def _has_number(row: Sequence[str], columns: Iterable[int]) -> bool:
    """Whether any of the columns holds a figure (a number, or '-' for zero): units (人) and labels do not count."""
    for column in columns:
        value = _cell(row, column)
        if value:
            ok, number = parse_count(value)
            if ok and number is not None:
                return True
    return False


def _sex_blocks(sheet: Sheet, age_row: int, age_columns: dict[int, int], width: int) -> dict[int, str] | None:
    """Sex of each value column when the sexes are blocks of columns: a header row near the age row whose cells
    over the age columns are 総数 / 男 / 女 (written in every column, or once at the start of a merged block)."""
    first = min(age_columns)
    for r in (*range(age_row - 1, max(-1, age_row - 4), -1), age_row + 1):
        if r < 0 or r >= len(sheet.rows):
            continue
        row = sheet.rows[r]
        sexes: dict[int, str] = {}
        current: str | None = None
        for column in range(first - 1 if first > 0 else 0, width):
            value = _cell(row, column)
            if value in SEX_LABELS:
                current = SEX_LABELS[value]
            elif value:
                current = None
            if current is not None:
                sexes[column] = current
        if all(c in sexes for c in age_columns) and len(set(sexes[c] for c in age_columns)) >= 2:
            return sexes
    return None


def _wide_header(sheet: Sheet, file_name: str) -> _WideHeader | None:
    found = _age_row(sheet)
    if found is None:
        return None
    age_row, age_columns = found
    header = sheet.rows[age_row]
    width = _width(sheet.rows[: age_row + 4])
    sexes = _sex_blocks(sheet, age_row, age_columns, width)
    value_columns = sorted(c for c, v in enumerate(header) if v and (c in age_columns or v in TOTAL_LABELS))
    first_value = min(age_columns)
    # A total right before the first age group (総数, 0～4歳 …) belongs to the value area.
    if first_value > 0 and _cell(header, first_value - 1) in TOTAL_LABELS:
        first_value -= 1
    blocks: dict[str | None, _Block] = {}
    ignored: list[str] = []
    for column in range(first_value, len(header)):
        label = header[column]
        if not label:
            continue
        sex = sexes.get(column) if sexes else None
        if sexes and sex is None:
            continue  # a column outside every sex block
        block = blocks.setdefault(sex, _Block(sex))
        if column in age_columns:
            block.ages.append((column, age_columns[column]))
        elif label in TOTAL_LABELS and block.total is None:
            block.total = column
        elif label not in ignored:
            ignored.append(label)
    place = Place(file_name, sheet.name)
    for block in blocks.values():
        block.settle()
        missing = sorted(set(range(AGE_GROUP_COUNT)) - {g for _c, g in block.ages})
        if missing:
            prefix = _("「%(sex)s」の") % {"sex": _sex_name(block.sex)} if block.sex else ""
            raise StatisticsImportError.at(
                place.at(row=age_row + 1),
                prefix
                + _("年齢（5歳階級）の列がそろっていません（見つからない階級：%(groups)s）。")
                % {"groups": "、".join(_age_group_text(g) for g in missing)},
            )
    # Header rows continue below the age row until the first row with numbers (units 「人」, the code/name row).
    data_start = age_row + 1
    while data_start < len(sheet.rows) and data_start <= age_row + 3:
        if _has_number(sheet.rows[data_start], value_columns):
            break
        data_start += 1
    # Merged cells are fine in the header, not where the figures are (the tabular reader's one rule).
    merged = sheet.problems(merged_from_row=data_start + 1, file_name=file_name)
    if merged:
        raise StatisticsImportError(merged)
    # The dimension names sit just above, beside or just below the age row (never in a title further up).
    columns = _header_columns(sheet.rows[max(0, age_row - 2) : data_start], first_value)
    return _WideHeader(
        sheet=sheet,
        age_row=age_row,
        data_start=data_start,
        blocks=list(blocks.values()),
        first_value_column=first_value,
        ignored_labels=ignored,
        columns=columns,
    )


@dataclass
class _Collector:
    """Records by (table, movers, year) as they are read, with what was skipped on the way."""

    file_name: str
    sheet: str
    parts: dict[tuple[str | None, str, int | None], list[AgeSexRecord]] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    first_item_place: dict[str, Place] = field(default_factory=dict)
    skipper: DataRows = field(default_factory=lambda: DataRows(kinds=frozenset({TOTALS, NOTES})))
    other_tables: Counter[str] = field(default_factory=Counter)
    other_years: Counter[int] = field(default_factory=Counter)
    ignored_labels: list[str] = field(default_factory=list)

    def keep(self, row_number: int, row: list[str], code_column: int) -> bool:
        """False for a totals or notes row (remembered for the import's notes), True for anything else."""
        self.skipper.code_columns = [code_column]
        return bool(list(self.skipper([Row(row_number, row)])))

    def place(self, row: int | None = None, column: int | None = None) -> Place:
        return Place(self.file_name, self.sheet).at(row=row, column=column)

    def problem(self, row: int | None, column: int | None, message: str) -> None:
        self.problems.append(ImportProblem(self.place(row, column), message))

    @property
    def full(self) -> bool:
        return len(self.problems) > MAX_PROBLEMS


def _cached(cache: dict[str, Any], text: str, read: Callable[[str], Any]) -> Any:
    if text not in cache:
        cache[text] = read(text)
    return cache[text]


def _read_values(
    row: Sequence[str], block: _Block, row_number: int, collector: _Collector
) -> tuple[int | None, Ages] | None:
    """(total, ages) of one block of one row; None (with problems recorded) when a cell is unreadable."""
    plain = block.plain
    if plain is not None and plain[-1] < len(row) and (block.total is None or block.total < len(row)):
        try:  # the common case: every cell an integer as written (negative in 表11-3) or "-" for zero
            ages_read = tuple([0 if (v := row[c]) == "-" else int(v) for c in plain])
            total_read = int(row[block.total]) if block.total is not None and row[block.total] else sum(ages_read)
        except ValueError:
            pass  # "-", "***", "1,234", … read one by one below
        else:
            if block.total is None or row[block.total]:
                return total_read, ages_read
    ages: list[int | None] = [0] * AGE_GROUP_COUNT
    seen = 0
    bad = False
    length = len(row)
    for column, group in block.ages:
        if column >= length:
            collector.problem(row_number, column, _("行が途中で切れています（この列に値がありません）。"))
            return None
        text = row[column]
        if text.isdigit():
            value: int | None = int(text)
        elif text[:1] == "-" and text[1:].isdigit():
            value = -int(text[1:])
        else:
            ok, value = parse_count(text)
            if not ok:
                collector.problem(row_number, column, _("数値「%(value)s」が読めません。") % {"value": text})
                bad = True
                continue
        bit = 1 << group
        # 95-99 and 100+ of a population table fold into the open group 90+
        ages[group] = add(ages[group], value) if seen & bit else value
        seen |= bit
    total: int | None
    if block.total is not None:
        text = _cell(row, block.total)
        ok, total = parse_count(text)
        if not ok:
            collector.problem(row_number, block.total, _("数値「%(value)s」が読めません。") % {"value": text})
            bad = True
    else:
        total = None if any(a is None for a in ages) else sum(a for a in ages if a is not None)
    if bad:
        return None
    return total, tuple(ages)


def _wanted_movers(
    data_rows: Sequence[Sequence[str]],
    code_column: int,
    item_column: int | None,
    time_columns: tuple[int | None, int | None],
    nationality_column: int | None,
) -> dict[tuple[str, str], str]:
    """The 国籍 to read for each 表章項目 and year (by their cells as written): 移動者 when the file has them, else
    日本人移動者, else 外国人移動者 (refused later). A look at three columns, so the other rows are never read."""
    if nationality_column is None:
        return {}
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    last_item = last_nationality = ""
    for row in data_rows:
        if not _cell(row, code_column).isdigit():
            continue
        item = (_cell(row, item_column) or last_item) if item_column is not None else ""
        last_item = item
        time = _cell(row, time_columns[0]) or _cell(row, time_columns[1])
        nationality = _cell(row, nationality_column) or last_nationality
        last_nationality = nationality
        kind = NATIONALITY_LABELS.get(nationality) or nationality_kind(nationality)
        if kind is not None:
            seen[(item, time)].add(kind)
    order = (Movers.ALL, Movers.JAPANESE, Movers.FOREIGN)
    return {key: next(k for k in order if k in kinds) for key, kinds in seen.items()}


def _parse_wide(
    layout: _WideHeader,
    *,
    file_name: str,
    table: str | None,
    year: int | None,
    progress: Progress | None,
) -> tuple[_Collector, int]:
    sheet = layout.sheet
    rows = sheet.rows
    data_rows = rows[layout.data_start :]
    sample = data_rows[:COLUMN_SCAN_ROWS]
    limit = layout.first_value_column
    columns = dict(layout.columns)
    collector = _Collector(file_name, sheet.name)
    sexes_in_rows = layout.blocks[0].sex is None
    if "nationality" not in columns:
        found = _label_column(sample, limit, lambda v: nationality_kind(v) is not None, distinct=1)
        if found is not None:
            columns["nationality"] = found
    if sexes_in_rows and "sex" not in columns:
        exclude = {columns["nationality"]} if "nationality" in columns else set()
        found = _label_column(sample, limit, lambda v: v in SEX_LABELS)
        if found is not None and found not in exclude:
            columns["sex"] = found
    if "code" not in columns:
        exclude = {c for role, c in columns.items() if role != "code"}
        found = _code_column(sample, limit, exclude)
        if found is not None:
            columns["code"] = found
    place = Place(file_name, sheet.name)
    if "code" not in columns:
        raise StatisticsImportError.at(
            place.at(row=layout.data_start + 1), _("団体コード（5桁の地域コード）の列が見つかりません。")
        )
    if sexes_in_rows and "sex" not in columns:
        raise StatisticsImportError.at(
            place.at(row=layout.data_start + 1),
            _("男女（総数・男・女）の列が見つかりません。男女別の表を選んでください。"),
        )
    code_column = columns["code"]
    if "name" not in columns:
        found = _name_column(sample, code_column, limit, set(columns.values()))
        if found is not None:
            columns["name"] = found
    name_column = columns.get("name")
    nationality_column = columns.get("nationality")
    item_column = columns.get("item")
    time_column = columns.get("time")
    time_code_column = columns.get("time_code")
    sex_column = columns.get("sex")
    value_columns = [c for block in layout.blocks for c, _g in block.ages]
    wanted = _wanted_movers(data_rows, code_column, item_column, (time_column, time_code_column), nationality_column)
    last_sex = ""
    last_nationality = ""
    last_item = ""
    item_text = time_text = ""
    item_cache: dict[str, str | None] = {}
    year_cache: dict[str, int | None] = {}
    has_time = time_column is not None or time_code_column is not None
    left_unread: set[tuple[str, str, str]] = set()
    for offset, row in enumerate(data_rows):
        row_number = layout.data_start + 1 + offset
        if progress and offset % 3000 == 0 and offset:
            # Reading the rows is the 10–80 % stretch of an import; writing follows at 90 %.
            progress(10 + (70 * offset) // max(len(data_rows), 1), _("%(rows)d行を確認しました") % {"rows": offset})
        code_text = _cell(row, code_column)
        if not code_text or not code_text.isdigit():
            # Rows without an area code: the tabular reader's rule says which are totals and notes (a row with a
            # code never is one, so only these are asked).
            if not any(row) or not collector.keep(row_number, row, code_column):
                continue
            if not _has_number(row, value_columns):
                continue  # a units row, a repeated header
            if not code_text:
                collector.problem(
                    row_number, code_column, _("団体コードが空です（数値のある行には団体コードが必要です）。")
                )
            else:
                collector.problem(
                    row_number,
                    code_column,
                    _("団体コード「%(code)s」が読めません（5桁の数字のはずです）。") % {"code": code_text},
                )
            if collector.full:
                break
            continue
        # 表章項目, 時間軸 and 国籍 as written first: the rows of a 国籍 not taken are left here, unread.
        if item_column is not None:
            item_text = _cell(row, item_column) or last_item
            last_item = item_text
        if has_time:
            time_text = _cell(row, time_column) or _cell(row, time_code_column)
        movers = Movers.ALL
        if nationality_column is not None:
            nationality_text = _cell(row, nationality_column) or last_nationality  # merged cells read as empty
            last_nationality = nationality_text
            kind = NATIONALITY_LABELS.get(nationality_text) or nationality_kind(nationality_text)
            if kind is None:
                collector.problem(
                    row_number,
                    nationality_column,
                    _("国籍「%(value)s」が分かりません（移動者・日本人移動者・外国人移動者のいずれか）。")
                    % {"value": nationality_text},
                )
                continue
            movers = kind
            if wanted.get((item_text, time_text)) != movers:
                # 日本人移動者 / 外国人移動者 beside 移動者: remembered (choose_movers names them), not read
                if (item_text, time_text, movers) not in left_unread:
                    left_unread.add((item_text, time_text, movers))
                    unread_table = _cached(item_cache, item_text, detect_table) if item_column is not None else None
                    unread_year = _cached(year_cache, time_text, detect_year) if has_time else None
                    if table in (None, unread_table) and year in (None, unread_year):
                        collector.parts.setdefault((unread_table, movers, unread_year), [])
                continue
        code = statistics_code(code_text)
        if code is None or not _check_digit_fits(code_text):
            collector.problem(row_number, code_column, _code_problem(code_text))
            continue
        row_table: str | None = None
        if item_column is not None:
            row_table = _cached(item_cache, item_text, detect_table)
            if row_table is None and item_text:
                collector.problem(
                    row_number,
                    item_column,
                    _("表章項目「%(value)s」が分かりません（転入者数・転出者数・転入超過数のいずれか）。")
                    % {"value": item_text},
                )
                continue
            if row_table is not None and row_table not in collector.first_item_place:
                collector.first_item_place[row_table] = collector.place(row_number, item_column)
            if table is not None and row_table is not None and row_table != table:
                collector.other_tables[row_table] += 1
                continue
        row_year: int | None = None
        if has_time:
            row_year = _cached(year_cache, time_text, detect_year)
            if year is not None and row_year is not None and row_year != year:
                collector.other_years[row_year] += 1
                continue
        key = (row_table, movers, row_year)
        records = collector.parts.get(key)
        if records is None:
            records = collector.parts[key] = []
        name = _cell(row, name_column)
        if sexes_in_rows:
            sex_text = _cell(row, sex_column) or last_sex
            last_sex = sex_text
            sex = SEX_LABELS.get(sex_text)
            if sex is None:
                collector.problem(
                    row_number,
                    sex_column,
                    _("男女の区分「%(value)s」が分かりません（総数・男・女のいずれか）。") % {"value": sex_text},
                )
                continue
            values = _read_values(row, layout.blocks[0], row_number, collector)
            if values is not None:
                records.append(AgeSexRecord(code, name, sex, values[0], values[1], row_number))
        else:
            for block in layout.blocks:
                assert block.sex is not None
                values = _read_values(row, block, row_number, collector)
                if values is not None:
                    records.append(AgeSexRecord(code, name, block.sex, values[0], values[1], row_number))
        if collector.full:
            break
    return collector, code_column


# --- the long layout (older e-Stat CSV) -----------------------------------------------------------------------


@dataclass
class _LongHeader:
    sheet: Sheet
    header_row: int
    item_columns: dict[int, str]  # value column -> 表章項目 name
    columns: dict[str, int]
    pinned: dict[str, str]  # dimension named above the header -> its one value (国籍: 移動者)


def _long_header(sheet: Sheet) -> _LongHeader | None:
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        marker = next((c for c, v in enumerate(row) if _normalised(v) == "表章項目" and v.startswith("/")), None)
        if marker is None:
            continue
        item_columns = {c: v for c, v in enumerate(row) if c > marker and v}
        if not item_columns:
            continue
        columns = _header_columns([row], marker)
        pinned: dict[str, str] = {}
        for above in sheet.rows[:r]:
            written = [v for v in above if v]
            if len(written) >= 2:
                role = _header_role(written[0].rstrip("：:").strip("【】[]"))
                if role and role not in pinned:
                    pinned[role] = written[1]
        return _LongHeader(sheet, r, item_columns, columns, pinned)
    return None


@dataclass
class _LongCell:
    name: str
    row: int
    total: int | None = None
    has_total: bool = False
    ages: list[int | None] = field(default_factory=lambda: [0] * AGE_GROUP_COUNT)


def _parse_long(layout: _LongHeader, *, file_name: str, table: str | None, year: int | None) -> tuple[_Collector, int]:
    sheet = layout.sheet
    collector = _Collector(file_name, sheet.name)
    place = Place(file_name, sheet.name)
    columns = layout.columns
    missing = [
        label
        for role, label in (("code", _("地域のコード")), ("sex", _("性別")), ("age", _("年齢")))
        if role not in columns
    ]
    if missing:
        raise StatisticsImportError.at(
            place.at(row=layout.header_row + 1),
            _("見出しの行に「%(names)s」の列が見つかりません。") % {"names": "・".join(missing)},
        )
    pinned_movers = nationality_kind(layout.pinned.get("nationality", "移動者")) or Movers.ALL
    pinned_year = detect_year(layout.pinned.get("time", "")) if "time" in layout.pinned else None
    item_tables: dict[int, str] = {}
    for column, label in layout.item_columns.items():
        kind = detect_table(label)
        if kind is None:
            continue
        collector.first_item_place.setdefault(kind, collector.place(layout.header_row + 1, column))
        if table is not None and kind != table:
            collector.other_tables[kind] += 1
            continue
        item_tables[column] = kind
    cells: dict[tuple[str | None, str, int | None], dict[tuple[str, str], _LongCell]] = defaultdict(dict)
    for offset, row in enumerate(sheet.rows[layout.header_row + 1 :]):
        row_number = layout.header_row + 2 + offset
        code_text = _cell(row, columns["code"])
        if not code_text:
            if any(row) and collector.keep(row_number, row, columns["code"]) and _has_number(row, item_tables):
                collector.problem(
                    row_number, columns["code"], _("団体コードが空です（数値のある行には団体コードが必要です）。")
                )
            continue
        code = statistics_code(code_text)
        if code is None or not _check_digit_fits(code_text):
            collector.problem(row_number, columns["code"], _code_problem(code_text))
            continue
        sex = SEX_LABELS.get(_cell(row, columns["sex"]))
        if sex is None:
            collector.problem(
                row_number,
                columns["sex"],
                _("男女の区分「%(value)s」が分かりません（総数・男・女のいずれか）。")
                % {"value": _cell(row, columns["sex"])},
            )
            continue
        age_text = _cell(row, columns["age"])
        group = age_label_group(age_text)
        is_total = age_text in TOTAL_LABELS
        if group is None and not is_total:
            if age_text not in collector.ignored_labels:
                collector.ignored_labels.append(age_text)
            continue  # a subtotal or 不詳: not stored
        movers = pinned_movers
        if "nationality" in columns:
            kind = nationality_kind(_cell(row, columns["nationality"]))
            if kind is None:
                collector.problem(
                    row_number,
                    columns["nationality"],
                    _("国籍「%(value)s」が分かりません（移動者・日本人移動者・外国人移動者のいずれか）。")
                    % {"value": _cell(row, columns["nationality"])},
                )
                continue
            movers = kind
        row_year = pinned_year
        if "time" in columns:
            row_year = detect_year(_cell(row, columns["time"]))
            if year is not None and row_year is not None and row_year != year:
                collector.other_years[row_year] += 1
                continue
        for column, kind in item_tables.items():
            ok, value = parse_count(_cell(row, column))
            if not ok:
                collector.problem(
                    row_number, column, _("数値「%(value)s」が読めません。") % {"value": _cell(row, column)}
                )
                continue
            by_area = cells[(kind, movers, row_year)]
            cell = by_area.get((code, sex))
            if cell is None:
                cell = by_area[(code, sex)] = _LongCell(_cell(row, columns.get("name")), row_number)
            if is_total:
                cell.total, cell.has_total = value, True
            elif group is not None:
                cell.ages[group] = value
        if collector.full:
            break
    for key, by_area in cells.items():
        records = collector.parts.setdefault(key, [])
        for (code, sex), cell in by_area.items():
            total = cell.total if cell.has_total else sum_counts(cell.ages)
            records.append(AgeSexRecord(code, cell.name, sex, total, tuple(cell.ages), cell.row))
    return collector, columns["code"]


# --- from the collected rows to one table per 表章項目 ------------------------------------------------------------


def _skipped_notes(collector: _Collector, ignored_labels: Sequence[str]) -> list[str]:
    notes: list[str] = collector.skipper.notes()
    subtotals = [label for label in ignored_labels if is_age_subtotal(label)]
    unknown = [label for label in ignored_labels if is_unknown_age_column(label)]
    if subtotals:
        notes.append(
            _("年齢の小計の列（%(labels)s）は5歳階級の合計のため使いませんでした。")
            % {"labels": "・".join(label.replace("~", "～") for label in subtotals)}
        )
    if unknown:
        notes.append(
            _("「%(labels)s」の列は年齢5歳階級に入らないため使いませんでした（総数は原表の値のままです）。")
            % {"labels": "・".join(unknown)}
        )
    return notes


def choose_movers(
    parts: dict[tuple[str | None, str, int | None], list[AgeSexRecord]], place: Place
) -> dict[tuple[str | None, int | None], tuple[str, list[AgeSexRecord], list[str]]]:
    """Per table and year: 移動者 when the file has them; otherwise 日本人移動者, marked as such.
    外国人移動者 alone is refused."""
    by_table: dict[tuple[str | None, int | None], dict[str, list[AgeSexRecord]]] = defaultdict(dict)
    for (table, movers, year), records in parts.items():
        by_table[(table, year)][movers] = records  # an empty list: rows of that 国籍 seen but left unread
    chosen: dict[tuple[str | None, int | None], tuple[str, list[AgeSexRecord], list[str]]] = {}
    for key, every_kind in by_table.items():
        kinds = {kind: records for kind, records in every_kind.items() if records}
        if not kinds:
            continue
        notes: list[str] = []
        if Movers.ALL in kinds:
            kind = Movers.ALL
            dropped = [movers_text(k) for k in (Movers.JAPANESE, Movers.FOREIGN) if k in every_kind]
            if dropped:
                notes.append(
                    _("国籍は「移動者」（日本人と外国人の計）の行を使い、%(dropped)sの行は使いませんでした。")
                    % {"dropped": "・".join(dropped)}
                )
        elif Movers.JAPANESE in kinds:
            kind = Movers.JAPANESE
            notes.append(
                _(
                    "このファイルには「移動者」（日本人と外国人の計）の行がなく、「日本人移動者」の行だけがあります。"
                    "日本人移動者のみの数値として取り込み、表示するところすべてに「日本人移動者のみ」と示します。"
                )
            )
        else:
            raise StatisticsImportError.at(
                place,
                _(
                    "このファイルには「外国人移動者」の行しかありません。人口移動の指標には「移動者」"
                    "（日本人と外国人の計）か「日本人移動者」の表が必要です。e-Stat で国籍を「移動者」にして"
                    "ダウンロードし直してください。"
                ),
            )
        chosen[key] = (kind, kinds[kind], notes)
    return chosen


def _tables_from(
    collector: _Collector,
    *,
    sheet: Sheet,
    header_end: int,
    code_column: int,
    file_name: str,
    table: str | None,
    year: int | None,
    ignored_labels: Sequence[str],
) -> list[ParsedAgeSexTable]:
    place = Place(file_name, sheet.name)
    if collector.problems:
        raise StatisticsImportError(collector.problems)
    header_text, title_table, title_place = _header_text(sheet, header_end, file_name)
    synthetic = SYNTHETIC_MARKER in header_text
    title_year = detect_year(_title(sheet))
    if not any(collector.parts.values()):
        if collector.other_tables and table is not None:
            found = "・".join(_table_name(t) for t in sorted(collector.other_tables))
            where = next(iter(collector.first_item_place.values()), place)
            if title_table in collector.other_tables and title_place is not None:
                where = title_place  # the title says it first
            raise StatisticsImportError.at(
                where,
                _(
                    "このファイルは「%(found)s」の表です。「%(expected)s」として取り込むことはできません。"
                    "統計表の選択を確認してください。"
                )
                % {"found": found, "expected": _table_name(table)},
            )
        if collector.other_years and year is not None:
            raise StatisticsImportError.at(
                place,
                _("このファイルに%(year)d年の行がありません（あるのは%(found)s年）。")
                % {"year": year, "found": "・".join(str(y) for y in sorted(collector.other_years))},
            )
        raise StatisticsImportError.at(place, _("数値の行が1行もありません（地域の行が見つかりません）。"))
    years_found = {y for (_t, _m, y), records in collector.parts.items() if records and y is not None}
    if year is None and len(years_found) > 1:
        raise StatisticsImportError.at(
            place,
            _("このファイルには複数の年（%(years)s）があります。取り込む年を指定してください。")
            % {"years": "・".join(f"{y}年" for y in sorted(years_found))},
        )
    chosen = choose_movers(collector.parts, place)
    common = _skipped_notes(collector, ignored_labels)
    if collector.other_tables:
        common.append(
            _("指定の統計表ではない表章項目（%(tables)s）の行は取り込みませんでした。")
            % {"tables": "・".join(_table_name(t) for t in sorted(collector.other_tables))}
        )
    if collector.other_years:
        common.append(
            _("%(years)s の行は指定の年ではないため取り込みませんでした。")
            % {"years": "・".join(f"{y}年" for y in sorted(collector.other_years))}
        )
    parsed: list[ParsedAgeSexTable] = []
    for (row_table, row_year), (movers, records, notes) in sorted(
        chosen.items(), key=lambda item: (str(item[0][0]), item[0][1] or 0)
    ):
        found_table = row_table
        found_place = collector.first_item_place.get(row_table) if row_table else None
        if found_table is None:
            found_table, found_place = title_table, title_place
        elif title_table == found_table:
            found_place = title_place  # the title says it first
        found_table = found_table or table
        if found_table is None:
            raise StatisticsImportError.at(
                place,
                _(
                    "どの統計表（転入者数・転出者数・転入超過数・人口）か、ファイルの中身から分かりません"
                    "（表題にも表章項目の列にも書かれていません）。統計表を指定してください"
                    "（manage.py import_estat では --table）。"
                ),
            )
        parsed.append(
            ParsedAgeSexTable(
                place=place,
                table=found_table,
                table_place=found_place,
                year=row_year or title_year,
                synthetic=synthetic,
                code_column=code_column,
                records=records,
                movers=movers,
                notes=[*notes, *common],
            )
        )
    tables = Counter(p.table for p in parsed)
    clash = next((t for t, n in tables.items() if n > 1), None)
    if clash is not None:
        raise StatisticsImportError.at(
            place,
            _("「%(table)s」の行が、表章項目の列のあるものとないものに分かれています。表を分けて保存してください。")
            % {"table": _table_name(clash)},
        )
    return parsed


def _table_name(table: str) -> str:
    names = {
        TableKind.IN_MIGRANTS: _("表11-1 転入者数"),
        TableKind.OUT_MIGRANTS: _("表11-2 転出者数"),
        TableKind.NET_MIGRATION: _("表11-3 転入超過数"),
        TableKind.POPULATION: _("人口"),
        TableKind.PREFECTURE_FLOWS: _("都道府県間移動者数"),
    }
    return str(names.get(table, table))


def parse_age_sex_tables(
    sheets: Sequence[Sheet],
    *,
    file_name: str,
    table: str | None = None,
    year: int | None = None,
    progress: Progress | None = None,
) -> list[ParsedAgeSexTable]:
    """Every table (表章項目) of 表11 or a population table in a file: code, sex, total and the 19 age groups.

    `table` and `year` narrow the file to one table and year (other rows are skipped with a note); without
    them every table is returned, and a file holding several years is refused."""
    for sheet in sheets:
        wide = _wide_header(sheet, file_name)
        if wide is not None:
            collector, code_column = _parse_wide(wide, file_name=file_name, table=table, year=year, progress=progress)
            return _tables_from(
                collector,
                sheet=sheet,
                header_end=wide.data_start - 1,
                code_column=code_column,
                file_name=file_name,
                table=table,
                year=year,
                ignored_labels=wide.ignored_labels,
            )
        long = _long_header(sheet)
        if long is not None:
            collector, code_column = _parse_long(long, file_name=file_name, table=table, year=year)
            return _tables_from(
                collector,
                sheet=sheet,
                header_end=long.header_row,
                code_column=code_column,
                file_name=file_name,
                table=table,
                year=year,
                ignored_labels=collector.ignored_labels,
            )
    only = sheets[0].name if len(sheets) == 1 else ""
    raise StatisticsImportError.at(
        Place(file_name, only),
        _(
            "年齢（5歳階級）の見出し（「0～4歳」「5～9歳」…「90歳以上」）が見つかりません。"
            "住民基本台帳人口移動報告の表11（年齢5歳階級・男女別）か、年齢5歳階級・男女別の人口の表を選んでください。"
        ),
    )


def looks_like_prefecture_flows(sheets: Sequence[Sheet]) -> bool:
    """A 都道府県間移動者数 table: a header row naming (nearly) every prefecture as a destination."""
    return any(_prefecture_header(sheet) is not None for sheet in sheets)


# --- prefecture to prefecture ---------------------------------------------------------------------------------


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
    """都道府県間移動者数: rows are the prefecture moved from, columns the prefecture moved to (per sex).
    Only 移動者 (日本人 and 外国人 together) are read; a table of 日本人移動者 alone is refused."""
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
    header_text, table, table_place = _header_text(sheet, header_row, file_name)
    data_rows = sheet.rows[first_data:]
    limit = min(destinations)
    columns = _header_columns(sheet.rows[: first_data + 1], limit)
    nationality_column = columns.get("nationality")
    if nationality_column is None:
        nationality_column = _label_column(
            data_rows[:COLUMN_SCAN_ROWS], limit, lambda v: nationality_kind(v) is not None, distinct=1
        )
    time_column = columns.get("time")
    data_year = None
    if time_column is not None:
        years = {detect_year(v) for v in _column_values(data_rows[:COLUMN_SCAN_ROWS], time_column)}
        data_year = years.pop() if len(years) == 1 else None
    parsed = ParsedFlowTable(
        place=place,
        table=table,
        table_place=table_place,
        year=data_year or detect_year(_title(sheet)),
        synthetic=SYNTHETIC_MARKER in header_text,
    )
    problems: list[ImportProblem] = []
    last_nationality = ""
    kinds_seen: set[str] = set()
    for offset, row in enumerate(data_rows):
        row_number = first_data + 1 + offset
        origin = next((PREFECTURE_BY_NAME[v] for v in row[:limit] if v in PREFECTURE_BY_NAME), None)
        if origin is None:
            code = next((statistics_code(v) for v in row[:limit] if statistics_code(v)), None)
            origin = code[:2] if code and code.endswith("000") and code != "00000" else None
        if origin is None:
            continue  # 全国, 総数 and note rows
        kind = Movers.ALL
        if nationality_column is not None:
            nationality = _cell(row, nationality_column) or last_nationality
            last_nationality = nationality
            kind = nationality_kind(nationality) or ""
            kinds_seen.add(kind)
            if kind != Movers.ALL:
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
        if kinds_seen and Movers.ALL not in kinds_seen:
            raise StatisticsImportError.at(
                place,
                _(
                    "都道府県間移動者数は「移動者」（日本人と外国人の計）の行が必要です。このファイルには"
                    "「%(found)s」の行しかありません。"
                )
                % {"found": "・".join(movers_text(k) for k in sorted(kinds_seen) if k)},
            )
        raise StatisticsImportError.at(place, _("移動者の行が1行もありません。"))
    counts = Counter((r.origin, r.destination, r.sex) for r in parsed.records)
    duplicated = [key for key, n in counts.items() if n > 1]
    if duplicated:
        first = next(r.row for r in parsed.records if (r.origin, r.destination, r.sex) == duplicated[0])
        raise StatisticsImportError.at(
            place.at(row=first), _("同じ都道府県の組み合わせが2回以上あります（移動者の行が重複しています）。")
        )
    return parsed
