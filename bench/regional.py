"""Regional statistics benchmarks: importing a full year of 表11-3, and every indicator for every area and year.

Registered by `import bench.regional` in bench/__main__.py. `python -m bench` runs that file as `__main__`, so the
registry is taken from there (importing `bench.__main__` by name would build a second, unused registry).
"""

from __future__ import annotations

import io
import time
from typing import Any

from bench import _shared

_bench = _shared.runner()
benchmark, report, timed = _bench.benchmark, _bench.report, _bench.timed


def _full_year_xlsx(year: int) -> bytes:
    from shokuba.regional.demo import SyntheticNetwork
    from shokuba.regional.estat.layouts import migration_xlsx_bytes

    network = SyntheticNetwork(years=(year,))
    return migration_xlsx_bytes("11-3", year, network.migration_rows("11-3", year), synthetic=True)


def _pandas_read_and_pivot(data: bytes, engine: str | None) -> Any:
    """The plain pandas way: read the sheet under its six header rows, keep 移動者, pivot sexes into columns."""
    import pandas as pd

    frame = pd.read_excel(io.BytesIO(data), header=None, skiprows=6, dtype=str, engine=engine)
    frame = frame[frame[2] == "移動者"]
    frame = frame.assign(code=frame[5].str.zfill(5))
    values = frame.loc[:, 7:26].replace({"-": "0", "***": None}).apply(pd.to_numeric)
    values["code"], values["sex"] = frame["code"], frame[1]
    return values.pivot_table(index="code", columns="sex", aggfunc="sum")


@benchmark("regional_import")
def bench_regional_import() -> None:
    """One year of 表11-3 for all 1,741 municipalities and 47 prefectures (16,110 rows x 27 columns): read, check
    every area against the reference, replace the year atomically. Against pandas reading and pivoting the same
    file (which checks nothing and writes nothing)."""
    from shokuba.core.permissions import SYSTEM
    from shokuba.regional.services import statistics_import_file

    data = _full_year_xlsx(2024)

    def ours() -> None:
        record = statistics_import_file(actor=SYSTEM, data=data, file_name="b01103s_2024.xlsx", table="11-3", year=2024)
        assert record.area_count == 1789, record.area_count

    value = timed(ours, repeat=3)
    reference = timed(lambda: _pandas_read_and_pivot(data, None), repeat=3)
    report("regional_import", value, "s", reference, "pandas read_excel (openpyxl) + pivot of the same file")
    calamine = timed(lambda: _pandas_read_and_pivot(data, "calamine"), repeat=3)
    report("regional_import_vs_calamine", value, "s", calamine, "pandas read_excel (calamine) + pivot, same file")


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
