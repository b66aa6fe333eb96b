"""/api/v1/surveys/…/exports: background exports of raw responses, with the same permissions as the pages.

POST a wave's export (202 with the job), GET the job (status, progress, download URL when done), GET the file.
Only those who may see the wave's raw responses (`wave.view_responses`: its coordinator and the secretariat) get
past a 403; a wave or job outside the caller's rows is a 404. The permission is asked again at download.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from shokuba.api.errors import not_found
from shokuba.api.lookups import caller
from shokuba.api.schemas import ErrorOut, RequestBody
from shokuba.core.downloads import attach
from shokuba.core.permissions import require
from shokuba.surveys import export_jobs
from shokuba.surveys.export_views import visible_export_jobs
from shokuba.surveys.models import ExportFormat, ExportJob, ExportJobStatus, Wave
from shokuba.surveys.permissions import visible_waves

router = Router(tags=["surveys"])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ExportRequestIn(RequestBody):
    format: ExportFormat = Field(
        ..., description="csv（UTF-8 BOM付き） / csv_cp932（Shift_JIS） / xlsx（コードブックのシート付き）"
    )


class ExportJobOut(Schema):
    id: int
    wave: int
    format: ExportFormat
    status: ExportJobStatus = Field(..., description="queued / running / succeeded / failed")
    total: int = Field(..., description="書き出す回答数（完了後は書き出した数）")
    written: int = Field(..., description="これまでに書き出した回答数")
    progress: int = Field(..., description="進み具合（%）")
    message: str = Field(..., description="状況（日本語）。失敗したときは理由")
    size_bytes: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    download: str | None = Field(..., description="ダウンロードの URL（完了してファイルがあるときだけ）")


def job_out(request: HttpRequest, job: ExportJob) -> dict[str, Any]:
    finished = job.status == ExportJobStatus.SUCCEEDED
    available = export_jobs.export_file(job) is not None
    return {
        "id": job.pk,
        "wave": job.wave_id,
        "format": job.file_format,
        "status": job.status,
        "total": job.total,
        "written": job.written,
        "progress": 100 if finished else (min(99, job.written * 100 // job.total) if job.total else 0),
        "message": job.message,
        "size_bytes": job.size_bytes,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "download": request.build_absolute_uri(reverse("api-v1:export_download", args=[job.pk])) if available else None,
    }


def _wave(user: Any, pk: int) -> Wave:
    wave = visible_waves(user).filter(pk=pk).first()
    if wave is None:
        raise not_found(_("調査（ID %(id)d）は見つかりません。") % {"id": pk}, loc=["path", "id"])
    return wave


def _job(user: Any, pk: int) -> ExportJob:
    job = visible_export_jobs(user).filter(pk=pk).first()
    if job is None:
        raise not_found(_("書き出し（ID %(id)d）は見つかりません。") % {"id": pk}, loc=["path", "id"])
    require(user, "wave.view_responses", job.wave)
    if export_jobs.export_jobs_fail_stalled(wave=job.wave):
        job.refresh_from_db()
    return job


@router.post(
    "/waves/{id}/exports",
    response={202: ExportJobOut, **ERRORS},
    summary="回答の書き出しを依頼（バックグラウンド）",
)
def export_request(request: HttpRequest, id: int, payload: ExportRequestIn) -> Status[dict[str, Any]]:
    """回答の一覧（コード）のファイルをサーバーで作成します。進み具合は GET /surveys/exports/{id} で確かめ、
    完了したら download の URL から取得します。"""
    user = caller(request)
    job = export_jobs.export_job_request(actor=user, wave=_wave(user, id), file_format=payload.format)
    return Status(202, job_out(request, job))


@router.get("/exports/{id}", response={200: ExportJobOut, **ERRORS}, summary="回答の書き出しの状況")
def export_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    return job_out(request, _job(caller(request), id))


@router.get(
    "/exports/{id}/download",
    response={200: None, **ERRORS},
    url_name="export_download",
    summary="書き出したファイルのダウンロード",
)
def export_download(request: HttpRequest, id: int) -> FileResponse:
    """CSV または XLSX のファイルそのものを返します。まだ完了していない、または保存期間（7日）を過ぎたときは 404。"""
    job = _job(caller(request), id)
    path = export_jobs.export_file(job)
    if path is None:
        raise not_found(
            _("書き出し（ID %(id)d）のファイルはありません（完了していないか、保存期間を過ぎて削除されました）。")
            % {"id": id},
            loc=["path", "id"],
        )
    response = attach(
        FileResponse(path.open("rb"), content_type=export_jobs.CONTENT_TYPES[ExportFormat(job.file_format)]),
        export_jobs.download_name(job),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
