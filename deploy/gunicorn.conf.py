"""gunicorn for Shokuba behind nginx (docs/operations.md). Every value can be overridden from the environment."""

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Threads serve the answering pages' waits on the database; one process per core.
workers = int(os.environ.get("GUNICORN_WORKERS", str(os.cpu_count() or 2)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
backlog = 2048
timeout = 120
graceful_timeout = 30
max_requests = 5000
max_requests_jitter = 500
# Logs on standard error for journald; the access log is nginx's (no client addresses here either).
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def on_starting(server):
    """Prometheus' multiprocess folder starts empty, or old workers' counters would be summed forever."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """A worker's start-up objects (modules, models, URL patterns, translations) moved out of the collector's reach:
    without this every full collection walks some 200,000 long-lived objects, 20-90 ms on an idle 2-core machine
    (and several hundred under load), which made the slowest twentieth of requests (the public member page's p95:
    132 ms against a median of 38 ms). `gc.freeze()` (Python 3.7+) keeps them alive and unscanned."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view before freezing
    gc.collect()
    gc.freeze()
