"""One regional import measurement in a process of its own, so that its peak memory (VmHWM) is its own.

    python -m bench.regional_worker MODE FILE REPEAT

MODE: ours (the importer: read, check every area, write, audit; the database is the bench's, from DATABASE_URL),
pandas-calamine / pandas-openpyxl (read_excel of the bureau's workbook, keep 移動者, pivot the sexes), pandas-csv
(read_csv of the database download, keep 移動者, take each sex block). Prints one JSON line: the median seconds of
REPEAT runs and the process's peak resident memory in MB.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def peak_mb() -> float:
    # VmHWM is this process's own peak; ru_maxrss would carry the forking parent's size across exec.
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pandas_excel(data: bytes, engine: str) -> Any:
    """The plain pandas way: read the sheet under its six header rows, keep 移動者, pivot sexes into columns."""
    import io

    import pandas as pd

    frame = pd.read_excel(io.BytesIO(data), header=None, skiprows=6, dtype=str, engine=engine)
    frame = frame[frame[2] == "移動者"]
    frame = frame.assign(code=frame[5].str.zfill(5))
    values = frame.loc[:, 7:26].replace({"-": "0", "***": None}).apply(pd.to_numeric)
    values["code"], values["sex"] = frame["code"], frame[1]
    return values.pivot_table(index="code", columns="sex", aggfunc="sum")


def pandas_csv(path: str) -> Any:
    """The plain pandas way for the database download: three header rows, keep 移動者, each sex block's 総数 and
    19 age groups as numbers (the subtotal and 不詳 columns dropped), indexed by 表章項目 and area code."""
    import pandas as pd

    frame = pd.read_csv(path, header=None, skiprows=3, dtype=str, encoding="utf-8-sig")
    frame = frame[frame[2] == "移動者"]
    blocks = []
    for start in (7, 30, 53):
        block = frame.loc[:, start : start + 19].replace({"***": None}).apply(pd.to_numeric)
        block.index = [frame[0], frame[5].str.zfill(5)]
        blocks.append(block)
    return pd.concat(blocks, axis=1, keys=["T", "M", "F"])


def main() -> None:
    mode, path, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = Path(path).read_bytes()
    run: Any
    if mode == "ours":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shokuba.settings.dev")
        import django

        django.setup()
        from shokuba.core.permissions import SYSTEM
        from shokuba.regional.services import statistics_import_file

        def run() -> None:
            records = statistics_import_file(actor=SYSTEM, data=data, file_name=Path(path).name, year=2024)
            assert all(r.area_count == 1789 for r in records), [r.area_count for r in records]

    elif mode.startswith("pandas-") and mode != "pandas-csv":
        engine = mode.removeprefix("pandas-")

        def run() -> None:
            pandas_excel(data, engine)

    elif mode == "pandas-csv":

        def run() -> None:
            pandas_csv(path)

    else:
        raise SystemExit(f"unknown mode {mode}")
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        runs.append(time.perf_counter() - start)
    print(json.dumps({"seconds": statistics.median(runs), "peak_mb": peak_mb()}))


if __name__ == "__main__":
    main()
