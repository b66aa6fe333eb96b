"""Background exports of a wave's raw responses: a job per request, streamed to a private file, downloaded later.

The layout is the synchronous export's (`exports.columns`: one column per answer, 0/1 per option of a multiple
choice, one per rank) and every cell goes through `core.exports` (encodings, formula neutralising), so a small
wave's background file equals its direct download.

Streaming, never all responses in memory:
- CSV: the database picks every cell out of the answers JSON — on PostgreSQL one `answers -> 'Q' ->> 'I'` per
  column (`_AnswerCell`, computed in the database's own process, i.e. on the other core), on SQLite one
  `json_extract` with a path per column that parses the document once (`_AnswerArray`) — so a row arrives as a
  flat tuple, and Python only neutralises the free-text columns and hands it to `csv.writer`. The submission id
  and date come as text too. The rows come through `.iterator(chunk_size=…)` (a server-side cursor on
  PostgreSQL, inside a transaction so that it streams instead of first copying every row WITH HOLD; JIT off for
  it) into a buffered file.
- XLSX: the synchronous export's rows (`exports.rows`, read in chunks) into core.xlsx's constant-memory writer
  (straight into the partial file's ZIP entries, no temporary files), at most Excel's 1,048,575 rows.

Files live in `PRIVATE_FILES_DIR/survey-exports/`, written under a temporary name and renamed when complete, so a
failed job leaves nothing behind. They are kept `KEEP_DAYS` days and at most `KEEP_PER_WAVE` per wave (the oldest go
first when a new export is requested); the job stays as a record without its file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import secrets
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from shokuba.core import exports as core_exports
from shokuba.core.audit import audit_record, snapshot
from shokuba.core.disk import disk_full
from shokuba.core.models import AuditAction
from shokuba.core.permissions import has_perm, require
from shokuba.core.task_workers import task_results_unfinishable
from shokuba.surveys import exports
from shokuba.surveys.instrument import Definition
from shokuba.surveys.models import Channel, ExportFormat, ExportJob, ExportJobStatus, Response, Wave
from shokuba.surveys.services import definition_of

logger = logging.getLogger(__name__)

EXPORT_DIR = "survey-exports"
KEEP_DAYS = 7
KEEP_PER_WAVE = 5
FETCH_CHUNK = 5000  # rows per round trip of the server-side cursor
PROGRESS_EVERY = 25_000  # rows between progress updates (one small UPDATE each)
XLSX_ROW_LIMIT = core_exports.XLSX_MAX_ROWS - 1  # the header takes a row
FILE_BUFFER = 1 << 20

SUFFIXES = {ExportFormat.CSV: "csv", ExportFormat.CSV_CP932: "csv", ExportFormat.XLSX: "xlsx"}
CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.CSV_CP932: "text/csv; charset=Shift_JIS",
    ExportFormat.XLSX: core_exports.CONTENT_TYPES["xlsx"],
}


class ExportTooLarge(Exception):
    pass


def export_files_dir() -> Path:
    path = Path(settings.PRIVATE_FILES_DIR) / EXPORT_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_file(job: ExportJob) -> Path | None:
    """The finished file of a job, or None (not finished, failed, or already cleaned up)."""
    if job.status != ExportJobStatus.SUCCEEDED or not job.stored_name:
        return None
    path = export_files_dir() / job.stored_name
    return path if path.is_file() else None


def download_name(job: ExportJob) -> str:
    return f"{job.wave.name}_回答.{SUFFIXES[ExportFormat(job.file_format)]}"


# --- rows ----------------------------------------------------------------------------------------------------


class _AnswerCell(Func):
    """PostgreSQL: one cell of the export picked out of a response's answers (jsonb) by the database, in C, in the
    database's own process (see exports.Column.mode)."""

    def __init__(self, column: exports.Column) -> None:
        output: IntegerField[Any, Any] | TextField[Any, Any] = IntegerField() if column.mode == "flag" else TextField()
        super().__init__(F("answers"), output_field=output)
        self.column = column

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        answers, params = compiler.compile(self.source_expressions[0])
        column = self.column
        if column.mode in {"value", "text"}:
            return f"({answers} ->> %s)", [*params, column.question]
        if column.mode == "item":
            return f"({answers} -> %s ->> %s)", [*params, column.question, column.part]
        if column.mode == "rank":
            return f"({answers} -> %s ->> {int(column.part)})", [*params, column.question]
        return (
            f"(CASE WHEN jsonb_typeof({answers} -> %s) = 'array' THEN (({answers} -> %s) ? %s)::int END)",
            [*params, column.question, column.question, column.part],
        )


class _AnswerArray(Func):
    """SQLite: every cell of the row in one json_extract with a path per column, which parses the answers once and
    returns a JSON array (SQLite before 3.45 parses the document again for every json_extract call). A multiple
    choice's column gets the chosen codes; `_sqlite_rows` turns them into 0/1."""

    output_field = TextField()

    def __init__(self, columns: Sequence[exports.Column]) -> None:
        super().__init__(F("answers"))
        self.paths = [self._path(column) for column in columns]
        self.paths += ['$."_"'] * max(0, 2 - len(self.paths))  # with one path json_extract returns no array

    @staticmethod
    def _path(column: exports.Column) -> str:
        # Codes hold only letters, digits, "-" and "_" (instrument.CODE_PATTERN), so they need no escaping.
        if column.mode == "item":
            return f'$."{column.question}"."{column.part}"'
        if column.mode == "rank":
            return f'$."{column.question}"[{int(column.part)}]'
        return f'$."{column.question}"'

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        answers, params = compiler.compile(self.source_expressions[0])
        return f"json_extract({answers}, {', '.join(['%s'] * len(self.paths))})", [*params, *self.paths]


def _sqlite_rows(records: Iterable[Sequence[Any]], columns: Sequence[exports.Column]) -> Generator[tuple[Any, ...]]:
    """Rows of (fixed cells…, JSON array of the answer cells) as flat tuples, multiple choices as 1/0/None."""
    flags = [(index, column.part) for index, column in enumerate(columns) if column.mode == "flag"]
    width = len(columns)
    loads = json.loads
    try:
        for record in records:
            values = loads(record[-1])
            for index, code in flags:
                chosen = values[index]
                values[index] = None if chosen is None else int(code in chosen)
            yield (*record[:-1], *values[:width])
    finally:
        _close(records)


class _UuidText(Func):
    """A submission id as its usual text form (what str(uuid) gives), made by the database."""

    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        """SQLite stores a UUID as 32 hex digits."""
        value, params = compiler.compile(self.source_expressions[0])
        parts = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)]
        return "lower(" + " || '-' || ".join(f"substr({value}, {a}, {b})" for a, b in parts) + ")", params * 5

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        value, params = compiler.compile(self.source_expressions[0])
        return f"({value})::text", params


class _DateText(Func):
    """A date as YYYY-MM-DD (what date.isoformat() gives), made by the database."""

    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        """SQLite stores a date as YYYY-MM-DD text."""
        value, params = compiler.compile(self.source_expressions[0])
        return value, list(params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        value, params = compiler.compile(self.source_expressions[0])
        return f"to_char({value}, 'YYYY-MM-DD')", params


def _responses(wave: Wave) -> QuerySet[Response]:
    return Response.objects.filter(member_id=wave.member_id, wave=wave).order_by("submitted_on", "submission_id")


def csv_rows(wave: Wave, definition: Definition) -> tuple[list[str], Iterator[Sequence[Any]], list[int]]:
    """The header, the rows as flat tuples straight from the database cursor, and the columns holding free text.
    Cells are what the synchronous export writes to a CSV (codes as text, 0/1, numbers, None for empty)."""
    columns = exports.columns(definition)
    channel = Case(
        *[When(channel=code, then=Value(str(label))) for code, label in Channel.choices],
        default=F("channel"),
        output_field=TextField(),
    )
    queryset = _responses(wave).annotate(
        x_id=_UuidText("submission_id"),
        x_date=_DateText("submitted_on"),
        x_organisation=Coalesce(F("organisation__name"), Value(""), output_field=TextField()),
        x_channel=channel,
    )
    fixed_cells = ["x_id", "x_date", "x_organisation", "x_channel", *definition.attributes]
    records: Iterator[Sequence[Any]]
    if connection.vendor == "postgresql":
        cells = {f"c{index}": _AnswerCell(column) for index, column in enumerate(columns)}
        records = queryset.annotate(**cells).values_list(*fixed_cells, *cells).iterator(chunk_size=FETCH_CHUNK)
    else:
        arrays = queryset.annotate(x_answers=_AnswerArray(columns)).values_list(*fixed_cells, "x_answers")
        records = _sqlite_rows(arrays.iterator(chunk_size=FETCH_CHUNK), columns)
    # Free text: the organisation's name, the answers to text questions, and the attribute codes (the synchronous
    # export neutralises every cell, and an age band is written "-29").
    fixed = len(exports.FIXED_HEADER)
    text_columns = [2, *range(fixed, fixed + len(definition.attributes))]
    fixed += len(definition.attributes)
    text_columns += [fixed + i for i, column in enumerate(columns) if column.mode == "text"]
    return exports.header(definition), records, text_columns


def _close(rows: Iterable[Any]) -> None:
    """Close a generator of rows at once (and with it the database cursor it reads), rather than when the garbage
    collector gets to it: a failure's traceback keeps it alive past the end of the transaction otherwise."""
    close = getattr(rows, "close", None)
    if close is not None:
        close()


def _reporting(rows: Iterable[Any], report: Callable[[int], None]) -> Generator[Any]:
    """Pass the rows through, reporting the count every PROGRESS_EVERY rows."""
    every = PROGRESS_EVERY
    try:
        for count, row in enumerate(rows, start=1):
            if count % every == 0:
                report(count)
            yield row
    finally:
        _close(rows)


def _limited(rows: Iterable[Any], limit: int) -> Generator[Any]:
    try:
        for count, row in enumerate(rows, start=1):
            if count > limit:
                raise ExportTooLarge(count)
            yield row
    finally:
        _close(rows)


def write_export(
    wave: Wave,
    file_format: str,
    stream: Any,
    report: Callable[[int], None] = lambda n: None,
    replacements: core_exports.Replacements | None = None,
) -> int:
    """Write a wave's raw responses in `file_format` into a binary stream; returns the number of responses.
    `replacements` counts the characters a Shift_JIS file could not hold."""
    definition = definition_of(wave.version)
    if file_format == ExportFormat.XLSX:
        codebook_header, codebook_rows = exports.codebook(definition)
        rows = _reporting(_limited(exports.rows(wave, definition, chunk_size=FETCH_CHUNK), XLSX_ROW_LIMIT), report)
        with contextlib.closing(rows):  # a failure closes the database cursor while its transaction is still good
            return core_exports.write_xlsx(
                stream,
                exports.header(definition),
                rows,
                sheet_title="回答",
                extra_sheets=[("コードブック", codebook_header, codebook_rows)],
            )
    encoding = "cp932" if file_format == ExportFormat.CSV_CP932 else "utf-8-sig"
    header, records, text_columns = csv_rows(wave, definition)
    reported = _reporting(records, report)
    with contextlib.closing(reported):
        return core_exports.write_csv(
            stream, header, reported, encoding=encoding, text_columns=text_columns, replacements=replacements
        )


# --- jobs ----------------------------------------------------------------------------------------------------


def _response_count(wave: Wave) -> int:
    return Response.objects.filter(member_id=wave.member_id, wave=wave).count()


def exports_clean_up(*, wave: Wave | None = None, now: dt.datetime | None = None) -> int:
    """Delete export files older than KEEP_DAYS (everywhere) and beyond the newest KEEP_PER_WAVE of a wave, and
    partial files a killed worker left behind (a day old). The jobs stay, without their file. Returns the number of
    finished files removed."""
    now = now or timezone.now()
    for partial in export_files_dir().glob(".*.part"):
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < (now - dt.timedelta(days=1)).timestamp():
                partial.unlink()
    expired = list(ExportJob.objects.filter(created_at__lt=now - dt.timedelta(days=KEEP_DAYS)).exclude(stored_name=""))
    if wave is not None:
        kept = ExportJob.objects.filter(wave=wave).exclude(stored_name="").order_by("-created_at", "-id")
        expired += list(kept[KEEP_PER_WAVE:])
    removed = 0
    for job in {job.pk: job for job in expired}.values():
        (export_files_dir() / job.stored_name).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(
            stored_name="", message=_("保存期間を過ぎたか新しいファイルができたため、ファイルを削除しました。")
        )
        removed += 1
    return removed


# A running job reports progress every PROGRESS_EVERY rows (seconds apart even for XLSX); one silent this long has
# lost its worker (killed, restarted) and would otherwise show "作成中" forever.
STALLED_AFTER = dt.timedelta(minutes=10)


def export_jobs_fail_stalled(*, wave: Wave | None = None, now: dt.datetime | None = None) -> int:
    """Mark running jobs without a sign of life for STALLED_AFTER as failed, so their page stops waiting and says to
    ask again. Called wherever jobs are shown. Returns how many."""
    now = now or timezone.now()
    cutoff = now - STALLED_AFTER
    stalled = ExportJob.objects.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff),  # started before 0007
        status=ExportJobStatus.RUNNING,
    )
    if wave is not None:
        stalled = stalled.filter(wave=wave)
    if not stalled.exists():  # the usual case: a read, no write lock taken on every page view
        return 0
    # A job marked so that was only slow still ends SUCCEEDED with its file when it finishes: success wins.
    return stalled.update(
        status=ExportJobStatus.FAILED,
        finished_at=now,
        message=_("書き出しが途中で止まりました（処理が中断されました）。もう一度ファイルを作成してください。"),
    )


def lost_message() -> str:
    """The message of a job whose worker process died (found by the next worker to start on the machine,
    core.task_workers): failed at once, its partial file removed."""
    return _("書き出していたサーバーの処理が止まったため、書き出しを中止しました。もう一度ファイルを作成してください。")


_PARTIAL_NAME = re.compile(r"^\.(\d+)\.[0-9a-f]+\.[a-z]+\.part$")


def _partial_files() -> dict[int, list[Path]]:
    """The partial files in the export folder, by the id of the job writing them."""
    found: dict[int, list[Path]] = {}
    for path in export_files_dir().glob(".*.part"):
        match = _PARTIAL_NAME.match(path.name)
        if match:
            found.setdefault(int(match.group(1)), []).append(path)
    return found


def export_jobs_recover_lost() -> int:
    """Fail the queued and running jobs whose task will never finish (its worker died, core.task_workers), and
    remove the partial file of every job whose task no longer runs. Registered with core by SurveysConfig.ready and
    run by a starting worker; returns how many jobs it failed."""
    active = (ExportJobStatus.QUEUED, ExportJobStatus.RUNNING)
    partials = _partial_files()
    tasks = dict(
        ExportJob.objects.filter(Q(status__in=active) | Q(pk__in=list(partials)))
        .exclude(task_result_id="")
        .values_list("pk", "task_result_id")
    )
    lost_tasks = task_results_unfinishable(tasks.values())
    lost = [pk for pk, task in tasks.items() if task in lost_tasks]
    failed = 0
    if lost:
        failed = ExportJob.objects.filter(pk__in=lost, status__in=active).update(
            status=ExportJobStatus.FAILED, finished_at=timezone.now(), message=lost_message()
        )
    for pk in lost:
        for path in partials.get(pk, []):
            path.unlink(missing_ok=True)
    if failed:
        logger.warning("%d survey export jobs failed: their worker is gone", failed)
    return failed


def export_job_request(*, actor: Any, wave: Wave, file_format: str) -> ExportJob:
    """Queue a background export of a wave's raw responses for someone allowed to see them."""
    require(actor, "wave.view_responses", wave)
    if file_format not in ExportFormat.values:
        raise ValidationError(
            {
                "file_format": [
                    _("形式は %(formats)s のどれかを選んでください。") % {"formats": ", ".join(ExportFormat.values)}
                ]
            }
        )
    total = _response_count(wave)
    if file_format == ExportFormat.XLSX and total > XLSX_ROW_LIMIT:
        raise ValidationError(
            {
                "file_format": [
                    _(
                        "回答が%(count)s件あり、Excel の1シートに入る上限（%(max)s件）を超えています。"
                        "CSV を選んでください。"
                    )
                    % {"count": f"{total:,}", "max": f"{XLSX_ROW_LIMIT:,}"}
                ]
            }
        )
    with transaction.atomic():
        job = ExportJob.objects.create(
            member_id=wave.member_id,
            wave=wave,
            file_format=file_format,
            total=total,
            created_by=actor,
            message=_("書き出しの順番を待っています。"),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=job,
            before=None,
            after=snapshot(job),
            member_code=wave.member_id,
        )
    result = export_job_task.enqueue(job.pk)
    ExportJob.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


class _Progress:
    """Records how many rows are written, where the job's page can see it at once. While the rows stream inside a
    transaction (PostgreSQL), the update goes through a second connection so that it is committed immediately."""

    def __init__(self, job_id: int, side: Any = None) -> None:
        self.job_id = job_id
        self.side = side

    def __call__(self, written: int) -> None:
        now = timezone.now()
        if self.side is None:
            ExportJob.objects.filter(pk=self.job_id).update(written=written, heartbeat_at=now)
            return
        table = self.side.ops.quote_name(ExportJob._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET written = %s, heartbeat_at = %s WHERE id = %s",  # noqa: S608 - fixed name
                [written, now, self.job_id],
            )


def export_job_run(job_id: int) -> None:
    """Run a queued export (called by the task worker). The job ends SUCCEEDED with its file, or FAILED with a
    message and no file."""
    job = ExportJob.objects.select_related("wave__version", "wave__member", "created_by").get(pk=job_id)
    if job.is_finished:
        return
    started = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJobStatus.RUNNING, started_at=started, heartbeat_at=started, message=_("書き出しています。")
    )
    stored_name = f"{secrets.token_hex(16)}.{SUFFIXES[ExportFormat(job.file_format)]}"
    final = export_files_dir() / stored_name
    partial = final.with_name(f".{job.pk}.{stored_name}.part")  # the job's id: found again if the worker dies
    outcome: dict[str, Any]
    side = None
    try:
        if not has_perm(job.created_by, "wave.view_responses", job.wave):
            raise PermissionDenied("wave.view_responses")
        streaming_transaction = connection.vendor == "postgresql"
        if streaming_transaction:
            side = connection.copy()
        progress = _Progress(job.pk, side)
        replacements = core_exports.Replacements()

        with partial.open("wb", buffering=FILE_BUFFER) as stream:
            if streaming_transaction:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        # JIT compiling the ~50 JSON extractions costs seconds and saves nothing on one pass.
                        cursor.execute("SET LOCAL jit = off")
                    written = write_export(job.wave, job.file_format, stream, progress, replacements)
            else:
                written = write_export(job.wave, job.file_format, stream, progress, replacements)
        os.replace(partial, final)
        outcome = {
            "status": ExportJobStatus.SUCCEEDED,
            "written": written,
            "total": written,
            "stored_name": stored_name,
            "size_bytes": final.stat().st_size,
            "message": _("%(count)s件の回答を書き出しました。") % {"count": f"{written:,}"}
            + (
                _(
                    "Shift_JIS で表せない %(n)s 文字は「?」にしました（元の文字のままなら CSV（UTF-8）か Excel を"
                    "選んでください）。"
                )
                % {"n": f"{replacements.count:,}"}
                if replacements.count and job.file_format == ExportFormat.CSV_CP932
                else ""
            ),
        }
    except PermissionDenied:
        outcome = {
            "status": ExportJobStatus.FAILED,
            "message": _("回答を書き出す権限がなくなったため、書き出していません。"),
        }
    except ExportTooLarge:
        outcome = {
            "status": ExportJobStatus.FAILED,
            "message": _(
                "回答が Excel の1シートに入る上限（%(max)s件）を超えたため、書き出せませんでした。"
                "CSV を選んでください。"
            )
            % {"max": f"{XLSX_ROW_LIMIT:,}"},
        }
    except OSError as exc:
        if not disk_full(exc):
            logger.exception("survey export job %s failed", job_id)
        else:
            logger.error("survey export job %s: the private files' disk is full (%s)", job_id, exc)
        outcome = {
            "status": ExportJobStatus.FAILED,
            "message": _(
                "保存先のディスクに空きがないため、書き出せませんでした（書きかけのファイルは消しました）。"
                "管理者に連絡してください。"
            )
            if disk_full(exc)
            else _("予期しないエラーで書き出せませんでした。もう一度試して、続くときは管理者に連絡してください。"),
        }
    except Exception:  # the job must end visibly whatever happens; the details go to the log
        logger.exception("survey export job %s failed", job_id)
        outcome = {
            "status": ExportJobStatus.FAILED,
            "message": _(
                "予期しないエラーで書き出せませんでした。もう一度試して、続くときは管理者に連絡してください。"
            ),
        }
    finally:
        partial.unlink(missing_ok=True)
        if side is not None:
            side.close()
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **outcome)
    if outcome["status"] == ExportJobStatus.SUCCEEDED:
        exports_clean_up(wave=job.wave)


@task()
def export_job_task(job_id: int) -> None:
    """The background task (django-tasks; the database backend's worker is `manage.py db_worker`). Defined beside
    the service that queues it and the one it runs, so neither module has to import the other."""
    export_job_run(job_id)
