"""Workplace indicator benchmarks.

- workplace_import: a 女性の活躍推進企業データベース 全体版 CSV of 40,000 companies × 236 columns in the real layout
  (DOMAIN.md §8: item-numbered headers, 雇用管理区分 blocks, multi-line text cells; built by
  shokuba/workplace/tests/fixtures/wdb.py) checked, read, matched by 法人番号 against the network's organisations
  and turned into a stored preview —
  in a child process, so that its peak memory (ru_maxrss) is its own; against a plain pandas read_csv of the same
  file, also in a child process, in the same run. Targets: < 60 s and < 1 GB.
- the regional summary over 10,000 organisations × 5 years.

Registered by `import bench.workplace` in bench/__main__.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import _shared

COMPANIES = 40_000
MATCHED = 2_000  # organisations in the network whose 法人番号 are in the file
ROOT = Path(__file__).resolve().parent.parent


def _child(code: str) -> dict[str, float]:
    """Run `code` in a fresh interpreter with this run's settings and database; it prints one JSON line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(  # noqa: S603 - our own interpreter running our own code
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False, timeout=900
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


OURS = """
import json, resource, time, django, os
def peak_mb():
    # VmHWM is this process's own peak; ru_maxrss would carry the forking parent's size across exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shokuba.settings.dev")
django.setup()
from shokuba.core.permissions import SYSTEM
from shokuba.network.models import Member
from shokuba.workplace import services
stream = open({path!r}, "rb")
start = time.perf_counter()
batch = services.indicator_import_preview(actor=SYSTEM, member=None, kind="wdb", stream=stream,
    file_name="99_20251030_utf8_bom.csv", fiscal_year=2024)
seconds = time.perf_counter() - start
assert batch.summary["matched"] >= {matched}, batch.summary["matched"]
print(json.dumps({{"seconds": seconds, "maxrss_mb": peak_mb(),
    "matched": batch.summary["matched"], "rows": batch.summary["rows_read"]}}))
"""

PANDAS = """
import json, resource, time
def peak_mb():
    # VmHWM is this process's own peak; ru_maxrss would carry the forking parent's size across exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
import pandas as pd
start = time.perf_counter()
frame = pd.read_csv({path!r}, dtype=str, encoding="utf-8-sig")
seconds = time.perf_counter() - start
assert len(frame) == {companies}, len(frame)
print(json.dumps({{"seconds": seconds, "maxrss_mb": peak_mb()}}))
"""


def _organisations(numbers: list[str]) -> None:
    from shokuba.network.models import Member, Organisation

    member = Member.objects.get(pk="282090")
    Organisation.objects.filter(name__startswith="ベンチ企業").delete()
    Organisation.objects.bulk_create(
        [
            Organisation(
                member=member,
                name=f"ベンチ企業{i:05d}",
                corporate_number=number,
                industry="E",
                size_band="101-300",
                location_id="282090",
                joined_on=dt.date(2025, 4, 1),
            )
            for i, number in enumerate(numbers)
        ],
        batch_size=1000,
    )


_bench = _shared.runner()


@_bench.benchmark("workplace_import")
def bench_workplace_import() -> None:
    from shokuba.workplace.tests.fixtures import wdb

    numbers = [wdb.corporate_number(700_000_000_000 + i) for i in range(MATCHED)]
    _organisations(numbers)
    folder = tempfile.mkdtemp(prefix="shokuba-wdb-")
    path = Path(folder) / wdb.file_name()
    rng = random.Random(1)
    matched = [wdb.random_company(n, rng, number) for n, number in enumerate(reversed(numbers))]
    with path.open("wb") as stream:
        wdb.write_csv(stream, wdb.national(COMPANIES, seed=1, first=matched))
    size_mb = path.stat().st_size / 1024 / 1024
    ours = _child(OURS.format(path=str(path), matched=MATCHED))
    pandas = _child(PANDAS.format(path=str(path), companies=COMPANIES))
    label = f"pandas read_csv of the same {COMPANIES:,} × 236 file ({size_mb:.0f} MB), same run"
    _bench.report("workplace_import", ours["seconds"], "s", pandas["seconds"], label)
    _bench.report("workplace_import_peak_rss", ours["maxrss_mb"], "MB", pandas["maxrss_mb"], "pandas read_csv peak RSS")
    path.unlink()


# --- the regional summary over 10,000 organisations × 5 years. -----------------------------------------------------

SUMMARY_ORGANISATIONS = 10_000
SUMMARY_YEARS = (2021, 2022, 2023, 2024, 2025)


def _summary_data() -> None:
    """10,000 organisations spread over every member, 5 fiscal years of plausible indicator values each."""
    import random

    from shokuba.network.models import Industry, Member, Organisation, SizeBand
    from shokuba.workplace.models import IndicatorYear
    from shokuba.workplace.picture import PICTURE_INDICATORS

    rng = random.Random(6)
    members = list(Member.objects.all())
    industries = [c for c, _label in Industry.choices]
    bands = [c for c, _label in SizeBand.choices]
    Organisation.objects.filter(name__startswith="集計ベンチ").delete()
    Organisation.objects.bulk_create(
        [
            Organisation(
                member=members[i % len(members)],
                name=f"集計ベンチ{i:05d}",
                industry=rng.choice(industries),
                size_band=rng.choice(bands),
                location_id=members[i % len(members)].pk,
                joined_on=dt.date(2021, 4, 1),
            )
            for i in range(SUMMARY_ORGANISATIONS)
        ],
        batch_size=2000,
    )
    organisations = list(Organisation.objects.filter(name__startswith="集計ベンチ").values_list("pk", flat=True))
    rows = []
    for pk in organisations:
        base = {code: rng.uniform(5, 95) for code in PICTURE_INDICATORS}
        for step, year in enumerate(SUMMARY_YEARS):
            values = {
                code: (None if rng.random() < 0.15 else round(value + step * rng.uniform(-1, 3), 2))
                for code, value in base.items()
            }
            rows.append(IndicatorYear(organisation_id=pk, fiscal_year=year, raw={}, **values))
    IndicatorYear.objects.bulk_create(rows, batch_size=2000)


@_bench.benchmark("workplace_regional_summary")
def bench_workplace_regional_summary() -> None:
    """The secretariat's picture across the network: one values_list pass + numpy grouping and quantiles (by year,
    by year × industry, by year × size band, with target shares and year-on-year change), against pandas
    groupby/quantile over the same rows from the same query."""
    import numpy as np
    import pandas as pd

    from shokuba.workplace import insights
    from shokuba.workplace.picture import PICTURE_INDICATORS, TARGETS

    _summary_data()
    scope = insights.network_scope()
    count = scope.years.count()

    def ours() -> None:
        insights.summarise(scope)

    def with_pandas() -> None:
        fields = ["organisation_id", "fiscal_year", "organisation__industry", "organisation__size_band"]
        frame = pd.DataFrame.from_records(
            list(scope.years.order_by().values_list(*fields, *PICTURE_INDICATORS)),
            columns=["org", "year", "industry", "size", *PICTURE_INDICATORS],
        )
        frame[list(PICTURE_INDICATORS)] = frame[list(PICTURE_INDICATORS)].astype(float)
        frame = frame.sort_values(["org", "year"])
        change = frame.groupby("org")[list(PICTURE_INDICATORS)].diff()
        consecutive = frame.groupby("org")["year"].diff() == 1
        change[~consecutive] = np.nan
        for keys in (["year"], ["year", "industry"], ["year", "size"]):
            grouped = frame.groupby(keys)[list(PICTURE_INDICATORS)]
            grouped.quantile([0.25, 0.5, 0.75])
            grouped.count()
            change.groupby([frame[k] for k in keys]).median()
            for code, target in TARGETS.items():
                meets = frame[code] >= target.value if target.op == ">=" else frame[code] < target.value
                meets.where(frame[code].notna()).groupby([frame[k] for k in keys]).mean()

    value = _bench.timed(ours, repeat=5)
    reference = _bench.timed(with_pandas, repeat=5)
    _bench.report(
        "workplace_regional_summary",
        value * 1000,
        "ms",
        reference * 1000,
        f"pandas groupby/quantile on the same {count:,} rows (same query), same run",
    )
