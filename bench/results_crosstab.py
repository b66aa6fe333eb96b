"""Cross-tabulation with chi-square of one item by sex × age band over 1,000,000 responses (issue #4).

Registered by `import bench.results_crosstab` in bench/__main__.py. For each database (RESULTS_CROSSTAB_DATABASES,
default "postgresql,sqlite") a scratch database is built: migrations, the reference data, and a closed wave of the
workplace questionnaire with RESULTS_CROSSTAB_RESPONSES (default 1,000,000) responses, each with answer rows for six
of its scale items (bench/results_crosstab_worker.py: attributes drawn with plausible shares, each answer depending
on sex and age band). A child process then times, with that database's settings, the median of
RESULTS_CROSSTAB_REPEAT (default 5) runs after one warm-up:

- ours: `crosstab_analysis(results_scope(coordinator, wave), "WS-B02", ("sex", "age_band"))`, a fresh scope per run
  (the SQL GROUP BYs, chi-square, suppression, chart and table);
- pandas: the item's answers (choice, sex, age band) SELECTed over the same connection into a DataFrame (loading
  included), `pandas.crosstab` and `scipy.stats.chi2_contingency`;
- Parquet: `pyarrow.parquet.read_table` of a Parquet copy of the wave's answer rows (written once, not timed) with a
  filter on the item, `Table.group_by(...).aggregate(...)` and `chi2_contingency`.

The chi-square statistic of ours must equal both references' to 1e-9 (relative), with the same df and n; otherwise
the line says `error` and no figure is given. PostgreSQL as in survey_export: BENCH_POSTGRES_URL, else DATABASE_URL
when it is PostgreSQL, else postgres://postgres@127.0.0.1:5432/postgres; the scratch database
`shokuba_bench_crosstab` is dropped afterwards. Progress and the query plans of ours go to stderr.

Figures (ms of ours; targets: under 1 s on PostgreSQL, under 3 s on SQLite):
- results_crosstab[_sqlite]: against the pandas reference;
- results_crosstab[_sqlite]_vs_parquet: the same figure against the Parquet reference.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from bench import _shared

_bench = _shared.runner()
benchmark, report = _bench.benchmark, _bench.report

WORKER = "bench.results_crosstab_worker"
DATABASE = "shokuba_bench_crosstab"
TARGET_SECONDS = {"postgresql": 1.0, "sqlite": 3.0}
LABELS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
TOLERANCE = 1e-9


def _mismatch(result: dict[str, Any]) -> str:
    """Why ours' test differs from a reference's ("" when they agree)."""
    ours = result["ours"]
    if ours["statistic"] is None or ours["method"] != "chi2":
        return f"ours gave no chi-square ({ours['method'] or 'no test'}, {ours['rows_tested']} groups tested)"
    for name in ("pandas", "parquet"):
        reference = result[name]
        difference = abs(ours["statistic"] - reference["statistic"])
        if (
            difference > TOLERANCE * max(abs(ours["statistic"]), abs(reference["statistic"]))
            or ours["df"] != reference["df"]
            or ours["n"] != reference["n"]
        ):
            return (
                f"chi-square {ours['statistic']!r} (df {ours['df']}, n {ours['n']},"
                f" {ours['rows_tested']} groups tested) != {name} {reference['statistic']!r}"
                f" (df {reference['df']}, n {reference['n']}, {reference['rows_tested']} groups)"
                + ("; ours hid groups (suppression: too few responses?)" if ours["n"] < reference["n"] else "")
            )
    return ""


def _stderr(result: dict[str, Any], vendor: str) -> None:
    for plan in result["plans"]:
        print(f"[results_crosstab] {vendor}: {plan['ms']} ms, {plan['rows']} rows: {plan['sql']}", file=sys.stderr)
        for line in plan["plan"].splitlines():
            print(f"[results_crosstab]     {line}", file=sys.stderr)


def _one(vendor: str, responses: int, repeat: int) -> None:
    name = "results_crosstab" + ("" if vendor == "postgresql" else f"_{vendor}")
    if vendor not in TARGET_SECONDS:
        print(f"bench: {name} error: unknown database {vendor!r} (postgresql or sqlite)", flush=True)
        return
    try:
        with _shared.scratch_database(vendor, DATABASE, "shokuba-bench-crosstab-") as (env, folder):
            parquet = str(folder / "answers.parquet")
            setup = _shared.worker(WORKER, env, "setup", str(responses), parquet, stderr=None)
            arguments = (str(setup["wave"]), str(setup["user"]), setup["item"], parquet, str(repeat))
            result = _shared.worker(WORKER, env, "time", *arguments, stderr=None)
    except _shared.NoServer as exc:
        print(f"bench: {name} skipped: {exc}", flush=True)
        return
    except (subprocess.CalledProcessError, OSError, ValueError, KeyError) as exc:
        print(f"bench: {name} error: the worker failed ({exc}); see stderr", flush=True)
        return
    _stderr(result, vendor)
    wrong = _mismatch(result)
    if wrong:
        print(f"bench: {name} error: wrong answer, no figure: {wrong}", flush=True)
        return
    ours_ms = result["ours_seconds"] * 1000
    target = TARGET_SECONDS[vendor]
    verdict = "met" if result["ours_seconds"] < target else "MISSED"
    queries = " + ".join(f"{p['ms']:.0f}" for p in result["plans"])
    test = result["ours"]
    common = (
        f"{setup['item']} by sex × age band ({test['rows_tested']} groups, chi2={test['statistic']:.6g},"
        f" df={test['df']}, n={test['n']:,}), matching the reference to {TOLERANCE:g}; {LABELS[vendor]},"
        f" {setup['responses']:,} responses with answers to {len(setup['items'])} scale items each"
        f" ({setup['answer_rows']:,} answer rows, {result['item_rows']:,} for the item); SQL alone {queries} ms"
        f" (group sizes + answer cells); median of {repeat}; target < {target:g} s: {verdict};"
        f" load average {result['load_average']:.1f} on {os.cpu_count()} cores"
    )
    report(
        name,
        ours_ms,
        "ms",
        result["pandas_seconds"] * 1000,
        f"SELECT of the item's answers into pandas + pandas.crosstab + scipy chi2_contingency"
        f" ({result['pandas_seconds'] * 1000:.0f} ms); {common}",
    )
    report(
        f"{name}_vs_parquet",
        ours_ms,
        "ms",
        result["parquet_seconds"] * 1000,
        f"pyarrow read_table of a Parquet copy of the wave's answer rows (sorted by item, filter on it)"
        f" + Table.group_by + chi2_contingency ({result['parquet_seconds'] * 1000:.0f} ms); {common}",
    )


@benchmark("results_crosstab")
def bench_results_crosstab() -> None:
    responses = int(os.environ.get("RESULTS_CROSSTAB_RESPONSES", "1000000"))
    repeat = int(os.environ.get("RESULTS_CROSSTAB_REPEAT", "5"))
    for vendor in os.environ.get("RESULTS_CROSSTAB_DATABASES", "postgresql,sqlite").split(","):
        _one(vendor.strip(), responses, repeat)
