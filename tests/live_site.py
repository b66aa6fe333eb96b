"""A real Shokuba site in child processes, for tests that need what one test process cannot give: several database
connections writing at once, a file database, a server under real concurrent HTTP requests.

`live_site(vendor)` builds a scratch database with bench._shared.scratch_database (an SQLite file in a temporary
folder, or a PostgreSQL database next to the one DATABASE_URL names), creates Toyooka's open workplace wave with two
organisation links, a coordinator and an API token for them, and `LiveSite.serve()` starts `manage.py runserver`
(what `make run` runs: a thread per request) or gunicorn (several worker processes with threads) on a free port.
The test process never touches these databases through Django; it reads them with sqlite3 or psycopg.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import _shared

SETUP_SCRIPT = r"""
import datetime as dt, json
from django.utils import timezone
from shokuba.api.services import api_token_issue
from shokuba.network.models import Member, Organisation, Role, User
from shokuba.surveys import services

member = Member.objects.get(pk="282090")
coordinator = User.objects.create(username="live-coordinator", role=Role.COORDINATOR, member=member)
organisations = [
    Organisation.objects.create(member=member, name=name, industry="E", size_band="30-100", location_id="282090",
                                joined_on=dt.date(2026, 4, 1))
    for name in ("株式会社ライブ精工", "ライブ運輸株式会社")
]
questionnaire = services.questionnaire_create_from_template(actor=coordinator, member=member, template_code="workplace")
version = services.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())
today = timezone.localdate()
waves = []
for name in ("ライブ調査", "ライブ調査（2回目）"):
    wave = services.wave_create(actor=coordinator, version=version, name=name, fiscal_year=2026,
                                opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=1),
                                organisations=organisations)
    waves.append(services.wave_open(actor=coordinator, wave=wave))
_token, api_token = api_token_issue(user=coordinator, name="live test")
print(json.dumps({
    "waves": [wave.pk for wave in waves],
    "links": [[[link.pk, link.token] for link in wave.links.order_by("pk")] for wave in waves],
    "api_token": api_token,
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str


def request(
    port: int, method: str, path: str, body: bytes = b"", headers: Mapping[str, str] | None = None, timeout: float = 120
) -> Reply:
    """One HTTP request on a fresh connection; redirects are not followed. Status 0: no answer at all."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        answer = connection.getresponse()
        return Reply(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read().decode())
    except (OSError, http.client.HTTPException) as exc:
        return Reply(0, {}, repr(exc))
    finally:
        connection.close()


def post_form(port: int, path: str, fields: Mapping[str, Any]) -> Reply:
    return request(
        port,
        "POST",
        path,
        urlencode(fields, doseq=True).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )


def all_at_once(count: int, send: Callable[[int], Reply]) -> list[Reply]:
    """`count` requests released together: every thread waits at a barrier, then sends."""
    barrier = threading.Barrier(count)

    def one(index: int) -> Reply:
        barrier.wait()
        return send(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    kind: str

    def stop(self) -> None:
        """Stop as its operator would: Ctrl-C for `make run`'s server, SIGTERM (a graceful stop) for gunicorn."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT if self.kind == "runserver" else signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]


@dataclass
class LiveSite:
    vendor: str
    env: dict[str, str]
    folder: Path
    waves: list[int]
    links: list[list[tuple[int, str]]]  # per wave: (link id, token)
    api_token: str
    servers: list[Server] = field(default_factory=list)

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    def answer_path(self, wave_index: int = 0, link_index: int = 0) -> str:
        return f"/s/{self.links[wave_index][link_index][1]}/"

    @contextlib.contextmanager
    def serve(
        self, kind: str = "runserver", env: Mapping[str, str] | None = None, ready_status: int = 200
    ) -> Iterator[Server]:
        """Start the site (`runserver`: `make run`'s server; `gunicorn`: 2 processes × 8 threads) and wait until the
        first link answers `ready_status`."""
        port = free_port()
        log = self.folder / f"server-{port}.log"
        if kind == "runserver":
            command = [_shared.PYTHON, str(_shared.ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"]
        else:
            gunicorn = str(Path(_shared.PYTHON).with_name("gunicorn"))
            command = [gunicorn, "shokuba.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
            command += ["--worker-class", "gthread", "--threads", "8", "--backlog", "2048", "--timeout", "120"]
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own manage.py / the venv's gunicorn
                command, env={**self.env, **(env or {})}, cwd=_shared.ROOT, stdout=out, stderr=subprocess.STDOUT
            )
        server = Server(process, port, log, kind)
        self.servers.append(server)
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the server stopped at start:\n{server.output()}")
                if request(port, "GET", self.answer_path(), timeout=5).status == ready_status:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer within 60 s:\n{server.output()}")
                time.sleep(0.3)
            yield server
        finally:
            server.stop()
            self.servers.remove(server)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read the scratch database directly (sqlite3 or psycopg), outside any server."""
        if self.vendor == "sqlite":
            connection = sqlite3.connect(self.database_url.removeprefix("sqlite:///"), timeout=30)
            try:
                return connection.execute(sql, tuple(params)).fetchall()
            finally:
                connection.close()
        import psycopg

        with psycopg.connect(self.database_url) as connection:
            return connection.execute(sql.replace("?", "%s"), tuple(params)).fetchall()  # type: ignore[arg-type]


def postgres_available() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@contextlib.contextmanager
def live_site(vendor: str) -> Iterator[LiveSite]:
    name = f"test_live_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with _shared.scratch_database(vendor, name, prefix="shokuba-live-", extra_env={"LOG_LEVEL": "WARNING"}) as (
        env,
        folder,
    ):
        created = subprocess.run(  # noqa: S603 - our own manage.py
            [_shared.PYTHON, str(_shared.ROOT / "manage.py"), "shell", "-c", SETUP_SCRIPT],
            env=env,
            cwd=_shared.ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        setup = json.loads(created.stdout.strip().splitlines()[-1])
        yield LiveSite(
            vendor=vendor,
            env=dict(env),
            folder=folder,
            waves=setup["waves"],
            links=[[(pk, token) for pk, token in wave] for wave in setup["links"]],
            api_token=setup["api_token"],
        )
