"""Guidebook pages: a member's step (progress and evidence files) and the network-wide board with exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shokuba.core.downloads import uploaded_file_response
from shokuba.core.exports import table_response
from shokuba.core.permissions import has_perm, require
from shokuba.guidebook import selectors, services
from shokuba.guidebook.forms import BoardExportForm, BoardFilterForm, StepProgressForm
from shokuba.guidebook.models import EvidenceFile, ProgressStatus, Step, StepProgress
from shokuba.network.models import Member
from shokuba.network.permissions import visible_members
from shokuba.network.selectors import region_blocks


def _board_filters(form: BoardFilterForm) -> dict[str, str]:
    return {k: form.cleaned_data[k] for k in ("region_block", "kind") if form.cleaned_data.get(k)}


def _export_links(filters: dict[str, str]) -> list[tuple[str, str]]:
    """The board's downloads, each carrying the filters the page shows."""
    csv_url, xlsx_url = reverse("guidebook:board_export_csv"), reverse("guidebook:board_export_xlsx")

    def with_query(url: str, **extra: str) -> str:
        query = urlencode({**filters, **extra})
        return f"{url}?{query}" if query else url

    return [
        (with_query(xlsx_url), _("Excel（XLSX）")),
        (with_query(csv_url), _("CSV（UTF-8）")),
        (with_query(csv_url, encoding="cp932"), _("CSV（Shift_JIS）")),
    ]


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    require(request.user, "network.view_board")
    form = BoardFilterForm(request.GET or None, blocks=region_blocks())
    context: dict[str, Any] = {"form": form, "legend": selectors.status_legend()}
    if request.GET and not form.is_valid():
        return render(request, "guidebook/board.html", context, status=400)
    filters = _board_filters(form) if form.is_bound else {}
    steps, rows = selectors.progress_board(user=request.user, **filters)
    context.update(
        steps=steps,
        rows=rows,
        chapters=selectors.board_chapters(steps),
        done_per_step=selectors.board_done_per_step(steps, rows),
        exports=_export_links(filters),
        filtered=bool(filters),
    )
    return render(request, "guidebook/board.html", context)


@login_required
@require_GET
def board_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request.user, "network.view_board")
    form = BoardExportForm(request.GET, blocks=region_blocks())
    if not form.is_valid():
        context = {"form": form, "legend": selectors.status_legend()}
        return render(request, "guidebook/board.html", context, status=400)
    steps, rows = selectors.progress_board(user=request.user, **_board_filters(form))
    header, table = selectors.board_table(steps, rows)
    return table_response(
        fmt=fmt,
        filename=f"{_('ガイドブック進捗一覧')}_{timezone.localdate():%Y%m%d}",
        header=header,
        rows=table,
        encoding=form.cleaned_data.get("encoding") or "",
        sheet_title=_("進捗一覧"),
    )


def _progress_initial(progress: StepProgress | None) -> dict[str, Any]:
    if progress is None:
        return {"status": ProgressStatus.NOT_STARTED}
    return {
        "status": progress.status,
        "started_on": progress.started_on,
        "completed_on": progress.completed_on,
        "responsible": progress.responsible,
        "notes": progress.notes,
    }


@login_required
@require_http_methods(["GET", "POST"])
def step_detail(request: HttpRequest, code: str, step_code: str) -> HttpResponse:
    member = get_object_or_404(visible_members(request.user), pk=code)
    require(request.user, "member.view_details", member)
    step = get_object_or_404(Step.objects.select_related("chapter"), code=step_code)
    can_change = has_perm(request.user, "member.change_progress", member)
    if request.method == "POST":
        require(request.user, "member.change_progress", member)
    progress = StepProgress.objects.filter(member=member, step=step).select_related("updated_by").first()
    form = StepProgressForm(request.POST or None, request.FILES or None, initial=_progress_initial(progress))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        try:
            _saved, evidence = services.step_progress_submit(
                actor=request.user,
                member=member,
                step=step,
                **data,
                stream=upload,
                name=upload.name if upload else "",
                size=upload.size if upload else 0,
            )
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("「%(step)s」の進捗を保存しました。") % {"step": step.title})
            if evidence is not None:
                messages.success(request, _("資料「%(name)s」を登録しました。") % {"name": evidence.original_name})
            return redirect("guidebook:step_detail", member.pk, step.code)
    return _step_page(
        request, member, step, progress, form, can_change=can_change, status=400 if request.method == "POST" else 200
    )


def _step_page(
    request: HttpRequest,
    member: Member,
    step: Step,
    progress: StepProgress | None,
    form: StepProgressForm,
    *,
    can_change: bool,
    status: int,
    checklist_errors: list[str] | None = None,
) -> HttpResponse:
    context = {
        "member": member,
        "step": step,
        "guide": selectors.step_guide(step, member, progress),
        "checklist_errors": checklist_errors or [],
        "progress": progress,
        "status_label": ProgressStatus(progress.status if progress else ProgressStatus.NOT_STARTED).label,
        "evidence": progress.evidence.select_related("uploaded_by") if progress else [],
        "form": form,
        "can_change": can_change,
        "can_view_evidence": has_perm(request.user, "member.view_evidence", member),
    }
    return render(request, "guidebook/step_detail.html", context, status=status)


@login_required
@require_POST
def step_checklist(request: HttpRequest, code: str, step_code: str) -> HttpResponse:
    """Save which of the step's checklist tasks are done (the ticked boxes are the whole set)."""
    member = get_object_or_404(visible_members(request.user), pk=code)
    require(request.user, "member.change_progress", member)
    step = get_object_or_404(Step.objects.select_related("chapter"), code=step_code)
    try:
        services.step_checklist_save(actor=request.user, member=member, step=step, done=request.POST.getlist("done"))
    except ValidationError as exc:
        progress = StepProgress.objects.filter(member=member, step=step).select_related("updated_by").first()
        form = StepProgressForm(initial=_progress_initial(progress))
        return _step_page(
            request, member, step, progress, form, can_change=True, status=400, checklist_errors=exc.messages
        )
    messages.success(request, _("「%(step)s」のチェックリストを保存しました。") % {"step": step.title})
    return redirect("guidebook:step_detail", member.pk, step.code)


def _visible_evidence(request: HttpRequest, pk: int) -> EvidenceFile:
    return get_object_or_404(
        EvidenceFile.objects.select_related("progress__member__local_government", "progress__step"),
        pk=pk,
        progress__member__in=visible_members(request.user),
    )


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = _visible_evidence(request, pk)
    require(request.user, "member.view_evidence", evidence.progress.member)
    return uploaded_file_response(
        services.evidence_path(evidence), content_type=evidence.content_type, name=evidence.original_name
    )


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _visible_evidence(request, pk)
    member, step = evidence.progress.member, evidence.progress.step
    require(request.user, "member.change_progress", member)
    services.evidence_delete(actor=request.user, evidence=evidence)
    messages.success(request, _("資料「%(name)s」を削除しました。") % {"name": evidence.original_name})
    return redirect("guidebook:step_detail", member.pk, step.code)
