"""The tabular reader's hot path: streaming a big CSV.

- tabular_csv: a 女性活躍DB-sized CSV (40,000 rows × 236 columns, UTF-8 with BOM, about 340 MB, text cells and
  quoted multi-line cells) read row by row by `shokuba.tabular` (encoding decided from the first non-ASCII bytes,
  decoded strictly as it streams, quoted line breaks kept), against the standard library's `csv.reader` over
  `io.TextIOWrapper` on the same file (no encoding detection or checks), each in a child process so that its peak
  memory is its own.

Registered by `import bench.tabular` in bench/__main__.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import _shared

ROWS = 40_000
COLUMNS = 236
ROOT = Path(__file__).resolve().parent.parent

READER = """
import json, resource, sys, time
from shokuba.tabular import Limits, open_workbook
start = time.perf_counter()
with open(sys.argv[1], "rb") as stream:
    workbook = open_workbook(stream, "99_20251030_utf8_bom.csv", limits=Limits(max_bytes=1 << 30))
    rows = cells = 0
    for row in workbook.sheet().rows():
        rows += 1
        cells += len(row.cells)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": rows, "cells": cells,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PLAIN = """
import csv, io, json, resource, sys, time
start = time.perf_counter()
with open(sys.argv[1], "rb") as stream:
    rows = cells = 0
    for record in csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")):
        rows += 1
        cells += len(record)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": rows, "cells": cells,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _write(path: Path) -> int:
    header = ["企業名", "法人番号"] + [f"{n}.項目{n}-割合(%)" for n in range(COLUMNS - 2)]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(",".join(header) + "\r\n")
        text = "女性の活躍推進に向けた取組として管理職研修と両立支援制度の周知を行っています。"  # 40 characters
        filler = ",".join(["12.5", "-", "2025年10月30日", text] * ((COLUMNS - 3) // 4)).split(",")
        filler = (filler + ["-"] * COLUMNS)[: COLUMNS - 3]
        for n in range(ROWS):
            note = '"取り組み、\r\n次の行も同じセル"' if n % 50 == 0 else "株式会社テスト" * 4
            out.write(",".join([f"株式会社{n:05d}", str(1_000_000_000_000 + n), note, *filler]) + "\r\n")
    return path.stat().st_size


def _child(code: str, path: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(  # noqa: S603 - our own interpreter running our own code
        [sys.executable, "-c", code, str(path)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@_shared.runner().benchmark("tabular_csv")
def bench_tabular_csv() -> None:
    with tempfile.TemporaryDirectory(prefix="shokuba-tabular-") as folder:
        path = Path(folder) / "wdb.csv"
        size = _write(path)
        ours, plain = _child(READER, path), _child(PLAIN, path)
        if (ours["rows"], ours["cells"]) != (plain["rows"], plain["cells"]):
            raise RuntimeError(f"the reader and csv disagree: {ours} vs {plain}")
        report = _shared.runner().report
        report("tabular_csv", ours["seconds"], "s", plain["seconds"], f"csv.reader+TextIOWrapper, {size / 1e6:.0f} MB")
        report("tabular_csv_peak_rss", ours["peak_mb"], "MB", plain["peak_mb"], "csv.reader+TextIOWrapper peak RSS")
