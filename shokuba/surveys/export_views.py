"""Pages of the background export of raw responses: request, the job's progress, the download.

Small waves keep the direct download on the wave page (`views.wave_export`, up to exports.SYNC_EXPORT_MAX
responses); a larger wave shows only the request form, so each wave offers one way to get its responses.
Every page asks the same two questions: is the wave among those the user sees (else 404), and may the user see
raw responses now (`wave.view_responses`, else 403) — asked again at download, so a coordinator who has moved on
cannot fetch a file made earlier.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shokuba.core.downloads import attach
from shokuba.core.permissions import has_perm, require
from shokuba.surveys import export_jobs, exports
from shokuba.surveys.models import ExportFormat, ExportJob, Wave
from shokuba.surveys.permissions import visible_waves

JOBS_ON_WAVE_PAGE = 5


def visible_export_jobs(user: Any) -> Any:
    """Export jobs of the waves the user sees (the tenancy answer: anything else is a 404)."""
    return ExportJob.objects.select_related("wave", "created_by").filter(wave__in=visible_waves(user))


def export_context(user: Any, wave: Wave, total: int | None) -> dict[str, Any]:
    """What the wave page's download section needs (empty for those who may not see raw responses)."""
    if not has_perm(user, "wave.view_responses", wave):
        return {}
    large = total is not None and total > exports.SYNC_EXPORT_MAX
    export_jobs.export_jobs_fail_stalled(wave=wave)
    return {
        "export_large": large,
        "export_formats": ExportFormat.choices,
        "export_jobs": list(ExportJob.objects.filter(wave=wave).select_related("created_by")[:JOBS_ON_WAVE_PAGE]),
        "sync_export_max": f"{exports.SYNC_EXPORT_MAX:,}",
    }


def _wave(request: HttpRequest, pk: int) -> Wave:
    wave = get_object_or_404(visible_waves(request.user), pk=pk)
    require(request.user, "wave.view_responses", wave)
    export_jobs.export_jobs_fail_stalled(wave=wave)
    return wave


def _job(request: HttpRequest, pk: int) -> ExportJob:
    job = get_object_or_404(visible_export_jobs(request.user), pk=pk)
    require(request.user, "wave.view_responses", job.wave)
    if export_jobs.export_jobs_fail_stalled(wave=job.wave):
        job.refresh_from_db()
    return job


@login_required
def wave_exports(request: HttpRequest, pk: int) -> HttpResponse:
    """The wave's exports: the request form (POST starts a job and goes to its page) and the recent jobs."""
    wave = _wave(request, pk)
    error = ""
    chosen = request.POST.get("file_format", ExportFormat.CSV) if request.method == "POST" else ExportFormat.CSV
    if request.method == "POST":
        try:
            job = export_jobs.export_job_request(actor=request.user, wave=wave, file_format=chosen)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("surveys:export_job", job.pk)
    return render(
        request,
        "surveys/wave_exports.html",
        {
            "wave": wave,
            "member": wave.member,
            "jobs": ExportJob.objects.filter(wave=wave).select_related("created_by")[:50],
            "export_formats": ExportFormat.choices,
            "chosen": chosen,
            "error": error,
            "keep_days": export_jobs.KEEP_DAYS,
            "keep_per_wave": export_jobs.KEEP_PER_WAVE,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    percent = 100 if job.status == "succeeded" else (min(99, job.written * 100 // job.total) if job.total else 0)
    return render(
        request,
        "surveys/export_job.html",
        {
            "job": job,
            "wave": job.wave,
            "percent": percent,
            "available": export_jobs.export_file(job) is not None,
            "download_name": export_jobs.download_name(job),
        },
    )


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    path = export_jobs.export_file(job)
    if path is None:
        raise Http404(_("ファイルはありません（書き出しが終わっていないか、保存期間を過ぎて削除されました）。"))
    file_format = ExportFormat(job.file_format)
    response = attach(
        FileResponse(path.open("rb"), content_type=export_jobs.CONTENT_TYPES[file_format]),
        export_jobs.download_name(job),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
