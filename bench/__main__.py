from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCHMARKS: dict[str, Callable[[], None]] = {}


def benchmark(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def register(fn: Callable[[], None]) -> Callable[[], None]:
        BENCHMARKS[name] = fn
        return fn

    return register


def timed(fn: Callable[[], object], *, repeat: int = 7) -> float:
    """Median wall time of `repeat` runs, in seconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def report(name: str, value: float, unit: str, reference: float, ref_label: str) -> None:
    ratio = value / reference if reference else float("nan")
    print(f"bench: {name} {value:.4g} {unit} ratio={ratio:.3g} ref={ref_label}", flush=True)


def _setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="shokuba-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ["SHOKUBA_VAR_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shokuba.settings.dev")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    quiet = io.StringIO()
    call_command("load_reference", stdout=quiet)
    call_command("seed_demo", stdout=quiet)


@benchmark("guidebook_board")
def bench_guidebook_board() -> None:
    """The secretariat's 68 × 22 board: two queries, against the naive one query per member and step."""
    from shokuba.guidebook.models import ProgressStatus, Step, StepProgress
    from shokuba.guidebook.selectors import progress_board
    from shokuba.network.models import Member, User

    user = User.objects.get(username="secretariat")

    def ours() -> None:
        progress_board(user=user)

    def naive() -> None:
        steps = list(Step.objects.all())
        for member in Member.objects.all():
            for step in steps:
                row = StepProgress.objects.filter(member=member, step=step).first()
                _ = row.status if row else ProgressStatus.NOT_STARTED

    value = timed(ours)
    reference = timed(naive, repeat=3)
    report("guidebook_board", value * 1000, "ms", reference * 1000, "one ORM query per member and step")


import bench.analysis  # noqa: E402 - registers the analysis engine benchmarks
import bench.jobads  # noqa: E402 - registers the job-ad check benchmarks (issue #16)
import bench.plans  # noqa: E402 - registers the action plan benchmarks (report, network page)
import bench.public  # noqa: E402 - registers the public site benchmarks (member page, organisation search)
import bench.regional  # noqa: E402 - registers the regional benchmarks
import bench.results  # noqa: E402 - registers the results overview benchmark
import bench.results_crosstab  # noqa: E402 - registers the crosstab benchmark (issue #4)
import bench.search  # noqa: E402 - registers the Japanese search benchmark (issue #14)
import bench.survey_export  # noqa: E402 - registers the survey export benchmark
import bench.surveys  # noqa: E402 - registers the survey submission benchmark
import bench.tabular  # noqa: E402 - registers the tabular reader's CSV streaming benchmark
import bench.workplace  # noqa: E402,F401 - registers the workplace import benchmark


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    _setup_django()
    names = [args.only] if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; known: {', '.join(BENCHMARKS)}")
    for name in names:
        BENCHMARKS[name]()


if __name__ == "__main__":
    main()
