"""Anonymity by construction: the response tables cannot hold an account, address, user agent or time of day."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from shokuba.surveys.models import Response, ResponseAnswer, WaveLink
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
    assert stored.submission_id == sid
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
