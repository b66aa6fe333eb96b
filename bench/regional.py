"""Regional statistics benchmarks: importing a full year of 表11-3 (the bureau's workbook) and of 表11 (e-Stat's
database download), each with its peak memory, and every indicator for every area and year.

Registered by `import bench.regional` in bench/__main__.py. `python -m bench` runs that file as `__main__`, so the
registry is taken from there (importing `bench.__main__` by name would build a second, unused registry).
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import _shared

_bench = _shared.runner()
benchmark, report, timed = _bench.benchmark, _bench.report, _bench.timed


def _full_year_xlsx(year: int) -> bytes:
    from shokuba.regional.demo import SyntheticNetwork
    from shokuba.regional.estat.layouts import migration_xlsx_bytes

    network = SyntheticNetwork(years=(year,))
    return migration_xlsx_bytes("11-3", year, network.migration_rows("11-3", year), synthetic=True)


def _with_aggregates(rows: list[Any]) -> list[Any]:
    """The rows as e-Stat's whole-country download lists them: after each prefecture its 市部 (pp001) and 郡部
    (pp002), a 郡 row (pp3x0 …) before the towns and villages of each 郡, five wards after each designated city.
    Their figures are copies (the importer skips them, so only their number and codes matter here)."""
    from shokuba.regional.estat.layouts import AreaRow

    by_area: dict[str, list[AreaRow]] = {}
    order: list[str] = []
    for row in rows:
        if row.code5 not in by_area:
            by_area[row.code5] = []
            order.append(row.code5)
        by_area[row.code5].append(row)
    codes = set(order)

    def copy(code5: str, name: str, level: str) -> list[AreaRow]:
        return [AreaRow(code5, name, level, r.sex, r.nationality, r.total, r.ages) for r in by_area[source]]

    out: list[AreaRow] = []
    district = ""
    for source in order:
        body = int(source[2:])
        out += by_area[source]
        if source.endswith("000") and source != "00000":
            out += copy(f"{source[:2]}001", "市部", "市部") + copy(f"{source[:2]}002", "郡部", "郡部")
        elif 100 <= body < 200 and body % 10 == 0 and source[:2] != "13":
            for ward in range(1, 6):
                out += copy(f"{source[:2]}{body + ward:03d}", f"第{ward}区", "市区町村")
        elif body >= 300:
            group = f"{source[:2]}{body // 20 * 20:03d}"
            if group != district and group not in codes:
                out[-len(by_area[source]) : -len(by_area[source])] = copy(group, "合成郡", "郡")
            district = group
    return out


def _full_year_db_csv(year: int) -> bytes:
    """One year of 表11 for the whole country as e-Stat's database download writes it: 転入者数, 転出者数 and
    転入超過数, three 国籍, every area (with 市部, 郡部, 郡 and designated cities' wards), three sex blocks."""
    from shokuba.regional.demo import SyntheticNetwork
    from shokuba.regional.estat.layouts import db_csv_grid, grid_csv_bytes

    network = SyntheticNetwork(years=(year,))
    parts = [(t, _with_aggregates(network.migration_rows(t, year))) for t in ("11-1", "11-2", "11-3")]
    return grid_csv_bytes(db_csv_grid(year, parts), encoding="utf-8-sig")


def _measure(mode: str, path: Path, repeat: int = 3) -> dict[str, float]:
    """A measurement in a process of its own (bench.regional_worker), on this run's database."""
    return _shared.worker("bench.regional_worker", dict(os.environ), mode, str(path), str(repeat))


def _interleaved(modes: tuple[str, ...], path: Path, rounds: int = 3) -> dict[str, dict[str, float]]:
    """Each mode `rounds` times, taking turns, so that a busy machine slows them alike: the median of the runs'
    medians and the highest peak memory per mode."""
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
    for _round in range(rounds):
        for mode in modes:
            runs[mode].append(_measure(mode, path))
    return {
        mode: {
            "seconds": statistics.median(r["seconds"] for r in found),
            "peak_mb": max(r["peak_mb"] for r in found),
        }
        for mode, found in runs.items()
    }


@benchmark("regional_import")
def bench_regional_import() -> None:
    """One year of 表11-3 for all 1,741 municipalities and 47 prefectures as the bureau's workbook (16,110 rows x 27
    columns): read, check every area against the reference, replace the year atomically. Against pandas reading
    and pivoting the same file (which checks nothing and writes nothing), each in a process of its own, taking turns
    three times (the machine is shared)."""
    folder = Path(tempfile.mkdtemp(prefix="shokuba-regional-"))
    path = folder / "b01103s_2024.xlsx"
    path.write_bytes(_full_year_xlsx(2024))
    measured = _interleaved(("ours", "pandas-calamine"), path)
    ours, calamine = measured["ours"], measured["pandas-calamine"]
    openpyxl = _measure("pandas-openpyxl", path, repeat=1)
    report(
        "regional_import", ours["seconds"], "s", openpyxl["seconds"], "pandas read_excel (openpyxl) + pivot, same file"
    )
    report(
        "regional_import_vs_calamine",
        ours["seconds"],
        "s",
        calamine["seconds"],
        "pandas read_excel (calamine) + pivot, same file",
    )
    report("regional_import_peak_rss", ours["peak_mb"], "MB", calamine["peak_mb"], "pandas (calamine) peak RSS")
    shutil.rmtree(folder, ignore_errors=True)


@benchmark("regional_import_dbcsv")
def bench_regional_import_dbcsv() -> None:
    """One year of 表11 for the whole country as e-Stat's database download (UTF-8 with BOM, three header rows, three
    sex blocks of 総数 + 19 age groups + subtotals + 不詳; 転入者数, 転出者数, 転入超過数 × 移動者, 日本人移動者,
    外国人移動者 × every area with 市部, 郡部, 郡 and wards): imported as 表11-1, 11-2 and 11-3 of 1,789 areas each.
    Target < 5 s. Against pandas read_csv of the same file keeping 移動者 and the sex blocks."""
    folder = Path(tempfile.mkdtemp(prefix="shokuba-regional-"))
    path = folder / "estat_表11_2024.csv"
    path.write_bytes(_full_year_db_csv(2024))
    size = path.stat().st_size / 1024 / 1024
    rows = path.read_bytes().count(b"\n") - 3
    measured = _interleaved(("ours", "pandas-csv"), path)
    ours, pandas = measured["ours"], measured["pandas-csv"]
    label = f"pandas read_csv + 移動者 + sex blocks, same file ({rows:,} rows, {size:.1f} MB; target < 5 s)"
    report("regional_import_dbcsv", ours["seconds"], "s", pandas["seconds"], label)
    report("regional_import_dbcsv_peak_rss", ours["peak_mb"], "MB", pandas["peak_mb"], "pandas read_csv peak RSS")
    shutil.rmtree(folder, ignore_errors=True)


def _pandas_indicators(years: list[int]) -> Any:
    """The same indicators, vectorised in pandas over the same rows fetched from the database."""
    import pandas as pd

    from shokuba.regional.models import AGE_FIELDS, AgeSexFigures

    columns = ["table", "year", "area_code", "sex", "total", *AGE_FIELDS]
    rows = AgeSexFigures.objects.filter(table__in=["11-3", "population"], year__in=years).values_list(*columns)
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    net = frame[frame["table"] == "11-3"].set_index(["area_code", "year", "sex"])
    population = frame[frame["table"] == "population"].set_index(["area_code", "year", "sex"])
    teens = -(net["age_10"] + net["age_15"])
    twenties = net["age_20"] + net["age_25"]
    result = pd.DataFrame({"recovery_rate": (twenties / teens.where(teens > 0)) * 100})
    for name, field in (("net_rate_15_19", "age_15"), ("net_rate_20_24", "age_20"), ("net_rate_25_29", "age_25")):
        result[name] = net[field] / population[field].reindex(net.index) * 1000
    result["net_rate_total"] = net["total"] / population["total"].reindex(net.index) * 1000
    result["net_15_29"] = net["age_15"] + net["age_20"] + net["age_25"]
    return result.unstack("sex")


@benchmark("regional_indicators")
def bench_regional_indicators() -> None:
    """Every indicator, by sex with the women-minus-men gap, for every area and all five demo years."""
    from shokuba.regional.selectors import all_indicators, migration_years

    years = migration_years()
    start = time.perf_counter()
    result = all_indicators(years)
    first = time.perf_counter() - start
    assert len(result) >= 1789 and all(len(v) == len(years) for v in result.values()), len(result)
    value = timed(lambda: all_indicators(years), repeat=3)
    reference = timed(lambda: _pandas_indicators(years), repeat=3)
    label = f"pandas vectorised over the same rows ({len(result)} areas x {len(years)} years; first run {first:.2f} s)"
    report("regional_indicators", value, "s", reference, label)
