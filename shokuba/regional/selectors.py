"""Reads of regional statistics: figures per area and year, indicators, peers, the network ranking, outcomes.

Regional statistics are public official data, so these take no user: pages check `regional.view` and may show
any area. Sums over groups of areas (similar-sized municipalities, the 36 regional 道県) are SQL aggregates.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from shokuba.core.codes import CodeError, normalise_local_government_code
from shokuba.network.models import LocalGovernment, LocalGovernmentKind, Member, MemberKind
from shokuba.regional.indicators import (
    INDICATORS,
    INDICATORS_BY_CODE,
    MOVERS_ALL,
    MOVERS_JAPANESE,
    MOVERS_MIXED,
    REGIONAL_PREFECTURES,
    SEXES,
    TOKYO_AREA_PREFECTURES,
    Ages,
    SexFigures,
    change_since,
    combine_movers,
    figures_movers,
    indicator_values,
    net_from_in_out,
    pool,
    rank,
)
from shokuba.regional.models import (
    AGE_FIELDS,
    MIGRATION_TABLES,
    NATION_CODE,
    AgeSexFigures,
    OutcomeIndicator,
    PrefectureFlow,
    StatisticsImport,
    StatisticsTable,
)

IndicatorValues = dict[str, dict[str, float | None]]
Series = dict[int, dict[str, SexFigures]]  # year -> sex -> figures
SIMILAR_SIZE_COUNT = 30
REGIONS_CODE = "regions"
SIMILAR_CODE = "similar"


@dataclass(frozen=True)
class Area:
    code: str  # 6-digit local government code, or 000000 for the nation
    name: str
    kind: str  # nation / prefecture / municipality
    prefecture_code: str

    @property
    def is_prefecture(self) -> bool:
        return self.kind == LocalGovernmentKind.PREFECTURE


def nation() -> Area:
    return Area(NATION_CODE, "全国", "nation", "00")


def area_get(raw: str) -> Area | None:
    """An area by its 5- or 6-digit code (full-width allowed); 000000 or 00000 is the nation."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if text in ("000000", "00000"):
        return nation()
    try:
        code = normalise_local_government_code(text)
    except CodeError:
        return None
    government = LocalGovernment.objects.filter(pk=code).first()
    if government is None:
        return None
    return Area(government.code, government.full_name, government.kind, government.prefecture_code)


def area_names(codes: Iterable[str]) -> dict[str, str]:
    codes = set(codes)
    names = {g.code: g.full_name for g in LocalGovernment.objects.filter(pk__in=codes)}
    if NATION_CODE in codes:
        names[NATION_CODE] = "全国"
    return names


# --- what has been imported -----------------------------------------------------------------------------


def current_imports() -> QuerySet[StatisticsImport]:
    """Imports some of whose figures are in use (a partial re-import leaves the rest of an import in use)."""
    return StatisticsImport.objects.filter(replaced_at__isnull=True).select_related("imported_by")


@dataclass(frozen=True)
class ImportRow:
    record: StatisticsImport
    areas_in_use: int  # areas whose figures shown are still this import's

    @property
    def state(self) -> str:
        """in_use / partly / replaced."""
        if self.record.replaced_at is not None or self.areas_in_use == 0:
            return "replaced"
        return "partly" if self.areas_in_use < self.record.area_count else "in_use"


def import_history(limit: int = 100) -> list[ImportRow]:
    """The latest imports, each with how many of its areas' figures are still the ones shown (an import partly
    replaced by a later one for some areas keeps the rest in use)."""
    records = list(
        StatisticsImport.objects.select_related("imported_by", "member__local_government").order_by(
            "-imported_at", "-id"
        )[:limit]
    )
    ids = [r.pk for r in records]
    in_use: dict[int, int] = dict(
        AgeSexFigures.objects.filter(statistics_import__in=ids, sex="T")
        .values_list("statistics_import")
        .annotate(n=Count("id"))
        .values_list("statistics_import", "n")
    )
    flows = set(PrefectureFlow.objects.filter(statistics_import__in=ids).values_list("statistics_import", flat=True))
    return [
        ImportRow(record, record.area_count if record.pk in flows else in_use.get(record.pk, 0)) for record in records
    ]


def _years_of(table: str) -> set[int]:
    return set(current_imports().filter(table=table).values_list("year", flat=True))


def migration_years() -> list[int]:
    """Years with net migration: 表11-3, or both 表11-1 and 表11-2."""
    net = _years_of(StatisticsTable.NET_MIGRATION)
    both = _years_of(StatisticsTable.IN_MIGRANTS) & _years_of(StatisticsTable.OUT_MIGRANTS)
    return sorted(net | both)


def population_year_for(year: int, population_years: Sequence[int]) -> int | None:
    """The population used as the denominator for a year's moves: the same year, else the latest before, else
    the earliest after."""
    if not population_years:
        return None
    if year in population_years:
        return year
    earlier = [y for y in population_years if y < year]
    return max(earlier) if earlier else min(population_years)


def synthetic_in_use() -> bool:
    return current_imports().filter(synthetic=True).exists()


# --- figures --------------------------------------------------------------------------------------------

_VALUE_FIELDS = ("total", *AGE_FIELDS)


def _age_sex_rows(
    tables: Sequence[str], years: Iterable[int], codes: Iterable[str] | None
) -> Iterable[tuple[Any, ...]]:
    rows = AgeSexFigures.objects.filter(table__in=list(tables), year__in=list(years))
    if codes is not None:
        rows = rows.filter(area_code__in=list(codes))
    return rows.values_list("table", "year", "area_code", "sex", "movers", *_VALUE_FIELDS).iterator(chunk_size=5000)


def tokyo_outflows(years: Iterable[int], prefectures: Iterable[str] | None = None) -> dict[tuple[int, str, str], int]:
    """Net outflow to the Tokyo area per (year, prefecture code, sex), summed in SQL."""
    years = list(years)
    outgoing = PrefectureFlow.objects.filter(year__in=years, destination__in=TOKYO_AREA_PREFECTURES).exclude(
        origin__in=TOKYO_AREA_PREFECTURES
    )
    incoming = PrefectureFlow.objects.filter(year__in=years, origin__in=TOKYO_AREA_PREFECTURES).exclude(
        destination__in=TOKYO_AREA_PREFECTURES
    )
    if prefectures is not None:
        outgoing = outgoing.filter(origin__in=list(prefectures))
        incoming = incoming.filter(destination__in=list(prefectures))
    result: dict[tuple[int, str, str], int] = defaultdict(int)
    for year, origin, sex, movers in outgoing.values_list("year", "origin", "sex").annotate(n=Sum("movers")):
        result[(year, origin, sex)] += movers or 0
    for year, destination, sex, movers in incoming.values_list("year", "destination", "sex").annotate(n=Sum("movers")):
        result[(year, destination, sex)] -= movers or 0
    return dict(result)


def _build_series(
    rows: Iterable[tuple[Any, ...]],
    years: Sequence[int],
    population_years: Sequence[int],
    flows: dict[tuple[int, str, str], int],
    flow_years: set[int],
) -> dict[str, Series]:
    """Net (表11-3, or 11-1 minus 11-2), population and Tokyo outflow per area, year and sex, each with whose moves
    they count (移動者, or 日本人移動者 only). In- and out-migrants of different kinds are not subtracted."""
    by_table: dict[tuple[str, int, str, str], tuple[int | None, Ages, str]] = {}
    areas: set[str] = set()
    for table, year, code, sex, movers, total, *ages in rows:
        by_table[(table, year, code, sex)] = (total, tuple(ages), movers)
        areas.add(code)
    series: dict[str, Series] = {}
    for code in areas:
        per_year: Series = {}
        for year in years:
            pop_year = population_year_for(year, population_years)
            figures: dict[str, SexFigures] = {}
            for sex in SEXES:
                net = by_table.get((StatisticsTable.NET_MIGRATION, year, code, sex))
                if net is None:
                    inflow = by_table.get((StatisticsTable.IN_MIGRANTS, year, code, sex))
                    outflow = by_table.get((StatisticsTable.OUT_MIGRANTS, year, code, sex))
                    if inflow is None or outflow is None or inflow[2] != outflow[2]:
                        continue
                    total_in, total_out = inflow[0], outflow[0]
                    net = (
                        None if total_in is None or total_out is None else total_in - total_out,
                        net_from_in_out(inflow[1], outflow[1]),
                        inflow[2],
                    )
                population = by_table.get((StatisticsTable.POPULATION, pop_year, code, sex)) if pop_year else None
                tokyo: int | None = None
                if year in flow_years and code[2:5] == "000" and code != NATION_CODE:
                    prefecture = code[:2]
                    if prefecture not in TOKYO_AREA_PREFECTURES:
                        tokyo = flows.get((year, prefecture, sex), 0)
                figures[sex] = SexFigures(
                    net_total=net[0],
                    net=net[1],
                    population_total=population[0] if population else None,
                    population=population[1] if population else None,
                    tokyo_outflow=tokyo,
                    movers=net[2],
                )
            if figures:
                per_year[year] = figures
        if per_year:
            series[code] = per_year
    return series


def area_series(codes: Iterable[str] | None = None, years: Sequence[int] | None = None) -> dict[str, Series]:
    """Every figure behind the indicators, for the given areas (all when None) and years (all when None)."""
    years = list(years) if years is not None else migration_years()
    population_years = sorted(_years_of(StatisticsTable.POPULATION))
    needed_population = {y for year in years if (y := population_year_for(year, population_years))}
    codes = list(codes) if codes is not None else None
    net_years = _years_of(StatisticsTable.NET_MIGRATION)
    migration_rows = list(_age_sex_rows((StatisticsTable.NET_MIGRATION,), [y for y in years if y in net_years], codes))
    # 表11-1 and 11-2 only where 表11-3 is missing: net is their difference
    in_out_years = [y for y in years if y not in net_years]
    if in_out_years:
        migration_rows += _age_sex_rows(
            (StatisticsTable.IN_MIGRANTS, StatisticsTable.OUT_MIGRANTS), in_out_years, codes
        )
    population_rows = list(_age_sex_rows((StatisticsTable.POPULATION,), needed_population, codes))
    flow_years = _years_of(StatisticsTable.PREFECTURE_FLOWS) & set(years)
    prefectures = None if codes is None else [c[:2] for c in codes if c[2:5] == "000"]
    flows = tokyo_outflows(flow_years, prefectures) if flow_years and prefectures != [] else {}
    return _build_series(migration_rows + population_rows, years, population_years, flows, flow_years)


def period_figures(series: Series, year: int, window: int = 1) -> dict[str, SexFigures] | None:
    """One year, or the `window` years up to it pooled; None when any of those years is missing."""
    if window == 1:
        return series.get(year)  # nothing to pool
    years = list(range(year - window + 1, year + 1))
    if any(y not in series for y in years):
        return None
    return {sex: pool([series[y][sex] for y in years]) for sex in SEXES if all(sex in series[y] for y in years)}


def indicators_by_year(series: Series, *, window: int = 1) -> dict[int, IndicatorValues]:
    result: dict[int, IndicatorValues] = {}
    for year in sorted(series):
        figures = period_figures(series, year, window)
        if figures is not None:
            result[year] = indicator_values(figures)
    return result


def all_indicators(years: Sequence[int] | None = None, *, window: int = 1) -> dict[str, dict[int, IndicatorValues]]:
    """Every indicator for every area and year: the network view and the API read from this."""
    return {code: indicators_by_year(series, window=window) for code, series in area_series(None, years).items()}


@dataclass(frozen=True)
class GroupCoverage:
    """How much of a group of areas a year's summed figures hold, and whose moves they count."""

    areas: int  # areas in the group
    present: dict[int, int]  # year -> areas with migration figures
    movers: dict[int, str]  # year -> all / japanese / mixed

    def present_in(self, years: Iterable[int]) -> int:
        return min((self.present.get(y, 0) for y in years), default=0)


def group_coverage(codes: Sequence[str], years: Sequence[int]) -> GroupCoverage:
    """Counted on the table the year's net migration comes from: 表11-3, or 表11-1 and 11-2 where it is missing."""
    net_years = _years_of(StatisticsTable.NET_MIGRATION)
    rows = (
        AgeSexFigures.objects.filter(area_code__in=list(codes), year__in=list(years), table__in=MIGRATION_TABLES)
        .values_list("table", "year", "area_code", "movers")
        .distinct()
    )
    present: dict[int, set[str]] = defaultdict(set)
    kinds: dict[int, set[str]] = defaultdict(set)
    for table, year, code, movers in rows:
        if (year in net_years) != (table == StatisticsTable.NET_MIGRATION):
            continue
        present[year].add(code)
        kinds[year].add(movers)
    return GroupCoverage(
        len(codes),
        {year: len(found) for year, found in present.items()},
        {year: combine_movers(found) for year, found in kinds.items()},
    )


def group_series(codes: Sequence[str], years: Sequence[int]) -> Series:
    """A group of areas as one: their figures summed in SQL (None-valued cells count as 0 there). The sum holds
    the areas that have figures; group_coverage says how many of the group that is."""
    years = list(years)
    population_years = sorted(_years_of(StatisticsTable.POPULATION))
    sums = {field_name: Sum(field_name) for field_name in _VALUE_FIELDS}
    coverage = group_coverage(codes, years)
    migration = (
        AgeSexFigures.objects.filter(area_code__in=list(codes), year__in=years)
        .exclude(table=StatisticsTable.POPULATION)
        .values("table", "year", "sex")
        .annotate(**sums)
    )
    needed_population = {y for year in years if (y := population_year_for(year, population_years))}
    population = (
        AgeSexFigures.objects.filter(
            area_code__in=list(codes), year__in=needed_population, table=StatisticsTable.POPULATION
        )
        .values("table", "year", "sex")
        .annotate(**sums)
    )
    summed: list[dict[str, Any]] = [dict(row) for row in (*migration, *population)]
    rows = [
        (
            row["table"],
            row["year"],
            "group",
            row["sex"],
            coverage.movers.get(row["year"], MOVERS_ALL),
            *(row[f] for f in _VALUE_FIELDS),
        )
        for row in summed
    ]
    flow_years = _years_of(StatisticsTable.PREFECTURE_FLOWS) & set(years)
    series = _build_series(rows, years, population_years, {}, set()).get("group", {})
    prefectures = [c[:2] for c in codes if c[2:5] == "000"]
    if flow_years and len(prefectures) == len(codes) and not set(prefectures) & set(TOKYO_AREA_PREFECTURES):
        flows = tokyo_outflows(flow_years, prefectures)
        for year, figures in series.items():
            if year in flow_years:
                for sex, f in list(figures.items()):
                    total = sum(flows.get((year, p, sex), 0) for p in prefectures)
                    figures[sex] = SexFigures(
                        f.net_total, f.net, f.population_total, f.population, total, f.years, f.movers
                    )
    return series


def regional_prefecture_codes() -> list[str]:
    return list(
        LocalGovernment.objects.filter(kind=LocalGovernmentKind.PREFECTURE, prefecture_code__in=REGIONAL_PREFECTURES)
        .order_by("code")
        .values_list("code", flat=True)
    )


def similar_municipalities(code: str, year: int, *, count: int = SIMILAR_SIZE_COUNT) -> list[str]:
    """The municipalities closest in population (on a log scale) to `code`, from the population table."""
    population_years = sorted(_years_of(StatisticsTable.POPULATION))
    pop_year = population_year_for(year, population_years)
    if pop_year is None:
        return []
    sizes = dict(
        AgeSexFigures.objects.filter(table=StatisticsTable.POPULATION, year=pop_year, sex="T")
        .exclude(area_code__endswith="0000")
        .filter(~Q(area_code__regex=r"^[0-9]{2}000[0-9]$"))
        .values_list("area_code", "total")
    )
    own = sizes.get(code)
    if not own:
        return []
    others = [(abs(math.log(size / own)), other) for other, size in sizes.items() if other != code and size]
    return [other for _distance, other in sorted(others)[:count]]


# --- pages ----------------------------------------------------------------------------------------------


@dataclass
class PeerRow:
    code: str
    label: str
    kind: str  # self / prefecture / nation / regions / similar / chosen
    values: IndicatorValues | None
    note: str = ""
    movers: str = MOVERS_ALL  # all / japanese / mixed
    areas: int = 1  # areas the row stands for (a group: its size)
    present: int = 1  # of those, areas with figures for every year of the period


def peer_rows(area: Area, year: int, *, window: int, chosen: Sequence[str]) -> list[PeerRow]:
    """The area beside its prefecture, the nation, the 36 regional 道県, similar-sized municipalities and the
    peers the user chose."""
    years = list(range(year - window + 1, year + 1))

    def row_of(code: str, label: str, kind: str, series: Series) -> PeerRow:
        figures = period_figures(series, year, window)
        if not figures:
            return PeerRow(code, label, kind, None, present=0)
        return PeerRow(code, label, kind, indicator_values(figures), movers=figures_movers(figures))

    def group_row(kind: str, codes: Sequence[str]) -> PeerRow:
        row = row_of(kind, "", kind, group_series(codes, years))
        coverage = group_coverage(codes, years)
        row.note, row.areas, row.present = str(len(codes)), len(codes), coverage.present_in(years)
        row.movers = combine_movers(coverage.movers.get(y, MOVERS_ALL) for y in years if y in coverage.movers)
        return row

    codes = [area.code]
    if area.kind == LocalGovernmentKind.MUNICIPALITY:
        codes.append(normalise_local_government_code(f"{area.prefecture_code}000"))
    codes += [c for c in chosen if c not in codes]
    series = area_series(codes, years)
    names = area_names(codes)
    rows = [row_of(area.code, area.name, "self", series.get(area.code, {}))]
    if area.kind == LocalGovernmentKind.MUNICIPALITY:
        prefecture = codes[1]
        rows.append(row_of(prefecture, names.get(prefecture, ""), "prefecture", series.get(prefecture, {})))
        similar = similar_municipalities(area.code, year)
        if similar:
            rows.append(group_row("similar", similar))
    rows.append(group_row("regions", regional_prefecture_codes()))
    if area.code != NATION_CODE:
        rows.append(row_of(NATION_CODE, "全国", "nation", area_series([NATION_CODE], years).get(NATION_CODE, {})))
    for code in chosen:
        if code not in (area.code,) and code in names:
            rows.append(row_of(code, names[code], "chosen", series.get(code, {})))
    return rows


def net_by_age(series: Series, year: int, window: int = 1) -> list[dict[str, Any]]:
    """The seed's chart as rows: per age group and sex, net migration (per year) and its rate per 1,000."""
    figures = period_figures(series, year, window)
    if figures is None:
        return []
    rows = []
    for sex in ("F", "M"):
        f = figures.get(sex)
        if f is None:
            continue
        for group, value in enumerate(f.net):
            population = f.population[group] if f.population else None
            rows.append(
                {
                    "group": group,
                    "sex": sex,
                    "net": None if value is None else value / window,
                    "rate": None if value is None or not population else value / population * 1000,
                }
            )
    return rows


@dataclass
class RankedMember:
    member: Member
    values: dict[str, float | None] = field(default_factory=dict)  # indicator -> value for the chosen sex
    ranks: dict[str, int | None] = field(default_factory=dict)
    movers: str | None = None  # None: no figures for the period (not imported)
    ranked: bool = True  # False: its figures are of another kind of movers than the ranking's, so not ranked


@dataclass
class NetworkRanking:
    groups: dict[str, list[RankedMember]]
    basis: str  # the kind of movers the ranks compare: all (移動者) unless no member has such figures
    missing: list[Member]  # members without figures for the period
    not_ranked: list[Member]  # members whose figures are of the other kind (日本人移動者のみ, or mixed)


def network_ranking(year: int, *, window: int = 1, sex: str = "F") -> NetworkRanking:
    """All 68 members on each indicator, prefectures and municipalities ranked apart. Figures of all movers and
    of Japanese movers only are never ranked together: the ranks compare the kind most members have (移動者 when
    any member has it), and the others are shown, marked, without a rank. Members without figures are listed."""
    members = list(Member.objects.select_related("local_government").order_by("local_government_id"))
    years = list(range(year - window + 1, year + 1))
    series = area_series([m.pk for m in members], years)
    groups: dict[str, list[RankedMember]] = {MemberKind.PREFECTURE: [], MemberKind.MUNICIPALITY: []}
    entries: list[RankedMember] = []
    for member in members:
        figures = period_figures(series.get(member.pk, {}), year, window)
        values = indicator_values(figures) if figures else {}
        entry = RankedMember(
            member,
            {i.code: values.get(i.code, {}).get(sex) for i in INDICATORS},
            movers=figures_movers(figures) if figures else None,
        )
        groups[member.kind].append(entry)
        entries.append(entry)
    kinds = {e.movers for e in entries if e.movers is not None}
    basis = MOVERS_ALL if MOVERS_ALL in kinds or not kinds else MOVERS_JAPANESE
    if kinds and basis not in kinds:
        basis = MOVERS_MIXED
    for entry in entries:
        entry.ranked = entry.movers == basis
    for ranked in groups.values():
        for indicator in INDICATORS:
            # a gap (women minus men) is better the same way round as the indicator itself
            ranks = rank(
                {r.member.pk: r.values[indicator.code] if r.ranked else None for r in ranked},
                higher_is_better=indicator.higher_is_better,
            )
            for r in ranked:
                r.ranks[indicator.code] = ranks[r.member.pk]
    return NetworkRanking(
        groups=groups,
        basis=basis,
        missing=[e.member for e in entries if e.movers is None],
        not_ranked=[e.member for e in entries if e.movers is not None and not e.ranked],
    )


# --- coverage -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableCoverage:
    """Which areas have figures for one table and year."""

    table: str
    year: int
    areas: int  # areas with figures
    expected: int  # every area of a national table: the nation, 47 prefectures, their municipalities
    japanese_only: int  # of those, areas whose figures are of Japanese movers only
    prefectures_missing: list[str]  # names of prefectures none of whose areas have figures
    secretariat_areas: int  # areas whose figures the secretariat imported

    @property
    def complete(self) -> bool:
        return self.areas >= self.expected

    @property
    def table_label(self) -> str:
        return str(dict(StatisticsTable.choices).get(self.table, self.table))


def table_coverage(years: Iterable[int] | None = None) -> list[TableCoverage]:
    """For every table and year with figures: how many areas have them, how many are Japanese movers only, which
    prefectures have none. One grouped query over the figures' 総数 rows."""
    rows = AgeSexFigures.objects.filter(sex="T")
    if years is not None:
        rows = rows.filter(year__in=list(years))
    counted = rows.values_list("table", "year", "area_code", "movers", "statistics_import__imported_as")
    governments = list(LocalGovernment.objects.values_list("code", "prefecture_name", "kind"))
    prefectures = {code[:2]: name for code, name, kind in governments if kind == LocalGovernmentKind.PREFECTURE}
    found: dict[tuple[str, int], dict[str, tuple[str, str]]] = defaultdict(dict)
    for table, year, code, movers, authority in counted.iterator(chunk_size=5000):
        found[(table, year)][code] = (movers, authority)
    result = []
    for (table, year), areas in sorted(found.items(), key=lambda item: (-item[0][1], item[0][0])):
        touched = {code[:2] for code in areas if code != NATION_CODE}
        result.append(
            TableCoverage(
                table=table,
                year=year,
                areas=len(areas),
                # the nation, 47 prefectures and their municipalities (population tables have no 全国 row)
                expected=len(governments) + (0 if table == StatisticsTable.POPULATION else 1),
                japanese_only=sum(1 for movers, _a in areas.values() if movers == MOVERS_JAPANESE),
                prefectures_missing=[name for p, name in sorted(prefectures.items()) if p not in touched],
                secretariat_areas=sum(1 for _m, authority in areas.values() if authority == "secretariat"),
            )
        )
    return result


def net_coverage(year: int) -> TableCoverage | None:
    """The coverage of a year's net migration as the pages use it: 表11-3, else 表11-1 (with 表11-2)."""
    by_table = {c.table: c for c in table_coverage([year])}
    return by_table.get(StatisticsTable.NET_MIGRATION) or by_table.get(StatisticsTable.IN_MIGRANTS)


@dataclass
class OutcomeRow:
    outcome: OutcomeIndicator
    baseline: float | None
    latest_year: int | None
    latest: float | None
    change: float | None
    improved: bool | None
    trend: list[tuple[int, float | None]]
    baseline_movers: str = MOVERS_ALL
    latest_movers: str = MOVERS_ALL

    @property
    def comparable(self) -> bool:
        """A change between a value of all movers and one of Japanese movers only is no change: not computed."""
        return self.baseline_movers == self.latest_movers


def _period_movers(series: Series, year: int | None, window: int) -> str:
    figures = period_figures(series, year, window) if year is not None else None
    return figures_movers(figures) if figures else MOVERS_ALL


def outcome_rows(member: Member) -> list[OutcomeRow]:
    outcomes = list(member.outcome_indicators.all())
    if not outcomes:
        return []
    series = area_series([member.pk]).get(member.pk, {})
    rows = []
    for outcome in outcomes:
        by_year = indicators_by_year(series, window=outcome.window_years)
        trend = [(y, v[outcome.indicator][outcome.sex]) for y, v in sorted(by_year.items())]
        baseline = by_year.get(outcome.baseline_year, {}).get(outcome.indicator, {}).get(outcome.sex)
        latest_year = max(by_year) if by_year else None
        latest = by_year[latest_year][outcome.indicator][outcome.sex] if latest_year else None

        baseline_movers = _period_movers(series, outcome.baseline_year, outcome.window_years)
        latest_movers = _period_movers(series, latest_year, outcome.window_years)
        change = change_since(baseline, latest) if baseline_movers == latest_movers else None
        higher = INDICATORS_BY_CODE[outcome.indicator].higher_is_better
        improved = None if change is None or change == 0 else (change > 0) == higher
        rows.append(
            OutcomeRow(outcome, baseline, latest_year, latest, change, improved, trend, baseline_movers, latest_movers)
        )
    return rows
