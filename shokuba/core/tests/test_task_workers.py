"""Which background workers are alive, and what a starting worker does with the tasks of the dead ones.

The workers here are real child processes holding their lock the way `manage.py db_worker` does; "dead" is a
process that was killed with SIGKILL (tests/test_dead_workers.py does the same with real db_worker processes and a
real export).
"""

from __future__ import annotations

import socket
import uuid
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from shokuba.core.task_workers import (
    WorkerLost,
    dead_workers_recover,
    job_recoveries,
    task_results_unfinishable,
    worker_is_gone,
    worker_lock_hold,
    workers_dir,
)
from shokuba.core.tests.workers import dead_worker, task_result, worker_processes  # noqa: F401 - a fixture


def test_a_worker_is_alive_while_its_process_runs_and_gone_once_killed(worker_processes: Any) -> None:  # noqa: F811
    worker = worker_processes()
    assert worker_is_gone(worker.worker_id) is False
    assert worker_is_gone(worker.worker_id) is False  # looking does not take the lock away
    worker.kill()
    assert worker_is_gone(worker.worker_id) is True


def test_a_worker_that_ended_normally_is_gone_too(worker_processes: Any) -> None:  # noqa: F811
    worker = worker_processes()
    worker.end()
    assert worker_is_gone(worker.worker_id) is True


def test_this_process_own_worker_is_alive() -> None:
    assert worker_lock_hold("test-own-worker")
    assert worker_is_gone("test-own-worker") is False


def test_workers_this_machine_cannot_judge() -> None:
    """A worker of another machine (its lock file says so), or one without a lock file (started elsewhere, or by
    django_tasks_db's own command), is left to the apps' fallbacks."""
    (workers_dir() / "test-elsewhere.lock").write_text("host=another-machine\npid=1\n", encoding="utf-8")
    assert worker_is_gone("test-elsewhere") is None
    assert worker_is_gone("test-never-seen") is None
    assert socket.gethostname() != "another-machine"


@pytest.mark.django_db
def test_a_starting_worker_fails_only_the_tasks_of_dead_workers_of_this_machine(
    worker_processes: Any,  # noqa: F811
) -> None:
    alive = worker_processes()
    dead = dead_worker(worker_processes)
    (workers_dir() / "test-far.lock").write_text("host=another-machine\n", encoding="utf-8")
    tasks = {
        "dead": task_result("RUNNING", dead),
        "alive": task_result("RUNNING", alive.worker_id),
        "far": task_result("RUNNING", "test-far"),
        "unknown": task_result("RUNNING", "test-no-lock-file"),
        "waiting": task_result("READY"),
    }

    counts = dead_workers_recover()

    assert counts["tasks"] == 1
    states = dict(DBTaskResult.objects.values_list("id", "status"))
    assert {name: states[uuid.UUID(i)] for name, i in tasks.items()} == {
        "dead": "FAILED",
        "alive": "RUNNING",
        "far": "RUNNING",
        "unknown": "RUNNING",
        "waiting": "READY",
    }
    failed = DBTaskResult.objects.get(id=tasks["dead"])
    assert failed.exception_class_path == f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
    assert dead in failed.traceback and failed.finished_at is not None
    # The dead worker's lock file is removed; the living one's and the far one's stay.
    assert not (workers_dir() / f"{dead}.lock").exists()
    assert (workers_dir() / f"{alive.worker_id}.lock").exists() and (workers_dir() / "test-far.lock").exists()

    assert dead_workers_recover()["tasks"] == 0  # a second start finds nothing more


@pytest.mark.django_db
def test_unfinishable_task_results() -> None:
    ready, running = task_result("READY"), task_result("RUNNING", "test-x")
    done, failed = task_result("SUCCESSFUL"), task_result("FAILED")
    missing = "7b0a8f8e-5d6c-4d1e-9a53-2b8f3c2d9e10"
    assert task_results_unfinishable([ready, running, done, failed, missing, ""]) == {done, failed, missing}
    assert task_results_unfinishable(["not-a-uuid"]) == {"not-a-uuid"}
    assert task_results_unfinishable([]) == set()


def test_every_app_with_background_jobs_registers_its_recovery() -> None:
    assert {recovery.name for recovery in job_recoveries()} == {
        "surveys.export_jobs",
        "regional.imports",
        "plans.report_jobs",
    }
