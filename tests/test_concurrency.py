"""Many people answering one link at the same moment (issue 11 §6): every answer acknowledged, none failed, stored =
acknowledged — on SQLite (a file database, as `make run` serves it, and under several server processes) and on
PostgreSQL when DATABASE_URL points at one. Also parallel API writes on SQLite never answer 500.

Real concurrent HTTP requests against a real server in a child process (tests/live_site.py). No timings asserted.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter

from shokuba.surveys.tests.samples import workplace_form
from tests.live_site import LiveSite, Reply, all_at_once, post_form, request

ANSWERS = 200
ANSWER_ROWS = 32  # rows of one workplace_form() response: 29 matrix statements, two overall items, the free text


def _stored(site: LiveSite, wave: int) -> tuple[int, int]:
    ((responses,),) = site.query("SELECT count(*) FROM surveys_response WHERE wave_id = ?", [wave])
    ((rows,),) = site.query("SELECT count(*) FROM surveys_responseanswer WHERE wave_id = ?", [wave])
    return int(responses), int(rows)


def _answer_all_at_once(site: LiveSite, port: int, wave_index: int) -> None:
    wave = site.waves[wave_index]
    before = _stored(site, wave)
    path = site.answer_path(wave_index)
    replies = all_at_once(
        ANSWERS, lambda i: post_form(port, path, {"submission_id": str(uuid.uuid4()), **workplace_form()})
    )
    statuses = Counter(reply.status for reply in replies)
    failures = [reply.body[:500] for reply in replies if reply.status != 303][:3]
    assert statuses == {303: ANSWERS}, (statuses, failures)
    responses, rows = _stored(site, wave)
    assert (responses - before[0], rows - before[1]) == (ANSWERS, ANSWERS * ANSWER_ROWS)


def test_200_answers_at_once_on_make_runs_sqlite_server_all_succeed(live_sqlite_site: LiveSite) -> None:
    with live_sqlite_site.serve("runserver") as server:
        _answer_all_at_once(live_sqlite_site, server.port, 0)
    # `make run`'s database is in WAL mode (readers never wait for the writer).
    assert live_sqlite_site.query("PRAGMA journal_mode") == [("wal",)]


def test_200_answers_at_once_on_sqlite_under_several_processes_all_succeed(live_sqlite_site: LiveSite) -> None:
    with live_sqlite_site.serve("gunicorn") as server:
        _answer_all_at_once(live_sqlite_site, server.port, 1)


def test_200_answers_at_once_on_postgresql_all_succeed(live_postgresql_site: LiveSite) -> None:
    with live_postgresql_site.serve("gunicorn") as server:
        _answer_all_at_once(live_postgresql_site, server.port, 0)


def test_parallel_api_writes_on_sqlite_never_answer_500(live_sqlite_site: LiveSite) -> None:
    headers = {"Authorization": f"Bearer {live_sqlite_site.api_token}", "Content-Type": "application/json"}

    def create(index: int) -> Reply:
        body = {
            "member": "282090",
            "name": f"並行登録テスト株式会社{index:02d}",
            "industry": "E",
            "size_band": "30-100",
            "location": "282090",
            "joined_on": dt.date(2026, 4, 1).isoformat(),
        }
        return request(server.port, "POST", "/api/v1/organisations", json.dumps(body).encode(), headers)

    with live_sqlite_site.serve("runserver") as server:
        replies = all_at_once(12, create)
    statuses = Counter(reply.status for reply in replies)
    assert statuses == {201: 12}, (statuses, [r.body[:300] for r in replies if r.status != 201][:3])
    names = live_sqlite_site.query("SELECT name FROM network_organisation WHERE name LIKE '並行登録テスト%'")
    assert len(names) == 12
