"""Rate limiting in the cache: survey submissions (per answering link). Login failures are counted by
django-axes (core/lockout.py)."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading
import time

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils import timezone

logger = logging.getLogger(__name__)

_local_lock = threading.Lock()
# (key, window number) -> [hits not yet added to the cache, total last read from the cache]
_local_counts: dict[tuple[str, int], list[int]] = {}


def rate_limit_hit(*, key: str, limit: int, window_seconds: int, batch: int = 1) -> bool:
    """Count one hit against `key` in a fixed window; True when this hit goes over `limit`.

    Used for the anonymous survey links (per link, never per address: respondents' addresses are not kept, not
    even in the cache). With `batch` > 1 each process adds its hits to the shared cache `batch` at a time (one
    cache write per `batch` hits instead of one per hit: the database cache makes every write a commit); the
    decision uses the shared total plus the process's own unsent hits, so one process is exact and several
    together may overshoot by at most (processes × batch).

    A window's shared count says how many answers a link took in that minute, so it must not outlive the minute:
    every write of a window sets the same expiry (the window's end, so the row carries no finer time than the
    window itself), and the process that wrote it deletes it when the window ends (`_delete_when_over`).
    """
    if limit <= 0:
        return False
    window = int(time.time() // window_seconds)
    slot = (key, window)
    with _local_lock:
        counts = _local_counts.get(slot)
        if counts is None:
            for stale in [k for k in _local_counts if k[1] < window]:
                del _local_counts[stale]
            counts = _local_counts[slot] = [0, 0]
        counts[0] += 1
        unsent = counts[0] if counts[0] >= batch else 0
        if unsent:
            counts[0] = 0
    if unsent:
        bucket = f"rate:{key}:{window}"
        ends_at = (window + 1) * window_seconds
        total = _bucket_add(bucket, unsent, expires_at=ends_at + 1)
        _delete_when_over(bucket, ends_at)
        with _local_lock:
            counts[1] = total
    with _local_lock:
        return counts[1] + counts[0] > limit


def _bucket_add(bucket: str, hits: int, *, expires_at: float) -> int:
    """Add `hits` to the shared bucket (created if missing) and return its total. Not `cache.incr`: Django's incr
    writes the value back with the default timeout, i.e. an expiry that tells the moment of the write. Read first:
    the bucket usually exists, and a refused `add` on the database cache is an INSERT rolled back to a savepoint —
    which also makes psycopg drop every prepared statement of the connection (the survey submission's among them).
    Like incr on the database cache, two processes adding at the same instant may count one batch once."""
    current = cache.get(bucket)
    if current is None:
        if cache.add(bucket, hits, timeout=max(expires_at - time.time(), 1)):
            return hits
        current = cache.get(bucket, 0)
    total = int(current) + hits
    cache.set(bucket, total, timeout=max(expires_at - time.time(), 1))
    return total


# Buckets this process wrote, by the moment their window ends; a daemon thread deletes them then.
_sweep_condition = threading.Condition()
_expiring: dict[float, set[str]] = {}
_sweeper: threading.Thread | None = None
SWEEP_RETRY_SECONDS = 5.0


def _delete_when_over(bucket: str, ends_at: float) -> None:
    global _sweeper
    with _sweep_condition:
        _expiring.setdefault(ends_at, set()).add(bucket)
        if _sweeper is None or not _sweeper.is_alive():
            _sweeper = threading.Thread(target=_sweep_forever, name="rate-limit-sweeper", daemon=True)
            _sweeper.start()
        _sweep_condition.notify()


def _sweep_forever() -> None:
    while True:
        with _sweep_condition:
            while True:
                now = time.time()
                due = [moment for moment in _expiring if moment <= now]
                if due:
                    break
                _sweep_condition.wait(timeout=min(_expiring) - now if _expiring else None)
            buckets = set().union(*(_expiring.pop(moment) for moment in due))
        rate_buckets_delete(buckets)


def rate_buckets_delete(buckets: set[str]) -> None:
    """Delete these buckets and, on the database cache, every expired row (a bucket whose writer was killed before
    its window ended is expired one second after it). On failure (the database locked or down) try again later."""
    try:
        cache.delete_many(buckets)
        _delete_expired_rows()
    except Exception:
        logger.warning("rate limit: could not delete %d expired buckets yet", len(buckets), exc_info=True)
        with _sweep_condition:
            _expiring.setdefault(time.time() + SWEEP_RETRY_SECONDS, set()).update(buckets)
    finally:
        connections.close_all()  # this thread's own connections: the sweeper sleeps for a minute at a time


def _delete_expired_rows() -> None:
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, DatabaseCache):
        return
    connection = connections[router.db_for_write(backend.cache_model_class)]
    now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(backend._table)  # type: ignore[attr-defined]
        expires = connection.ops.quote_name("expires")
        cursor.execute(f"DELETE FROM {table} WHERE {expires} < %s", [now])  # noqa: S608 - fixed identifiers


def _delete_pending_at_exit() -> None:
    """A process stopping (a restart, Ctrl-C) deletes the buckets it wrote instead of leaving them behind; the
    other processes' counts for the current window start again from their own hits."""
    with _sweep_condition:
        buckets = set().union(*_expiring.values()) if _expiring else set()
        _expiring.clear()
    if buckets:
        with contextlib.suppress(Exception):
            cache.delete_many(buckets)


def _forget_sweeper_in_child() -> None:
    global _sweeper, _sweep_condition
    _sweeper, _sweep_condition = None, threading.Condition()
    _expiring.clear()


atexit.register(_delete_pending_at_exit)
os.register_at_fork(after_in_child=_forget_sweeper_in_child)


def rate_limits_forget() -> None:
    """Drop this process's unsent counts (tests clear the cache between tests; this is the other half)."""
    with _local_lock:
        _local_counts.clear()
