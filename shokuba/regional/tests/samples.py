"""Small tables in the published layouts, written in the test (no big files here: those are for `make bench`)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from shokuba.core.permissions import SYSTEM
from shokuba.regional.estat.layouts import (
    MIGRATION_MERGES,
    NATIONALITIES,
    AreaRow,
    PopulationRow,
    grid_csv_bytes,
    migration_grid,
    population_grid,
)
from shokuba.regional.services import statistics_import_file

# (5-digit code, name, level): Sapporo is written 1100 (Excel dropped the zero), its 中央区 must be skipped for the
# whole city, 特別区部 is an aggregate of the wards listed after it.
SMALL_AREAS = [
    ("00000", "全国", "全国"),
    ("01000", "北海道", "都道府県"),
    ("01100", "札幌市", "市区町村"),
    ("01101", "札幌市中央区", "市区町村"),
    ("01202", "函館市", "市区町村"),
    ("13000", "東京都", "都道府県"),
    ("13100", "特別区部", "特別区部"),
    ("13101", "千代田区", "市区町村"),
    ("28000", "兵庫県", "都道府県"),
    ("28209", "豊岡市", "市区町村"),
]
STORED_AREAS = 8  # all but the ward of Sapporo and 特別区部
TOYOOKA_WOMEN_NET = (2, 1, -1, -40, 6, -4, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0)
TOYOOKA_MEN_NET = (2, 1, -1, -36, 12, 9, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0)


def _net(code: str, sex: str, shift: int) -> tuple[int, ...]:
    if code == "00000":
        return (0,) * 19
    women = tuple(v + shift for v in TOYOOKA_WOMEN_NET)
    men = tuple(v + shift for v in TOYOOKA_MEN_NET)
    scale = 1 if code == "28209" else int(code[:2]) + 2
    pattern = {"F": women, "M": men, "T": tuple(a + b for a, b in zip(women, men, strict=True))}[sex]
    return tuple(v * scale for v in pattern)


def small_rows(
    table: str = "11-3", *, shift: int = 0, areas: list[tuple[str, str, str]] | None = None
) -> list[AreaRow]:
    rows = []
    for code, name, level in areas or SMALL_AREAS:
        for sex in ("T", "M", "F"):
            net = _net(code, sex, shift)
            values = net if table == "11-3" else tuple(abs(v) + 10 for v in net)
            for nationality in NATIONALITIES:
                ages = values if nationality == "移動者" else tuple(7 for _ in values)
                rows.append(AreaRow(code, name, level, sex, nationality, sum(ages), ages))
    return rows


def openpyxl_xlsx(
    grid: list[list[Any]], *, sheet_title: str = "表11-3", merges: tuple[str, ...] = MIGRATION_MERGES
) -> bytes:
    """The workbook as Excel (via openpyxl) writes it, merged header cells included."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title
    for row in grid:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def migration_xlsx(table: str = "11-3", year: int = 2024, **kwargs: Any) -> bytes:
    return openpyxl_xlsx(migration_grid(table, year, small_rows(table, **kwargs), synthetic=False))


def migration_csv(table: str = "11-3", year: int = 2024, *, encoding: str = "cp932", **kwargs: Any) -> bytes:
    return grid_csv_bytes(migration_grid(table, year, small_rows(table, **kwargs), synthetic=False), encoding=encoding)


def population_csv(year: int = 2024) -> bytes:
    rows = []
    for code6, prefecture, city in (
        ("010006", "北海道", ""),
        ("011002", "北海道", "札幌市"),
        ("012025", "北海道", "函館市"),
        ("130001", "東京都", ""),
        ("131016", "東京都", "千代田区"),
        ("280003", "兵庫県", ""),
        ("282090", "兵庫県", "豊岡市"),
    ):
        for sex in ("T", "M", "F"):
            base = 1000 if code6 == "282090" else 5000
            ages = tuple([base] * 18 + [300, 200, 100])  # 90-94, 95-99, 100+ fold into 90+
            if sex == "T":
                ages = tuple(2 * v for v in ages)
            rows.append(PopulationRow(code6, prefecture, city, sex, ages))
    return grid_csv_bytes(population_grid(year, rows, synthetic=False), encoding="utf-8-sig")


def import_small(year: int = 2024, **kwargs: Any) -> None:
    """Net migration and population for the small areas, imported as the system would."""
    statistics_import_file(
        actor=SYSTEM, data=migration_csv(year=year, **kwargs), file_name=f"b01103s_{year}.csv", table="11-3", year=year
    )
    statistics_import_file(
        actor=SYSTEM, data=population_csv(year), file_name=f"population_{year}.csv", table="population", year=year
    )
