"""`manage.py db_worker`: django-tasks' database worker, which first deals with the jobs of workers that died.

This command replaces django_tasks_db's of the same name (core comes first in INSTALLED_APPS), so `make run`, a
production service and the tests all start workers the same way. Before taking tasks, the worker holds its own
lock (core.task_workers: the operating system releases it when the process ends, however it ends) and runs
`dead_workers_recover()`: the tasks of this machine's dead workers are failed at once, each app fails its jobs
that lost their task and removes their temporary files.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from shokuba.core.task_workers import dead_workers_recover, worker_lock_hold


class Command(DatabaseWorkerCommand):
    help = "Run a database background worker (first failing the jobs of workers that died on this machine)"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # A fresh id in every process (also in the autoreloader's child, which runs the tasks).
        parser.set_defaults(worker_id=get_random_string(32))

    def handle(self, *args: Any, **options: Any) -> None:
        reloader_parent = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not reloader_parent:  # the autoreloader's parent only restarts the child, which runs the tasks
            worker_id = options["worker_id"]
            try:
                worker_lock_hold(worker_id)
            except BlockingIOError as exc:
                raise CommandError(f"worker id {worker_id!r} is in use by a running worker") from exc
            counts = dead_workers_recover()
            if any(counts.values()):
                self.stderr.write(f"jobs of dead workers failed: {counts}")
        super().handle(*args, **options)
