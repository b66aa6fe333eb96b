"""The database really unavailable while someone answers (issue 11 §6): a Japanese retry page (503) that still holds
the answers, never a 500, and sending again stores the response once.

Real failures, in a real server (tests/live_site.py): an SQLite file whose write lock another connection holds past
the server's busy timeout, and a PostgreSQL address where no server listens.
"""

from __future__ import annotations

import re
import sqlite3
import time
import uuid

import pytest

from shokuba.surveys.tests.samples import workplace_form
from tests.live_site import LiveSite, free_port, post_form, request


@pytest.fixture
def site(live_sqlite_site: LiveSite) -> LiveSite:
    return live_sqlite_site


def _stored(site: LiveSite) -> int:
    ((count,),) = site.query("SELECT count(*) FROM surveys_response WHERE wave_id = ?", [site.waves[0]])
    return int(count)


def test_a_locked_database_gives_the_form_back_with_the_answers_and_a_retry_stores_once(site: LiveSite) -> None:
    sid = str(uuid.uuid4())
    form = {"submission_id": sid, **workplace_form(**{"q.WS-FREE": "残業が減り、夕方に家族と過ごせる。"})}
    path = site.answer_path()
    with site.serve("runserver", env={"SQLITE_TIMEOUT_SECONDS": "1"}) as server:
        before = _stored(site)
        blocker = sqlite3.connect(site.database_url.removeprefix("sqlite:///"), isolation_level=None)
        try:
            blocker.execute("BEGIN EXCLUSIVE")  # another program holds the write lock past the server's timeout
            refused = post_form(server.port, path, form)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert refused.status == 503, refused.body[:2000]
        assert refused.headers.get("retry-after") == "30"
        page = refused.body
        assert "回答を保存できませんでした。まだ送信されていません。" in page
        assert "もう一度「回答を送信する」を押してください" in page
        # Every answer is back in the form, with the same submission id.
        assert re.search(rf'name="submission_id" value="{sid}"', page)
        assert "残業が減り、夕方に家族と過ごせる。" in page
        assert re.search(r'name="q\.WS-Z01" value="2" checked', page)
        assert re.search(r'name="a\.sex" value="F" checked', page)
        assert 'data-storage-key="' in page  # the browser's copy of the answers stays where it was
        assert 'href="/s/privacy/"' in page
        assert _stored(site) == before

        # The database is back: the same answers again, twice (a double tap) — one response.
        first, second = post_form(server.port, path, form), post_form(server.port, path, form)
        assert (first.status, second.status) == (303, 303)
        assert first.headers["location"] == second.headers["location"]
        assert _stored(site) == before + 1
        # make run's console logs requests (the line is written after the answer is sent: wait for it)...
        assert request(server.port, "GET", "/static/css/app.css").status == 200
        deadline = time.monotonic() + 20
        while "GET /static/css/app.css" not in server.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "GET /static/css/app.css" in server.log.read_text()
    # ... but none of a respondent's.
    assert site.links[0][0][1] not in server.log.read_text()


def test_an_unreachable_postgresql_answers_a_japanese_503_never_a_500(site: LiveSite) -> None:
    nowhere = f"postgres://postgres@127.0.0.1:{free_port()}/shokuba"  # nothing listens there
    path = site.answer_path()
    with site.serve("gunicorn", env={"DATABASE_URL": nowhere}, ready_status=503) as server:
        opened = request(server.port, "GET", path)
        sent = post_form(server.port, path, {"submission_id": str(uuid.uuid4()), **workplace_form()})
        thanks = request(server.port, "GET", f"{path}thanks/")
    for reply in (opened, sent, thanks):
        assert reply.status == 503, reply.body[:2000]
        assert "ただいま回答を受け付けられません" in reply.body
        assert "入力した内容は、このブラウザーに残っています" in reply.body
        assert reply.headers.get("retry-after") == "30"
        assert 'href="/s/privacy/"' in reply.body
