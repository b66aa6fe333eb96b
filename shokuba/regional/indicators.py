"""Migration indicators as pure functions over counts: no Django, no database, testable by hand.

Inputs are the figures of 住民基本台帳人口移動報告 (net in-migration = in-migrants - out-migrants, by sex and
5-year age group at the time of the move) and, for rates, the population of the same age group and sex.

Definitions (also shown to users on the page and in docs/ARCHITECTURE.md):

- Net migration rate per 1,000: net in-migration / population x 1,000, for one age group or the total.
- Youth recovery rate (若者回復率, 兵庫県豊岡市's definition): net in-migration of people in their twenties
  (20-24 and 25-29) divided by the net out-migration of teenagers (10-14 and 15-19), in per cent. 100% means
  as many people came back in their twenties as left in their teens. It is undefined when teenagers do not
  leave on balance (the denominator is zero or a net gain). It is a period measure: both numbers are of the
  same year(s), not a cohort followed over time.
- Gap: women minus men, in the indicator's own unit (percentage points, per-mille points, persons).
- Net outflow to the Tokyo area (埼玉・千葉・東京・神奈川): moves from the area to the four prefectures minus
  moves from them to the area, from the prefecture-to-prefecture table. Undefined for the four themselves.
- Multi-year values pool the counts of the years (sum of net / sum of population), which steadies small
  municipalities where a handful of moves swings a one-year rate; the pooled recovery rate is the sum of
  twenties' net in-migration over the sum of teenagers' net out-migration.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

# Lower bounds of the 19 five-year age groups of 表11: 0-4, 5-9, ..., 85-89, 90 and over.
AGE_LOWER_BOUNDS: tuple[int, ...] = tuple(range(0, 95, 5))
AGE_GROUP_COUNT = len(AGE_LOWER_BOUNDS)
OPEN_AGE = 90
TEEN_GROUPS = (2, 3)  # 10-14, 15-19
TWENTIES_GROUPS = (4, 5)  # 20-24, 25-29

SEXES = ("T", "M", "F")  # total, men, women
TOKYO_AREA_PREFECTURES = ("11", "12", "13", "14")
# The three great metropolitan areas; the other 36 道県 are "the regions" (地方) in the seed's sense.
METROPOLITAN_PREFECTURES = (*TOKYO_AREA_PREFECTURES, "21", "23", "24", "26", "27", "28", "29")
REGIONAL_PREFECTURES = tuple(f"{n:02d}" for n in range(1, 48) if f"{n:02d}" not in METROPOLITAN_PREFECTURES)

Ages = tuple[int | None, ...]


def age_group_index(lower: int) -> int:
    """The group an age lower bound falls in; every age of 90 and over falls in the open group."""
    if lower < 0:
        raise ValueError(f"negative age {lower}")
    return min(lower // 5, AGE_GROUP_COUNT - 1)


def add(a: int | None, b: int | None) -> int | None:
    """Sum where an undisclosed figure (None) makes the sum undisclosed."""
    if a is None or b is None:
        return None
    return a + b


def sum_counts(values: Iterable[int | None]) -> int | None:
    """Sum where any undisclosed figure (None) makes the sum undisclosed."""
    items = list(values)
    if None in items:
        return None
    return sum(v for v in items if v is not None)


def sum_ages(vectors: Iterable[Ages]) -> Ages:
    """Element-wise sum of age vectors (pooling years or areas)."""
    return tuple(sum_counts(column) for column in zip(*vectors, strict=True)) or (0,) * AGE_GROUP_COUNT


def subtract_ages(a: Ages, b: Ages) -> Ages:
    return tuple(None if x is None or y is None else x - y for x, y in zip(a, b, strict=True))


def net_from_in_out(in_migrants: Ages, out_migrants: Ages) -> Ages:
    """表11-3 from 表11-1 and 表11-2, when only those were imported."""
    return subtract_ages(in_migrants, out_migrants)


def rate_per_thousand(count: int | None, population: int | None) -> float | None:
    if count is None or population is None or population <= 0:
        return None
    return count / population * 1000


def rates_per_thousand(counts: Ages, population: Ages) -> tuple[float | None, ...]:
    return tuple(rate_per_thousand(c, p) for c, p in zip(counts, population, strict=True))


def teens_net_outflow(net: Ages) -> int | None:
    """Net out-migration of 10-19 year olds (positive when they leave on balance)."""
    teens = sum_counts(net[i] for i in TEEN_GROUPS)
    return None if teens is None else -teens


def twenties_net_inflow(net: Ages) -> int | None:
    return sum_counts(net[i] for i in TWENTIES_GROUPS)


def youth_recovery_rate(net: Ages) -> float | None:
    """若者回復率 in per cent: twenties' net in-migration / teenagers' net out-migration x 100."""
    outflow = teens_net_outflow(net)
    inflow = twenties_net_inflow(net)
    if outflow is None or inflow is None or outflow <= 0:
        return None
    return inflow / outflow * 100


def gap(women: float | None, men: float | None) -> float | None:
    if women is None or men is None:
        return None
    return women - men


def tokyo_area_net_outflow(flows: Mapping[tuple[str, str], int | None], prefecture: str) -> int | None:
    """Moves from `prefecture` to the Tokyo area minus moves from the Tokyo area to it.

    `flows` maps (origin prefecture, destination prefecture), two-digit codes, to movers."""
    if prefecture in TOKYO_AREA_PREFECTURES:
        return None
    # a pair the table does not list had no movers; a listed None was not published
    outflow = sum_counts(flows.get((prefecture, t), 0) for t in TOKYO_AREA_PREFECTURES)
    inflow = sum_counts(flows.get((t, prefecture), 0) for t in TOKYO_AREA_PREFECTURES)
    if outflow is None or inflow is None:
        return None
    return outflow - inflow


# Whose moves the counts are: everyone (移動者), Japanese nationals only (日本人移動者), or a pool or group that
# mixes the two. Indicators are computed the same way; the pages say which it is.
MOVERS_ALL = "all"
MOVERS_JAPANESE = "japanese"
MOVERS_MIXED = "mixed"


def combine_movers(kinds: Iterable[str]) -> str:
    """One kind for several figures pooled or summed: the common kind, or mixed."""
    found = set(kinds)
    if len(found) == 1:
        return found.pop()
    return MOVERS_MIXED if found else MOVERS_ALL


@dataclass(frozen=True)
class SexFigures:
    """The counts behind every indicator, for one area, one sex, one year or several pooled."""

    net_total: int | None
    net: Ages
    population_total: int | None = None
    population: Ages | None = None
    tokyo_outflow: int | None = None
    years: int = 1
    movers: str = MOVERS_ALL


def pool(figures: Sequence[SexFigures]) -> SexFigures:
    """Several years (or areas) as one: counts summed; population summed into person-years."""
    if not figures:
        raise ValueError("nothing to pool")
    populations = [f.population for f in figures]
    return SexFigures(
        net_total=sum_counts(f.net_total for f in figures),
        net=sum_ages(f.net for f in figures),
        population_total=sum_counts(f.population_total for f in figures),
        population=None if any(p is None for p in populations) else sum_ages(p for p in populations if p is not None),
        tokyo_outflow=sum_counts(f.tokyo_outflow for f in figures),
        years=sum(f.years for f in figures),
        movers=combine_movers(f.movers for f in figures),
    )


def _group_rate(index: int) -> Callable[[SexFigures], float | None]:
    def compute(f: SexFigures) -> float | None:
        if f.population is None:
            return None
        return rate_per_thousand(f.net[index], f.population[index])

    return compute


def _per_year(value: int | None, years: int) -> float | None:
    return None if value is None else value / years


@dataclass(frozen=True)
class Indicator:
    code: str
    unit: str  # "percent", "per_mille", "persons"
    higher_is_better: bool
    compute: Callable[[SexFigures], float | None]
    needs_population: bool = False
    needs_flows: bool = False


INDICATORS: tuple[Indicator, ...] = (
    Indicator("recovery_rate", "percent", True, lambda f: youth_recovery_rate(f.net)),
    Indicator(
        "net_rate_total",
        "per_mille",
        True,
        lambda f: rate_per_thousand(f.net_total, f.population_total),
        needs_population=True,
    ),
    Indicator("net_rate_15_19", "per_mille", True, _group_rate(3), needs_population=True),
    Indicator("net_rate_20_24", "per_mille", True, _group_rate(4), needs_population=True),
    Indicator("net_rate_25_29", "per_mille", True, _group_rate(5), needs_population=True),
    # Counts are per year, so a five-year pool reads as a yearly average.
    Indicator(
        "net_15_29",
        "persons",
        True,
        lambda f: _per_year(sum_counts(f.net[i] for i in (3, 4, 5)), f.years),
    ),
    Indicator("tokyo_outflow", "persons", False, lambda f: _per_year(f.tokyo_outflow, f.years), needs_flows=True),
    Indicator(
        "tokyo_outflow_rate",
        "per_mille",
        False,
        lambda f: rate_per_thousand(f.tokyo_outflow, f.population_total),
        needs_population=True,
        needs_flows=True,
    ),
)
INDICATOR_CODES: tuple[str, ...] = tuple(i.code for i in INDICATORS)
INDICATORS_BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}


def indicator_values(figures: Mapping[str, SexFigures]) -> dict[str, dict[str, float | None]]:
    """Every indicator for one area and period: {code: {"T": .., "M": .., "F": .., "gap": F - M}}."""
    values: dict[str, dict[str, float | None]] = {}
    for indicator in INDICATORS:
        by_sex: dict[str, float | None] = {
            sex: indicator.compute(figures[sex]) if sex in figures else None for sex in SEXES
        }
        by_sex["gap"] = gap(by_sex["F"], by_sex["M"])
        values[indicator.code] = by_sex
    return values


def figures_movers(figures: Mapping[str, SexFigures]) -> str:
    """The kind of movers behind one area's figures for a period (all sexes)."""
    return combine_movers(f.movers for f in figures.values())


def rank(values: Mapping[str, float | None], *, higher_is_better: bool) -> dict[str, int | None]:
    """Competition ranking (1, 2, 2, 4) of areas by value; areas without a value get no rank."""
    present = sorted(
        ((v, key) for key, v in values.items() if v is not None and not math.isnan(v)),
        key=lambda pair: -pair[0] if higher_is_better else pair[0],
    )
    ranks: dict[str, int | None] = {key: None for key in values}
    previous: float | None = None
    current_rank = 0
    for position, (value, key) in enumerate(present, start=1):
        if previous is None or value != previous:
            current_rank = position
            previous = value
        ranks[key] = current_rank
    return ranks


def change_since(baseline: float | None, latest: float | None) -> float | None:
    """The change of an outcome indicator from its baseline, in its own unit."""
    if baseline is None or latest is None:
        return None
    return latest - baseline
