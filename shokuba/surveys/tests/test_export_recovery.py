"""Export jobs whose worker died: a starting worker fails them at once and removes their partial files
(core.task_workers; tests/test_dead_workers.py does it with real db_worker processes and a real export)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from shokuba.core.task_workers import dead_workers_recover
from shokuba.core.tests.workers import dead_worker, task_result, worker_processes  # noqa: F401 - a fixture
from shokuba.surveys import export_jobs
from shokuba.surveys.models import ExportJob, ExportJobStatus, Wave, WaveLink
from shokuba.surveys.tests.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_partial_files_left() -> Iterator[None]:
    """The living worker's partial file stays on purpose; later tests of the folder must not find it."""
    yield
    for path in export_jobs.export_files_dir().glob(".*.part"):
        path.unlink()


def job_of(user: Any, wave: Wave, status: str, task: str) -> tuple[ExportJob, Any]:
    """A job in `status` served by task result `task`, with the partial file its worker would be writing."""
    job = ExportJob.objects.create(
        member_id=wave.member_id, wave=wave, file_format="csv", total=10, created_by=user, task_result_id=task
    )
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status=status, started_at=now, heartbeat_at=now)
    partial = export_jobs.export_files_dir() / f".{job.pk}.{'ab' * 16}.csv.part"
    partial.write_bytes(b"\xef\xbb\xbf\xe5\x9b\x9e\xe7\xad\x94ID\r\n")
    job.refresh_from_db()
    return job, partial


def test_a_starting_worker_fails_the_jobs_of_a_dead_worker_and_removes_their_files(
    coordinator: Any,
    link: WaveLink,
    worker_processes: Any,  # noqa: F811
) -> None:
    alive = worker_processes()
    dead = dead_worker(worker_processes)
    lost, lost_partial = job_of(coordinator, link.wave, ExportJobStatus.RUNNING, task_result("RUNNING", dead))
    working, working_partial = job_of(
        coordinator, link.wave, ExportJobStatus.RUNNING, task_result("RUNNING", alive.worker_id)
    )
    waiting, _ = job_of(coordinator, link.wave, ExportJobStatus.QUEUED, task_result("READY"))
    waiting_partial = export_jobs.export_files_dir() / f".{waiting.pk}.{'ab' * 16}.csv.part"
    waiting_partial.unlink()  # a queued job has written nothing yet

    counts = dead_workers_recover()

    assert counts == {"tasks": 1, "surveys.export_jobs": 1, "regional.imports": 0, "plans.report_jobs": 0}
    lost.refresh_from_db()
    with translation.override("ja"):
        assert (lost.status, lost.message) == (ExportJobStatus.FAILED, export_jobs.lost_message())
    assert lost.finished_at is not None and not lost_partial.exists()
    for job in (working, waiting):
        before = job.status
        job.refresh_from_db()
        assert job.status == before  # a living worker's job and a waiting one are left alone
    assert working_partial.exists()

    # The job's page and the API tell the requester to ask again.
    page = logged_in(coordinator).get(reverse("surveys:export_job", args=[lost.pk]))
    assert page.status_code == 200 and "もう一度ファイルを作成してください" in page.content.decode()
    api = logged_in(coordinator).get(f"/api/v1/surveys/exports/{lost.pk}")
    assert api.json()["status"] == "failed"


def test_a_job_the_stall_rule_failed_loses_its_partial_file_once_its_task_is_over(
    coordinator: Any,
    link: WaveLink,
    worker_processes: Any,  # noqa: F811
) -> None:
    """A job already marked failed (10 minutes silent) whose worker then turns out to be dead: its file goes too."""
    dead = dead_worker(worker_processes)
    job, partial = job_of(coordinator, link.wave, ExportJobStatus.FAILED, task_result("RUNNING", dead))

    assert dead_workers_recover()["surveys.export_jobs"] == 0  # already failed, so not counted again
    assert not partial.exists()
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED


def test_partial_files_carry_the_job_id_and_a_finished_job_leaves_none(coordinator: Any, link: WaveLink) -> None:
    from shokuba.surveys.tests.test_export_jobs import answer, run

    answer(link)
    job = run(coordinator, link.wave, "csv")
    assert job.status == ExportJobStatus.SUCCEEDED
    assert list(export_jobs.export_files_dir().glob(f".{job.pk}.*.part")) == []
    assert export_jobs._PARTIAL_NAME.match(f".{job.pk}.{job.stored_name}.part")
