"""No rate-limit state outlives its window in the database cache of a real server (issue 11 §5): a per-link count
of a past minute, kept, would give the answers of that minute their time.

A real server (tests/live_site.py) with the database cache it runs with in dev and production, a 5-second window;
a burst of answers to one link while another thread watches the cache table, then the table after the window.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

import pytest

from shokuba.surveys.tests.samples import workplace_form
from tests.live_site import LiveSite, all_at_once, post_form

WINDOW = 5


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest) -> LiveSite:
    return request.getfixturevalue(f"live_{request.param}_site")  # type: ignore[no-any-return]


def _cache_rows(site: LiveSite) -> list[tuple[str, object]]:
    return [(str(key), expires) for key, expires in site.query("SELECT cache_key, expires FROM shokuba_cache")]


def _epoch(expires: object) -> float:
    moment = expires if isinstance(expires, dt.datetime) else dt.datetime.fromisoformat(str(expires))
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()


def test_after_the_window_no_cache_row_mentions_the_link(site: LiveSite) -> None:
    link_id, token = site.links[1][1]  # a link no other live test answers
    mark = f"survey-link:{link_id}:"
    seen: dict[str, object] = {}
    watching = threading.Event()

    def watch() -> None:
        while not watching.is_set():
            seen.update(_cache_rows(site))
            time.sleep(0.05)

    # Batches of ten (production adds fifty at a time): the burst of 30 must reach the shared cache.
    env = {"SURVEY_RATE_WINDOW_SECONDS": str(WINDOW), "SURVEY_RATE_BATCH": "10"}
    with site.serve("runserver", env=env) as server:
        time.sleep(WINDOW - time.time() % WINDOW + 0.05)  # the burst starts with a window
        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            replies = all_at_once(
                30,
                lambda i: post_form(
                    server.port, f"/s/{token}/", {"submission_id": str(uuid.uuid4()), **workplace_form()}
                ),
            )
        finally:
            watching.set()
            watcher.join()
        assert [r.status for r in replies] == [303] * 30
        buckets = {key: expires for key, expires in seen.items() if mark in key}
        assert buckets, seen  # the limit did count in the shared cache (ten hits at a time)
        for key, expires in buckets.items():
            window = int(key.rsplit(":", 1)[1])
            # Every write of a window expires at the window's end (+1 s): the row tells nothing finer than the window.
            assert _epoch(expires) == (window + 1) * WINDOW + 1, (key, expires)
        last_end = max(int(key.rsplit(":", 1)[1]) + 1 for key in buckets) * WINDOW
        deadline = last_end + 15
        while time.time() < deadline and any("rate:" in key for key, _ in _cache_rows(site)):
            time.sleep(0.2)
        left = _cache_rows(site)
    assert not [row for row in left if "rate:" in row[0] or str(link_id) in row[0]], left
