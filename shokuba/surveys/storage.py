"""Writing a response and its typed answer rows, inside the caller's transaction.

This is the hot path of every submission (and of the demo and the later import), so it goes straight to SQL with
values prepared by the models' own fields (UUID, date, JSON as each database wants them) instead of building a
model instance per answer row.

On PostgreSQL a submission is ONE statement and one round trip: a CTE that checks the wave is open, inserts the
response, and inserts its answer rows from one JSON parameter (json_to_recordset) — fixed statement text whatever
the number of rows (an INSERT with hundreds of placeholders costs milliseconds of client-side query parsing;
pipelining the rows one by one twice the time of one statement). A single statement is atomic by itself, so
outside a caller's transaction there is no BEGIN/COMMIT either. On Citus both tables are co-located by member_id
and the statement writes one member's rows (reading the wave from a reference table), so it touches one shard
group. Elsewhere (SQLite): a check, an INSERT and an `executemany`, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection, transaction

from shokuba.surveys.answers import AnswerRow
from shokuba.surveys.models import ATTRIBUTE_COLUMNS, Response, ResponseAnswer, Wave, WaveStatus

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
    """An INSERT of one row. On SQLite the row also gets a random rowid: SQLite numbers rows in the order they are
    written, so the file would otherwise keep the order (and with the date, almost the time) of the answers; a
    random rowid also lays the rows out in the file in no order (see "Anonymity by construction")."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    if connection.vendor == "sqlite":
        names, placeholders = f"rowid, {names}", f"random(), {placeholders}"
    return f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})"  # noqa: S608 - fixed identifiers


def prepared_key(submission_id: uuid.UUID) -> Any:
    return Response._meta.get_field("submission_id").get_db_prep_value(submission_id, connection)


def response_store(
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
    only_if_open: bool = False,
) -> bool:
    """Insert one response and its answer rows, all or nothing. With `only_if_open`, only while the wave is open on
    `submitted_on` (status and dates as they are in the database at that moment); returns whether it was stored.
    A repeated (member, submission id) raises IntegrityError, leaving any surrounding transaction usable."""
    key = prepared_key(submission_id)
    day = Response._meta.get_field("submitted_on").get_db_prep_value(submitted_on, connection)
    document = Response._meta.get_field("answers").get_db_prep_save(dict(answers), connection)
    attribute_values = [attributes.get(column, "") for column in ATTRIBUTE_COLUMNS]
    head = [member_id, key, wave_id, organisation_id]
    if connection.vendor == "postgresql":
        params = [
            wave_id,
            WaveStatus.OPEN if only_if_open else None,
            day,
            day,
            *head,
            channel,
            day,
            *attribute_values,
            document,
            *head,
            *attribute_values,
            _rows_json(rows),
        ]
        # One statement: atomic on its own. Inside a caller's transaction a savepoint keeps a duplicate from
        # aborting it; outside, autocommit spares the BEGIN and COMMIT round trips.
        # A server-side prepared statement: parameters travel apart from the fixed text, so neither psycopg nor
        # PostgreSQL re-parses a statement holding every answer as a literal (Django's cursors bind client-side).
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            connection.ensure_connection()
            with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
                cursor.execute(_postgresql_sql(), params, prepare=True)
                row = cursor.fetchone()
        return bool(row and row[0])
    with transaction.atomic(), connection.cursor() as cursor:
        if only_if_open:
            cursor.execute(
                f"SELECT 1 FROM {connection.ops.quote_name(Wave._meta.db_table)} "  # noqa: S608 - fixed name
                "WHERE id = %s AND status = %s AND opens_on <= %s AND closes_on >= %s",
                [wave_id, WaveStatus.OPEN, day, day],
            )
            if cursor.fetchone() is None:
                return False
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
    return True


def _rows_json(rows: Sequence[AnswerRow]) -> str:
    """The answer rows as one JSON array of objects, read back by json_to_recordset: one text parameter that the
    json module writes in C (five typed arrays cost psycopg 0.25 ms of Python per submission to adapt)."""
    return json.dumps(
        [
            {
                "item_code": row.item_code,
                "seq": row.seq,
                "choice_code": row.choice_code,
                "value": None if row.value is None else float(row.value),
                "text": row.text,
            }
            for row in rows
        ],
        ensure_ascii=False,
    )


def _postgresql_sql() -> str:
    """WITH open wave → INSERT the response → INSERT its rows from the JSON array; returns 1 when stored, else 0."""
    quote = connection.ops.quote_name
    constant = ("member_id", "submission_id", "wave_id", "organisation_id", *ATTRIBUTE_COLUMNS)
    per_row = ("item_code", "seq", "choice_code", "value", "text")
    response_names = ", ".join(quote(c) for c in RESPONSE_COLUMNS)
    response_values = ", ".join(["%s"] * len(RESPONSE_COLUMNS))
    answer_names = ", ".join(quote(c) for c in (*constant, *per_row))
    answer_values = ", ".join(["%s"] * len(constant) + [f"u.{c}" for c in per_row])
    types = "item_code varchar, seq smallint, choice_code varchar, value float8, text text"
    wave = quote(Wave._meta.db_table)
    return (
        f"WITH open_wave AS (SELECT 1 FROM {wave} WHERE id = %s AND (%s::varchar IS NULL OR "  # noqa: S608
        "(status = 'open' AND opens_on <= %s AND closes_on >= %s))), "
        f"new_response AS (INSERT INTO {quote(Response._meta.db_table)} ({response_names}) "
        f"SELECT {response_values} FROM open_wave RETURNING 1), "
        f"new_rows AS (INSERT INTO {quote(ResponseAnswer._meta.db_table)} ({answer_names}) "
        f"SELECT {answer_values} FROM new_response, json_to_recordset(%s::json) AS u({types}) RETURNING 1) "
        "SELECT count(*) FROM new_response"
    )


# --- many responses at once (the paper/Excel import) ---------------------------------------------------------


@dataclass(frozen=True)
class NewResponse:
    submission_id: uuid.UUID
    organisation_id: int | None
    attributes: Mapping[str, str]
    answers: Mapping[str, Any]
    rows: Sequence[AnswerRow]


def responses_store_many(
    *,
    member_id: str,
    wave_id: int,
    channel: str,
    submitted_on: dt.date,
    responses: Sequence[NewResponse],
    chunk: int = 2000,
) -> int:
    """Insert many responses and their answer rows inside the caller's transaction (the import's: all or none).
    On PostgreSQL with COPY (5,000 responses of 32 answers: 160,000 rows in seconds, where executemany took most of
    a minute); elsewhere `executemany` in chunks. Returns the number of answer rows written."""
    postgresql = connection.vendor == "postgresql"
    day = Response._meta.get_field("submitted_on").get_db_prep_value(submitted_on, connection)
    json_field = Response._meta.get_field("answers")
    response_params: list[tuple[Any, ...]] = []
    answer_params: list[tuple[Any, ...]] = []
    for response in responses:
        attribute_values = [response.attributes.get(column, "") for column in ATTRIBUTE_COLUMNS]
        head = (member_id, prepared_key(response.submission_id), wave_id, response.organisation_id)
        document = (
            json.dumps(dict(response.answers), ensure_ascii=False)
            if postgresql
            else json_field.get_db_prep_save(dict(response.answers), connection)
        )
        response_params.append((*head, channel, day, *attribute_values, document))
        answer_params.extend(
            (*head, row.item_code, row.seq, row.choice_code, row.value, row.text, *attribute_values)
            for row in response.rows
        )
    with transaction.atomic():
        if postgresql:
            quote = connection.ops.quote_name
            connection.ensure_connection()
            with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
                for table, columns, params in (
                    (Response._meta.db_table, RESPONSE_COLUMNS, response_params),
                    (ResponseAnswer._meta.db_table, ANSWER_COLUMNS, answer_params),
                ):
                    names = ", ".join(quote(c) for c in columns)
                    with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                        for values in params:
                            copy.write_row(values)
        else:
            with connection.cursor() as cursor:
                response_sql = _insert_sql(Response._meta.db_table, RESPONSE_COLUMNS)
                answer_sql = _insert_sql(ResponseAnswer._meta.db_table, ANSWER_COLUMNS)
                for start in range(0, len(response_params), chunk):
                    cursor.executemany(response_sql, response_params[start : start + chunk])
                for start in range(0, len(answer_params), chunk):
                    cursor.executemany(answer_sql, answer_params[start : start + chunk])
    return len(answer_params)
