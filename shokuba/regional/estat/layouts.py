"""Writing tables in the statistics bureau's own layouts, for the synthetic demo data, tests and benchmarks.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
