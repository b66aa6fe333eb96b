"""Every change to regional statistics: imports (file, API, background job) and members' outcome indicators.

Each is permission-checked with core.permissions, atomic, and audited. An import is all or nothing: the file or
every API page is read and checked completely before the transaction that replaces the year's rows begins.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from shokuba.core.audit import audit_record, audit_saved, snapshot
from shokuba.core.models import AuditAction
from shokuba.core.permissions import account_of, require
from shokuba.core.task_workers import task_results_unfinishable
from shokuba.core.text import file_name_clean
from shokuba.network.models import Member, MemberKind
from shokuba.regional.estat import api as estat_api
from shokuba.regional.estat.errors import Place, StatisticsImportError
from shokuba.regional.importers import PreparedImport, prepare_age_sex, prepare_file, table_label
from shokuba.regional.indicators import INDICATORS_BY_CODE
from shokuba.regional.models import (
    MIGRATION_TABLES,
    AgeSexFigures,
    ImportJob,
    ImportJobStatus,
    ImportSource,
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


def _check_table_year(table: str, year: int | None) -> None:
    if table not in StatisticsTable.values:
        raise StatisticsImportError.at(Place(""), _("統計表「%(table)s」は選べません。") % {"table": table})
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise StatisticsImportError.at(
            Place(""), _("年は%(first)d〜%(last)dで指定してください。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )


def current_import(table: str, year: int) -> StatisticsImport | None:
    return StatisticsImport.objects.filter(table=table, year=year, replaced_at__isnull=True).first()


def _refuse_existing(table: str, year: int, source_name: str) -> None:
    existing = current_import(table, year)
    if existing is not None:
        raise StatisticsImportError.at(
            Place(source_name),
            _(
                "%(year)d年の「%(table)s」は %(at)s に取り込み済みです。"
                "置き換える場合は「取り込み済みの年を置き換える」を選んでください。"
            )
            % {
                "year": year,
                "table": table_label(table),
                "at": timezone.localtime(existing.imported_at).strftime("%Y-%m-%d %H:%M"),
            },
        )


@transaction.atomic
def statistics_import_write(*, actor: Any, prepared: PreparedImport, source: str) -> StatisticsImport:
    """Replace the table's year with the prepared rows, atomically, and record who did it."""
    require(actor, "regional.import")
    previous = (
        StatisticsImport.objects.select_for_update()
        .filter(table=prepared.table, year=prepared.year, replaced_at__isnull=True)
        .first()
    )
    before = snapshot(previous) if previous else None
    if previous is not None:
        AgeSexFigures.objects.filter(statistics_import=previous).delete()
        PrefectureFlow.objects.filter(statistics_import=previous).delete()
        previous.replaced_at = timezone.now()
        previous.save(update_fields=["replaced_at"])
    record = StatisticsImport.objects.create(
        table=prepared.table,
        year=prepared.year,
        source=source,
        source_name=file_name_clean(prepared.source_name),
        source_sha256=prepared.source_sha256,
        synthetic=prepared.synthetic,
        imported_by=account_of(actor),
        area_count=prepared.area_count,
        row_count=prepared.row_count,
        notes=prepared.notes,
    )
    for figures in prepared.figures:
        figures.statistics_import = record
    for flow in prepared.flows:
        flow.statistics_import = record
    AgeSexFigures.objects.bulk_create(prepared.figures, batch_size=WRITE_BATCH)
    PrefectureFlow.objects.bulk_create(prepared.flows, batch_size=WRITE_BATCH)
    audit_record(
        actor=account_of(actor) or actor,
        action=AuditAction.UPDATE if previous else AuditAction.CREATE,
        instance=record,
        before=before,
        after=snapshot(record),
    )
    return record


def statistics_import_file(
    *,
    actor: Any,
    data: bytes,
    file_name: str,
    table: str,
    year: int | None,
    replace: bool = True,
    progress: Progress | None = None,
) -> StatisticsImport:
    """Import one downloaded e-Stat table (.xlsx or CSV). Raises StatisticsImportError; then nothing changed."""
    require(actor, "regional.import")
    _check_table_year(table, year)
    if year is not None and not replace:
        _refuse_existing(table, year, file_name)
    prepared = prepare_file(data, file_name=file_name, table=table, year=year, progress=progress)
    if not replace:
        _refuse_existing(table, prepared.year, file_name)
    if progress:
        progress(90, _("データベースに書き込んでいます"))
    return statistics_import_write(actor=actor, prepared=prepared, source=ImportSource.FILE)


def statistics_import_api(
    *,
    actor: Any,
    stats_data_id: str,
    table: str,
    year: int,
    replace: bool = True,
    fetch: estat_api.Fetch | None = None,
    filters: Sequence[tuple[str, str]] = (),
    progress: Progress | None = None,
) -> StatisticsImport:
    """Import one table and year through the e-Stat API (every page fetched before anything is written)."""
    require(actor, "regional.import")
    _check_table_year(table, year)
    if table not in MIGRATION_TABLES:
        raise StatisticsImportError.at(
            Place(stats_data_id), _("API から取り込めるのは表11-1・11-2・11-3（年齢・男女別の移動者数）です。")
        )
    if not replace:
        _refuse_existing(table, year, stats_data_id)
    parsed = estat_api.fetch_age_sex_table(
        app_id=settings.ESTAT_APP_ID,
        stats_data_id=stats_data_id,
        url=settings.ESTAT_API_URL,
        table=table,
        year=year,
        fetch=fetch or estat_api.http_fetch,
        progress=progress,
        extra_filters=filters,
    )
    prepared = prepare_age_sex(parsed, table=table, year=year, source_name=f"statsDataId={stats_data_id}")
    if progress:
        progress(90, _("データベースに書き込んでいます"))
    return statistics_import_write(actor=actor, prepared=prepared, source=ImportSource.API)


# --- background jobs ----------------------------------------------------------------------------------------


def import_files_dir() -> Path:
    path = Path(settings.PRIVATE_FILES_DIR) / "regional-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_job_create(
    *,
    actor: Any,
    table: str,
    year: int,
    source: str,
    source_name: str,
    data: bytes | None = None,
    replace: bool = False,
) -> ImportJob:
    """Queue an import; the file waits in the private folder until the worker has read it."""
    require(actor, "regional.import")
    _check_table_year(table, year)
    if not replace:
        _refuse_existing(table, year, source_name)
    stored_name = ""
    if data is not None:
        stored_name = f"{secrets.token_hex(16)}.upload"
        (import_files_dir() / stored_name).write_bytes(data)
    job = ImportJob.objects.create(
        created_by=account_of(actor),
        table=table,
        year=year,
        source=source,
        source_name=file_name_clean(source_name),
        stored_name=stored_name,
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
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
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
            record = statistics_import_file(
                actor=actor,
                data=stored.read_bytes(),
                file_name=job.source_name,
                table=job.table,
                year=job.year,
                progress=lambda p, m: progress(p // 2 if p < 90 else p, m),
            )
        else:
            record = statistics_import_api(
                actor=actor, stats_data_id=job.source_name, table=job.table, year=job.year, progress=progress
            )
        outcome = {
            "status": ImportJobStatus.SUCCEEDED,
            "progress": 100,
            "statistics_import": record,
            "message": _("%(areas)d 地域・%(rows)d 行を取り込みました。")
            % {"areas": record.area_count, "rows": record.row_count},
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


# --- outcome indicators -------------------------------------------------------------------------------------


@task()
def import_job_task(job_id: int) -> None:
    """The background task (django-tasks; the database backend's worker is `manage.py db_worker`). Defined beside
    the service that queues it and the one it runs, so neither module has to import the other."""
    import_job_run(job_id)


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
