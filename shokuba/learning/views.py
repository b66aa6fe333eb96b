"""The case library's pages: parse, check, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shokuba.core.downloads import uploaded_file_response
from shokuba.core.permissions import has_perm, require
from shokuba.guidebook.models import EvidenceFile
from shokuba.guidebook.services import evidence_path
from shokuba.learning import selectors, services
from shokuba.learning.forms import CaseForm, CommentForm, EvidenceForm, ReturnForm, SearchForm
from shokuba.learning.models import Case, CaseEvidence, CaseState, Theme
from shokuba.learning.permissions import visible_cases
from shokuba.plans.models import Kpi
from shokuba.search.selectors import SearchFilters, search
from shokuba.surveys.models import Wave, WaveStatus

PAGE = 20


def _errors_to_form(form: Any, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 1000))
    except ValueError:
        return 1


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The library: search (empty: the newest cases first), the member's own cases, the review queue's size."""
    require(request.user, "learning.view")
    form = SearchForm(request.GET or None, regions=selectors.regions())
    data = form.cleaned_data if form.is_valid() else {}
    page = _page_number(request)
    filters = SearchFilters(
        kinds=("case",),
        step=data.get("step", ""),
        theme=data.get("theme", ""),
        member_kind=data.get("member_kind", ""),
        region=data.get("region", ""),
    )
    result = search(request.user, data.get("q", ""), filters=filters, limit=PAGE, offset=(page - 1) * PAGE)
    theme_labels = dict(Theme.choices)
    for hit in result.hits:
        hit.themes = [str(theme_labels.get(t, t)) for t in hit.themes]
    query = request.GET.copy()
    query.pop("page", None)
    member = getattr(request.user, "member", None)
    context = {
        "form": form,
        "result": result,
        "searched": bool(data.get("q", "").strip()),
        "page": page,
        "pages": max(1, -(-result.total // PAGE)),
        "query_string": query.urlencode(),
        "own": selectors.own_cases(request.user)[:50],
        "can_add": member is not None and has_perm(request.user, "case.add", member),
        "queue": selectors.review_queue(request.user).count()
        if has_perm(request.user, "learning.review_queue")
        else None,
    }
    return render(request, "learning/index.html", context)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require(request.user, "learning.review_queue")
    return render(request, "learning/review.html", {"cases": selectors.review_queue(request.user)})


def _case_form_page(
    request: HttpRequest, case: Case | None, initial: dict[str, Any] | None = None, source: str = ""
) -> HttpResponse:
    member = case.member if case else getattr(request.user, "member", None)
    if member is None:
        raise PermissionDenied
    require(request.user, "case.change", case) if case else require(request.user, "case.add", member)
    if request.method == "POST":
        form = CaseForm(request.POST)
        if form.is_valid():
            data = services.CaseInput(**form.cleaned_data)
            try:
                saved = services.case_save(actor=request.user, member=member, data=data, case=case)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("事例を保存しました（下書き）。"))
                return redirect("learning:case", saved.pk)
    else:
        form = CaseForm(initial=services.case_input(case).__dict__ if case else (initial or {}))
    title = _("事例を編集") if case else _("事例を書く")
    return render(
        request,
        "learning/form.html",
        {"form": form, "case": case, "member": member, "title": title, "source": source},
    )


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "learning.view")
    consultation = request.GET.get("consultation", "")
    if consultation:
        # Starting from one of the member's own closed consultations (the consultation page links here).
        valid = consultation.isdigit() and len(consultation) <= 9  # an id, not a number past the database's integer
        found = selectors.consultation_as_case(request.user, int(consultation)) if valid else None
        if found is None:
            raise Http404
        return _case_form_page(request, None, initial=found[1], source=found[0])
    return _case_form_page(request, None)


@login_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    if not case.editable and request.method == "GET" and has_perm(request.user, "case.change", case):
        messages.info(request, _("確認待ち・公開中の事例は編集できません。"))
        return redirect("learning:case", case.pk)
    return _case_form_page(request, case)


def _evidence_form(case: Case, data: Any = None) -> EvidenceForm:
    kpis = [
        (k.pk, k.name) for k in Kpi.objects.filter(plan__member_id=case.member_id, internal=False).order_by("position")
    ]
    waves = [
        (w.pk, f"{w.fiscal_year}年度 {w.name}")
        for w in Wave.objects.filter(member_id=case.member_id, status=WaveStatus.CLOSED).order_by("-closes_on")
    ]
    files = [
        (f.pk, f"{f.progress.step.code} {f.original_name}")
        for f in EvidenceFile.objects.filter(progress__member_id=case.member_id)
        .select_related("progress__step")
        .order_by("progress__step__chapter__position", "progress__step__position", "uploaded_at")
    ]
    return EvidenceForm(data, kpis=kpis, waves=waves, files=files)


@login_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    user = request.user
    can_change = has_perm(user, "case.change", case)
    context = {
        "case": case,
        "steps": case.steps.order_by("chapter__position", "position"),
        "themes": [label for code, label in Theme.choices if code in case.themes],
        "industries": case.context_industries,
        "evidence": case.evidence.select_related("kpi", "wave", "file"),
        "comments": case.comments.select_related("author"),
        "helpful": selectors.helpful_count(case),
        "marked": case.helpful_marks.filter(user_id=user.pk or 0).exists(),
        "versions": case.versions.all(),
        "related": selectors.related_cases(user, case),
        "can_change": can_change,
        "can_review": has_perm(user, "case.review", case) and case.state == CaseState.SUBMITTED,
        "can_discuss": has_perm(user, "case.discuss", case),
        "can_mark": has_perm(user, "case.mark_helpful", case),
        "comment_form": CommentForm(),
        "return_form": ReturnForm(),
        "evidence_form": _evidence_form(case) if can_change else None,
    }
    return render(request, "learning/case.html", context)


def _state_change(request: HttpRequest, pk: int, call: Any, done: str) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    try:
        call(case)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, done)
    return redirect("learning:case", case.pk)


@login_required
@require_POST
def case_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(
        request, pk, lambda c: services.case_submit(actor=request.user, case=c), _("事例を事務局に提出しました。")
    )


@login_required
@require_POST
def case_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(
        request,
        pk,
        lambda c: services.case_approve(actor=request.user, case=c),
        _("事例を承認しました。ネットワークの参加自治体に表示されます。"),
    )


@login_required
@require_POST
def case_return(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _state_change(
        request,
        pk,
        lambda c: services.case_return(actor=request.user, case=c, reason=reason),
        _("事例を差し戻しました。"),
    )


@login_required
@require_POST
def case_revise(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(
        request,
        pk,
        lambda c: services.case_revise(actor=request.user, case=c),
        _("事例を下書きに戻しました。再び承認されるまでネットワークには表示されません。"),
    )


@login_required
@require_POST
def case_comment(request: HttpRequest, pk: int) -> HttpResponse:
    body = request.POST.get("body", "")
    return _state_change(
        request,
        pk,
        lambda c: services.case_comment_add(actor=request.user, case=c, body=body),
        _("コメントを投稿しました。"),
    )


@login_required
@require_POST
def case_helpful(request: HttpRequest, pk: int) -> HttpResponse:
    helpful = request.POST.get("helpful", "1") == "1"
    done = _("「参考になった」を付けました。") if helpful else _("「参考になった」を取り消しました。")
    return _state_change(
        request, pk, lambda c: services.case_helpful_set(actor=request.user, case=c, helpful=helpful), done
    )


@login_required
@require_POST
def case_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    require(request.user, "case.change", case)
    form = _evidence_form(case, request.POST)
    if not form.is_valid():
        for field, problems in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for problem in problems:
                messages.error(request, f"{label}: {problem}" if label else str(problem))
        return redirect("learning:case", case.pk)
    d = form.cleaned_data
    return _state_change(
        request,
        pk,
        lambda c: services.case_evidence_add(
            actor=request.user,
            case=c,
            kind=d["kind"],
            kpi_id=d["kpi"],
            wave_id=d["wave"],
            url=d["url"],
            file_id=d["file"],
            label=d["label"],
        ),
        _("根拠を追加しました。"),
    )


@login_required
def case_evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """A file linked as a case's evidence, for whoever may read the case (not the guidebook step's readers)."""
    evidence = get_object_or_404(
        CaseEvidence.objects.select_related("file").filter(case__in=visible_cases(request.user), kind="file"), pk=pk
    )
    if evidence.file is None:  # excluded by the kind's constraint
        raise Http404
    return uploaded_file_response(
        evidence_path(evidence.file), content_type=evidence.file.content_type, name=evidence.file.original_name
    )


@login_required
@require_POST
def case_evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(CaseEvidence.objects.filter(case__in=visible_cases(request.user)), pk=pk)
    services.case_evidence_remove(actor=request.user, evidence=evidence)
    messages.success(request, _("根拠を外しました。"))
    return redirect("learning:case", evidence.case_id)
