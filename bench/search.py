"""search: the one Japanese search (shokuba/search) over 10,000 cases and 50,000 forum-post-like documents, on
PostgreSQL and SQLite, p50 and p95 query time against an `icontains` scan of the same visible documents measured in
the same run. Target: p95 < 100 ms on both databases.

Registered by `import bench.search` in bench/__main__.py. For each database (SEARCH_DATABASES, default
"postgresql,sqlite") a scratch database is migrated with the reference data, then bench/search_worker.py builds the
documents (SEARCH_CASES, default 10,000 real cases; SEARCH_POSTS, default 50,000 documents of a test kind "bench_post"
standing for forum posts until the forum exists: indexed by the same code, visible to every member) and times
QUERIES (育休, 採用, 評価, こども, and multi-word queries) SEARCH_REPEAT times each (default 15) as a municipality's
coordinator (the narrowing to approved cases and its own runs inside every query). PostgreSQL as in the other
benchmarks (BENCH_POSTGRES_URL, else DATABASE_URL when PostgreSQL, else the local server); the scratch database
`shokuba_bench_search` (SEARCH_BENCH_DATABASE) is dropped afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys

from bench import _shared

_bench = _shared.runner()
benchmark, report = _bench.benchmark, _bench.report

WORKER = "bench.search_worker"
DATABASE = os.environ.get("SEARCH_BENCH_DATABASE", "shokuba_bench_search")
TARGET_MS = 100.0
LABELS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def _one(vendor: str, cases: int, posts: int, repeat: int) -> None:
    name = "search" + ("" if vendor == "postgresql" else f"_{vendor}")
    try:
        with _shared.scratch_database(vendor, DATABASE, "shokuba-bench-search-") as (env, _folder):
            setup = _shared.worker(WORKER, env, "setup", str(cases), str(posts), stderr=None)
            result = _shared.worker(WORKER, env, "time", str(repeat), stderr=None)
    except _shared.NoServer as exc:
        print(f"bench: {name} skipped: {exc}", flush=True)
        return
    except (subprocess.CalledProcessError, OSError, ValueError, KeyError) as exc:
        print(f"bench: {name} error: the worker failed ({exc}); see stderr", flush=True)
        return
    for query, found in result["per_query"].items():
        print(
            f"[search] {vendor} {query!r}: {found['ours'][0]:,} found, {found['ours_ms']} ms;"
            f" icontains {found['naive'][0]:,} found, {found['naive_ms']} ms",
            file=sys.stderr,
        )
    ours, naive = result["ours"], result["naive"]
    verdict = "met" if ours["p95"] * 1000 < TARGET_MS else "MISSED"
    common = (
        f"{LABELS[vendor]}, {setup['cases']:,} cases + {setup['posts']:,} post-like documents"
        f" ({setup['postings']:,} postings), {len(result['per_query'])} queries × {repeat} runs"
        f" ({ours['n']} timings); target p95 < {TARGET_MS:g} ms: {verdict};"
        f" load average {result['load_average']:.1f} on {os.cpu_count()} cores"
    )
    for quantile in ("p50", "p95"):
        report(
            f"{name}_{quantile}",
            ours[quantile] * 1000,
            "ms",
            naive[quantile] * 1000,
            f"icontains scan of title and body, 20 newest + count"
            f" ({naive[quantile] * 1000:.0f} ms {quantile}); {common}",
        )


@benchmark("search")
def bench_search() -> None:
    cases = int(os.environ.get("SEARCH_CASES", "10000"))
    posts = int(os.environ.get("SEARCH_POSTS", "50000"))
    repeat = int(os.environ.get("SEARCH_REPEAT", "15"))
    for vendor in os.environ.get("SEARCH_DATABASES", "postgresql,sqlite").split(","):
        _one(vendor.strip(), cases, posts, repeat)
