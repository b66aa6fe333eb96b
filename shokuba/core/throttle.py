"""Rate limiting in the cache: login failures (per user name and per client address) and survey submissions
(per answering link)."""

from __future__ import annotations

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


def rate_limit_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit against `key` in a fixed window; True when this hit goes over `limit`.

    Used for the anonymous survey links (per link, never per address: respondents' addresses are not kept,
    not even in the cache).
    """
    if limit <= 0:
        return False
    bucket = f"rate:{key}"
    if cache.add(bucket, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window_seconds)
        return False
    return int(count) > limit
