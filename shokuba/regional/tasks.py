"""Background work for regional statistics (django-tasks; the database backend's worker is `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from shokuba.regional import services


@task()
def import_job_task(job_id: int) -> None:
    services.import_job_run(job_id)
