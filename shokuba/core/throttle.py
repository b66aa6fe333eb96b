"""Rate limiting in the cache: login failures (per user name and per client address) and survey submissions
(per answering link)."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    return [f"login-fail:user:{username.strip().lower()}", f"login-fail:addr:{address}"]


def login_is_locked(*, username: str, address: str) -> bool:
    limit = settings.LOGIN_MAX_FAILURES
    # The address limit is looser: a shared office network must not lock out every colleague.
    counts = [cache.get(key, 0) for key in _keys(username, address)]
    return counts[0] >= limit or counts[1] >= limit * 4


def login_failure_record(*, username: str, address: str) -> None:
    for key in _keys(username, address):
        if cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_failures_clear(*, username: str) -> None:
    cache.delete(_keys(username, "")[0])


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
        # Increment first: the bucket usually exists, and a failed `add` on the database cache is an INSERT that
        # violates the key and rolls back to a savepoint — which also makes psycopg drop every prepared statement
        # of the connection (the survey submission's among them). Only the first flush of a window adds.
        try:
            total = int(cache.incr(bucket, unsent))
        except ValueError:  # no bucket yet in this window
            if cache.add(bucket, unsent, timeout=window_seconds * 2):
                total = unsent
            else:  # another process added it a moment ago
                total = int(cache.incr(bucket, unsent))
        with _local_lock:
            counts[1] = total
    with _local_lock:
        return counts[1] + counts[0] > limit


def rate_limits_forget() -> None:
    """Drop this process's unsent counts (tests clear the cache between tests; this is the other half)."""
    with _local_lock:
        _local_counts.clear()
