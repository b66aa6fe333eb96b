"""Survey submissions under load: gunicorn on loopback, PostgreSQL, the real answering form posted as a phone would.

Registered by `import bench.surveys` in bench/__main__.py (the registry is taken from the running `__main__`, as in
bench/regional.py). Needs a PostgreSQL server: BENCH_POSTGRES_URL, else DATABASE_URL when it is PostgreSQL, else
postgres://postgres@127.0.0.1:5432/postgres. A scratch database `shokuba_bench_surveys` is created and dropped.

Figures (each on its own line):
- survey_submit_sustained: completed submissions/s at an offered open-loop rate (SURVEY_BENCH_RATE, default 300)
  for SURVEY_BENCH_SECONDS (default 60), against the offered rate;
- survey_submit_p99: the 99th percentile latency (from the scheduled send time, so a stall is not hidden), against
  the reference view's p99 at the same offered rate;
- survey_submit_errors and survey_submit_stored: anything but a 303, and stored rows against acknowledgements;
- survey_submit_max: closed-loop throughput of the answering form against the minimal Django view that inserts one
  row (bench/surveys_urls.py), same server, same run;
- survey_submit_cpu: CPU per request (this process's Python + the PostgreSQL backend's) of the form against the
  minimal view, measured in one process through Django's handler (bench/surveys_cpu_worker.py), with the best ratio
  the form could reach if its own Python cost nothing (the database's share of storing 40 answer rows is the floor).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import _shared

_bench = _shared.runner()
benchmark, report = _bench.benchmark, _bench.report

ROOT, PYTHON = _shared.ROOT, _shared.PYTHON
DATABASE = "shokuba_bench_surveys"
LINKS = 60

SETUP_SCRIPT = r"""
import datetime as dt, json
from django.db import connection
from django.utils import timezone
from shokuba.network.models import Member, Organisation, Role, User
from shokuba.surveys import services
member = Member.objects.get(pk="282090")
coordinator = User.objects.create(username="bench-coordinator", role=Role.COORDINATOR, member=member)
organisations = [
    Organisation.objects.create(member=member, name=f"ベンチ株式会社{i:03d}", industry="E", size_band="30-100",
                                location_id="282090", joined_on=dt.date(2026, 4, 1))
    for i in range(%(links)d)
]
questionnaire = services.questionnaire_create_from_template(actor=coordinator, member=member, template_code="workplace")
version = services.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())
today = timezone.localdate()
wave = services.wave_create(actor=coordinator, version=version, name="ベンチマーク", fiscal_year=2026,
                            opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=1),
                            organisations=organisations)
services.wave_open(actor=coordinator, wave=wave)
with connection.cursor() as cursor:
    cursor.execute(
        "CREATE TABLE bench_reference_row (id bigserial PRIMARY KEY, body text NOT NULL, created_on date NOT NULL)"
    )
print(json.dumps({"wave": wave.pk, "tokens": list(wave.links.values_list("token", flat=True))}))
"""


def _form() -> dict[str, str]:
    """A complete workplace answer, as the answering page posts it."""
    data: dict[str, str] = {}
    themes = {
        "WS-QA": ["WS-A01", "WS-A02", "WS-A03", "WS-A04", "WS-A05", "WS-A06"],
        "WS-QB": ["WS-B01", "WS-B02", "WS-B03", "WS-B04", "WS-B05", "WS-B06"],
        "WS-QC": ["WS-C01", "WS-C02", "WS-C03", "WS-C04", "WS-C05", "WS-C06"],
        "WS-QD": ["WS-D01", "WS-D02", "WS-D03", "WS-D04", "WS-D05"],
        "WS-QE": ["WS-E01", "WS-E02", "WS-E03", "WS-E04", "WS-E05", "WS-E06"],
    }
    for theme, codes in themes.items():
        for index, code in enumerate(codes):
            data[f"q.{theme}.{code}"] = ["1", "2", "3", "4", "dk"][index % 5]
    data.update({"q.WS-Z01": "2", "q.WS-Z02": "1", "q.WS-FREE": "会議の時間が短くなり、定時に帰りやすくなった。"})
    data.update({"a.sex": "F", "a.age_band": "30", "a.position": "staff", "a.employment": "regular"})
    return data


def _count(url: str, sql: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(sql).fetchone()
        return int(row[0]) if row else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Client:
    """A minimal HTTP/1.1 client on asyncio streams with keep-alive connections (a pool of at most `size`)."""

    def __init__(self, port: int, size: int) -> None:
        self.port = port
        self.pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None] = asyncio.Queue()
        for _ in range(size):
            self.pool.put_nowait(None)

    async def post(self, path: str, body: bytes) -> int:
        connection = await self.pool.get()
        try:
            if connection is None:
                connection = await asyncio.open_connection("127.0.0.1", self.port)
            reader, writer = connection
            writer.write(
                (
                    f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    f"Content-Length: {len(body)}\r\nUser-Agent: shokuba-bench\r\n\r\n"
                ).encode()
                + body
            )
            await writer.drain()
            status_line = await reader.readline()
            if not status_line:
                raise ConnectionError("closed")
            status = int(status_line.split()[1])
            length, keep = 0, True
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _sep, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
                elif name.lower() == "connection" and value.strip().lower() == "close":
                    keep = False
            if length:
                await reader.readexactly(length)
            if not keep:
                writer.close()
                connection = None
            return status
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
            connection = None
            return 0
        finally:
            self.pool.put_nowait(connection)


_encoded: dict[int, bytes] = {}


def _body(extra: dict[str, str]) -> bytes:
    """The form with a fresh submission id; the rest is encoded once (the client must not eat the server's CPU)."""
    key = id(extra)
    if key not in _encoded:
        _encoded[key] = urlencode(extra).encode()
    rest = _encoded[key]
    return b"submission_id=" + str(uuid.uuid4()).encode() + (b"&" + rest if rest else b"")


async def _open_loop(port: int, paths: list[str], form: dict[str, str], rate: float, seconds: float) -> dict[str, Any]:
    client = Client(port, size=96)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    start = time.perf_counter() + 0.2
    total = int(rate * seconds)

    async def one(index: int) -> None:
        scheduled = start + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        status = await client.post(paths[index % len(paths)], _body(form))
        latencies.append(time.perf_counter() - scheduled)
        statuses[status] = statuses.get(status, 0) + 1

    tasks = []
    for index in range(total):  # start each request's task shortly before it is due, not all at once
        ahead = start + index / rate - 0.05 - time.perf_counter()
        if ahead > 0:
            await asyncio.sleep(ahead)
        tasks.append(asyncio.create_task(one(index)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "sent": total,
        "elapsed": elapsed,
        "acknowledged": statuses.get(303, 0),
        "errors": total - statuses.get(303, 0),
        "statuses": statuses,
        "p50": latencies[len(latencies) // 2] if latencies else 0.0,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0,
        "rate": statuses.get(303, 0) / elapsed if elapsed else 0.0,
    }


async def _closed_loop(port: int, paths: list[str], form: dict[str, str], seconds: float, concurrency: int) -> float:
    client = Client(port, size=concurrency)
    done = 0
    stop = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal done
        index = offset
        while time.perf_counter() < stop:
            if await client.post(paths[index % len(paths)], _body(form)) == 303:
                done += 1
            index += concurrency

    began = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return done / (time.perf_counter() - began)


@benchmark("survey_submit")
def bench_survey_submit() -> None:
    rate = float(os.environ.get("SURVEY_BENCH_RATE", "300"))
    seconds = float(os.environ.get("SURVEY_BENCH_SECONDS", "60"))
    server = _shared.postgres_url()
    database_url = _shared.with_database(server, DATABASE)
    try:
        _shared.admin(server, f"DROP DATABASE IF EXISTS {DATABASE}")
        _shared.admin(server, f"CREATE DATABASE {DATABASE}")
    except Exception as exc:  # no PostgreSQL: say so on the figure's line and go on
        print(f"bench: survey_submit skipped: no PostgreSQL at {server} ({exc.__class__.__name__})", flush=True)
        return
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.surveys_settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }
    manage = [PYTHON, str(ROOT / "manage.py")]
    server_process: subprocess.Popen[bytes] | None = None
    try:
        for command in (["migrate", "--noinput", "-v", "0"], ["load_reference"]):
            subprocess.run([*manage, *command], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        created = subprocess.run(  # noqa: S603 - our own manage.py
            [*manage, "shell", "-c", SETUP_SCRIPT % {"links": LINKS}],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        setup = json.loads(created.stdout.strip().splitlines()[-1])
        port = _free_port()
        workers = os.environ.get("SURVEY_BENCH_WORKERS", "4")
        server_process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "shokuba.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                workers,
                "--worker-class",
                "gthread",
                "--threads",
                "2",
                "--keep-alive",
                "30",
                "--backlog",
                "2048",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        form = _form()
        survey_paths = [f"/s/{token}/" for token in setup["tokens"]]
        reference_paths = ["/bench/reference/"]
        # Warm up every worker (imports, connections, the parsed definition) on both endpoints.
        asyncio.run(_open_loop(port, survey_paths, form, rate=100, seconds=2))
        asyncio.run(_open_loop(port, reference_paths, {}, rate=100, seconds=1))
        warm = _count(database_url, f"SELECT count(*) FROM surveys_response WHERE wave_id = {int(setup['wave'])}")  # noqa: S608

        ours = asyncio.run(_open_loop(port, survey_paths, form, rate=rate, seconds=seconds))
        stored = (
            _count(database_url, f"SELECT count(*) FROM surveys_response WHERE wave_id = {int(setup['wave'])}")  # noqa: S608
            - warm
        )
        reference = asyncio.run(_open_loop(port, reference_paths, {}, rate=rate, seconds=min(seconds, 20)))
        ours_max = asyncio.run(_closed_loop(port, survey_paths, form, seconds=10, concurrency=16))
        reference_max = asyncio.run(_closed_loop(port, reference_paths, {}, seconds=10, concurrency=16))
        # Where the CPU goes, per request, in one process without the HTTP server (the server idles meanwhile).
        split = _shared.worker(
            "bench.surveys_cpu_worker", env, os.environ.get("SURVEY_BENCH_CPU_POSTS", "1000"), *setup["tokens"]
        )
    finally:
        if server_process is not None:
            server_process.terminate()
            try:
                server_process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server_process.kill()
        try:
            _shared.admin(server, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        except Exception:  # noqa: S110 - best effort clean-up of a scratch database
            pass

    report(
        "survey_submit_sustained",
        ours["rate"],
        "submissions/s",
        rate,
        f"offered {rate:.0f}/s open loop for {seconds:.0f} s, {LINKS} links, gunicorn {workers}×2 threads, PostgreSQL",
    )
    report(
        "survey_submit_p99",
        ours["p99"] * 1000,
        "ms",
        reference["p99"] * 1000,
        f"minimal Django view inserting one row at the same offered rate (p99 {reference['p99'] * 1000:.1f} ms; "
        f"ours p50 {ours['p50'] * 1000:.1f} ms)",
    )
    report(
        "survey_submit_errors",
        ours["errors"],
        "requests",
        ours["sent"],
        f"requests sent; statuses {dict(sorted(ours['statuses'].items()))}",
    )
    report("survey_submit_stored", stored, "responses", ours["acknowledged"], "responses acknowledged (303)")
    report(
        "survey_submit_max",
        ours_max,
        "submissions/s",
        reference_max,
        f"minimal Django view inserting one row, closed loop, 16 connections ({reference_max:.0f}/s)",
    )
    ours_cpu, reference_cpu = split["ours"], split["reference"]
    report(
        "survey_submit_cpu",
        ours_cpu["python_ms"] + ours_cpu["database_ms"],
        "ms",
        reference_cpu["python_ms"] + reference_cpu["database_ms"],
        f"CPU per request of the minimal view (Python {reference_cpu['python_ms']:.2f} + PostgreSQL"
        f" {reference_cpu['database_ms']:.2f} ms; ours {ours_cpu['python_ms']:.2f} + {ours_cpu['database_ms']:.2f} ms),"
        f" {split['count']:,} posts each through Django's handler in one process; with no Python of its own the form"
        f" could reach at most {split['best_possible_ratio']:.2f} of the minimal view",
    )
