"""Every change to regional statistics: imports (file, API, background job) and members' outcome indicators.

Each is permission-checked with core.permissions, atomic, and audited. An import is all or nothing: the file or
every API page is read and checked completely before the transaction that writes begins. An import replaces the
figures of the areas it covers, for each table and year it holds, and nothing else: a prefecture's own download
replaces that prefecture's areas only. A coordinator imports their own member's areas and never replaces figures
the secretariat imported.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from shokuba.core.audit import audit_record, audit_saved, snapshot
from shokuba.core.disk import disk_full
from shokuba.core.models import AuditAction
from shokuba.core.permissions import SYSTEM, account_of, has_perm, require
from shokuba.core.task_workers import task_results_unfinishable
from shokuba.core.text import file_name_clean
from shokuba.core.uploads import UploadError
from shokuba.network.models import Member, MemberKind
from shokuba.regional.estat import api as estat_api
from shokuba.regional.estat.errors import Place, StatisticsImportError
from shokuba.regional.importers import (
    AreaDirectory,
    AreaScope,
    PreparedImport,
    prepare_age_sex,
    prepare_file,
    table_label,
)
from shokuba.regional.indicators import INDICATORS_BY_CODE
from shokuba.regional.models import (
    AGE_FIELDS,
    MIGRATION_TABLES,
    AgeSexFigures,
    ImportAuthority,
    ImportJob,
    ImportJobStatus,
    ImportSource,
    MoversKind,
    OutcomeIndicator,
    PrefectureFlow,
    StatisticsImport,
    StatisticsTable,
)

logger = logging.getLogger(__name__)
Progress = Callable[[int, str], None]
WRITE_BATCH = 1000  # PostgreSQL allows 65,535 parameters per statement; a figures row has 25
FIRST_YEAR, LAST_YEAR = 1954, 2100  # 住民基本台帳人口移動報告 began in 1954
OUTCOME_SEXES = ("T", "M", "F", "gap")


def _check_table_year(table: str | None, year: int | None) -> None:
    if table and table not in StatisticsTable.values:
        raise StatisticsImportError.at(Place(""), _("統計表「%(table)s」は選べません。") % {"table": table})
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise StatisticsImportError.at(
            Place(""), _("年は%(first)d〜%(last)dで指定してください。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )


@dataclass(frozen=True)
class ImportRights:
    """What an actor's import may do: the secretariat (and the command line) any area; a coordinator only their
    own member's areas, never over figures the secretariat imported."""

    authority: str
    member: Member | None
    scope: AreaScope | None


def import_rights(actor: Any) -> ImportRights:
    """Raises PermissionDenied for anyone who may not import at all."""
    if actor is SYSTEM or has_perm(actor, "regional.import"):
        return ImportRights(ImportAuthority.SECRETARIAT, None, None)
    member = getattr(actor, "member", None)
    require(actor, "regional.import_areas", member)
    assert member is not None
    if member.kind == MemberKind.PREFECTURE:
        label = _("%(name)sとその市町村") % {"name": member.local_government.full_name}
    else:
        label = member.local_government.full_name
    return ImportRights(
        ImportAuthority.MEMBER,
        member,
        AreaScope(member.pk, label, prefecture_wide=member.kind == MemberKind.PREFECTURE),
    )


def _chunks(items: Sequence[str], size: int = 500) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    columns = []
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        columns.append(field.column)
    return columns


def _figure_columns() -> tuple[str, list[str]]:
    names = ["statistics_import", "table", "year", "area_code", "sex", "movers", "total", *AGE_FIELDS]
    return AgeSexFigures._meta.db_table, _columns(AgeSexFigures, names)


def _insert_rows(table: str, columns: list[str], rows: Sequence[Sequence[Any]]) -> None:
    """Many rows in one executemany: the ORM's bulk_create spends most of an import preparing values that are
    plain integers already. Portable SQL with the backend's own quoting and placeholders."""
    quote = connection.ops.quote_name
    # Table and column names come from the models' own metadata, never from input; values are parameters.
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_BATCH):
            cursor.executemany(sql, rows[start : start + WRITE_BATCH])


def _refuse_existing(prepared: PreparedImport, areas: set[str]) -> None:
    raise StatisticsImportError.at(
        Place(prepared.source_name),
        _(
            "%(year)d年の「%(table)s」は、このファイルの %(n)d 地域について取り込み済みです。"
            "置き換える場合は「取り込み済みの地域を置き換える」を選んでください。"
        )
        % {"year": prepared.year, "table": table_label(prepared.table), "n": len(areas)},
    )


def _write_age_sex(
    *,
    actor: Any,
    prepared: PreparedImport,
    source: str,
    rights: ImportRights,
    replace: bool,
    job: ImportJob | None,
) -> StatisticsImport | None:
    """Replace the figures of the prepared areas (only those) for the table and year. None when a coordinator's
    import has nothing left to write because the secretariat's figures cover every one of its areas."""
    in_place = set(
        AgeSexFigures.objects.filter(table=prepared.table, year=prepared.year, sex="T").values_list(
            "area_code", "statistics_import_id"
        )
    )
    authority = dict(
        StatisticsImport.objects.filter(pk__in={import_id for _a, import_id in in_place}).values_list(
            "pk", "imported_as"
        )
    )
    existing = [(area, import_id, authority[import_id]) for area, import_id in in_place]
    new_areas = set(prepared.area_codes)
    notes = list(prepared.notes)
    figures = prepared.figures
    if rights.authority == ImportAuthority.MEMBER:
        protected = {area for area, _id, authority in existing if authority == ImportAuthority.SECRETARIAT}
        kept_out = new_areas & protected
        if kept_out:
            new_areas -= kept_out
            figures = [row for row in figures if row[0] in new_areas]
            notes.append(
                _("事務局が取り込んだ %(n)d 地域の数値はそのまま残し、このファイルの値では置き換えませんでした。")
                % {"n": len(kept_out)}
            )
        if not new_areas:
            return None
    overlapping = {area for area, _id, _a in existing if area in new_areas}
    if overlapping and not replace:
        _refuse_existing(prepared, overlapping)
    affected = {import_id for area, import_id, _a in existing if area in new_areas}
    previous = list(StatisticsImport.objects.select_for_update().filter(pk__in=affected).order_by("pk"))
    if {area for area, _id, _a in existing} <= new_areas:
        AgeSexFigures.objects.filter(table=prepared.table, year=prepared.year).delete()
    else:
        for chunk in _chunks(sorted(new_areas)):
            AgeSexFigures.objects.filter(table=prepared.table, year=prepared.year, area_code__in=chunk).delete()
    record = StatisticsImport.objects.create(
        table=prepared.table,
        year=prepared.year,
        source=source,
        source_name=file_name_clean(prepared.source_name),
        source_sha256=prepared.source_sha256,
        synthetic=prepared.synthetic,
        imported_by=account_of(actor),
        imported_as=rights.authority,
        member=rights.member,
        job=job,
        movers=prepared.movers,
        complete=prepared.complete and len(new_areas) == prepared.area_count,
        scope=prepared.scope[:255],
        area_count=len(new_areas),
        row_count=len(figures),
        notes=notes,
    )
    db_table, columns = _figure_columns()
    head = (record.pk, prepared.table, prepared.year)
    rows = [(*head, row[0], row[1], prepared.movers, *row[2:]) for row in figures]
    _insert_rows(db_table, columns, rows)
    _mark_replaced(actor, previous)
    audit_record(
        actor=account_of(actor) or actor,
        action=AuditAction.CREATE,
        instance=record,
        before=None,
        after=snapshot(record),
        member_code=rights.member.pk if rights.member else "",
    )
    return record


def _mark_replaced(actor: Any, previous: Sequence[StatisticsImport]) -> None:
    """Imports none of whose figures remain are replaced; the others stay partly in use."""
    still_used = set(
        AgeSexFigures.objects.filter(statistics_import__in=previous).values_list("statistics_import_id", flat=True)
    )
    still_used |= set(
        PrefectureFlow.objects.filter(statistics_import__in=previous).values_list("statistics_import_id", flat=True)
    )
    now = timezone.now()
    for old in previous:
        if old.pk in still_used or old.replaced_at is not None:
            continue
        before = snapshot(old)
        old.replaced_at = now
        old.save(update_fields=["replaced_at"])
        audit_record(
            actor=account_of(actor) or actor,
            action=AuditAction.UPDATE,
            instance=old,
            before=before,
            after=snapshot(old),
            member_code=old.member_id or "",
        )


def _write_flows(
    *, actor: Any, prepared: PreparedImport, source: str, replace: bool, job: ImportJob | None
) -> StatisticsImport:
    """The prefecture-to-prefecture table is national: it replaces the year's table whole."""
    previous = list(
        StatisticsImport.objects.select_for_update().filter(
            table=StatisticsTable.PREFECTURE_FLOWS, year=prepared.year, replaced_at__isnull=True
        )
    )
    if previous and not replace:
        _refuse_existing(prepared, set(prepared.area_codes))
    PrefectureFlow.objects.filter(year=prepared.year).delete()
    record = StatisticsImport.objects.create(
        table=prepared.table,
        year=prepared.year,
        source=source,
        source_name=file_name_clean(prepared.source_name),
        source_sha256=prepared.source_sha256,
        synthetic=prepared.synthetic,
        imported_by=account_of(actor),
        job=job,
        complete=prepared.complete,
        scope=prepared.scope[:255],
        area_count=prepared.area_count,
        row_count=prepared.row_count,
        notes=prepared.notes,
    )
    names = ("statistics_import", "year", "origin", "destination", "sex", "movers")
    columns = _columns(PrefectureFlow, names)
    _insert_rows(PrefectureFlow._meta.db_table, columns, [(record.pk, prepared.year, *row) for row in prepared.flows])
    _mark_replaced(actor, previous)
    audit_record(
        actor=account_of(actor) or actor,
        action=AuditAction.CREATE,
        instance=record,
        before=None,
        after=snapshot(record),
    )
    return record


@transaction.atomic
def statistics_import_write(
    *,
    actor: Any,
    prepared: Sequence[PreparedImport],
    source: str,
    replace: bool = True,
    job: ImportJob | None = None,
) -> list[StatisticsImport]:
    """Write every prepared table in one transaction: each replaces the figures of its own areas for its table and
    year, and nothing else. All or nothing; audited."""
    rights = import_rights(actor)
    records: list[StatisticsImport] = []
    try:
        for item in prepared:
            if item.flows:
                if rights.authority != ImportAuthority.SECRETARIAT:
                    raise PermissionDenied("regional.import")
                records.append(_write_flows(actor=actor, prepared=item, source=source, replace=replace, job=job))
                continue
            record = _write_age_sex(actor=actor, prepared=item, source=source, rights=rights, replace=replace, job=job)
            if record is not None:
                records.append(record)
    except IntegrityError as exc:
        raise StatisticsImportError.at(
            Place(prepared[0].source_name if prepared else ""),
            _(
                "同じ統計表・年の取込が同時に行われたため、取り込めませんでした。何も変更していません。もう一度お試しください。"
            ),
        ) from exc
    if not records:
        raise StatisticsImportError.at(
            Place(prepared[0].source_name if prepared else ""),
            _(
                "このファイルの地域の数値は、すべて事務局が取り込んだものがあるため置き換えませんでした"
                "（参加自治体の担当者の取込は、事務局の取り込んだ数値を置き換えません）。何も変更していません。"
            ),
        )
    return records


def statistics_import_file(
    *,
    actor: Any,
    data: bytes,
    file_name: str,
    table: str | None = None,
    year: int | None,
    replace: bool = True,
    progress: Progress | None = None,
    job: ImportJob | None = None,
) -> list[StatisticsImport]:
    """Import one downloaded e-Stat table (.xlsx or CSV): every table it holds (or only `table`), for the areas it
    covers. Raises StatisticsImportError; then nothing changed."""
    rights = import_rights(actor)
    _check_table_year(table, year)
    prepared = prepare_file(
        data, file_name=file_name, table=table or None, year=year, progress=progress, scope=rights.scope
    )
    if progress:
        progress(90, _("データベースに書き込んでいます"))
    return statistics_import_write(actor=actor, prepared=prepared, source=ImportSource.FILE, replace=replace, job=job)


def statistics_import_api(
    *,
    actor: Any,
    stats_data_id: str,
    table: str | None = None,
    year: int,
    replace: bool = True,
    fetch: estat_api.Fetch | None = None,
    filters: Sequence[tuple[str, str]] = (),
    progress: Progress | None = None,
    job: ImportJob | None = None,
) -> list[StatisticsImport]:
    """Import one year through the e-Stat API: every 表章項目 of the table (or only `table`); every page is
    fetched before anything is written."""
    rights = import_rights(actor)
    _check_table_year(table, year)
    if table and table not in MIGRATION_TABLES:
        raise StatisticsImportError.at(
            Place(stats_data_id), _("API から取り込めるのは表11-1・11-2・11-3（年齢・男女別の移動者数）です。")
        )
    parsed = estat_api.fetch_age_sex_table(
        app_id=settings.ESTAT_APP_ID,
        stats_data_id=stats_data_id,
        url=settings.ESTAT_API_URL,
        table=table or None,
        year=year,
        fetch=fetch or estat_api.http_fetch,
        progress=progress,
        extra_filters=filters,
    )
    directory = AreaDirectory.load()
    source_name = f"statsDataId={stats_data_id}"
    prepared = [
        prepare_age_sex(
            part, table=table or None, year=year, source_name=source_name, directory=directory, scope=rights.scope
        )
        for part in parsed
    ]
    if progress:
        progress(90, _("データベースに書き込んでいます"))
    return statistics_import_write(actor=actor, prepared=prepared, source=ImportSource.API, replace=replace, job=job)


def records_summary(records: Sequence[StatisticsImport]) -> str:
    """What an import wrote, in one sentence for the job page and the command line."""
    parts = []
    for record in records:
        text = _("%(table)s %(year)d年：%(areas)d 地域") % {
            "table": record.get_table_display(),
            "year": record.year,
            "areas": record.area_count,
        }
        if record.movers == MoversKind.JAPANESE:
            text += _("（日本人移動者のみ）")
        parts.append(text)
    return _("取り込みました：%(parts)s。") % {"parts": "、".join(parts)}


# --- background jobs ----------------------------------------------------------------------------------------


def import_files_dir() -> Path:
    path = Path(settings.PRIVATE_FILES_DIR) / "regional-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_job_create(
    *,
    actor: Any,
    table: str | None,
    year: int,
    source: str,
    source_name: str,
    data: bytes | None = None,
    replace: bool = False,
) -> ImportJob:
    """Queue an import; the file waits in the private folder until the worker has read it."""
    rights = import_rights(actor)
    _check_table_year(table, year)
    if source == ImportSource.API and rights.authority != ImportAuthority.SECRETARIAT:
        raise PermissionDenied("regional.import")
    stored_name = ""
    if data is not None:
        stored_name = f"{secrets.token_hex(16)}.upload"
        stored = import_files_dir() / stored_name
        try:
            stored.write_bytes(data)
        except OSError as exc:
            stored.unlink(missing_ok=True)
            if not disk_full(exc):
                raise
            raise UploadError(
                _(
                    "保存先のディスクに空きがないため、ファイル「%(name)s」を受け付けられませんでした。"
                    "何も取り込んでいません。管理者に連絡してください。"
                )
                % {"name": file_name_clean(source_name)}
            ) from exc
    job = ImportJob.objects.create(
        created_by=account_of(actor),
        member=rights.member,
        table=table or "",
        year=year,
        source=source,
        source_name=file_name_clean(source_name),
        stored_name=stored_name,
        replace=replace,
        message=_("取込の順番を待っています"),
    )
    result = import_job_task.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _job_progress(job_id: int) -> Progress:
    last = [0.0]

    def report(percent: int, message: str) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and percent < 90:
            return
        last[0] = now
        ImportJob.objects.filter(pk=job_id).update(progress=max(0, min(int(percent), 99)), message=message[:255])

    return report


def import_job_run(job_id: int) -> None:
    """Run a queued import (called by the task worker). The job records success or every problem found."""
    job = ImportJob.objects.select_related("created_by__member__local_government").get(pk=job_id)
    if job.is_finished:
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.RUNNING, started_at=timezone.now(), message=_("取り込んでいます")
    )
    stored = import_files_dir() / job.stored_name if job.stored_name else None
    progress = _job_progress(job.pk)
    outcome: dict[str, Any]
    try:
        actor = job.created_by
        if actor is None:
            raise PermissionDenied("regional.import")
        if job.source == ImportSource.FILE:
            if stored is None or not stored.exists():
                raise StatisticsImportError.at(
                    Place(job.source_name), _("アップロードされたファイルが見つかりません。")
                )
            records = statistics_import_file(
                actor=actor,
                data=stored.read_bytes(),
                file_name=job.source_name,
                table=job.table or None,
                year=job.year,
                replace=job.replace,
                progress=lambda p, m: progress(p // 2 if p < 90 else p, m),
                job=job,
            )
        else:
            records = statistics_import_api(
                actor=actor,
                stats_data_id=job.source_name,
                table=job.table or None,
                year=job.year,
                replace=job.replace,
                progress=progress,
                job=job,
            )
        outcome = {
            "status": ImportJobStatus.SUCCEEDED,
            "progress": 100,
            "statistics_import": records[0],
            "message": records_summary(records)[:255],
        }
    except StatisticsImportError as exc:
        outcome = {"status": ImportJobStatus.FAILED, "errors": exc.messages, "message": _("取り込めませんでした。")}
    except PermissionDenied:
        outcome = {
            "status": ImportJobStatus.FAILED,
            "errors": [_("取り込む権限がありません。")],
            "message": _("取り込めませんでした。"),
        }
    except Exception:  # the job must end visibly whatever happens; the details go to the log
        logger.exception("regional import job %s failed", job_id)
        outcome = {
            "status": ImportJobStatus.FAILED,
            "errors": [_("予期しないエラーで取り込めませんでした。何も変更していません。管理者に連絡してください。")],
            "message": _("取り込めませんでした。"),
        }
    finally:
        if stored is not None:
            stored.unlink(missing_ok=True)
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **outcome)


def import_jobs_recover_lost() -> int:
    """Fail the queued and running imports whose task will never finish (its worker died, core.task_workers) and
    remove the uploaded file of every import whose task no longer runs. The import writes in one transaction, so a
    killed worker changed nothing. Registered with core by RegionalConfig.ready and run by a starting worker;
    returns how many jobs it failed."""
    active = (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)
    uploads = {path.name: path for path in import_files_dir().glob("*.upload")}
    tasks = dict(
        ImportJob.objects.filter(Q(status__in=active) | Q(stored_name__in=list(uploads)))
        .exclude(task_result_id="")
        .values_list("pk", "task_result_id")
    )
    lost_tasks = task_results_unfinishable(tasks.values())
    lost = [pk for pk, task in tasks.items() if task in lost_tasks]
    failed = 0
    if lost:
        failed = ImportJob.objects.filter(pk__in=lost, status__in=active).update(
            status=ImportJobStatus.FAILED,
            finished_at=timezone.now(),
            message=_("取り込めませんでした。"),
            errors=[
                _(
                    "取込の処理が途中で止まりました（サーバーの処理が中断されました）。何も変更していません。"
                    "もう一度ファイルを選んで取り込んでください。"
                )
            ],
        )
        for stored_name in (
            ImportJob.objects.filter(pk__in=lost).exclude(stored_name="").values_list("stored_name", flat=True)
        ):
            if stored_name in uploads:
                uploads[stored_name].unlink(missing_ok=True)
    if failed:
        logger.warning("%d regional import jobs failed: their worker is gone", failed)
    return failed


@task()
def import_job_task(job_id: int) -> None:
    """The background task (django-tasks; the database backend's worker is `manage.py db_worker`). Defined beside
    the service that queues it and the one it runs, so neither module has to import the other."""
    import_job_run(job_id)


# --- outcome indicators -------------------------------------------------------------------------------------


def _validate_outcome(member: Member, indicator: str, sex: str, baseline_year: int, window_years: int) -> None:
    errors: dict[str, list[str]] = {}
    definition = INDICATORS_BY_CODE.get(indicator)
    if definition is None:
        errors["indicator"] = [_("指標「%(value)s」は選べません。") % {"value": indicator}]
    elif definition.needs_flows and member.kind != MemberKind.PREFECTURE:
        errors["indicator"] = [
            _("東京圏への転出超過は都道府県間の移動の表から求めるため、県の指標としてだけ選べます。")
        ]
    if sex not in OUTCOME_SEXES:
        errors["sex"] = [_("対象「%(value)s」は選べません。") % {"value": sex}]
    if not 1 <= window_years <= 5:
        errors["window_years"] = [_("平均する年数は1〜5年で指定してください。")]
    years = set(
        StatisticsImport.objects.filter(
            replaced_at__isnull=True, table__in=[StatisticsTable.NET_MIGRATION, StatisticsTable.IN_MIGRANTS]
        ).values_list("year", flat=True)
    )
    if baseline_year not in years:
        available = "、".join(str(y) for y in sorted(years)) or _("なし")
        errors["baseline_year"] = [
            _("基準年%(year)sの移動のデータがありません（取り込み済みの年：%(years)s）。")
            % {"year": baseline_year, "years": available}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def outcome_indicator_select(
    *, actor: Any, member: Member, indicator: str, sex: str, baseline_year: int, window_years: int = 1
) -> OutcomeIndicator:
    """Track an indicator as the programme's outcome (or change its baseline), for the action plan."""
    require(actor, "regional.select_outcome", member)
    _validate_outcome(member, indicator, sex, baseline_year, window_years)
    outcome = OutcomeIndicator.objects.select_for_update().filter(member=member, indicator=indicator, sex=sex).first()
    before = snapshot(outcome) if outcome else None
    if outcome is None:
        outcome = OutcomeIndicator(member=member, indicator=indicator, sex=sex)
    outcome.baseline_year = baseline_year
    outcome.window_years = window_years
    outcome.selected_by = actor
    outcome.save()
    audit_saved(
        actor=actor,
        instance=outcome,
        before=before,
        member_code=member.pk,
        bookkeeping=frozenset({"selected_at", "selected_by_id"}),
    )
    return outcome


@transaction.atomic
def outcome_indicator_remove(*, actor: Any, outcome: OutcomeIndicator) -> None:
    require(actor, "regional.select_outcome", outcome.member)
    before = snapshot(outcome)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=outcome,
        before=before,
        after=None,
        member_code=outcome.member_id,
    )
    outcome.delete()
