"""Rate limiting in the cache: survey submissions (per answering link). Login failures are counted by
django-axes (core/lockout.py)."""

from __future__ import annotations

import threading
import time

from django.core.cache import cache

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
