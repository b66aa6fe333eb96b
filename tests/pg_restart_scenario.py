"""PostgreSQL restarted while respondents submit (issue #17, fault tests): run by tests/test_faults.py, or by hand at
the issue's full rate.

    python tests/pg_restart_scenario.py --rate 300 --seconds 60 [--restart-at 0.5] [--threads 64]

What it does, all on loopback and in child processes of this one (each bounded by a timeout):
1. A throwaway PostgreSQL cluster of its own: initdb into a temporary folder and pg_ctl on a free port (as the
   `postgres` user when this runs as root, since initdb refuses root). The shared server at 127.0.0.1:5432 is never
   touched.
2. tests/live_site.py's scratch site on that cluster (migrated, reference data, an open workplace wave) served by
   gunicorn (2 processes × 8 threads; the per-link flood limit off: this is the flood).
3. An open-loop load: a new respondent every 1/rate seconds for `seconds`, each posting the workplace answers with
   a fresh submission id (what the answering page's form carries). A respondent whose post is not acknowledged
   (anything but the 303 to the thank-you page: the 503 retry page, a dropped connection) sends the same answers
   with the same submission id again, up to a bound, as the retry page asks them to.
4. At `restart-at` × `seconds`, `pg_ctl restart -m fast`: every connection is cut, transactions in flight abort,
   the server is down until it has started again.
5. At the end, the responses in the database against what was acknowledged: every acknowledged submission id is
   stored, each exactly once, and nothing is stored that was never sent.

Prints one JSON object (the figures and the verdict) on its last line; exits 0 when nothing was lost or doubled.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shokuba.surveys.tests.samples import workplace_form
from tests.live_site import free_port, live_site, post_form

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
COMMAND_TIMEOUT = 60  # seconds for any one initdb / pg_ctl call
RETRIES = 40  # sends of one respondent's answers before it gives up
# services.SUBMISSION_NAMESPACE: a web response is stored under uuid5(namespace, "<link id>:<browser's id>")
# (services.stored_submission_id). Repeated here so that this process needs no Django; were it to differ, every
# acknowledged answer would count as lost and the scenario would fail loudly.
SUBMISSION_NAMESPACE = uuid.UUID("db823e9a-59e9-40c1-8e34-e4f7695abcef")
RETRY_PAUSE = 0.25  # seconds between a refused send and the next (the page asks for 30 s; a test cannot wait that)


def _run(command: list[str], owner: str | None) -> None:
    """Run a PostgreSQL program (as `owner` when given), bounded; its own words on failure."""
    if owner:
        command = ["runuser", "-u", owner, "--", *command]
    done = subprocess.run(command, timeout=COMMAND_TIMEOUT, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")


@dataclass
class Cluster:
    folder: Path
    port: int
    owner: str | None  # the user the server runs as, None: this process's own
    options: str = ""  # the server's settings (port, address, socket folder)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> None:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), *args]
        _run(command, self.owner)

    def log(self) -> str:
        try:
            return (self.folder / "server.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster in a temporary folder, trust authentication, listening on 127.0.0.1 at a free port;
    stopped (immediate) and removed afterwards."""
    owner = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="shokuba-pg-fault-"))
    if owner:
        shutil.chown(folder, owner)
    cluster = Cluster(folder, free_port(), owner)
    started = False
    try:
        initdb = [str(PG_BIN / "initdb"), "-D", str(cluster.data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        initdb += ["--locale", "C.UTF-8", "--no-sync"]
        _run(initdb, owner)
        options = (
            f"-c port={cluster.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} "
            "-c max_connections=100 -c fsync=on -c logging_collector=off"
        )
        cluster.options = options
        cluster.pg_ctl("-w", "-t", "30", "-o", options, "start")
        started = True
        yield cluster
    finally:
        if started:
            with contextlib.suppress(Exception):
                cluster.pg_ctl("-w", "-t", "30", "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Load:
    port: int
    path: str
    acknowledged: set[str] = field(default_factory=set)
    given_up: set[str] = field(default_factory=set)
    sent: set[str] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)
    resent: int = 0
    latencies: list[float] = field(default_factory=list)  # of first sends acknowledged at once
    lock: threading.Lock = field(default_factory=threading.Lock)

    def respondent(self, stop_at: float) -> None:
        submission_id = str(uuid.uuid4())
        form = {"submission_id": submission_id, **workplace_form()}
        with self.lock:
            self.sent.add(submission_id)
        for attempt in range(RETRIES):
            started = time.perf_counter()
            reply = post_form(self.port, self.path, form)
            elapsed = time.perf_counter() - started
            with self.lock:
                self.statuses[reply.status] += 1
                if attempt:
                    self.resent += 1
                if reply.status == 303 and "/thanks/" in reply.headers.get("location", ""):
                    self.acknowledged.add(submission_id)
                    if attempt == 0:
                        self.latencies.append(elapsed)
                    return
            if time.monotonic() > stop_at:
                break
            time.sleep(RETRY_PAUSE)
        with self.lock:
            self.given_up.add(submission_id)


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(rate: float, seconds: float, restart_at: float, threads: int) -> dict[str, object]:
    with throwaway_cluster() as cluster:
        os.environ["BENCH_POSTGRES_URL"] = cluster.url  # tests/live_site.py makes its scratch database there
        with live_site("postgresql") as site:
            server_env = {"SURVEY_SUBMISSIONS_PER_WINDOW": "0", "LOG_LEVEL": "ERROR"}
            with site.serve("gunicorn", env=server_env) as server:
                load = Load(server.port, site.answer_path())
                deadline = time.monotonic() + seconds + 120  # the respondents' retries end by then
                restart: dict[str, float] = {}

                def restart_postgresql() -> None:
                    time.sleep(seconds * restart_at)
                    began = time.monotonic()
                    cluster.pg_ctl("-w", "-t", "30", "-m", "fast", "-o", cluster.options, "restart")
                    restart["seconds"] = time.monotonic() - began
                    restart["at"] = began - load_started

                with ThreadPoolExecutor(max_workers=threads) as pool:
                    load_started = time.monotonic()
                    restarter = threading.Thread(target=restart_postgresql, daemon=True)
                    restarter.start()
                    scheduled = 0
                    while True:
                        due = load_started + scheduled / rate
                        if due - load_started >= seconds:
                            break
                        pause = due - time.monotonic()
                        if pause > 0:
                            time.sleep(pause)
                        pool.submit(load.respondent, deadline)
                        scheduled += 1
                    offered_seconds = time.monotonic() - load_started
                    restarter.join(timeout=COMMAND_TIMEOUT * 2)
                ended = time.monotonic() - load_started
            stored = site.query(
                "SELECT submission_id::text, count(*) FROM surveys_response WHERE wave_id = %s GROUP BY 1",
                [site.waves[0]],
            )
            # A response is written with its typed answer rows in one statement: never one without the other.
            ((without_rows,),) = site.query(
                "SELECT count(*) FROM surveys_response r WHERE r.wave_id = %s AND NOT EXISTS (SELECT 1 FROM "
                "surveys_responseanswer a WHERE a.member_id = r.member_id AND a.submission_id = r.submission_id)",
                [site.waves[0]],
            )
            ((orphan_rows,),) = site.query(
                "SELECT count(*) FROM surveys_responseanswer a WHERE a.wave_id = %s AND NOT EXISTS (SELECT 1 FROM "
                "surveys_response r WHERE r.member_id = a.member_id AND r.submission_id = a.submission_id)",
                [site.waves[0]],
            )
            link_id = site.links[0][0][0]
    key = {sid: str(uuid.uuid5(SUBMISSION_NAMESPACE, f"{link_id}:{sid}")) for sid in load.sent}
    acknowledged = {key[sid] for sid in load.acknowledged}
    counts = {str(sid): int(n) for sid, n in stored}
    lost = sorted(acknowledged - counts.keys())
    doubled = sorted(sid for sid, n in counts.items() if n > 1)
    unknown = sorted(counts.keys() - set(key.values()))
    errors = {str(status): n for status, n in sorted(load.statuses.items()) if status != 303}
    result: dict[str, object] = {
        "rate": rate,
        "seconds": seconds,
        "respondents": len(load.sent),
        "offered_per_second": round(len(load.sent) / offered_seconds, 1),
        "acknowledged": len(load.acknowledged),
        "given_up": len(load.given_up),
        "stored": len(counts),
        "lost": len(lost),
        "doubled": len(doubled),
        "stored_never_sent": len(unknown),
        "stored_not_acknowledged": len(counts.keys() - acknowledged),
        "responses_without_answer_rows": int(without_rows),
        "answer_rows_without_response": int(orphan_rows),
        "refusals": errors,
        "resent": load.resent,
        "restart_at_seconds": round(restart.get("at", -1), 1),
        "restart_seconds": round(restart.get("seconds", -1), 2),
        "all_done_seconds": round(ended, 1),
        "p50_ms": round(_percentile(load.latencies, 0.50) * 1000, 1),
        "p99_ms": round(_percentile(load.latencies, 0.99) * 1000, 1),
        "ok": bool(restart)
        and not lost
        and not doubled
        and not unknown
        and not load.given_up
        and not without_rows
        and not orphan_rows,
        "examples_lost": lost[:5],
        "examples_doubled": doubled[:5],
    }
    if not restart:
        result["cluster_log"] = cluster.log()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=300.0, help="new respondents per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long new respondents arrive")
    parser.add_argument("--restart-at", type=float, default=0.5, help="when PostgreSQL restarts, share of --seconds")
    parser.add_argument("--threads", type=int, default=64, help="respondents sending at once, at most")
    args = parser.parse_args()
    result = run(args.rate, args.seconds, args.restart_at, args.threads)
    print(json.dumps(result, ensure_ascii=False))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
