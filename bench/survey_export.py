"""Background export of raw survey responses: 1,000,000 responses × 40 item columns to CSV, time and peak memory.

Registered by `import bench.survey_export` in bench/__main__.py. For each database (SURVEY_EXPORT_DATABASES,
default "postgresql"; add ",sqlite" for the file database too) a scratch database is built: migrations, the
reference data, and a wave whose 40-item questionnaire has every kind of column (matrix, scale, free text, ranking,
multiple choice, number) with SURVEY_EXPORT_ROWS (default 1,000,000) responses written straight into the response
table (bench/survey_export_worker.py). The export job then runs in a child process, as the task worker would run
it; the child reports its wall time and its own peak RSS (getrusage maxrss: the whole process, Django included).

Reference: the same table (every row and column of our file, read back as strings) written from memory by
pyarrow.csv.write_csv, in this run. PostgreSQL as in survey_submit: BENCH_POSTGRES_URL, else DATABASE_URL when it
is PostgreSQL, else postgres://postgres@127.0.0.1:5432/postgres; the scratch database is dropped afterwards.

Figures (SURVEY_EXPORT_FORMATS, default "csv,xlsx"):
- survey_export_csv[_sqlite]: seconds for the export job, against pyarrow's seconds (target: under 60 s);
- survey_export_rss[_sqlite]: the export process's peak RSS in MB, against the 512 MB budget;
- survey_export_xlsx[_sqlite]: seconds for the XLSX export job (core/xlsx.py), against XlsxWriter's constant-memory
  mode writing the same rows from the same reader in another process (target: under 120 s, issue #17);
- survey_export_xlsx_rss[_sqlite]: that job's peak RSS in MB, against the 512 MB budget.
"""

from __future__ import annotations

import os
import tempfile
import time

from bench import _shared

_bench = _shared.runner()
benchmark, report = _bench.benchmark, _bench.report

WORKER = "bench.survey_export_worker"
DATABASE = "shokuba_bench_export"
MEMORY_BUDGET_MB = 512


def _pyarrow_seconds(path: str) -> tuple[float, int, int]:
    """Read our file back as a table of strings (not timed), then time pyarrow writing it as CSV (best of 3)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = handle.readline().rstrip("\r\n").split(",")
    table = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string())),
    )
    target = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
    target.close()
    best = float("inf")
    try:
        for _ in range(3):
            started = time.perf_counter()
            pacsv.write_csv(table, target.name)
            best = min(best, time.perf_counter() - started)
    finally:
        os.unlink(target.name)
    return best, table.num_rows, table.num_columns


def _one(vendor: str, rows: int) -> None:
    suffix = "" if vendor == "postgresql" else "_sqlite"
    # The child runs the job itself, timed: no task worker.
    tasks = {"TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    try:
        with _shared.scratch_database(vendor, DATABASE, "shokuba-bench-export-", tasks) as (env, _folder):
            setup = _shared.worker(WORKER, env, "setup", str(rows))
            formats = os.environ.get("SURVEY_EXPORT_FORMATS", "csv,xlsx").split(",")
            if "csv" in formats:
                result = _shared.worker(WORKER, env, "export", str(setup["wave"]), str(setup["user"]), "csv")
                if result["status"] != "succeeded":
                    print(f"bench: survey_export{suffix} failed: {result['message']}", flush=True)
                    return
                reference, table_rows, table_columns = _pyarrow_seconds(result["path"])
                _report_csv(vendor, suffix, setup, result, reference, table_rows, table_columns)
            if "xlsx" in formats:
                ours = _shared.worker(WORKER, env, "export", str(setup["wave"]), str(setup["user"]), "xlsx")
                if ours["status"] != "succeeded":
                    print(f"bench: survey_export_xlsx{suffix} failed: {ours['message']}", flush=True)
                    return
                theirs = _shared.worker(WORKER, env, "xlsx_reference", str(setup["wave"]))
                _report_xlsx(vendor, suffix, setup, ours, theirs)
    except _shared.NoServer as exc:
        print(f"bench: survey_export skipped: {exc}", flush=True)
        return


def _report_csv(
    vendor: str, suffix: str, setup: dict, result: dict, reference: float, table_rows: int, table_columns: int
) -> None:
    label = "PostgreSQL" if vendor == "postgresql" else "SQLite"
    report(
        f"survey_export_csv{suffix}",
        result["seconds"],
        "s",
        reference,
        f"pyarrow.csv.write_csv of the same {table_rows:,} × {table_columns} table from memory "
        f"({reference:.1f} s); {label}, {setup['item_columns']} item columns, "
        f"{result['size_bytes'] / 1e6:.0f} MB file; CPU: export process {result['cpu_seconds']:.1f} s"
        + (f", PostgreSQL backend {result['database_cpu_seconds']:.1f} s" if vendor == "postgresql" else "")
        + ", "
        f"load average {result['load_average']:.1f} on {os.cpu_count()} cores; target < 60 s",
    )
    report(
        f"survey_export_rss{suffix}",
        result["max_rss_mb"],
        "MB",
        MEMORY_BUDGET_MB,
        f"the {MEMORY_BUDGET_MB} MB budget (peak RSS of the whole export process, Django included)",
    )


def _report_xlsx(vendor: str, suffix: str, setup: dict, ours: dict, theirs: dict) -> None:
    label = "PostgreSQL" if vendor == "postgresql" else "SQLite"
    same = ours["written"] == theirs["written"]
    report(
        f"survey_export_xlsx{suffix}",
        ours["seconds"],
        "s",
        theirs["seconds"],
        f"XlsxWriter (constant_memory) writing the same {theirs['written']:,} rows from the same reader "
        f"({theirs['seconds']:.1f} s, {theirs['size_bytes'] / 1e6:.0f} MB, peak {theirs['max_rss_mb']:.0f} MB)"
        + ("" if same else f" — ROW COUNTS DIFFER: ours {ours['written']:,}")
        + f"; {label}, {setup['item_columns']} item columns, {ours['size_bytes'] / 1e6:.0f} MB file; "
        f"CPU: export process {ours['cpu_seconds']:.1f} s; load average {ours['load_average']:.1f} on "
        f"{os.cpu_count()} cores; target < 120 s",
    )
    report(
        f"survey_export_xlsx_rss{suffix}",
        ours["max_rss_mb"],
        "MB",
        MEMORY_BUDGET_MB,
        f"the {MEMORY_BUDGET_MB} MB budget (peak RSS of the whole XLSX export process, Django included)",
    )


@benchmark("survey_export")
def bench_survey_export() -> None:
    rows = int(os.environ.get("SURVEY_EXPORT_ROWS", "1000000"))
    for vendor in os.environ.get("SURVEY_EXPORT_DATABASES", "postgresql").split(","):
        _one(vendor.strip(), rows)
