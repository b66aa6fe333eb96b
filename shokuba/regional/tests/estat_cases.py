"""The real-file cases of issue 12 (regional), built in the layouts of DOMAIN.md §8 from a small made-up world.

Every file here is built, not downloaded: the layouts are those of e-Stat's real downloads (the database CSV of
表11, its API, the older CSV, the bureau's workbook), the figures are made up but consistent: 転入超過数 =
転入者数 − 転出者数, 移動者 = 日本人移動者 + 外国人移動者, 総数 = 男 + 女, and every aggregate row (全国, the
prefecture, 市部, 郡部, each 郡) is the sum of its municipalities, so a test can tell an aggregate from a part.

The world: 和歌山県 with its 30 municipalities, its six 郡 (30300 海草郡 …) and 市部 / 郡部, as a prefecture's own
download lists them (e-Stat, 2024); 兵庫県 with 洲本市 and 豊岡市; the nation. `tests/fixtures/make_estat_fixtures.py`
writes every case to `tests/fixtures/estat/` with a README; the tests build them in memory from here.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shokuba.regional.estat.layouts import (
    NATIONALITIES,
    AreaRow,
    api_pages,
    db_csv_grid,
    grid_csv_bytes,
    long_csv_grid,
    migration_grid,
)
from shokuba.regional.indicators import AGE_GROUP_COUNT

YEAR = 2024
REFERENCE = Path(__file__).resolve().parents[2] / "network" / "data" / "local_government_codes.csv"
# 郡 of 和歌山県 and their towns and villages, as the prefecture's download lists them.
WAKAYAMA_DISTRICTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "30300": ("海草郡", ("30304",)),
    "30340": ("伊都郡", ("30341", "30343", "30344")),
    "30360": ("有田郡", ("30361", "30362", "30366")),
    "30380": ("日高郡", ("30381", "30382", "30383", "30390", "30391", "30392")),
    "30400": ("西牟婁郡", ("30401", "30404", "30406")),
    "30420": ("東牟婁郡", ("30421", "30422", "30424", "30427", "30428")),
}
HYOGO_MUNICIPALITIES = ("28205", "28209")  # 洲本市, 豊岡市: both network members
API_STATS_DATA_ID = "0003419945"


@cache
def municipality_names() -> dict[str, str]:
    with REFERENCE.open(encoding="utf-8") as stream:
        return {row["code"][:5]: row["city"] or row["prefecture"] for row in csv.DictReader(stream)}


def wakayama_municipalities() -> list[str]:
    return sorted(code for code in municipality_names() if code.startswith("30") and code != "30000")


def _in_out(code5: str, sex: str, group: int, nationality: str) -> tuple[int, int]:
    """In- and out-migrants of one municipality: a fixed pattern, teenagers leaving, people in their twenties
    coming and going, young women leaving more than young men."""
    n = int(code5)
    if nationality == "外国人":
        return (n + group) % 3, (n + group + 1) % 2
    inflow = (n % 97 + 3 * group + (5 if sex == "F" else 0)) % 40 + (60 if group in (4, 5) else 0)
    outflow = (n % 89 + 5 * group) % 35 + (80 if group == 3 else 0) + (70 if group == 4 and sex == "F" else 0)
    return inflow, outflow


def _municipality_ages(table: str, code5: str, sex: str, nationality: str) -> tuple[int, ...]:
    if sex == "T":
        men = _municipality_ages(table, code5, "M", nationality)
        women = _municipality_ages(table, code5, "F", nationality)
        return tuple(a + b for a, b in zip(men, women, strict=True))
    if nationality == "移動者":
        japanese = _municipality_ages(table, code5, sex, "日本人")
        foreign = _municipality_ages(table, code5, sex, "外国人")
        return tuple(a + b for a, b in zip(japanese, foreign, strict=True))
    values = []
    for group in range(AGE_GROUP_COUNT):
        inflow, outflow = _in_out(code5, sex, group, nationality)
        values.append({"11-1": inflow, "11-2": outflow, "11-3": inflow - outflow}[table])
    return tuple(values)


def parts_of(code5: str) -> tuple[str, ...]:
    """The municipalities an area's row sums (an aggregate's parts, or the municipality itself)."""
    wakayama = wakayama_municipalities()
    if code5 == "00000":
        return (*HYOGO_MUNICIPALITIES, *wakayama)
    if code5 == "28000":
        return HYOGO_MUNICIPALITIES
    if code5 == "30000":
        return tuple(wakayama)
    if code5 == "30001":  # 市部
        return tuple(c for c in wakayama if int(c[2:]) < 300)
    if code5 == "30002":  # 郡部
        return tuple(c for c in wakayama if int(c[2:]) >= 300)
    if code5 in WAKAYAMA_DISTRICTS:
        return WAKAYAMA_DISTRICTS[code5][1]
    return (code5,)


def area_ages(table: str, code5: str, sex: str, nationality: str = "移動者") -> tuple[int, ...]:
    """An area's row as the file prints it: the sum of its municipalities."""
    rows = [_municipality_ages(table, part, sex, nationality) for part in parts_of(code5)]
    return tuple(sum(column) for column in zip(*rows, strict=True))


def wakayama_areas() -> list[tuple[str, str, str]]:
    """(code5, name, level) of 和歌山県's own download, in its order: the prefecture, 市部, 郡部, the cities, then each
    郡 followed by its towns and villages."""
    names = municipality_names()
    areas = [("30000", "和歌山県", "都道府県"), ("30001", "市部", "市部"), ("30002", "郡部", "郡部")]
    areas += [(c, names[c], "市区町村") for c in wakayama_municipalities() if int(c[2:]) < 300]
    for district, (name, towns) in WAKAYAMA_DISTRICTS.items():
        areas.append((district, name, "郡"))
        areas += [(c, names[c], "市区町村") for c in towns]
    return areas


def national_areas() -> list[tuple[str, str, str]]:
    names = municipality_names()
    return [
        ("00000", "全国", "全国"),
        ("28000", "兵庫県", "都道府県"),
        *((c, names[c], "市区町村") for c in HYOGO_MUNICIPALITIES),
        *wakayama_areas(),
    ]


def rows_for(
    table: str, areas: list[tuple[str, str, str]], nationalities: tuple[str, ...] = NATIONALITIES
) -> list[AreaRow]:
    rows = []
    for code5, name, level in areas:
        for sex in ("T", "M", "F"):
            for nationality in nationalities:
                ages = area_ages(table, code5, sex, nationality)
                rows.append(AreaRow(code5, name, level, sex, nationality, sum(ages), ages))
    return rows


def unknown_origin(table: str, code5: str, sex: str) -> int:
    """移動前の住所地不詳: a few in-migrants whose previous address is unknown (outside 総数, as in e-Stat's file)."""
    return (int(code5) + len(sex)) % 3 if table == "11-1" else 0


def all_tables(areas: list[tuple[str, str, str]], nationalities: tuple[str, ...] = NATIONALITIES) -> list:
    return [(table, rows_for(table, areas, nationalities)) for table in ("11-1", "11-2", "11-3")]


# --- the cases --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    file_name: str
    what: str  # what the file is, in one line
    expect: str  # what the importer must do with it
    build: Callable[[], bytes]


def db_csv_national() -> bytes:
    """Case 1: the database download of 表11, UTF-8 with BOM, three 表章項目 × three 国籍, sex blocks."""
    grid = db_csv_grid(YEAR, all_tables(national_areas()), unknown_origin=unknown_origin)
    return grid_csv_bytes(grid, encoding="utf-8-sig")


def db_csv_wakayama(nationalities: tuple[str, ...] = NATIONALITIES, table: str | None = None) -> bytes:
    """Cases 2 and 5: 和歌山県's own download (its municipalities, 郡, 市部 and 郡部)."""
    tables = [(t, rows) for t, rows in all_tables(wakayama_areas(), nationalities) if table in (None, t)]
    grid = db_csv_grid(YEAR, tables, nationalities=nationalities, unknown_origin=unknown_origin)
    return grid_csv_bytes(grid, encoding="utf-8-sig")


def db_csv_japanese_only() -> bytes:
    """Case 3: the prefecture's download narrowed to 日本人移動者 (as the public file of 和歌山県 is)."""
    return db_csv_wakayama(("日本人",), table="11-1")


def db_csv_foreign_only() -> bytes:
    return db_csv_wakayama(("外国人",), table="11-1")


def db_csv_with_totals_and_notes() -> bytes:
    """Case 4: a title above, a 合計 row without code and ※ notes below the areas."""
    grid = db_csv_grid(
        YEAR,
        [("11-3", rows_for("11-3", national_areas()))],
        title="住民基本台帳人口移動報告　2024年（年齢（5歳階級），男女，国籍別転入超過数）",
        totals_row=True,
        notes=["※ 転入超過数は転入者数から転出者数を差し引いたもの。", "※ 日本人移動者と外国人移動者の計は移動者。"],
        unknown_origin=unknown_origin,
    )
    return grid_csv_bytes(grid, encoding="utf-8-sig")


def db_csv_without_table() -> bytes:
    """Neither a title nor a 表章項目 column: which table it is cannot be told from the content."""
    grid = db_csv_grid(YEAR, [("11-3", rows_for("11-3", national_areas()))], unknown_origin=unknown_origin)
    for row in grid[3:]:
        row[0] = None
    grid[2][0] = None
    return grid_csv_bytes(grid, encoding="utf-8-sig")


def old_style_csv() -> bytes:
    """The older e-Stat CSV (CP932): metadata lines, "/表章項目" header, one row per area × sex × age."""
    return grid_csv_bytes(long_csv_grid(YEAR, all_tables(national_areas())), encoding="cp932")


def bureau_csv_with_totals() -> bytes:
    """The bureau's b01103s layout saved as CSV (CP932), with 郡 rows, a 合計 row and ※ notes at the bottom."""
    grid = migration_grid("11-3", YEAR, rows_for("11-3", national_areas()), synthetic=False)
    grid.append([None] * 6 + ["合計", sum(area_ages("11-3", "00000", "T")), *area_ages("11-3", "00000", "T")])
    grid.append(["※ 日本人移動者及び外国人移動者を含む。"])
    return grid_csv_bytes(grid)


def api_national(nationalities: tuple[str, ...] = NATIONALITIES) -> list[dict]:
    """Case 1 and 3 through the API: real codes (tab 21/22/04, cat01 年齢 000/201…, cat02 性別 0/1/2, cat03 国籍
    60000/61000/62000), areas with 郡 and 市部/郡部, two pages."""
    values = len(national_areas()) * 3 * len(nationalities) * 3 * 24
    return api_pages(
        API_STATS_DATA_ID,
        YEAR,
        all_tables(national_areas(), nationalities),
        nationalities=nationalities,
        page_size=values // 2 + 1,
    )


def api_japanese_only() -> list[dict]:
    return api_national(("日本人",))


def _json(pages: list[dict]) -> bytes:
    return json.dumps(pages, ensure_ascii=False, indent=1).encode("utf-8")


CASES: tuple[Case, ...] = (
    Case(
        "case1_estat_db_表11_2024.csv",
        "e-Stat データベースのダウンロード（表11、UTF-8 BOM、見出し3行、男女の列ブロック、3表章項目×3国籍）",
        "表11-1・11-2・11-3 の3つを「移動者」で取り込む（小計・移動前の住所地不詳の列は使わない）",
        db_csv_national,
    ),
    Case(
        "case1_estat_api_表11_2024.json",
        "e-Stat API getStatsData の応答2ページ（tab 21/22/04、cat01 年齢、cat02 性別、cat03 国籍）",
        "3つの表を「移動者」で取り込む",
        lambda: _json(api_national()),
    ),
    Case(
        "case2_5_wakayama_db_2024.csv",
        "和歌山県の自分の地域だけのダウンロード（県・市部・郡部・郡・30市町村）",
        "郡・市部・郡部を注記して飛ばし、和歌山県と30市町村だけを置き換える",
        db_csv_wakayama,
    ),
    Case(
        "case3_wakayama_db_日本人移動者_2024.csv",
        "国籍を「日本人移動者」に絞ったダウンロード（表11-1 転入者数）",
        "日本人移動者のみと記録して取り込み、表示するところすべてに「日本人移動者のみ」と示す",
        db_csv_japanese_only,
    ),
    Case(
        "case3_estat_api_日本人移動者_2024.json",
        "国籍を 61000 日本人移動者 に絞った API の応答",
        "日本人移動者のみと記録して取り込む（移動者として扱わない）",
        lambda: _json(api_japanese_only()),
    ),
    Case(
        "case3_wakayama_db_外国人移動者_2024.csv",
        "国籍を「外国人移動者」に絞ったダウンロード",
        "移動者か日本人移動者の表が必要だと理由を示して断る",
        db_csv_foreign_only,
    ),
    Case(
        "case4_estat_db_合計と注記_2024.csv",
        "表題の行、最後に合計の行（団体コードなし）と ※ 注記の行がある転入超過数",
        "合計と注記の行を注記して飛ばし、地域の行を取り込む",
        db_csv_with_totals_and_notes,
    ),
    Case(
        "case4_b01103s_合計と注記_2024.csv",
        "統計局の表11-3（b01103s）を CSV（CP932）で保存したもの、郡の行、最後に合計と注記",
        "郡・合計・注記を飛ばして取り込む",
        bureau_csv_with_totals,
    ),
    Case(
        "old_style_estat_表11_2024.csv",
        "e-Stat の旧形式 CSV（CP932、メタデータ行、/表章項目 コード の行、1行に1地域・男女・年齢）",
        "3つの表を取り込む",
        old_style_csv,
    ),
    Case(
        "ambiguous_no_table_2024.csv",
        "表題も表章項目の列もない転入超過数",
        "統計表を指定しないと、どの表か分からないと断る（--table を指定すれば取り込む）",
        db_csv_without_table,
    ),
)
