"""Statistics imports whose worker died: a starting worker fails them at once and removes the uploaded file they
were reading (core.task_workers, the same mechanism as the survey exports')."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shokuba.core.task_workers import dead_workers_recover
from shokuba.core.tests.workers import dead_worker, task_result, worker_processes  # noqa: F401 - a fixture
from shokuba.regional.models import ImportJob, ImportJobStatus, StatisticsImport
from shokuba.regional.services import import_files_dir

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_uploads_left() -> Iterator[None]:
    """The living and the waiting job's uploads stay on purpose; later tests of the folder must not find them."""
    yield
    for path in import_files_dir().glob("*.upload"):
        path.unlink()


TASK = "shokuba.regional.services.import_job_task"


def import_job(status: str, task: str, upload: bytes | None = b"\xef\xbb\xbf" + "全国,…\n".encode()) -> ImportJob:
    stored_name = ""
    if upload is not None:
        stored_name = f"{task.replace('-', '')}.upload"
        (import_files_dir() / stored_name).write_bytes(upload)
    return ImportJob.objects.create(
        table="11-3",
        year=2024,
        source="file",
        source_name="b01103s.csv",
        stored_name=stored_name,
        status=status,
        started_at=timezone.now() if status == ImportJobStatus.RUNNING else None,
        task_result_id=task,
    )


def test_a_starting_worker_fails_the_imports_of_a_dead_worker_and_removes_their_uploads(
    secretariat: Any,
    worker_processes: Any,  # noqa: F811
) -> None:
    alive = worker_processes()
    dead = dead_worker(worker_processes)
    lost = import_job(ImportJobStatus.RUNNING, task_result("RUNNING", dead, TASK))
    working = import_job(ImportJobStatus.RUNNING, task_result("RUNNING", alive.worker_id, TASK))
    waiting = import_job(ImportJobStatus.QUEUED, task_result("READY", task_path=TASK))
    api = import_job(ImportJobStatus.RUNNING, task_result("RUNNING", dead, TASK), upload=None)  # e-Stat API

    counts = dead_workers_recover()

    assert counts == {"tasks": 2, "surveys.export_jobs": 0, "regional.imports": 2, "plans.report_jobs": 0}
    for job in (lost, api):
        job.refresh_from_db()
        assert job.status == ImportJobStatus.FAILED and job.finished_at is not None
        assert job.message == "取り込めませんでした。"
        assert job.errors == [
            "取込の処理が途中で止まりました（サーバーの処理が中断されました）。何も変更していません。"
            "もう一度ファイルを選んで取り込んでください。"
        ]
    assert not (import_files_dir() / lost.stored_name).exists()
    for job in (working, waiting):
        job.refresh_from_db()
        assert job.status in (ImportJobStatus.RUNNING, ImportJobStatus.QUEUED) and job.finished_at is None
        assert (import_files_dir() / job.stored_name).exists()  # still to be read by its worker
    assert not StatisticsImport.objects.exists()  # nothing was written

    # The job's page stops waiting and says what to do.
    client = Client()
    client.force_login(secretariat)
    page = client.get(f"/regional/imports/jobs/{lost.pk}/").content.decode()
    assert "もう一度ファイルを選んで取り込んでください" in page and 'http-equiv="refresh"' not in page
