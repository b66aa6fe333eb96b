"""Writing a response and its typed answer rows, inside the caller's transaction.

This is the hot path of every submission (and of the demo and the later import), so it goes straight to SQL with
values prepared by the models' own fields (UUID, date, JSON as each database wants them) instead of building a
model instance per answer row. The answer rows go through `executemany` of one short statement: psycopg parses the
statement once and pipelines the rows (a single INSERT with hundreds of placeholders costs milliseconds of
client-side query parsing per submission). Portable SQL, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection

from shokuba.surveys.answers import AnswerRow
from shokuba.surveys.models import ATTRIBUTE_COLUMNS, Response, ResponseAnswer

RESPONSE_COLUMNS = (
    "member_id",
    "submission_id",
    "wave_id",
    "organisation_id",
    "channel",
    "submitted_on",
    *ATTRIBUTE_COLUMNS,
    "answers",
)
ANSWER_COLUMNS = (
    "member_id",
    "submission_id",
    "wave_id",
    "organisation_id",
    "item_code",
    "seq",
    "choice_code",
    "value",
    "text",
    *ATTRIBUTE_COLUMNS,
)


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})"  # noqa: S608 - fixed identifiers


def prepared_key(submission_id: uuid.UUID) -> Any:
    return Response._meta.get_field("submission_id").get_db_prep_value(submission_id, connection)


def response_insert(
    *,
    member_id: str,
    submission_id: uuid.UUID,
    wave_id: int,
    organisation_id: int | None,
    channel: str,
    submitted_on: dt.date,
    attributes: Mapping[str, str],
    answers: Mapping[str, Any],
    rows: Sequence[AnswerRow],
) -> None:
    """Insert one response and its answer rows. A repeated (member, submission id) raises IntegrityError."""
    key = prepared_key(submission_id)
    day = Response._meta.get_field("submitted_on").get_db_prep_value(submitted_on, connection)
    document = Response._meta.get_field("answers").get_db_prep_save(dict(answers), connection)
    attribute_values = [attributes.get(column, "") for column in ATTRIBUTE_COLUMNS]
    head = [member_id, key, wave_id, organisation_id]
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(Response._meta.db_table, RESPONSE_COLUMNS),
            [*head, channel, day, *attribute_values, document],
        )
        if rows:
            cursor.executemany(
                _insert_sql(ResponseAnswer._meta.db_table, ANSWER_COLUMNS),
                [
                    (*head, row.item_code, row.seq, row.choice_code, row.value, row.text, *attribute_values)
                    for row in rows
                ],
            )
