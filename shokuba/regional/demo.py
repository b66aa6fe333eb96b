"""Synthetic regional statistics for the demo, written as e-Stat files and imported through the real importers.

The real tables cannot be downloaded here, so this writes files in the statistics bureau's own layouts for all
1,741 municipalities and 47 prefectures over five years, with the pattern the source document describes: the
36 regional 道県 lose teenagers and people in their early twenties to the Tokyo area, men start coming back in
their late twenties while women keep leaving. Every number is made up; the files' titles and the import records
say "合成データ", and the pages show it.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from shokuba.core.permissions import SYSTEM
from shokuba.network.models import LocalGovernment, Member, User
from shokuba.regional import services
from shokuba.regional.estat.layouts import (
    NATIONALITIES,
    SYNTHETIC_NOTE,
    AreaRow,
    PopulationRow,
    db_csv_grid,
    grid_csv_bytes,
    grid_xlsx_bytes,
    migration_grid,
    migration_xlsx_bytes,
    population_grid,
    prefecture_flows_grid,
)
from shokuba.regional.indicators import (
    AGE_GROUP_COUNT,
    METROPOLITAN_PREFECTURES,
    TOKYO_AREA_PREFECTURES,
)
from shokuba.regional.models import StatisticsImport

DEMO_YEARS = (2020, 2021, 2022, 2023, 2024)
DEMO_SEED = 20260119
SEX_KEYS = ("M", "F")
POPULATION_GROUPS = 21  # 0-4 … 95-99, 100+

# Net migration per 1,000 of the age group's population, by sex and age group at the move. Towns and small cities
# of the regions lose their 18-year-olds (15-19); some come back after university (20-24) and in their late
# twenties, men far more than women (the seed: women keep leaving at 25-29). University cities of the regions
# gain students and lose graduates; the Tokyo area gains both.
RURAL_RATES = {
    "F": (4, 2, -2, -48, 3, -4, 1, 2, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0),
    "M": (4, 2, -2, -42, 10, 9, 5, 3, 1, 1, 1, 2, 1, 1, 0, 0, 0, 0, 0),
}
REGIONAL_CITY_RATES = {
    "F": (2, 1, 0, 14, -34, -9, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "M": (2, 1, 0, 12, -22, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
}
TOKYO_AREA_RATES = {
    "F": (-9, -4, 0, 28, 58, 14, -6, -6, -3, -2, -2, -3, -3, -2, -1, 0, 0, 0, 0),
    "M": (-9, -4, 0, 25, 40, 6, -7, -5, -3, -2, -2, -3, -3, -2, -1, 0, 0, 0, 0),
}
OTHER_METRO_RATES = {
    "F": (0, 0, 0, 10, 4, 2, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "M": (0, 0, 0, 8, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
}
# Yearly moves per 1,000 (in- and out-migrants are each about this), for 表11-1 and 表11-2.
MOBILITY = (45, 25, 18, 60, 120, 110, 80, 55, 40, 32, 28, 24, 20, 16, 14, 14, 16, 20, 22)


@dataclass
class Municipality:
    code6: str
    prefecture: str
    city: str
    population: int
    urban: float  # 0 (remote) … 1 (a big city): draws the young within its prefecture


def _age_shares(urban: float) -> list[float]:
    """Population shares of the 21 age groups: older in remote places, younger in cities."""
    shares = []
    for g in range(POPULATION_GROUPS):
        age = g * 5 + 2
        young = math.exp(-((age - 42) ** 2) / (2 * 22**2))
        old = math.exp(-((age - 70) ** 2) / (2 * 14**2))
        shares.append(max(0.0005, (0.6 + 0.4 * urban) * young + (0.9 - 0.5 * urban) * old * 0.8))
    if POPULATION_GROUPS > 20:
        shares[-1] *= 0.05
        shares[-2] *= 0.2
    total = sum(shares)
    return [s / total for s in shares]


def _size(rng: random.Random, code6: str, city: str) -> tuple[int, float]:
    body = int(code6[2:5])
    if code6[:2] == "13" and 101 <= body <= 123:
        return int(rng.lognormvariate(math.log(350_000), 0.5)), 1.0
    if 100 <= body < 200:
        return int(rng.lognormvariate(math.log(1_000_000), 0.4)), 1.0
    if city.endswith("市"):
        return int(rng.lognormvariate(math.log(50_000), 0.6)), 0.55
    if city.endswith("村"):
        return int(rng.lognormvariate(math.log(3_000), 0.7)), 0.0
    return int(rng.lognormvariate(math.log(12_000), 0.7)), 0.15


def _rates_for(m: Municipality) -> dict[str, tuple[float, ...]]:
    """The pattern a municipality follows: the metropolitan areas' big cities gain the young; everywhere else,
    including the rural parts of metropolitan prefectures (豊岡市 is in 兵庫県), loses its teenagers."""
    big = m.urban >= 1.0  # designated cities and Tokyo's special wards
    if m.prefecture in TOKYO_AREA_PREFECTURES and (big or m.urban >= 0.55):
        pattern = TOKYO_AREA_RATES
    elif m.prefecture in METROPOLITAN_PREFECTURES and big:
        pattern = OTHER_METRO_RATES
    elif big:
        pattern = REGIONAL_CITY_RATES
    else:
        pattern = RURAL_RATES
    return {sex: tuple(float(v) for v in rates) for sex, rates in pattern.items()}


def _noisy(rng: random.Random, expected: float) -> int:
    return round(expected + rng.gauss(0, math.sqrt(abs(expected) + 1) * 0.8))


class SyntheticNetwork:
    """Population and migration for every local government and year, deterministic for a seed."""

    def __init__(self, seed: int = DEMO_SEED, years: tuple[int, ...] = DEMO_YEARS) -> None:
        self.rng = random.Random(seed)
        self.years = years
        self.leading = set(Member.objects.filter(leading_example=True).values_list("pk", flat=True))
        governments = list(LocalGovernment.objects.order_by("code"))
        self.prefectures = {g.prefecture_code: g for g in governments if not g.city_name}
        self.municipalities = []
        for g in governments:
            if g.city_name:
                population, urban = _size(self.rng, g.code, g.city_name)
                self.municipalities.append(Municipality(g.code, g.prefecture_code, g.city_name, population, urban))
        self.effect = {m.code6: self.rng.gauss(0, 0.25) for m in self.municipalities}
        self.population: dict[tuple[int, str, str], list[int]] = {}  # (year, code6, sex) -> 21 groups
        self.net: dict[tuple[int, str, str], list[int]] = {}  # (year, code6, sex) -> 19 groups
        for year in years:
            self._year(year)

    def _year(self, year: int) -> None:
        step = year - self.years[0]
        by_prefecture: dict[str, list[Municipality]] = defaultdict(list)
        for m in self.municipalities:
            by_prefecture[m.prefecture].append(m)
            shares = _age_shares(m.urban)
            size = m.population * (1 - 0.006 * step * (1 - m.urban))
            for sex, weight in (("M", 0.49), ("F", 0.51)):
                self.population[(year, m.code6, sex)] = [round(size * weight * s) for s in shares]
        for members in by_prefecture.values():
            for sex in SEX_KEYS:
                nets: dict[str, list[int]] = {}
                for m in members:
                    ages = self._ages19(self.population[(year, m.code6, sex)])
                    rates = _rates_for(m)
                    row = []
                    for g in range(AGE_GROUP_COUNT):
                        rate = rates[sex][g]
                        if g in (3, 4, 5):
                            rate += 6 * self.effect[m.code6]
                            if sex == "F" and g == 4 and m.urban >= 1.0:
                                rate -= 1.5 * step  # the seed: young women's outflow keeps growing
                            if m.code6 in self.leading and g in (4, 5):
                                rate += (2.0 if sex == "F" else 1.0) * step  # programmes that work
                        row.append(_noisy(self.rng, rate / 1000 * ages[g]))
                    nets[m.code6] = row
                for code6, row in nets.items():
                    self.net[(year, code6, sex)] = row
        self._balance_nation(year)
        for prefecture, members in by_prefecture.items():
            for sex in SEX_KEYS:
                self.net[(year, self.prefectures[prefecture].code, sex)] = [
                    sum(self.net[(year, m.code6, sex)][g] for m in members) for g in range(AGE_GROUP_COUNT)
                ]
                self.population[(year, self.prefectures[prefecture].code, sex)] = [
                    sum(self.population[(year, m.code6, sex)][g] for m in members) for g in range(POPULATION_GROUPS)
                ]

    def _balance_nation(self, year: int) -> None:
        """Domestic moves sum to zero: the Tokyo area's special wards absorb whatever the rest lost."""
        wards = [m for m in self.municipalities if m.code6[:2] == "13" and 101 <= int(m.code6[2:5]) <= 123]
        for sex in SEX_KEYS:
            for g in range(AGE_GROUP_COUNT):
                total = sum(self.net[(year, m.code6, sex)][g] for m in self.municipalities)
                share, remainder = divmod(-total, len(wards))
                for i, ward in enumerate(wards):
                    self.net[(year, ward.code6, sex)][g] += share + (1 if i < remainder else 0)

    @staticmethod
    def _ages19(population21: list[int]) -> list[int]:
        return [*population21[:18], sum(population21[18:])]

    # --- rows in the published layouts ----------------------------------------------------------------------

    def _areas(self) -> list[tuple[str, str, str]]:
        """(code6, name, level) in the tables' order: the nation, then each prefecture followed by its cities."""
        areas: list[tuple[str, str, str]] = [("000000", "全国", "全国")]
        for prefecture in sorted(self.prefectures):
            government = self.prefectures[prefecture]
            areas.append((government.code, government.prefecture_name, "都道府県"))
            if prefecture == "13":
                areas.append(("131008", "特別区部", "特別区部"))
            for m in self.municipalities:
                if m.prefecture == prefecture:
                    areas.append((m.code6, m.city, "市区町村"))
        return areas

    def _movers(self, table: str, year: int, code6: str, sex: str) -> list[int]:
        if code6 == "000000":
            if table == "11-3":
                return [0] * AGE_GROUP_COUNT
            return self._nation_moves(table, year, sex)
        if code6 == "131008":
            wards = [m.code6 for m in self.municipalities if m.code6[:2] == "13" and 101 <= int(m.code6[2:5]) <= 123]
            return [sum(self._movers(table, year, w, sex)[g] for w in wards) for g in range(AGE_GROUP_COUNT)]
        if sex == "T":
            male, female = self._movers(table, year, code6, "M"), self._movers(table, year, code6, "F")
            return [a + b for a, b in zip(male, female, strict=True)]
        net = self.net[(year, code6, sex)]
        if table == "11-3":
            return list(net)
        ages = self._ages19(self.population[(year, code6, sex)])
        inflow = [round(MOBILITY[g] / 1000 * ages[g]) + max(0, net[g]) for g in range(AGE_GROUP_COUNT)]
        if table == "11-1":
            return inflow
        return [i - n for i, n in zip(inflow, net, strict=True)]

    def _nation_moves(self, table: str, year: int, sex: str) -> list[int]:
        totals = [0] * AGE_GROUP_COUNT
        for prefecture in self.prefectures.values():
            for g, value in enumerate(self._movers(table, year, prefecture.code, sex)):
                totals[g] += value
        return totals

    def migration_rows(self, table: str, year: int) -> list[AreaRow]:
        rows: list[AreaRow] = []
        for code6, name, level in self._areas():
            for sex in ("T", "M", "F"):
                movers = self._movers(table, year, code6, sex)
                for nationality in NATIONALITIES:
                    if nationality == "移動者":
                        ages: list[int | None] = list(movers)
                    elif nationality == "日本人":
                        ages = [round(v * 0.96) for v in movers]
                    else:
                        ages = [v - round(v * 0.96) for v in movers]
                        if level == "市区町村" and sum(abs(v) for v in movers) < 40:
                            ages = [None] * AGE_GROUP_COUNT  # too few to publish: "***"
                    total = None if None in ages else sum(v for v in ages if v is not None)
                    rows.append(AreaRow(code6[:5], name, level, sex, nationality, total, tuple(ages)))
        return rows

    def population_rows(self, year: int) -> list[PopulationRow]:
        rows: list[PopulationRow] = []
        for prefecture in sorted(self.prefectures):
            government = self.prefectures[prefecture]
            places = [(government.code, "")] + [
                (m.code6, m.city) for m in self.municipalities if m.prefecture == prefecture
            ]
            for code6, city in places:
                male, female = self.population[(year, code6, "M")], self.population[(year, code6, "F")]
                total = [a + b for a, b in zip(male, female, strict=True)]
                for sex, ages in (("T", total), ("M", male), ("F", female)):
                    rows.append(PopulationRow(code6, government.prefecture_name, city, sex, tuple(ages)))
        return rows

    def prefecture_flows(self, year: int) -> dict[tuple[str, str, str], int]:
        """Movers between prefectures; each regional prefecture's net loss to the Tokyo area is about 60% of its
        total net loss, as in the seed's story of the Tokyo area's pull."""
        populations = {
            p: sum(self.population[(year, g.code, "M")]) + sum(self.population[(year, g.code, "F")])
            for p, g in self.prefectures.items()
        }
        nation = sum(populations.values())
        flows: dict[tuple[str, str, str], int] = {}
        for o in self.prefectures:
            for d in self.prefectures:
                if o == d:
                    continue
                near = 3.0 if abs(int(o) - int(d)) <= 3 else 1.0
                base = 0.004 * populations[o] * populations[d] / nation * near
                for sex, share in (("M", 0.53), ("F", 0.47)):
                    flows[(o, d, sex)] = round(base * share)
        tokyo_population = sum(populations[t] for t in TOKYO_AREA_PREFECTURES)
        for o in self.prefectures:
            if o in TOKYO_AREA_PREFECTURES:
                continue
            net_total = {s: sum(self.net[(year, self.prefectures[o].code, s)]) for s in SEX_KEYS}
            for t in TOKYO_AREA_PREFECTURES:
                for sex in SEX_KEYS:
                    loss = max(0, -net_total[sex]) * 0.6 * populations[t] / tokyo_population
                    flows[(o, t, sex)] += round(loss / 2)
                    flows[(t, o, sex)] = max(0, flows[(t, o, sex)] - round(loss / 2))
        for (o, d, _sex), _value in list(flows.items()):
            flows[(o, d, "T")] = flows[(o, d, "M")] + flows[(o, d, "F")]
        return flows


@dataclass(frozen=True)
class DemoFile:
    table: str  # "" when the importer recognises the tables from the file
    year: int
    name: str
    data: bytes


def synthetic_files(network: SyntheticNetwork) -> list[DemoFile]:
    """The latest year's 表11-3 as the .xlsx it is published as, earlier years as CP932 CSV saved from Excel,
    population as UTF-8 CSV with BOM, 表11-1/11-2 for the latest year as one e-Stat database download, and the
    prefecture-to-prefecture tables."""
    files: list[DemoFile] = []
    latest = network.years[-1]
    for year in network.years:
        rows = network.migration_rows("11-3", year)
        if year == latest:
            files.append(
                DemoFile(
                    "11-3",
                    year,
                    f"合成データ_b01103s_{year}.xlsx",
                    migration_xlsx_bytes("11-3", year, rows, synthetic=True),
                )
            )
        else:
            grid = migration_grid("11-3", year, rows, synthetic=True)
            files.append(DemoFile("11-3", year, f"合成データ_b01103s_{year}.csv", grid_csv_bytes(grid)))
        population = population_grid(year, network.population_rows(year), synthetic=True)
        files.append(
            DemoFile(
                "population", year, f"合成データ_人口_{year}.csv", grid_csv_bytes(population, encoding="utf-8-sig")
            )
        )
        flows_grid, merges = prefecture_flows_grid(year, network.prefecture_flows(year), synthetic=True)
        files.append(
            DemoFile(
                "pref-flows",
                year,
                f"合成データ_都道府県間移動者数_{year}.xlsx",
                grid_xlsx_bytes(flows_grid, sheet_title="都道府県間移動者数", merges=merges),
            )
        )
    # 表11-1 and 11-2 of the latest year as one e-Stat database download (UTF-8 with BOM, sex blocks): the importer
    # recognises both 表章項目 in it and imports each as its table.
    parts = [(table, network.migration_rows(table, latest)) for table in ("11-1", "11-2")]
    title = f"{SYNTHETIC_NOTE}住民基本台帳人口移動報告 {latest}年 他市区町村からの転入者数・他市区町村への転出者数"
    files.append(
        DemoFile(
            "",
            latest,
            f"合成データ_e-Stat_表11_転入転出_{latest}.csv",
            grid_csv_bytes(db_csv_grid(latest, parts, title=title), encoding="utf-8-sig"),
        )
    )
    return files


def demo_dir() -> Path:
    path = Path(settings.VAR_DIR) / "regional-demo"
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_regional_statistics(*, log: Callable[[str], Any] | None = None, force: bool = False) -> int:
    """Write the synthetic files under var/regional-demo/ and import them with the real importers.

    Returns how many files were imported; 0 when real (non-synthetic) data is already there or, unless forced,
    when the synthetic data already is."""
    current = StatisticsImport.objects.filter(replaced_at__isnull=True)
    if current.filter(synthetic=False).exists():
        return 0  # never overwrite official figures with made-up ones
    if current.exists() and not force:
        return 0
    network = SyntheticNetwork()
    actor: Any = User.objects.filter(username="secretariat").first() or SYSTEM
    folder = demo_dir()
    files = synthetic_files(network)
    for file in files:
        (folder / file.name).write_bytes(file.data)
        services.statistics_import_file(
            actor=actor, data=file.data, file_name=file.name, table=file.table or None, year=file.year
        )
        if log:
            log(f"regional demo: {file.name}")
    demo_outcomes()
    return len(files)


def demo_outcomes() -> None:
    """Toyooka tracks young women's recovery rate from 2020, as its programme aims at women coming back."""
    coordinator = User.objects.filter(username="toyooka").first()
    member = Member.objects.filter(pk="282090").first()
    if coordinator is None or member is None:
        return
    for indicator, sex in (("recovery_rate", "F"), ("net_rate_25_29", "F"), ("recovery_rate", "gap")):
        services.outcome_indicator_select(
            actor=coordinator, member=member, indicator=indicator, sex=sex, baseline_year=DEMO_YEARS[0], window_years=1
        )
