"""Worker processes for the tests of core.task_workers and of the apps' job recoveries: a real child process holds a
worker's lock (as `manage.py db_worker` does), and ends normally or is killed; task results as the database
backend stores them."""

from __future__ import annotations

import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]

_CHILD = """
import sys
from django.conf import settings
settings.configure(PRIVATE_FILES_DIR=sys.argv[1], USE_TZ=True)
from shokuba.core.task_workers import worker_lock_hold
assert worker_lock_hold(sys.argv[2])
print("held", flush=True)
sys.stdin.read()  # until the test closes it (a normal end) or kills the process
"""


class WorkerProcess:
    """A child process holding the lock of worker `worker_id`, like a running db_worker."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.process = subprocess.Popen(  # noqa: S603 - our own code
            [sys.executable, "-c", _CHILD, str(settings.PRIVATE_FILES_DIR), worker_id],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "held"

    def kill(self) -> None:
        """SIGKILL: nothing of the process runs any more, as when the kernel's OOM killer ends a worker."""
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL
        self._close()

    def end(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=30) == 0
        self._close()

    def _close(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None and not stream.closed:
                stream.close()


@pytest.fixture
def worker_processes() -> Iterator[Any]:
    """A factory of worker processes (`worker_processes()` → a running WorkerProcess); all ended after the test."""
    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(f"test-{secrets.token_hex(8)}")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()


def dead_worker(worker_processes: Any) -> str:
    """The id of a worker of this machine whose process was killed."""
    worker = worker_processes()
    worker.kill()
    return str(worker.worker_id)


EXPORT_TASK = "shokuba.surveys.export_jobs.export_job_task"


def task_result(status: str, worker_id: str = "", task_path: str = EXPORT_TASK) -> str:
    """A task result as django_tasks_db stores it (READY, RUNNING on `worker_id`, …); returns its id."""
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [0], "kwargs": {}},
        task_path=task_path,
        backend_name="default",
        queue_name="default",
        worker_ids=[worker_id] if worker_id else [],
    )
    return str(row.id)
