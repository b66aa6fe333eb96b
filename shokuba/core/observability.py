"""Operation: a request id on every request and log line, JSON logs, health and readiness, Prometheus metrics.

- Request id: `RequestIdMiddleware` takes the id nginx sends (`X-Request-ID`, when it is a plain token) or makes
  one, answers it in `X-Request-ID`, and keeps it in a context variable that `RequestIdFilter` copies onto every log
  record of the request, so one request's lines can be found together in the logs and on nginx's side.
- JSON logs (`LOG_FORMAT=json`, the production default): one object a line — time (UTC), level, logger, message,
  request id, and the exception's traceback when there is one. Never the client's address or user agent, never a
  request's query string or body: the formatter writes only these fields, whatever a record carries. The
  respondents' pages are not logged at all (core/request_logs.py).
- `/healthz`: the process answers (no database). `/readyz`: the database answers, no migration is pending and the
  private files folder is writable; 503 with the failing check's name otherwise (a load balancer's readiness probe).
- `/metrics`: django-prometheus (requests by view and method, latencies, database) plus ours — submissions
  (`shokuba_submissions_total`, by outcome), background tasks (`shokuba_tasks_total`, by task and outcome) and the
  queue (`shokuba_task_queue_oldest_seconds`, `shokuba_task_queue_ready`, read from the database when scraped).
  Only from `METRICS_ALLOWED_ADDRESSES` (default this machine) and never through the proxy (a forwarded request is
  refused): the figures are for the operators' Prometheus, not the public.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# --- request id --------------------------------------------------------------------------------------------------

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """First in MIDDLEWARE: every later line of the request carries its id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _TOKEN.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # for django.request's lines, logged after us
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request writes a 4xx/5xx line after the middleware chain returned: the request still knows its id.
        record.request_id = _request_id.get() or getattr(getattr(record, "request", None), "request_id", "")
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line, with only the fields named here (see the module's docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "") or _request_id.get()
        if request_id:
            entry["request_id"] = request_id
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# --- health and readiness ----------------------------------------------------------------------------------------


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def _database_ready() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _migrations_applied() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _private_files_writable() -> bool:
    folder = Path(settings.PRIVATE_FILES_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".ready-{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"")
    finally:
        probe.unlink(missing_ok=True)
    return True


READINESS_CHECKS: dict[str, Callable[[], bool]] = {
    "database": _database_ready,
    "migrations": _migrations_applied,
    "private_files": _private_files_writable,
}


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    results: dict[str, str] = {}
    for name, check in READINESS_CHECKS.items():
        try:
            results[name] = "ok" if check() else "failed"
        except Exception as exc:
            logging.getLogger(__name__).warning("readiness check %s failed: %s", name, type(exc).__name__)
            results[name] = "failed"
            if name == "database":
                results.update({other: "skipped" for other in READINESS_CHECKS if other != name})
                break
    ready = all(v == "ok" for v in results.values())
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": results}, status=200 if ready else 503)


# --- metrics -----------------------------------------------------------------------------------------------------

SUBMISSIONS = Counter("shokuba_submissions", "Survey answers received on the answering pages, by outcome.", ["outcome"])
TASKS = Counter("shokuba_tasks", "Background tasks finished, by task and outcome.", ["task", "outcome"])


def submission_counted(*, created: bool) -> None:
    """Called by the answering service for each submission it acknowledges (`created` false: a resend)."""
    SUBMISSIONS.labels(outcome="stored" if created else "repeated").inc()


def task_finished_counted(sender: Any, task_result: Any, **_kwargs: Any) -> None:
    """django-tasks' task_finished signal: count it under the task's name and final status."""
    status = getattr(getattr(task_result, "status", None), "name", str(getattr(task_result, "status", "")))
    TASKS.labels(task=task_result.task.name, outcome=status.lower()).inc()


class TaskQueueCollector(Collector):
    """The database queue's state, read when Prometheus scrapes (so every process reports the same figures)."""

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The names, for registration (without it prometheus_client would collect, i.e. query, at start-up)."""
        yield GaugeMetricFamily("shokuba_task_queue_ready", "Background tasks waiting for a worker.")
        yield GaugeMetricFamily(
            "shokuba_task_queue_oldest_seconds", "Seconds the oldest waiting background task has waited (0: none)."
        )

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult

        try:
            ready = DBTaskResult.objects.ready()
            count = ready.count()
            oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        except Exception:
            return
        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        queued = GaugeMetricFamily("shokuba_task_queue_ready", "Background tasks waiting for a worker.")
        queued.add_metric([], count)
        yield queued
        waiting = GaugeMetricFamily(
            "shokuba_task_queue_oldest_seconds", "Seconds the oldest waiting background task has waited (0: none)."
        )
        waiting.add_metric([], age)
        yield waiting


_installed = False


def metrics_install() -> None:
    """From CoreConfig.ready(): the queue collector once per process, task counts from django-tasks' signal."""
    global _installed
    if _installed:
        return
    from django_tasks.signals import task_finished

    REGISTRY.register(TaskQueueCollector())
    task_finished.connect(task_finished_counted, dispatch_uid="shokuba.metrics.task_finished")
    _installed = True


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The exposition of django-prometheus's and our metrics, for the allowed addresses only and never through
    the proxy. Under several gunicorn workers (PROMETHEUS_MULTIPROC_DIR set, see docs/operations.md) the
    counters of every worker are summed by prometheus_client's multiprocess collector."""
    allowed = set(settings.METRICS_ALLOWED_ADDRESSES)
    if request.META.get("REMOTE_ADDR") not in allowed or "HTTP_X_FORWARDED_FOR" in request.META:
        return HttpResponseForbidden("metrics are for the operators' Prometheus only\n", content_type="text/plain")
    registry: CollectorRegistry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(TaskQueueCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
