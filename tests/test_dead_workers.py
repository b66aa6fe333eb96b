"""A worker killed in the middle of an export, with real processes: `manage.py db_worker` runs the export job, is
killed with SIGKILL while the job is running and its partial file is on disk, and a new worker starts. The job must
be failed by the starting worker (not by the 10-minute stall rule), with the Japanese message to ask again, its task
result failed, its partial file and the dead worker's lock file gone, and the new worker must go on running.

Everything runs out of this test process, against a scratch database of the suite's own kind: a SQLite file, or
a fresh PostgreSQL database on the server of DATABASE_URL (dropped afterwards). The poll loops have generous bounds
only so that a broken worker fails the test instead of hanging it; nothing is timed.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Responses in the wave: enough rows that the XLSX job runs for a few seconds (the rows are built in Python).
RESPONSES = 20000
BOUND_SECONDS = 300


@dataclass
class Scratch:
    env: dict[str, str]
    url: str
    var: Path
    logs: Path

    @property
    def exports(self) -> Path:
        return self.var / "private" / "survey-exports"

    @property
    def worker_locks(self) -> Path:
        return self.var / "private" / "task-workers"

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own commands
            [PYTHON, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=BOUND_SECONDS
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def worker(self, worker_id: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{worker_id}.log").open("wb")
        return subprocess.Popen(  # noqa: S603 - our own command
            [PYTHON, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--worker-id", worker_id],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def log(self, worker_id: str) -> str:
        return (self.logs / f"{worker_id}.log").read_text(errors="replace")[-3000:]

    def query(self, sql: str, *params: Any) -> tuple[Any, ...]:
        """One row of a query on the scratch database (placeholders as %s)."""
        if self.url.startswith("sqlite"):
            with contextlib.closing(sqlite3.connect(urlsplit(self.url).path)) as db:
                row = db.execute(sql.replace("%s", "?"), params).fetchone()
        else:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as db:
                row = db.execute(sql, params).fetchone()  # type: ignore[arg-type]
        assert row is not None, sql
        return tuple(row)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Scratch]:
    var = tmp_path / "var"
    logs = tmp_path / "logs"
    logs.mkdir()
    postgresql = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    server = os.environ.get("DATABASE_URL", "")
    name = f"shokuba_dead_workers_{secrets.token_hex(4)}"
    if postgresql:
        import psycopg

        url = _with_database(server, name)
        with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
    else:
        url = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shokuba.settings.base",
        "DATABASE_URL": url,
        "SHOKUBA_VAR_DIR": str(var),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    env.pop("SHOKUBA_PRIVATE_FILES_DIR", None)
    try:
        scratch = Scratch(env=env, url=url, var=var, logs=logs)
        scratch.run("manage.py", "migrate", "--noinput")
        yield scratch
    finally:
        if postgresql:
            import psycopg

            with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _wait(condition: Any, what: str, worker: subprocess.Popen[bytes], log: Callable[[], str]) -> Any:
    deadline = time.monotonic() + BOUND_SECONDS
    while True:
        found = condition()
        if found:
            return found
        assert worker.poll() is None, f"the worker ended while waiting for {what}: {log()}"
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


def _stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_a_worker_killed_mid_export_is_found_by_the_next_worker(scratch: Scratch) -> None:
    from shokuba.core.task_workers import WorkerLost
    from shokuba.surveys.export_jobs import lost_message

    made = json.loads(scratch.run("tests/dead_worker_scenario.py", "export", str(RESPONSES)).strip().splitlines()[-1])
    job, task = made["job"], made["task"]

    def job_state() -> tuple[str, str]:
        status, message = scratch.query("SELECT status, message FROM surveys_exportjob WHERE id = %s", job)
        return str(status), str(message)

    def partial_files() -> list[Path]:
        return sorted(scratch.exports.glob(f".{job}.*.part"))

    first_id = f"first-{secrets.token_hex(8)}"
    first = scratch.worker(first_id)
    try:

        def running_with_its_files() -> bool:
            """Running, with its rows streaming into its partial file."""
            status, _message = job_state()
            assert status in {"queued", "running"}, f"the export ended ({status}) before it could be killed"
            return status == "running" and any(path.stat().st_size for path in partial_files())

        _wait(running_with_its_files, "the export to run", first, lambda: scratch.log(first_id))
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=30) == -signal.SIGKILL
    finally:
        _stop(first)

    def task_state() -> tuple[str, str]:
        # SQLite stores a UUID as 32 hex digits, PostgreSQL as a uuid.
        key = task.replace("-", "") if scratch.url.startswith("sqlite") else task
        status, failure = scratch.query(
            "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult WHERE id = %s", key
        )
        return str(status), str(failure)

    # What the issue found: the job says it is running, its partial file stays, the task result too.
    assert job_state()[0] == "running" and partial_files()
    assert task_state() == ("RUNNING", "")
    assert (scratch.worker_locks / f"{first_id}.lock").is_file()

    second_id = f"second-{secrets.token_hex(8)}"
    second = scratch.worker(second_id)
    try:
        # The worker recovers before it takes tasks, then says it starts.
        started = f"Starting worker worker_id={second_id}"
        second_log = lambda: scratch.log(second_id)  # noqa: E731 - read again at each look
        _wait(lambda: started in second_log(), "the new worker to start", second, second_log)
        assert "jobs of dead workers failed: {'tasks': 1, 'surveys.export_jobs': 1" in scratch.log(second_id)
        status, message = job_state()
        with translation.override("ja"):
            assert (status, message) == ("failed", lost_message())  # the starting worker's, not the stall rule's
        assert partial_files() == []
        assert task_state() == ("FAILED", f"{WorkerLost.__module__}.{WorkerLost.__qualname__}")
        assert not (scratch.worker_locks / f"{first_id}.lock").exists()
        assert (scratch.worker_locks / f"{second_id}.lock").is_file()
        assert second.poll() is None, scratch.log(second_id)  # and the new worker goes on serving the queue
    finally:
        _stop(second)


def test_a_worker_killed_mid_import_is_found_by_the_next_worker(scratch: Scratch) -> None:
    """The same with a regional statistics import (a full year of 表11-3): killed while it reads and writes, the
    next worker fails the job with the message to import again, removes the uploaded file, and the database holds
    nothing of the import (it writes in one transaction)."""
    from shokuba.core.task_workers import WorkerLost

    made = json.loads(scratch.run("tests/dead_worker_scenario.py", "import").strip().splitlines()[-1])
    job, task, upload = made["job"], made["task"], scratch.var / "private" / "regional-imports" / made["upload"]
    assert upload.is_file()

    def job_state() -> tuple[str, int, list[str]]:
        status, progress, errors = scratch.query(
            "SELECT status, progress, errors FROM regional_importjob WHERE id = %s", job
        )
        return str(status), int(progress), json.loads(errors) if isinstance(errors, str) else errors

    def imported() -> tuple[int, int]:
        return (
            int(scratch.query("SELECT count(*) FROM regional_statisticsimport")[0]),
            int(scratch.query("SELECT count(*) FROM regional_agesexfigures")[0]),
        )

    assert imported() == (0, 0)
    first_id = f"first-{secrets.token_hex(8)}"
    first = scratch.worker(first_id)
    try:

        def in_the_middle() -> bool:
            """Running and past its start (the progress the import reports while it reads the workbook)."""
            status, progress, _errors = job_state()
            assert status in {"queued", "running"}, f"the import ended ({status}) before it could be killed"
            return status == "running" and progress > 0

        _wait(in_the_middle, "the import to run", first, lambda: scratch.log(first_id))
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=30) == -signal.SIGKILL
    finally:
        _stop(first)

    key = task.replace("-", "") if scratch.url.startswith("sqlite") else task
    assert job_state()[0] == "running" and upload.is_file()
    second_id = f"second-{secrets.token_hex(8)}"
    second = scratch.worker(second_id)
    try:
        started = f"Starting worker worker_id={second_id}"
        second_log = lambda: scratch.log(second_id)  # noqa: E731 - read again at each look
        _wait(lambda: started in second_log(), "the new worker to start", second, second_log)
        assert "'regional.imports': 1" in scratch.log(second_id)
        status, _progress, errors = job_state()
        assert status == "failed"
        assert errors == [
            "取込の処理が途中で止まりました（サーバーの処理が中断されました）。何も変更していません。"
            "もう一度ファイルを選んで取り込んでください。"
        ]
        assert not upload.exists()
        assert imported() == (0, 0)
        status_failure = scratch.query(
            "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult WHERE id = %s", key
        )
        assert status_failure == ("FAILED", f"{WorkerLost.__module__}.{WorkerLost.__qualname__}")
        assert second.poll() is None, scratch.log(second_id)
    finally:
        _stop(second)
