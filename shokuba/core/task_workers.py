"""Background task workers (django-tasks' database backend): which are alive, and the jobs of those that died.

A worker killed mid-task (SIGKILL, out of memory, a restarted container) leaves its task result RUNNING forever, and
the job a page shows (a survey export, a statistics import) "running" with its temporary file behind. So:

- Every worker started by `manage.py db_worker` (core/management/commands/db_worker.py) holds an exclusive lock on
  `PRIVATE_FILES_DIR/task-workers/<worker id>.lock` for as long as its process lives; the file also names the
  machine. The operating system drops the lock when the process ends, however it ends.
- When a worker starts, `dead_workers_recover()` looks at every RUNNING task result: if its worker's lock file was
  written on this machine and the lock can be taken, that worker is gone, and the task result is marked FAILED at
  once. Then each app's registered job recovery (`job_recovery_register`, called from the app's
  AppConfig.ready, so core imports no domain app) fails its unfinished jobs whose task result will never finish —
  with a Japanese message to ask again — and removes their temporary files.
- A worker on another machine cannot be judged from here (its lock file names another host, or is not in the shared
  folder at all); its jobs are left to each app's own fallback (exports: 10 minutes without a heartbeat).

Failed, not run again: a task whose worker died may well be what killed it (a file too large for the memory), and
would kill the next worker too. The person who asked sees the failure and can ask again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone

try:
    import fcntl
except ImportError:  # Windows: no flock; every worker is then "cannot tell" and the apps' fallbacks apply
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

WORKERS_DIR = "task-workers"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# The lock of this process's own worker, held open until the process ends.
_held: dict[str, IO[str]] = {}


class WorkerLost(Exception):
    """Recorded as the failure of a task whose worker process was gone."""


def workers_dir() -> Path:
    path = Path(settings.PRIVATE_FILES_DIR) / WORKERS_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def _lock_path(worker_id: str) -> Path:
    name = worker_id if _SAFE_ID.match(worker_id) else hashlib.sha256(worker_id.encode()).hexdigest()
    return workers_dir() / f"{name}.lock"


def _host_of(text: str) -> str:
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key == "host":
            return value
    return ""


def worker_lock_hold(worker_id: str) -> bool:
    """Take this process's worker lock for `worker_id` and keep it until the process ends. False when locks are not
    available here (the worker still runs; others just cannot tell when it dies)."""
    if fcntl is None:
        return False
    handle = _lock_path(worker_id).open("a+", encoding="utf-8")
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a fresh random id: nobody else holds it
    # Written only once the lock is held: a reader that sees the host sees a held lock while the worker lives.
    handle.truncate(0)
    handle.write(f"host={socket.gethostname()}\npid={os.getpid()}\nstarted={timezone.now().isoformat()}\n")
    handle.flush()
    _held[worker_id] = handle
    return True


@contextlib.contextmanager
def _lock_if_dead(path: Path) -> Any:
    """Yield True while holding the lock of a worker of this machine that is gone, False if it is alive, None when
    this machine cannot tell (another host's worker, no lock file, no locks here)."""
    if fcntl is None:
        yield None
        return
    try:
        handle = path.open("r", encoding="utf-8")
    except FileNotFoundError:
        yield None
        return
    with handle:
        if _host_of(handle.read()) != socket.gethostname():
            yield None
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def worker_is_gone(worker_id: str) -> bool | None:
    """True when the worker ran on this machine and its process has ended, False while it runs, None when this
    machine cannot tell."""
    with _lock_if_dead(_lock_path(worker_id)) as gone:
        return gone


def task_results_of_dead_workers_fail() -> list[str]:
    """Mark FAILED every RUNNING task result whose worker (the last to claim it) is gone; returns their ids."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    failed: list[str] = []
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("id", "worker_ids")
    for task_id, worker_ids in running:
        worker = worker_ids[-1] if worker_ids else ""
        if not worker or worker in _held:
            continue
        with _lock_if_dead(_lock_path(worker)) as gone:
            if not gone:
                continue
            updated = DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                return_value=None,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: the process of worker {worker} ended while it ran this task "
                f"(found by a worker starting on {socket.gethostname()}, pid {os.getpid()}).\n",
            )
            if updated:
                failed.append(str(task_id))
                logger.warning("task %s failed: its worker %s is gone", task_id, worker)
    return failed


def task_results_unfinishable(ids: Iterable[str]) -> set[str]:
    """Of the given task result ids, those that will never run or finish any more: finished (successful or failed,
    e.g. by `task_results_of_dead_workers_fail`) or unknown to the backend. A job still waiting for one of them has
    lost its task."""
    from django.core.exceptions import ValidationError
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    wanted = {str(i) for i in ids if i}
    if not wanted:
        return set()
    try:
        alive = DBTaskResult.objects.filter(
            id__in=wanted, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).values_list("id", flat=True)
        return wanted - {str(i) for i in alive}
    except ValidationError:  # an id that is not a UUID: not this backend's, so nothing will run it either
        return wanted


def dead_worker_locks_remove() -> int:
    """Remove the lock files of this machine's workers that are gone (one per worker start otherwise)."""
    removed = 0
    for path in workers_dir().glob("*.lock"):
        with _lock_if_dead(path) as gone:
            if gone:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


@dataclass(frozen=True)
class JobRecovery:
    """An app's recovery of its own jobs: fail the unfinished ones whose task result is unfinishable (see
    `task_results_unfinishable`) and remove their temporary files; returns how many jobs it failed."""

    name: str
    recover: Callable[[], int]


_recoveries: dict[str, JobRecovery] = {}


def job_recovery_register(name: str, recover: Callable[[], int]) -> None:
    """Called by an app's AppConfig.ready()."""
    _recoveries[name] = JobRecovery(name, recover)


def job_recoveries() -> list[JobRecovery]:
    return list(_recoveries.values())


def dead_workers_recover() -> dict[str, int]:
    """What a starting worker does first: fail the tasks of dead workers of this machine, let every app fail its jobs
    that lost their task and remove their files, and remove the dead workers' lock files. Returns the number of
    jobs failed per app (and of task results as "tasks")."""
    counts = {"tasks": len(task_results_of_dead_workers_fail())}
    for recovery in job_recoveries():
        counts[recovery.name] = recovery.recover()
    dead_worker_locks_remove()
    return counts
