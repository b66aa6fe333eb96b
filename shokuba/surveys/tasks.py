"""Background work for surveys (django-tasks; the database backend's worker is `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from shokuba.surveys import export_jobs


@task()
def export_job_task(job_id: int) -> None:
    export_jobs.export_job_run(job_id)
