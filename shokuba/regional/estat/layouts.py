"""Writing tables in the statistics bureau's and e-Stat's own layouts (DOMAIN.md §8), for the synthetic demo data,
tests and benchmarks. Every file written here is built, not downloaded.

表11-1/11-2/11-3 (b01101s.xlsx …): six header rows (title, unit, blank, then a three-row header with merged
cells), data from row 7 with columns 表章項目 | 男女 | 国籍 | 時間軸（年次） | 地域階層 | 地域コード | 地域名 |
総数 | 0～4歳 … 90歳以上. Each area has nine rows (総数/男/女 × 移動者/日本人/外国人); codes are written as
numbers, so 01100 reads back as 1100 exactly as in Excel; zero is "-". Tokyo's special wards come one by
one after the 特別区部 aggregate; designated cities appear whole.

Population (住民基本台帳に基づく人口 style): 団体コード (6 digits) | 都道府県名 | 市区町村名 | 性別 (計/男/女) |
総数 | 0～4歳 … 95～99歳 | 100歳以上.

都道府県間移動者数: rows are the prefecture moved from (× 移動者/日本人/外国人), columns the prefecture moved to,
each merged over 総数/男/女.

Synthetic files say so in their title ("【合成データ】…"), which the importer records.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from shokuba.regional.estat.tables import PREFECTURE_NAMES, SYNTHETIC_MARKER
from shokuba.regional.indicators import AGE_GROUP_COUNT, Ages
from shokuba.tabular import column_letter

TABLE_TITLES = {
    "11-1": ("表11-1", "転入者数"),
    "11-2": ("表11-2", "転出者数"),
    "11-3": ("表11-3", "転入超過数"),
}
SYNTHETIC_NOTE = f"【{SYNTHETIC_MARKER}：Shokuba のデモ用に作った架空の数値です。実在の統計ではありません】"
AGE_HEADERS = (*tuple(f"{5 * g}～{5 * g + 4}歳" for g in range(AGE_GROUP_COUNT - 1)), "90歳以上")
SEX_NAMES = {"T": "総数", "M": "男", "F": "女"}
NATIONALITIES = ("移動者", "日本人", "外国人")


@dataclass(frozen=True)
class AreaRow:
    """One area's figures for one sex and one nationality column (移動者 = all movers)."""

    code5: str
    name: str
    level: str  # 全国 / 都道府県 / 市区町村 / 特別区部
    sex: str  # T / M / F
    nationality: str
    total: int | None
    ages: Ages


def _cell_value(value: int | None) -> int | str:
    if value is None:
        return "***"
    if value == 0:
        return "-"
    return value


def _code_value(code5: str) -> int:
    # Written as a number, as the published workbooks do: 01100 becomes 1100.
    return int(code5)


def migration_title(table: str, year: int, *, synthetic: bool) -> str:
    number, measure = TABLE_TITLES[table]
    title = f"{number}　年齢（5歳階級），男女別{measure}－全国，都道府県，市区町村（{year}年）"
    return f"{SYNTHETIC_NOTE}{title}" if synthetic else title


def migration_grid(table: str, year: int, rows: Iterable[AreaRow], *, synthetic: bool) -> list[list[object]]:
    """The sheet as a list of rows (header rows included), for the .xlsx and the CSV writer alike."""
    _number, measure = TABLE_TITLES[table]
    width = 7 + 1 + AGE_GROUP_COUNT
    header4: list[object] = ["表章項目", "男女", "国籍", "時間軸（年次）", "地域", None, None, "年齢（5歳階級）"]
    header5: list[object] = [None, None, None, None, "階層", "コード", "名称", "総数", *AGE_HEADERS]
    header6: list[object] = [None] * 7 + ["人"] * (1 + AGE_GROUP_COUNT)
    grid: list[list[object]] = [
        [migration_title(table, year, synthetic=synthetic)],
        ["（単位：人）　日本人及び外国人（2013年7月以降）の移動者を含む。"],
        [],
        header4 + [None] * (width - len(header4)),
        header5,
        header6,
    ]
    for row in rows:
        grid.append(
            [
                measure,
                SEX_NAMES[row.sex],
                row.nationality,
                f"{year}年",
                row.level,
                _code_value(row.code5),
                row.name,
                _cell_value(row.total),
                *(_cell_value(v) for v in row.ages),
            ]
        )
    return grid


MIGRATION_MERGES = ("A4:A6", "B4:B6", "C4:C6", "D4:D6", "E4:G4", "E5:E6", "F5:F6", "G5:G6", "H4:AA4")


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


def grid_xlsx_bytes(grid: Sequence[Sequence[object]], *, sheet_title: str, merges: Sequence[str] = ()) -> bytes:
    """A workbook of one sheet, with merged header cells as the published files have.

    Written directly as SpreadsheetML: a full year of 表11 is 16,000 rows x 27 columns, which openpyxl takes
    half a minute to write on a small machine and this takes two seconds."""
    strings: dict[str, int] = {}
    letters = [column_letter(c) for c in range(max((len(r) for r in grid), default=0))]
    rows: list[str] = []
    for r, row in enumerate(grid, start=1):
        cells: list[str] = []
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, int) and not isinstance(value, bool):
                cells.append(f'<c r="{letters[c]}{r}"><v>{value}</v></c>')
            else:
                index = strings.setdefault(str(value), len(strings))
                cells.append(f'<c r="{letters[c]}{r}" t="s"><v>{index}</v></c>')
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    merged = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(rows)}</sheetData>"
        + (f'<mergeCells count="{len(merges)}">{merged}</mergeCells>' if merges else "")
        + "</worksheet>"
    )
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet_title[:31])}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{shared}</sst>',
        )
    return out.getvalue()


def grid_csv_bytes(grid: Sequence[Sequence[object]], *, encoding: str = "cp932") -> bytes:
    """The same sheet saved from Excel as CSV (CP932 by default, or 'utf-8-sig' for UTF-8 with BOM)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in grid:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def migration_xlsx_bytes(table: str, year: int, rows: Iterable[AreaRow], *, synthetic: bool) -> bytes:
    grid = migration_grid(table, year, rows, synthetic=synthetic)
    return grid_xlsx_bytes(grid, sheet_title=TABLE_TITLES[table][0], merges=MIGRATION_MERGES)


# --- population ---------------------------------------------------------------------------------------------

POPULATION_AGE_HEADERS = (*tuple(f"{5 * g}～{5 * g + 4}歳" for g in range(20)), "100歳以上")
POPULATION_SEX_NAMES = {"T": "計", "M": "男", "F": "女"}


@dataclass(frozen=True)
class PopulationRow:
    code6: str
    prefecture: str
    city: str
    sex: str
    ages: tuple[int, ...]  # 21 groups: 0-4 … 95-99, 100+


def population_grid(year: int, rows: Iterable[PopulationRow], *, synthetic: bool) -> list[list[object]]:
    title = f"男女・年齢（5歳階級）別人口－都道府県，市区町村（{year}年1月1日現在）"
    grid: list[list[object]] = [
        [f"{SYNTHETIC_NOTE}{title}" if synthetic else title],
        ["（単位：人）"],
        [],
        ["団体コード", "都道府県名", "市区町村名", "性別", "総数", *POPULATION_AGE_HEADERS],
    ]
    for row in rows:
        grid.append([row.code6, row.prefecture, row.city, POPULATION_SEX_NAMES[row.sex], sum(row.ages), *row.ages])
    return grid


# --- prefecture to prefecture -----------------------------------------------------------------------------


def prefecture_flows_grid(
    year: int, movers: dict[tuple[str, str, str], int], *, synthetic: bool
) -> tuple[list[list[object]], list[str]]:
    """`movers` maps (origin, destination, sex) with 2-digit prefecture codes to movers (移動者).

    Returns the grid and its merged ranges (each destination name over its 総数/男/女 columns)."""
    title = f"都道府県間移動者数（男女別）－移動前の住所地，移動後の住所地（{year}年）"
    first = 8  # column H
    header5: list[object] = [None] * 7
    header6: list[object] = ["表章項目", "時間軸（年次）", "国籍", "階層", None, "コード", "移動前の住所地"]
    merges = ["A4:G4"]
    for i, name in enumerate(PREFECTURE_NAMES):
        header5 += [name, None, None]
        header6 += ["総数", "男", "女"]
        start = first + 3 * i
        merges.append(f"{column_letter(start - 1)}5:{column_letter(start + 1)}5")
    grid: list[list[object]] = [
        [f"{SYNTHETIC_NOTE}{title}" if synthetic else title],
        ["（単位：人）"],
        [],
        ["移動前の住所地", None, None, None, None, None, None, "移動後の住所地"],
        header5,
        header6,
    ]
    for o, origin_name in enumerate(PREFECTURE_NAMES, start=1):
        origin = f"{o:02d}"
        for nationality in NATIONALITIES:
            row: list[object] = [
                "都道府県間移動者数",
                f"{year}年",
                nationality,
                "都道府県",
                None,
                int(f"{origin}000"),
                origin_name,
            ]
            for d in range(1, 48):
                destination = f"{d:02d}"
                for sex in ("T", "M", "F"):
                    if destination == origin:
                        row.append("-")
                        continue
                    value = movers.get((origin, destination, sex), 0)
                    if nationality == "日本人":
                        value = round(value * 0.95)
                    elif nationality == "外国人":
                        value = value - round(value * 0.95)
                    row.append(_cell_value(value))
            grid.append(row)
    return grid, merges


# --- e-Stat database download CSV (statsDataId 0003419945) ----------------------------------------------------

DB_ITEMS = {
    "11-1": ("他市区町村からの転入者数", "21", "転入者数"),
    "11-2": ("他市区町村への転出者数", "22", "転出者数"),
    "11-3": ("転入超過数", "04", "転入超過数"),
}
DB_NATIONALITIES = {
    "移動者": ("60000", "移動者"),
    "日本人": ("61000", "日本人移動者"),
    "外国人": ("62000", "外国人移動者"),
}
DB_AGE_LABELS = (
    "総数",
    *(f"{5 * g}歳～{5 * g + 4}歳" for g in range(AGE_GROUP_COUNT - 1)),
    "90歳以上",
    "0歳～14歳",
    "15歳～64歳",
    "65歳以上",
    "移動前の住所地不詳",
)
DB_LEFT_HEADERS = (
    "表章項目",
    "国籍コード",
    "国籍",
    "時間軸（年次）コード",
    "時間軸（年次）",
    "全国・都道府県・市区町村コード",
    "全国・都道府県・市区町村",
)
SUBTOTAL_GROUPS = (range(0, 3), range(3, 13), range(13, AGE_GROUP_COUNT))  # 0～14, 15～64, 65以上


def _sum_or_none(values: Iterable[int | None]) -> int | None:
    items = list(values)
    return None if None in items else sum(v for v in items if v is not None)


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _db_value(value: int | None) -> int | str:
    return "***" if value is None else value


def _db_block(row: AreaRow, unknown_origin: int) -> list[object]:
    ages = list(row.ages)
    subtotals = [_sum_or_none(ages[g] for g in groups) for groups in SUBTOTAL_GROUPS]
    return [_db_value(row.total), *(_db_value(v) for v in ages), *(_db_value(v) for v in subtotals), unknown_origin]


def db_csv_grid(
    year: int,
    parts: Sequence[tuple[str, Sequence[AreaRow]]],
    *,
    nationalities: Sequence[str] = NATIONALITIES,
    unknown_origin: Callable[[str, str, str], int] | None = None,
    title: str | None = None,
    totals_row: bool = False,
    notes: Sequence[str] = (),
) -> list[list[object]]:
    """表11 as e-Stat's database download writes it: a sex row (総数 / 男 / 女 as blocks of columns), an age row
    (「0歳～4歳」 …, subtotals and 移動前の住所地不詳 mixed in), a code/name row (with 人 over every value column),
    then one row per 表章項目 × 国籍 × area. `parts` pairs a table (11-1/11-2/11-3) with its rows (three sexes for
    each area and nationality, as SyntheticNetwork.migration_rows gives them). `unknown_origin(table, code5, sex)`
    gives 移動前の住所地不詳 (0 when None); `title`, `totals_row` and `notes` add what some tables carry above and
    below (a title line, a 合計 row without code, ※ notes)."""
    block = len(DB_AGE_LABELS)
    left = len(DB_LEFT_HEADERS)
    grid: list[list[object]] = []
    if title:
        grid.append([title])
    blank: list[object] = [None] * left
    grid.append([*blank, *(sex for sex in ("総数", "男", "女") for _ in range(block))])
    grid.append([*blank, *(list(DB_AGE_LABELS) * 3)])
    grid.append([*DB_LEFT_HEADERS, *(["人"] * (3 * block))])
    for table, rows in parts:
        item = DB_ITEMS[table][0]
        grouped: dict[tuple[str, str], dict[str, AreaRow]] = {}
        order: list[tuple[str, str]] = []
        for row in rows:
            key = (row.code5, row.nationality)
            if key not in grouped:
                grouped[key] = {}
                order.append(key)
            grouped[key][row.sex] = row
        for nationality in nationalities:
            code, label = DB_NATIONALITIES[nationality]
            for key in order:
                if key[1] != nationality:
                    continue
                by_sex = grouped[key]
                first = by_sex["T"]
                values: list[object] = []
                for sex in ("T", "M", "F"):
                    extra = unknown_origin(table, first.code5, sex) if unknown_origin else 0
                    values += _db_block(by_sex[sex], extra)
                grid.append([item, code, label, f"{year}000000", f"{year}年", first.code5, first.name, *values])
    if totals_row:
        body = grid[(1 if title else 0) + 3 :]
        sums = [_sum_or_none(_int_or_none(r[c]) for r in body) for c in range(left, left + 3 * block)]
        grid.append([*blank[:6], "合計", *(_db_value(v) for v in sums)])
    for note in notes:
        grid.append([note])
    return grid


# --- e-Stat's older CSV: metadata lines, a "/表章項目" header, one row per area × sex × age -------------------

LONG_SEX_CODES = {"T": ("0", "総数"), "M": ("1", "男"), "F": ("2", "女")}


def age_codes() -> list[tuple[str, str, int | None]]:
    """(code, label, age group) as e-Stat's 年齢 classification numbers them: 000 総数, 201 0歳～4歳 … 219 90歳以上,
    subtotals 101-103 and 300 移動前の住所地不詳 (group None)."""
    codes: list[tuple[str, str, int | None]] = [("000", "総数", None)]
    for g in range(AGE_GROUP_COUNT):
        label = "90歳以上" if g == AGE_GROUP_COUNT - 1 else f"{5 * g}歳～{5 * g + 4}歳"
        codes.append((f"{201 + g}", label, g))
    codes += [("101", "0歳～14歳", None), ("102", "15歳～64歳", None), ("103", "65歳以上", None)]
    codes.append(("300", "移動前の住所地不詳", None))
    return codes


def long_csv_grid(
    year: int, parts: Sequence[tuple[str, Sequence[AreaRow]]], *, nationality: str = "移動者"
) -> list[list[object]]:
    """The older e-Stat CSV (saved as CP932): metadata lines naming the pinned axes (国籍, 時間軸), a row holding
    "/表章項目 コード" over the item codes, the header row holding the row dimensions and "/表章項目" over the item
    names, then one row per area × sex × age class with one column per 表章項目."""
    tables = [table for table, _rows in parts]
    values: dict[tuple[str, str, str], AreaRow] = {}
    order: list[tuple[str, str]] = []
    for table, rows in parts:
        for row in rows:
            if row.nationality != nationality:
                continue
            if (row.code5, row.name) not in order:
                order.append((row.code5, row.name))
            values[(table, row.code5, row.sex)] = row
    grid: list[list[object]] = [
        ["統計名：", "住民基本台帳人口移動報告 年報（詳細集計）"],
        ["表題：", TABLE11_TITLE],
        ["国籍：", DB_NATIONALITIES[nationality][1]],
        ["時間軸（年次）：", f"{year}年"],
        [],
        [None] * 6 + ["/表章項目 コード", *(DB_ITEMS[t][1] for t in tables)],
        [
            "全国・都道府県・市区町村 コード",
            "全国・都道府県・市区町村",
            "性別 コード",
            "性別",
            "年齢 コード",
            "年齢",
            "/表章項目",
            *(DB_ITEMS[t][0] for t in tables),
        ],
    ]
    for code5, name in order:
        for sex in ("T", "M", "F"):
            sex_code, sex_label = LONG_SEX_CODES[sex]
            for age_code, age_label, group in age_codes():
                cells: list[object] = []
                for table in tables:
                    row = values[(table, code5, sex)]
                    if age_code == "000":
                        value: int | None = row.total
                    elif group is not None:
                        value = row.ages[group]
                    elif age_code.startswith("1"):
                        value = _sum_or_none(row.ages[g] for g in SUBTOTAL_GROUPS[int(age_code) - 101])
                    else:
                        value = 0
                    cells.append(_cell_value(value))
                grid.append([code5, name, sex_code, sex_label, age_code, age_label, None, *cells])
    return grid


# --- e-Stat API getStatsData (JSON) --------------------------------------------------------------------------

TABLE11_TITLE = "年齢（5歳階級），男女，国籍別転入者数，転出者数及び転入超過数－全国，都道府県，市区町村"
API_SEX_CODES = {"T": ("0", "総数"), "M": ("1", "男"), "F": ("2", "女")}


def api_age_classes() -> list[dict[str, str]]:
    """cat01 年齢 as the API names it: 000 総数, 201 0〜4歳 … 219 90歳以上 (the wave dash 〜 on some labels, the
    full-width tilde ～ and a repeated 歳 on others: both forms occur), subtotals and 移動前の住所地不詳."""
    classes = []
    for code, label, group in age_codes():
        if group is not None and group % 2 == 0 and group < AGE_GROUP_COUNT - 1:
            label = f"{5 * group}〜{5 * group + 4}歳"
        elif code.startswith("1"):
            label = label.replace("歳～", "〜")
        classes.append({"@code": code, "@name": label, "@level": "1" if code == "000" else "2"})
    return classes


def api_pages(
    stats_data_id: str,
    year: int,
    parts: Sequence[tuple[str, Sequence[AreaRow]]],
    *,
    nationalities: Sequence[str] = NATIONALITIES,
    page_size: int = 100_000,
) -> list[dict[str, Any]]:
    """A getStatsData response for 表11 split into pages (NEXT_KEY on every page but the last): tab 21 転入者数,
    22 転出者数, 04 転入超過数; cat01 年齢; cat02 性別 (0 総数, 1 男, 2 女); cat03 国籍 (60000 移動者,
    61000 日本人移動者, 62000 外国人移動者: only those in `nationalities`, as when the user narrows the request);
    area; time."""
    values: list[dict[str, str]] = []
    areas: dict[str, str] = {}
    time_code = f"{year}000000"
    for table, rows in parts:
        tab = DB_ITEMS[table][1]
        for row in rows:
            if row.nationality not in nationalities:
                continue
            areas.setdefault(row.code5, row.name)
            sex_code = API_SEX_CODES[row.sex][0]
            for age_code, _label, group in age_codes():
                if age_code == "000":
                    value: int | None = row.total
                elif group is not None:
                    value = row.ages[group]
                elif age_code.startswith("1"):
                    value = _sum_or_none(row.ages[g] for g in SUBTOTAL_GROUPS[int(age_code) - 101])
                else:
                    value = 0
                values.append(
                    {
                        "@tab": tab,
                        "@cat01": age_code,
                        "@cat02": sex_code,
                        "@cat03": DB_NATIONALITIES[row.nationality][0],
                        "@area": row.code5,
                        "@time": time_code,
                        "@unit": "人",
                        "$": "***" if value is None else ("-" if value == 0 else str(value)),
                    }
                )
    tables = [table for table, _rows in parts]
    nationality_classes: list[dict[str, str]] = [
        {"@code": DB_NATIONALITIES[n][0], "@name": DB_NATIONALITIES[n][1], "@level": "1"} for n in nationalities
    ]
    class_obj: list[dict[str, Any]] = [
        {
            "@id": "tab",
            "@name": "表章項目",
            "CLASS": [{"@code": DB_ITEMS[t][1], "@name": DB_ITEMS[t][2], "@level": "", "@unit": "人"} for t in tables],
        },
        {"@id": "cat01", "@name": "年齢", "CLASS": api_age_classes()},
        {
            "@id": "cat02",
            "@name": "性別",
            "CLASS": [{"@code": c, "@name": n, "@level": "1" if c == "0" else "2"} for c, n in API_SEX_CODES.values()],
        },
        # a single member (a request narrowed to one 国籍): e-Stat sends CLASS as an object, not a list
        {
            "@id": "cat03",
            "@name": "国籍",
            "CLASS": nationality_classes[0] if len(nationality_classes) == 1 else nationality_classes,
        },
        {
            "@id": "area",
            "@name": "全国・都道府県・市区町村",
            "CLASS": [{"@code": code, "@name": name, "@level": "2"} for code, name in areas.items()],
        },
        # one member only: e-Stat sends CLASS as an object, not a list
        {"@id": "time", "@name": "時間軸（年次）", "CLASS": {"@code": time_code, "@name": f"{year}年", "@level": "1"}},
    ]
    pages = []
    for start in range(0, max(len(values), 1), page_size):
        chunk = values[start : start + page_size]
        result_inf: dict[str, Any] = {
            "TOTAL_NUMBER": len(values),
            "FROM_NUMBER": start + 1,
            "TO_NUMBER": start + len(chunk),
        }
        if start + page_size < len(values):
            result_inf["NEXT_KEY"] = start + page_size + 1
        pages.append(
            {
                "GET_STATS_DATA": {
                    "RESULT": {
                        "STATUS": 0,
                        "ERROR_MSG": "正常に終了しました。",
                        "DATE": f"{year + 1}-05-01T10:00:00.000+09:00",
                    },
                    "PARAMETER": {
                        "LANG": "J",
                        "STATS_DATA_ID": stats_data_id,
                        "DATA_FORMAT": "J",
                        "START_POSITION": start + 1,
                    },
                    "STATISTICAL_DATA": {
                        "RESULT_INF": result_inf,
                        "TABLE_INF": {
                            "@id": stats_data_id,
                            "STAT_NAME": {"@code": "00200523", "$": "住民基本台帳人口移動報告"},
                            "GOV_ORG": {"@code": "00200", "$": "総務省"},
                            "STATISTICS_NAME": f"住民基本台帳人口移動報告 年報（詳細集計） {year}年",
                            "TITLE": {
                                "@no": "11",
                                "$": TABLE11_TITLE,
                            },
                        },
                        "CLASS_INF": {"CLASS_OBJ": class_obj},
                        "DATA_INF": {
                            "NOTE": [{"@char": "-", "$": "該当数値なし"}, {"@char": "***", "$": "秘匿"}],
                            "VALUE": chunk,
                        },
                    },
                }
            }
        )
    return pages
