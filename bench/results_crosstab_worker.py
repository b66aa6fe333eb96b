"""The crosstab benchmark's child process (bench/results_crosstab.py runs it with the scratch database's settings).

    python -m bench.results_crosstab_worker setup RESPONSES PARQUET
        build a closed wave of the workplace questionnaire with RESPONSES responses, each with answer rows for the
        six scale items of ITEMS; copy the wave's answer rows to PARQUET (sorted by item); print the ids as JSON
    python -m bench.results_crosstab_worker time WAVE USER ITEM PARQUET REPEAT
        time crosstab_analysis(item by sex × age band) and the two references; print the medians as JSON

The rows are drawn with NumPy (seeded: random UUIDs, 20 organisations, attribute shares in SHARES, 2% of items left
blank, 4% "don't know") and written straight into the two response tables with the columns storage.py writes (COPY
on PostgreSQL, executemany in one transaction on SQLite), as a restore would: indexes built after the load (see
_bulk_load), answer rows in the order that makes that quickest (see setup). Each answer depends on sex and age band
(a shifted latent score cut into the four scale points), so the chi-square test has something to find. The
response's JSON holds the same six answers, so a response row is narrower than a full 32-answer one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from bench import _shared

ORGANISATIONS = 20
ITEMS = ("WS-A01", "WS-B02", "WS-C03", "WS-D01", "WS-E02", "WS-Z01")
ITEM = "WS-B02"  # 男性も育児休業を取りやすい雰囲気がある
SEED = 20261125
CHUNK = 50_000
# Share of respondents per attribute code ("" = left blank); codes as in instrument.ATTRIBUTES.
SHARES: dict[str, dict[str, float]] = {
    "sex": {"F": 0.46, "M": 0.46, "X": 0.01, "R": 0.03, "": 0.04},
    "age_band": {"-29": 0.18, "30": 0.22, "40": 0.25, "50": 0.20, "60+": 0.10, "R": 0.02, "": 0.03},
    "position": {"staff": 0.60, "chief": 0.20, "manager": 0.12, "exec": 0.02, "R": 0.03, "": 0.03},
    "employment": {"regular": 0.70, "nonregular": 0.25, "other": 0.02, "R": 0.01, "": 0.02},
    "service_years": {"-2": 0.20, "3-9": 0.35, "10-19": 0.25, "20+": 0.15, "R": 0.02, "": 0.03},
    "care": {"child": 0.25, "care": 0.08, "both": 0.02, "none": 0.60, "R": 0.02, "": 0.03},
}
# Shift of the latent agreement score by sex and age band (the dependence the test should find).
SEX_SHIFT = {"F": -0.35, "M": 0.25, "X": -0.2}
AGE_SHIFT = {"-29": 0.3, "30": 0.1, "40": -0.1, "50": -0.2, "60+": 0.05}
CUTS = (-0.8, 0.2, 1.1)  # latent score → agreement 0..3 (scale point 4..1; "1" is the most agreeing)
UNANSWERED = 0.02  # an item left blank: no answer row
DONT_KNOW = 0.04  # "dk" where the item offers it


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shokuba.settings.dev")
    import django

    django.setup()


def _progress(message: str) -> None:
    print(f"[results_crosstab] {message}", file=sys.stderr, flush=True)


# --- data ------------------------------------------------------------------------------------------------------


def _codes(indices: Any, dictionary: Sequence[str | None]) -> Any:
    """A string column from small integer codes (null where the dictionary says None)."""
    import numpy as np
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(indices, dtype=np.int32)), pa.array(list(dictionary), type=pa.string())
    ).cast(pa.string())


def _rank(dictionary: Sequence[str]) -> Any:
    """Each dictionary entry's rank in sort order (strings bytewise, as the C collation and SQLite compare)."""
    import numpy as np

    rank = np.empty(len(dictionary), dtype=np.int64)
    rank[sorted(range(len(dictionary)), key=lambda i: dictionary[i].encode())] = np.arange(len(dictionary))
    return rank


def _generate(
    rows: int,
    *,
    member_id: str,
    wave_id: int,
    org_ids: Sequence[int],
    items: Sequence[tuple[str, str | None, bool]],
    today: dt.date,
    order_by: Sequence[str],
) -> tuple[Any, Any]:
    """(responses, answers) as Arrow tables with storage.RESPONSE_COLUMNS / ANSWER_COLUMNS, answer rows sorted by
    the columns `order_by`. `items`: (item code, its matrix question's code or None for a question of its own,
    whether it offers "dk")."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from shokuba.surveys.models import ATTRIBUTE_COLUMNS
    from shokuba.surveys.storage import ANSWER_COLUMNS, RESPONSE_COLUMNS

    rng = np.random.default_rng(SEED)
    attributes: dict[str, Any] = {}
    for column in ATTRIBUTE_COLUMNS:
        shares = SHARES[column]
        weights = np.array(list(shares.values()))
        attributes[column] = rng.choice(len(shares), size=rows, p=weights / weights.sum())
    raw = rng.integers(0, 256, size=(rows, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # UUID version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    text = raw.tobytes().hex()
    submission_ids = pa.array([text[i : i + 32] for i in range(0, 32 * rows, 32)], type=pa.string())
    org_index = rng.integers(0, len(org_ids), size=rows)
    organisation = np.asarray(org_ids, dtype=np.int64)[org_index]
    days = [(today - dt.timedelta(days=d)).isoformat() for d in range(1, 31)]
    sex_codes, age_codes = list(SHARES["sex"]), list(SHARES["age_band"])
    shift = np.array([SEX_SHIFT.get(c, 0.0) for c in sex_codes])[attributes["sex"]]
    shift += np.array([AGE_SHIFT.get(c, 0.0) for c in age_codes])[attributes["age_band"]]

    choices = ["1", "2", "3", "4", "dk"]
    fragments = []
    who, which, choice = [], [], []
    for position, (code, parent, offers_dont_know) in enumerate(items):
        agreement = sum((rng.standard_normal(rows) + shift + 0.1 * position > cut).astype(np.int8) for cut in CUTS)
        picked = (3 - agreement).astype(np.int8)  # 0 → "1" (most agreeing)
        if offers_dont_know:
            picked[rng.random(rows) < DONT_KNOW] = 4
        answered = rng.random(rows) >= UNANSWERED
        respondents = np.flatnonzero(answered)
        who.append(respondents)
        which.append(np.full(len(respondents), position, dtype=np.int8))
        choice.append(picked[respondents])
        # The response's JSON, as the answering form stores it: {"WS-QB": {"WS-B02": "1"}} or {"WS-Z01": "2"}.
        head, tail = (f'"{parent}": {{"{code}": "', '"}') if parent else (f'"{code}": "', '"')
        answer = _codes(np.where(answered, picked, 5), [*choices, None])
        fragments.append(pc.binary_join_element_wise(head, answer, tail, ""))
    documents = pc.binary_join_element_wise(
        "{", pc.binary_join_element_wise(*fragments, ", ", null_handling="skip"), "}", ""
    )
    columns: dict[str, Any] = {
        "member_id": _codes(np.zeros(rows, dtype=np.int8), [member_id]),
        "submission_id": submission_ids,
        "wave_id": pa.array(np.full(rows, wave_id, dtype=np.int64)),
        "organisation_id": pa.array(organisation),
        "channel": _codes(np.zeros(rows, dtype=np.int8), ["web"]),
        "submitted_on": _codes(rng.integers(0, len(days), size=rows), days),
        **{column: _codes(attributes[column], list(SHARES[column])) for column in ATTRIBUTE_COLUMNS},
        "answers": documents,
    }
    responses = pa.table({c: columns[c] for c in RESPONSE_COLUMNS})

    person, item, picked_all = np.concatenate(who), np.concatenate(which), np.concatenate(choice)
    count = len(person)
    halves = raw.view(">u8")  # a UUID's hex text sorts as its 16 bytes do
    uuid_rank = np.empty(rows, dtype=np.int64)
    uuid_rank[np.lexsort((halves[:, 1], halves[:, 0]))] = np.arange(rows)
    item_codes = [code for code, _, _ in items]

    def coded(codes: Any, dictionary: Sequence[str]) -> tuple[Any, int]:
        return _rank(dictionary)[codes], len(dictionary)

    # Column → (each row's rank in the column's order, number of ranks).
    sort_keys: dict[str, Callable[[], tuple[Any, int]]] = {
        "member_id": lambda: (np.zeros(count, dtype=np.int64), 1),
        "wave_id": lambda: (np.zeros(count, dtype=np.int64), 1),
        "submission_id": lambda: (uuid_rank[person], rows),
        "organisation_id": lambda: (np.argsort(np.argsort(org_ids))[org_index[person]], len(org_ids)),
        "item_code": lambda: coded(item, item_codes),
        "seq": lambda: (np.zeros(count, dtype=np.int64), 1),
        "choice_code": lambda: coded(picked_all, choices),
    }
    for column in ATTRIBUTE_COLUMNS:
        sort_keys[column] = functools.partial(lambda c: coded(attributes[c][person], list(SHARES[c])), column)
    ranks = [sort_keys[column]() for column in order_by]
    if math.prod(n for _, n in ranks) < 2**62:  # one mixed-radix key: one sort instead of a lexsort of 11 keys
        composite = np.zeros(count, dtype=np.int64)
        for rank, n in ranks:
            composite = composite * n + rank
        order = np.argsort(composite, kind="stable")
    else:
        order = np.lexsort([rank for rank, _ in reversed(ranks)])
    person, item, picked_all = person[order], item[order], picked_all[order]
    value = np.where(picked_all < 4, picked_all + 1, 0).astype(np.float64)
    answer_columns: dict[str, Any] = {
        "member_id": _codes(np.zeros(count, dtype=np.int8), [member_id]),
        "submission_id": submission_ids.take(pa.array(person)),
        "wave_id": pa.array(np.full(count, wave_id, dtype=np.int64)),
        "organisation_id": pa.array(organisation[person]),
        "item_code": _codes(item, item_codes),
        "seq": pa.array(np.zeros(count, dtype=np.int16)),
        "choice_code": _codes(picked_all, choices),
        "value": pa.array(value, mask=picked_all == 4),
        "text": _codes(np.zeros(count, dtype=np.int8), [""]),
        **{column: _codes(attributes[column][person], list(SHARES[column])) for column in ATTRIBUTE_COLUMNS},
    }
    return responses, pa.table({c: answer_columns[c] for c in ANSWER_COLUMNS})


def _copy_postgresql(table_name: str, table: Any) -> None:
    """COPY an Arrow table in CSV form (strings quoted, so "" stays an empty string and only nulls are NULL)."""
    import pyarrow.csv as pacsv
    from django.db import connection

    names = ", ".join(connection.ops.quote_name(c) for c in table.column_names)
    statement = f"COPY {table_name} ({names}) FROM STDIN (FORMAT csv)"
    with connection.cursor() as wrapper, wrapper.cursor.copy(statement) as copy:
        for start in range(0, table.num_rows, 500_000):
            buffer = io.BytesIO()
            pacsv.write_csv(
                table.slice(start, 500_000),
                buffer,
                write_options=pacsv.WriteOptions(include_header=False, quoting_style="all_valid"),
            )
            copy.write(buffer.getvalue())


def _insert_sqlite(table_name: str, table: Any) -> None:
    from django.db import connection

    names = ", ".join(connection.ops.quote_name(c) for c in table.column_names)
    placeholders = ", ".join("?" for _ in table.column_names)
    raw = connection.connection
    sql = f"INSERT INTO {table_name} ({names}) VALUES ({placeholders})"  # noqa: S608 - fixed identifiers
    for batch in table.to_batches(CHUNK):
        raw.executemany(sql, zip(*(column.to_pylist() for column in batch.columns), strict=True))


@contextlib.contextmanager
def _bulk_load(table_name: str) -> Iterator[None]:
    """Load a table as a restore does: its indexes (and on PostgreSQL its primary key) dropped and built again
    afterwards from the database's own definitions, and on PostgreSQL without firing the foreign key triggers
    (session_replication_role = replica, as pg_restore --disable-triggers; the keys are valid by construction).
    The index the analyses read is then as compact as a fresh build makes it."""
    from django.db import connection

    postgresql = connection.vendor == "postgresql"
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
                " AND contype = 'p'",
                [table_name],
            )
            keys = [(str(name), str(definition)) for name, definition in cursor.fetchall()]
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table_name, table_name],
            )
        else:
            keys = []
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table_name],
            )
        indexes = [(str(name), str(sql)) for name, sql in cursor.fetchall()]
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        for name, _ in keys:
            cursor.execute(f"ALTER TABLE {quote(table_name)} DROP CONSTRAINT {quote(name)}")
        if postgresql:
            cursor.execute("SET session_replication_role = replica")
        started = time.perf_counter()
        yield
        _progress(f"{connection.vendor}: {table_name} rows written in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        if postgresql:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table_name)} ADD CONSTRAINT {quote(name)} {definition}")
        for _, sql in indexes:
            cursor.execute(sql)
        _progress(f"{connection.vendor}: {table_name} indexes built in {time.perf_counter() - started:.1f} s")


def _parquet_copy(answers: Any, path: str) -> int:
    """The wave's answer rows (item, choice, sex, age band) as a Parquet file, sorted by them (so a filter on
    item_code skips row groups by their statistics). Written from the rows loaded into the database, not read back
    from it: the references' chi-square then checks what ours read from the database independently."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = ["item_code", "choice_code", "sex", "age_band"]
    key = np.zeros(answers.num_rows, dtype=np.int64)
    for column in columns:  # one mixed-radix key of the columns' ranks (Arrow's sort_by takes ten times longer)
        encoded = answers[column].combine_chunks().dictionary_encode()
        ranks = _rank(encoded.dictionary.to_pylist())
        key = key * len(ranks) + ranks[encoded.indices.to_numpy()]
    table = answers.select(columns).take(pa.array(np.argsort(key, kind="stable")))
    pq.write_table(table, path)
    return int(table.num_rows)


def setup(rows: int, parquet_path: str) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from shokuba.results.selectors import items_of
    from shokuba.surveys import services
    from shokuba.surveys.models import ResponseAnswer, Wave

    member, coordinator, organisations = _shared.coordinator_and_organisations(
        "bench-crosstab-coordinator", "ベンチ集計株式会社", ORGANISATIONS
    )
    questionnaire = services.questionnaire_create_from_template(
        actor=coordinator, member=member, template_code="workplace", title="クロス集計ベンチマーク"
    )
    version = services.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())
    today = timezone.localdate()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name="クロス集計ベンチマーク",
        fiscal_year=2026,
        opens_on=today - dt.timedelta(days=31),
        closes_on=today - dt.timedelta(days=1),
        organisations=organisations,
    )
    Wave.objects.filter(pk=wave.pk).update(status="closed")
    definition = services.definition_of(version)
    parent = {i.code: q.code for q in definition.questions if q.type == "matrix" for i in q.items}
    offers = {i.code: any(c.code == "dk" for c in i.non_substantive) for i in items_of(definition)}
    items = [(code, parent.get(code), offers[code]) for code in ITEMS]  # KeyError: the template lost an item

    # The order the answer rows are written in decides most of the setup time. PostgreSQL: the order of the widest
    # index (the one the analyses read), built after the load from sorted input (its 11-column keys sort slowly
    # under a libc collation), the primary key being quick to sort. SQLite: the primary key's order (the key is in
    # the table and cannot be dropped for the load; appended in order, not inserted at random), the index sorted
    # after.
    if connection.vendor == "postgresql":
        widest = max(ResponseAnswer._meta.indexes, key=lambda index: len(index.fields))
        order_by = [str(getattr(ResponseAnswer._meta.get_field(name), "column", name)) for name in widest.fields]
    else:
        order_by = [str(field.column) for field in ResponseAnswer._meta.pk_fields]
    started = time.perf_counter()
    responses, answers = _generate(
        rows,
        member_id=member.pk,
        wave_id=wave.pk,
        org_ids=[o.pk for o in organisations],
        items=items,
        today=today,
        order_by=order_by,
    )
    generated = time.perf_counter() - started
    _progress(f"{connection.vendor}: {responses.num_rows:,} responses, {answers.num_rows:,} answer rows drawn")
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.execute("PRAGMA cache_size = -2000000")  # up to 2 GB of page cache for the load
        connection.connection.execute("PRAGMA threads = 2")  # and two threads to sort the index
    write = _copy_postgresql if connection.vendor == "postgresql" else _insert_sqlite
    for table_name, table in (("surveys_response", responses), ("surveys_responseanswer", answers)):
        with _bulk_load(table_name), transaction.atomic():
            write(table_name, table)
    loaded = time.perf_counter() - started
    _progress(f"{connection.vendor}: loaded in {loaded:.1f} s; analysing")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE surveys_response")
            cursor.execute("VACUUM ANALYZE surveys_responseanswer")
        else:
            cursor.execute("ANALYZE")
    analysed = time.perf_counter() - started
    written = _parquet_copy(answers, parquet_path)
    return {
        "wave": wave.pk,
        "user": coordinator.pk,
        "item": ITEM,
        "items": list(ITEMS),
        "responses": responses.num_rows,
        "answer_rows": answers.num_rows,
        "parquet_rows": written,
        "generate_seconds": generated,
        "load_seconds": loaded,
        "analyse_seconds": analysed,
    }


# --- timing ----------------------------------------------------------------------------------------------------


def _median(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """One warm-up run, then the median wall time of `repeat` runs; returns (seconds, the last run's result)."""
    result = fn()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


NOT_SUBSTANTIVE = {"R", ""}  # 答えたくない and 無回答 are never tested (docs/ARCHITECTURE.md, "Statistics that agree")


def _chi2(table: Any, groups: Sequence[tuple[str, str]], top_box: int) -> tuple[float, int, int, int]:
    """What ours tests, computed independently: the substantive groups of at least five, the scale's top box against
    the rest, Pearson's chi-square without continuity correction; df, n and the number of groups tested."""
    import numpy as np
    from scipy.stats import chi2_contingency

    keep = [
        r
        for r, group in enumerate(groups)
        if not (set(group) & NOT_SUBSTANTIVE) and int(np.asarray(table)[r].sum()) >= 5
    ]
    rows = np.asarray(table)[keep]
    collapsed = np.stack([rows[:, :top_box].sum(axis=1), rows[:, top_box:].sum(axis=1)], axis=1)
    statistic, _p, df, _expected = chi2_contingency(collapsed, correction=False)
    return float(statistic), int(df), int(collapsed.sum()), int(collapsed.shape[0])


def _plans(queries: Sequence[tuple[str, tuple[Any, ...]]]) -> list[dict[str, Any]]:
    """Each of ours' queries on the response tables run alone (best of 3, rows fetched: SQLite does its work while
    the rows are fetched), and the database's plan (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite)."""
    from django.db import connection

    plans = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                cursor.execute(sql, params)
                rows = len(cursor.fetchall())
                runs.append(time.perf_counter() - started)
            explain = "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
            cursor.execute(f"{explain} {sql}", params)
            plan = "\n".join(" | ".join(str(v) for v in row) for row in cursor.fetchall())
            plans.append({"sql": sql % params, "ms": round(min(runs) * 1000, 1), "rows": rows, "plan": plan})
    return plans


def run_timing(wave_id: int, user_id: int, item_code: str, parquet_path: str, repeat: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    from django.db import connection

    from shokuba.network.models import User
    from shokuba.results import analyses, selectors
    from shokuba.results.permissions import results_scope
    from shokuba.surveys.models import Wave

    wave = Wave.objects.get(pk=wave_id)
    item = next(i for i in selectors.wave_items(wave) if i.code == item_code)
    substantive = [c.code for c in item.categories]
    member_id = str(wave.member_id)

    def ours() -> Any:
        # As a request: the user and wave fetched, a fresh scope (nothing cached between runs).
        user, fresh = User.objects.get(pk=user_id), Wave.objects.get(pk=wave_id)
        result = analyses.crosstab_analysis(results_scope(user, fresh), item_code, ("sex", "age_band"))
        return result.objects["crosstab"].test

    def pandas_reference() -> tuple[float, int, int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT choice_code, sex, age_band FROM surveys_responseanswer"
                " WHERE member_id = %s AND wave_id = %s AND item_code = %s",
                [member_id, wave_id, item_code],
            )
            frame = pd.DataFrame(cursor.fetchall(), columns=["choice_code", "sex", "age_band"])
        frame = frame[frame["choice_code"].isin(substantive)]
        table = pd.crosstab([frame["sex"], frame["age_band"]], frame["choice_code"]).reindex(columns=substantive)
        return _chi2(table.fillna(0).to_numpy(), list(table.index), item.top_box)

    def parquet_reference() -> tuple[float, int, int, int]:
        table = pq.read_table(
            parquet_path, columns=["choice_code", "sex", "age_band"], filters=[("item_code", "=", item_code)]
        )
        table = table.filter(pc.is_in(table["choice_code"], value_set=pa.array(substantive)))
        counts = table.group_by(["sex", "age_band", "choice_code"]).aggregate([([], "count_all")]).to_pydict()
        groups = sorted(set(zip(counts["sex"], counts["age_band"], strict=True)))
        row_of = {g: r for r, g in enumerate(groups)}
        column_of = {c: k for k, c in enumerate(substantive)}
        matrix = np.zeros((len(groups), len(substantive)), dtype=np.int64)
        for sex, age, choice, n in zip(
            counts["sex"], counts["age_band"], counts["choice_code"], counts["count_all"], strict=True
        ):
            matrix[row_of[(sex, age)], column_of[choice]] = n
        return _chi2(matrix, groups, item.top_box)

    ours_seconds, test = _median(ours, repeat)
    pandas_seconds, pandas_result = _median(pandas_reference, repeat)
    parquet_seconds, parquet_result = _median(parquet_reference, repeat)

    # One more run of ours, instrumented: its queries (not part of the median), each then run alone and explained.
    queries: list[tuple[str, tuple[Any, ...]]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        ours()
    heavy = [q for q in queries if "surveys_response" in q[0]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM surveys_responseanswer WHERE member_id = %s AND wave_id = %s AND item_code = %s",
            [member_id, wave_id, item_code],
        )
        item_rows = int(cursor.fetchone()[0])
    return {
        "vendor": connection.vendor,
        "ours_seconds": ours_seconds,
        "pandas_seconds": pandas_seconds,
        "parquet_seconds": parquet_seconds,
        "ours": {
            "statistic": test.statistic,
            "df": test.df,
            "n": test.n,
            "method": test.method,
            "rows_tested": len(test.rows_tested),
        },
        "pandas": dict(zip(("statistic", "df", "n", "rows_tested"), pandas_result, strict=True)),
        "parquet": dict(zip(("statistic", "df", "n", "rows_tested"), parquet_result, strict=True)),
        "item_rows": item_rows,
        "queries": len(queries),
        "plans": _plans(heavy),
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    command, *args = sys.argv[1:]
    _django()
    if command == "setup":
        result = setup(int(args[0]), args[1])
    elif command == "time":
        result = run_timing(int(args[0]), int(args[1]), args[2], args[3], int(args[4]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
