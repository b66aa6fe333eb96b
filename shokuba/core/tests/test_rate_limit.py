"""The answering links' rate limit (core.throttle.rate_limit_hit): exact in one process, and no state that outlives
its window (issue 11 §5: a per-link, per-minute count kept after the minute would date the answers of that minute).

The database cache (as in dev and production) is proven in tests/test_rate_limit_state.py against a real server;
here the test settings' local-memory cache, whose stored entries and expiries can be read directly.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache

from shokuba.core import throttle


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    cache.clear()
    throttle.rate_limits_forget()
    yield
    cache.clear()
    throttle.rate_limits_forget()


def _stored_keys() -> dict[str, float]:
    """Every entry the local-memory cache holds, expired or not, with its expiry (what a dump would show)."""
    return {key: cache._expire_info[key] for key in list(cache._cache)}  # type: ignore[attr-defined]


def _start_of_next_window(seconds: int) -> int:
    window = int(time.time() // seconds) + 1
    time.sleep(max(0.0, window * seconds - time.time()) + 0.05)
    return window


def test_the_limit_counts_every_hit_of_one_process_and_batches_the_shared_writes() -> None:
    long = 10**9  # one window for the whole test
    decisions = [throttle.rate_limit_hit(key="t:a", limit=20, window_seconds=long, batch=10) for _ in range(25)]
    assert decisions == [False] * 20 + [True] * 5
    assert cache.get(f"rate:t:a:{int(time.time() // long)}") == 20  # two flushes of ten; five hits still unsent


def test_a_windows_count_is_deleted_when_the_window_ends_and_its_expiry_tells_no_finer_time() -> None:
    seconds = 2
    window = _start_of_next_window(seconds)
    for _ in range(3):
        throttle.rate_limit_hit(key="survey-link:991", limit=600, window_seconds=seconds, batch=1)
        time.sleep(0.2)
    stored = {key: expiry for key, expiry in _stored_keys().items() if "survey-link:991" in key}
    assert list(stored) == [cache.make_key(f"rate:survey-link:991:{window}")]
    # Three writes at different moments, one expiry: the window's end (+1 s), not the time of the last write.
    assert list(stored.values()) == [pytest.approx((window + 1) * seconds + 1, abs=0.01)]
    # Deleted by the sweeper when the window ends, before it would even expire.
    deadline = (window + 1) * seconds + 0.9
    while time.time() < deadline and any("survey-link:991" in key for key in _stored_keys()):
        time.sleep(0.05)
    assert not any("survey-link:991" in key for key in _stored_keys())


def test_a_stopping_process_deletes_the_counts_it_wrote() -> None:
    throttle.rate_limit_hit(key="survey-link:992", limit=600, window_seconds=10**9, batch=1)
    assert any("survey-link:992" in key for key in _stored_keys())
    throttle._delete_pending_at_exit()
    assert not any("survey-link:992" in key for key in _stored_keys())
