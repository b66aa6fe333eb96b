"""The plan pages: parse, check, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from shokuba.analysis.progress import STATUS_LABELS
from shokuba.core import charts as core_charts
from shokuba.core.downloads import attach
from shokuba.core.permissions import has_perm, require
from shokuba.plans import reports, selectors, services
from shokuba.plans.forms import ApproveForm, InitiativeForm, KpiForm, ManualValueForm, PlanForm, ReportForm, ReviewForm
from shokuba.plans.models import KpiSource, Plan, ReportStatus, ReportVariant
from shokuba.plans.permissions import visible_report_jobs
from shokuba.plans.readings import Reading, source_label

RULE_TEXT = gettext_noop(
    "「順調」: 基準値からの変化の95%信頼区間が0を含まず目標の方向にあり、変化が目標年度に向けたペース"
    "（基準の時点から目標年度末まで一直線に進むとしたときに今までに達しているべき変化）に達している。"
    "「遅れ」: 区間の目標に最も近い端でもペースに届かない。「判断できない」: それ以外（変化が誤差の範囲内、"
    "ペースに届いたか分からない、値が非表示・不足）。変化が誤差の範囲内なら、進んでいるとは言いません。"
    "件数・公表統計・手入力の値は誤差がないものとして、変化そのもので判断します。"
)


def _errors_to_form(form: Any, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _plan_or_404(member: Any) -> Plan:
    plan = selectors.plan_of(member)
    if plan is None:
        raise Http404
    return plan


def _kpi_row(reading: Reading) -> dict[str, Any]:
    return {
        "reading": reading,
        "kpi": reading.kpi,
        "source": source_label(reading.kpi),
        "status_label": _(STATUS_LABELS[reading.judgement.status]),
    }


@login_required
def plan_page(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.member_for(request.user, code)
    require(request.user, "plans.view", member)
    plan = selectors.plan_of(member)
    can_change = has_perm(request.user, "plans.change", member)
    context: dict[str, Any] = {"member": member, "plan": plan, "can_change": can_change, "rule": _(RULE_TEXT)}
    if plan is not None:
        kpis = list(selectors.shown_kpis(request.user, plan))
        readings = selectors.readings_for(kpis, member)
        if has_perm(request.user, "plans.view_internal", member):
            services.kpi_snapshots_write(member, readings)
        context.update(
            rows=[_kpi_row(r) for r in readings],
            initiatives=selectors.shown_initiatives(request.user, plan),
            reviews=selectors.shown_reviews(request.user, plan),
            versions=plan.versions.all(),
            year=selectors.current_fiscal_year(),
        )
    return render(request, "plans/plan.html", context)


@login_required
def plan_edit(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.member_for(request.user, code)
    require(request.user, "plans.change", member)
    plan = selectors.plan_of(member)
    initial = (
        {
            "title": plan.title,
            "vision": plan.vision,
            "goals": plan.goals,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
        }
        if plan
        else {"start_year": selectors.current_fiscal_year(), "end_year": selectors.current_fiscal_year() + 2}
    )
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_save(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("計画を保存しました。"))
            return redirect("plans:plan", member.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/form.html", {"member": member, "form": form, "title": _("計画の編集")}, status=status)


def _kpi_values(form: KpiForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["window_years"] = data.get("window_years") or 1
    return data


@login_required
def kpi_add(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.member_for(request.user, code)
    require(request.user, "plans.change", member)
    plan = _plan_or_404(member)
    form = KpiForm(request.POST or None, initial={"baseline_year": plan.start_year, "target_year": plan.end_year})
    if request.method == "POST" and form.is_valid():
        try:
            kpi = services.kpi_save(actor=request.user, plan=plan, **_kpi_values(form))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("KPIを追加しました。"))
            return redirect("plans:kpi", kpi.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/form.html", {"member": member, "form": form, "title": _("KPIの追加")}, status=status)


@login_required
def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = selectors.kpi_for(request.user, pk)
    member = kpi.plan.member
    require(request.user, "plans.change", member)
    initial = {f: getattr(kpi, f) for f in services.KPI_FIELDS}
    form = KpiForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_save(actor=request.user, plan=kpi.plan, kpi=kpi, **_kpi_values(form))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("KPIを保存しました。"))
            return redirect("plans:kpi", kpi.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/form.html", {"member": member, "form": form, "title": _("KPIの編集")}, status=status)


@login_required
@require_POST
def kpi_delete(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = selectors.kpi_for(request.user, pk)
    member = kpi.plan.member
    try:
        services.kpi_delete(actor=request.user, kpi=kpi)
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
        return redirect("plans:kpi", kpi.pk)
    messages.success(request, _("KPIを削除しました。"))
    return redirect("plans:plan", member.pk)


def kpi_chart(reading: Reading) -> core_charts.Chart:
    kpi = reading.kpi
    spec = reports.trend_spec(
        [
            {
                "name": kpi.name,
                "unit": reading.unit,
                "target": kpi.target_value,
                "target_year": kpi.target_year,
                "baseline": {"t": reading.baseline.t, "value": reading.baseline.value}
                if reading.baseline is not None and not reading.baseline.hidden
                else None,
                "points": [
                    {"t": p.t, "value": p.value, "low": p.low, "high": p.high} for p in reading.points if not p.hidden
                ],
            }
        ]
    )
    # One KPI: the report's layers without the facet, as wide as the page (a phone's too).
    page_spec = core_charts.base_spec(kpi.name, [_("●＝実績（縦線は95%信頼区間）、◆＝目標")], height=260)
    page_spec["data"] = spec["data"]
    page_spec["layer"] = spec["spec"]["layer"]
    spec = page_spec
    header = [_("時点"), _("値"), _("95%下限"), _("95%上限")]
    rows = [[p.label, p.value, p.low, p.high] for p in reading.points]
    display = [[p.label, "—" if p.hidden else core_charts.table_number(p.value), p.low, p.high] for p in reading.points]
    return core_charts.Chart(
        f"kpi-{kpi.pk}", kpi.name, spec, header, rows, [["" if c is None else str(c) for c in r] for r in display]
    )


@login_required
def kpi_page(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = selectors.kpi_for(request.user, pk)
    member = kpi.plan.member
    require(request.user, "plans.view", member)
    reading = selectors.readings_for([kpi], member)[0]
    can_change = has_perm(request.user, "plans.change", member)
    value_form = None
    if can_change and kpi.source == KpiSource.MANUAL:
        value_form = ManualValueForm(initial={"fiscal_year": selectors.current_fiscal_year()})
    chart = kpi_chart(reading)
    return render(
        request,
        "plans/kpi.html",
        {
            "member": member,
            "plan": kpi.plan,
            "kpi": kpi,
            "reading": reading,
            "source": source_label(kpi),
            "status_label": _(STATUS_LABELS[reading.judgement.status]),
            "chart": {"chart": chart, "spec_id": f"spec-{kpi.pk}", "downloads": []},
            "can_change": can_change,
            "value_form": value_form,
            "rule": _(RULE_TEXT),
        },
    )


@login_required
@require_POST
def kpi_value_add(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = selectors.kpi_for(request.user, pk)
    member = kpi.plan.member
    require(request.user, "plans.change", member)
    form = ManualValueForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.kpi_manual_value_add(
                actor=request.user,
                kpi=kpi,
                fiscal_year=form.cleaned_data["fiscal_year"],
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                stream=upload.file,
                name=upload.name,
                size=upload.size,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("値を登録しました。"))
            return redirect("plans:kpi", kpi.pk)
    reading = selectors.readings_for([kpi], member)[0]
    return render(
        request,
        "plans/kpi.html",
        {
            "member": member,
            "plan": kpi.plan,
            "kpi": kpi,
            "reading": reading,
            "source": source_label(kpi),
            "status_label": _(STATUS_LABELS[reading.judgement.status]),
            "chart": {"chart": kpi_chart(reading), "spec_id": f"spec-{kpi.pk}", "downloads": []},
            "can_change": True,
            "value_form": form,
            "rule": _(RULE_TEXT),
        },
        status=400,
    )


def _initiative_form_page(request: HttpRequest, member: Any, form: Any, title: str) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/form.html", {"member": member, "form": form, "title": title}, status=status)


@login_required
def initiative_add(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.member_for(request.user, code)
    require(request.user, "plans.change", member)
    plan = _plan_or_404(member)
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_save(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("取組を追加しました。"))
            return redirect("plans:plan", member.pk)
    return _initiative_form_page(request, member, form, _("取組の追加"))


@login_required
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.initiative_for(request.user, pk)
    member = initiative.plan.member
    require(request.user, "plans.change", member)
    initial = {
        f: getattr(initiative, f)
        for f in ("step", "title", "owner", "starts_on", "ends_on", "status", "internal", "notes")
    }
    form = InitiativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_save(
                actor=request.user, plan=initiative.plan, initiative=initiative, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("取組を保存しました。"))
            return redirect("plans:plan", member.pk)
    return _initiative_form_page(request, member, form, _("取組の編集"))


@login_required
def review_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    member = selectors.member_for(request.user, code)
    require(request.user, "plans.change", member)
    plan = _plan_or_404(member)
    if not 2000 <= year <= 2100:
        raise Http404
    review = plan.reviews.filter(fiscal_year=year).first()
    initial = (
        {
            "done": review.done,
            "checked": review.checked,
            "next_actions": review.next_actions,
            "reviewed_on": review.reviewed_on,
            "internal": review.internal,
        }
        if review
        else {"reviewed_on": timezone.localdate()}
    )
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(actor=request.user, plan=plan, fiscal_year=year, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("振り返りを保存しました。"))
            return redirect("plans:plan", member.pk)
    title = _("%(year)d年度の振り返り（PDCA）") % {"year": year}
    return _initiative_form_page(request, member, form, title)


@login_required
def plan_approve(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.member_for(request.user, code)
    require(request.user, "plans.change", member)
    plan = _plan_or_404(member)
    form = ApproveForm(request.POST or None, initial={"approved_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_approve(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("承認を記録し、計画を確定しました。"))
            return redirect("plans:plan", member.pk)
    return _initiative_form_page(request, member, form, _("会議での承認を記録する"))


@login_required
@require_POST
def plan_revise(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.member_for(request.user, code)
    plan = _plan_or_404(member)
    services.plan_revise(actor=request.user, plan=plan)
    messages.success(request, _("改定のための新しい案を作りました。"))
    return redirect("plans:plan", member.pk)


@login_required
def report_list(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.member_for(request.user, code)
    require(request.user, "plans.view", member)
    plan = selectors.plan_of(member)
    can_request = plan is not None and has_perm(request.user, "plans.change", member)
    form = ReportForm(
        request.POST or None, initial={"fiscal_year": selectors.current_fiscal_year(), "variant": ReportVariant.PUBLIC}
    )
    if request.method == "POST":
        if not can_request or plan is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                job = reports.report_job_request(actor=request.user, plan=plan, **form.cleaned_data)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                return redirect("plans:report_job", job.pk)
    jobs = visible_report_jobs(request.user).filter(member=member)[:30]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "plans/reports.html",
        {"member": member, "plan": plan, "jobs": jobs, "form": form if can_request else None},
        status=status,
    )


@login_required
def report_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(visible_report_jobs(request.user), pk=pk)
    return render(
        request,
        "plans/report_job.html",
        {
            "job": job,
            "member": job.plan.member,
            "running": not job.is_finished,
            "succeeded": job.status == ReportStatus.SUCCEEDED,
        },
    )


@login_required
def report_download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    job = get_object_or_404(visible_report_jobs(request.user), pk=pk)
    if kind not in ("pdf", "xlsx"):
        raise Http404
    path = reports.report_file(job, kind)
    if path is None:
        raise Http404
    content_type = "application/pdf" if kind == "pdf" else reports.XLSX_TYPE
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return attach(response, reports.download_name(job, kind), fallback="report")


@login_required
def network_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "plans.view_network", None)
    rows = selectors.network_attainment()
    with_plan = [r for r in rows if r.plan is not None]
    totals = {s: sum(r.counts[s] for r in rows) for s in STATUS_LABELS}
    # Members with a plan first (in code order), then the rest: the attainment is what the page is for.
    rows.sort(key=lambda r: (r.plan is None, r.member.pk))
    return render(
        request,
        "plans/network.html",
        {
            "rows": rows,
            "with_plan": len(with_plan),
            "totals": totals,
            "labels": {k: _(v) for k, v in STATUS_LABELS.items()},
        },
    )
