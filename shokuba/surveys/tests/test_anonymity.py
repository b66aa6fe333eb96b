"""Anonymity by construction: the response tables cannot hold an account, address, user agent or time of day."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from shokuba.surveys.models import Response, ResponseAnswer, WaveLink
from shokuba.surveys.services import stored_submission_id
from shokuba.surveys.tests.samples import workplace_form

pytestmark = pytest.mark.django_db

FORBIDDEN = (
    "ip",
    "addr",
    "agent",
    "ua",
    "user",
    "account",
    "cookie",
    "session",
    "time",
    "created",
    "modified",
    "email",
    "name",
    "host",
)


@pytest.mark.parametrize("model", [Response, ResponseAnswer])
def test_the_response_tables_have_no_identifying_column(model: type[models.Model]) -> None:
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, model._meta.db_table)]
    for column in columns:
        parts = column.lower().split("_")
        assert not any(part in FORBIDDEN for part in parts), column
    for field in model._meta.concrete_fields:
        assert not isinstance(field, models.DateTimeField | models.TimeField | models.GenericIPAddressField), field
        if isinstance(field, models.ForeignKey):
            assert field.related_model._meta.label in {"network.Member", "surveys.Wave", "network.Organisation"}, field


def test_a_stored_response_holds_a_date_and_nothing_about_the_respondent(link: WaveLink) -> None:
    sid = uuid.uuid4()
    Client().post(
        reverse("surveys:answer", args=[link.token]),
        {"submission_id": str(sid), **workplace_form()},
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari/605 UNIQUE-AGENT",
        REMOTE_ADDR="203.0.113.77",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Response._meta.db_table}")  # noqa: S608 - fixed table name
        (row,) = cursor.fetchall()
        names = [d[0] for d in cursor.description]
        cursor.execute(f"SELECT * FROM {ResponseAnswer._meta.db_table}")  # noqa: S608
        answer_rows = cursor.fetchall()
    text = repr(row) + repr(answer_rows)
    for trace in ("203.0.113.77", "198.51.100.9", "UNIQUE-AGENT", "iPhone"):
        assert trace not in text
    stored = Response.objects.get()
    assert stored.submission_id == stored_submission_id(link_id=link.pk, submission_id=sid)
    values = dict(zip(names, row, strict=True))
    date_like = {
        name: str(value)
        for name, value in values.items()
        if isinstance(value, dt.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", value))
    }
    # Exactly one date-like value, the submission date, and no time of day anywhere in the row.
    assert date_like == {"submitted_on": stored.submitted_on.isoformat()}
    assert not any(isinstance(v, dt.datetime) or (isinstance(v, str) and re.search(r"\d{2}:\d{2}", v)) for v in row)


def test_the_respondent_pages_never_touch_a_session(link: WaveLink) -> None:
    client = Client()
    client.get(reverse("surveys:answer", args=[link.token]))
    response = client.post(
        reverse("surveys:answer", args=[link.token]), {"submission_id": str(uuid.uuid4()), **workplace_form()}
    )
    client.get(response["Location"])
    assert not client.cookies
    from django.contrib.sessions.models import Session

    assert not Session.objects.exists()


# --- the order of answers within a day (issue 11 §5) ---------------------------------------------------------------
#
# Responses carry their date only. If anything kept the order in which they arrived — the stored ids, the order of an
# export or of the free-text list, SQLite's rowids — the order within a day, with the date, would come close to each
# answer's time. Each check below measures the rank correlation (Kendall's tau) between the order of submission and
# the order it could be read back in: ~0 when the order carries nothing, 1 when it is the order of submission. With 60
# responses a tau above 0.6 by chance has a probability below 1e-10 (its standard deviation is about 0.09).

ORDERED = 60


def _tau(order: list[int]) -> float:
    from scipy.stats import kendalltau

    return float(kendalltau(range(len(order)), order).statistic)


@pytest.fixture
def answered_in_order(link: WaveLink) -> list[uuid.UUID]:
    """60 responses sent one after another, each with its own free text; the browser ids increase in the order of
    sending, as a time-ordered UUID (version 7) from a client would. Returns the stored ids in the order sent."""
    client = Client()
    stored = []
    for index in range(ORDERED):
        browser_id = uuid.UUID(int=(index + 1) << 80 | 0x4000 << 64)
        answer = client.post(
            reverse("surveys:answer", args=[link.token]),
            {"submission_id": str(browser_id), **workplace_form(**{"q.WS-FREE": f"自由記述その{index:02d}"})},
        )
        assert answer.status_code == 303
        stored.append(stored_submission_id(link_id=link.pk, submission_id=browser_id))
    assert Response.objects.filter(wave_id=link.wave_id).count() == ORDERED
    return stored


def test_stored_ids_do_not_follow_the_order_of_submission(answered_in_order: list[uuid.UUID]) -> None:
    by_id = sorted(range(ORDERED), key=lambda i: answered_in_order[i])
    assert abs(_tau(by_id)) < 0.6


def test_every_export_is_ordered_by_date_then_by_id_and_so_not_by_submission(
    coordinator: Any, link: WaveLink, answered_in_order: list[uuid.UUID]
) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    from shokuba.surveys import export_jobs

    sent = {str(sid): index for index, sid in enumerate(answered_in_order)}
    client = Client()
    client.force_login(coordinator)
    orders: dict[str, list[str]] = {}
    direct_csv = client.get(reverse("surveys:wave_export", args=[link.wave_id, "csv"])).content.decode("utf-8-sig")
    orders["direct CSV"] = [row[0] for row in list(csv.reader(io.StringIO(direct_csv)))[1:]]
    book = load_workbook(io.BytesIO(client.get(reverse("surveys:wave_export", args=[link.wave_id, "xlsx"])).content))
    orders["direct XLSX"] = [str(row[0]) for row in list(book["回答"].iter_rows(values_only=True))[1:]]
    for fmt in ("csv", "xlsx"):  # the background job, which the API's exports run too
        job = export_jobs.export_job_request(actor=coordinator, wave=link.wave, file_format=fmt)
        path = export_jobs.export_file(job)
        assert path is not None
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))[1:]
            orders["job CSV"] = [row[0] for row in rows]
        else:
            sheet = load_workbook(path)["回答"]
            orders["job XLSX"] = [str(row[0]) for row in list(sheet.iter_rows(values_only=True))[1:]]
    for way, ids in orders.items():
        assert sorted(ids) == sorted(sent), way
        assert ids == sorted(ids), way  # one date here: ordered by the random id alone
        assert abs(_tau([sent[i] for i in ids])) < 0.6, way


def test_free_text_is_listed_in_no_order_of_submission(
    coordinator: Any, link: WaveLink, answered_in_order: list[uuid.UUID]
) -> None:
    from shokuba.results import selectors as results_selectors
    from shokuba.results.permissions import results_scope

    scope = results_scope(coordinator, link.wave)
    item = next(i for i in results_selectors.wave_items(link.wave) if i.code == "WS-FREE")
    texts = results_selectors.text_answers(scope, item)
    order = [int(answer.text.removeprefix("自由記述その")) for answer in texts]
    assert sorted(order) == list(range(ORDERED))
    assert abs(_tau(order)) < 0.6


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's rowid")
def test_sqlite_rowids_do_not_follow_the_order_of_submission(answered_in_order: list[uuid.UUID]) -> None:
    sent = {sid.hex: index for index, sid in enumerate(answered_in_order)}  # SQLite keeps a UUID as 32 hex digits
    with connection.cursor() as cursor:
        cursor.execute("SELECT submission_id FROM surveys_response ORDER BY rowid")
        responses = [sent[row[0]] for row in cursor.fetchall()]
        cursor.execute("SELECT submission_id FROM surveys_responseanswer WHERE item_code = 'WS-FREE' ORDER BY rowid")
        answers = [sent[row[0]] for row in cursor.fetchall()]
    assert abs(_tau(responses)) < 0.6
    assert abs(_tau(answers)) < 0.6


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's rowid")
def test_the_migration_gives_responses_stored_before_random_rowids(link: WaveLink) -> None:
    import importlib
    from types import SimpleNamespace

    from django.db import connection as db

    shuffle = importlib.import_module("shokuba.surveys.migrations.0008_sqlite_rowids_in_no_order").rowids_shuffle
    ids = [uuid.UUID(int=i + 1) for i in range(ORDERED)]
    with db.cursor() as cursor:  # as responses were stored before: rowids in the order of writing
        for sid in ids:
            cursor.execute(
                "INSERT INTO surveys_response (member_id, submission_id, wave_id, channel, submitted_on, sex, "
                "age_band, position, employment, service_years, care, answers) "
                "VALUES (%s, %s, %s, 'web', %s, '', '', '', '', '', '', '{}')",
                [link.wave.member_id, sid.hex, link.wave_id, dt.date.today().isoformat()],
            )
        cursor.execute("SELECT submission_id FROM surveys_response ORDER BY rowid")
        assert [row[0] for row in cursor.fetchall()] == [sid.hex for sid in ids]
    shuffle(None, SimpleNamespace(connection=db))  # the migration uses only its schema editor's connection
    with db.cursor() as cursor:
        cursor.execute("SELECT submission_id FROM surveys_response ORDER BY rowid")
        order = [int(row[0], 16) - 1 for row in cursor.fetchall()]
    assert sorted(order) == list(range(ORDERED))
    assert abs(_tau(order)) < 0.6


def test_no_log_line_pairs_a_time_with_an_answering_link(link: WaveLink, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.INFO)
    client = Client()
    url = reverse("surveys:answer", args=[link.token])
    assert (
        client.post(url, {"submission_id": str(uuid.uuid4()), **workplace_form(**{"q.WS-Z01": "9"})}).status_code == 400
    )
    assert client.get(url.replace(link.token, link.token[:-2] + "xx")).status_code == 404
    assert Client().get("/surveys/no-such-page/").status_code == 404  # any other path's 4xx is still logged
    assert "Not Found: /surveys/no-such-page/" in caplog.text
    assert "/s/" not in caplog.text and link.token not in caplog.text
    # The development server's access line (make run) for a respondent's path is dropped, another path's kept.
    server_log = logging.getLogger("django.server")
    line = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', (f"POST {url} HTTP/1.1", "303", "0"), None
    )
    other = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', ("GET /surveys/ HTTP/1.1", "200", "9"), None
    )
    assert (server_log.filter(line), bool(server_log.filter(other))) == (False, True)
