"""Pages for an organisation's dashboard, readiness and self-diagnosis, the regional picture, the recognition scheme
and the referral directory. Thin: parse, check, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shokuba.core.charts import chart_png, chart_svg
from shokuba.core.downloads import attach
from shokuba.core.exports import table_response
from shokuba.core.models import AuditEntry
from shokuba.core.permissions import has_perm, require
from shokuba.network.models import Industry, LocalGovernment, Member, Organisation, SizeBand
from shokuba.network.permissions import visible_members, visible_organisations
from shokuba.workplace import insights, programme
from shokuba.workplace.charts import comparison_labels, profile_chart
from shokuba.workplace.definitions import INDICATORS_BY_CODE, format_number
from shokuba.workplace.insight_forms import RecognitionStageForm, ReferralForm
from shokuba.workplace.messages import label, quantity, text, unit
from shokuba.workplace.models import IndicatorYear, RecognitionStage, Referral, ReferralKind
from shokuba.workplace.picture import ALL, TARGETS, Picture
from shokuba.workplace.readiness import SCHEME_OPS, threshold_text

EXPORT_FORMATS = ("xlsx", "csv")
IMAGE_FORMATS = ("png", "svg")


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    organisation = get_object_or_404(visible_organisations(request.user), pk=pk)
    require(request.user, "workplace.view_indicators", organisation)
    return organisation


def _year(organisation: Organisation, request: HttpRequest) -> tuple[IndicatorYear | None, list[IndicatorYear]]:
    years = insights.organisation_years(organisation)
    if not years:
        return None, years
    wanted = request.GET.get("year", "")
    if wanted:
        chosen = next((y for y in years if str(y.fiscal_year) == wanted), None)
        if chosen is None:
            raise Http404(_("その年度の指標はありません。"))
        return chosen, years
    return years[-1], years


def _signed(value: float | None) -> str:
    if value is None:
        return "—"
    return f"+{format_number(value, 1)}" if value > 0 else format_number(value, 1)


def _value_text(code: str, value: float | None) -> str:
    if value is None:
        return "—"
    indicator = INDICATORS_BY_CODE[code]
    return quantity(format_number(value, indicator.decimals), indicator.unit)


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    year, years = _year(organisation, request)
    certifications = insights.readiness_for(year) if year else []
    diagnosis = insights.diagnose(organisation, year) if year else None
    indicator_rows = []
    if year is not None:
        previous = next((y for y in years if y.fiscal_year == year.fiscal_year - 1), None)
        for code in insights.picture.PICTURE_INDICATORS:
            indicator = INDICATORS_BY_CODE[code]
            value = getattr(year, code)
            before = None if previous is None else getattr(previous, code)
            change = None if value is None or before is None else value - before
            indicator_rows.append(
                {
                    "label": label(code),
                    "definition": text(indicator.definition),
                    "value": _value_text(code, value),
                    "change": "" if change is None else f"{'+' if change > 0 else ''}{format_number(change, 1)}",
                }
            )
    return render(
        request,
        "workplace/dashboard.html",
        {
            "organisation": organisation,
            "year": year,
            "years": years,
            "indicator_rows": indicator_rows,
            "certifications": certifications,
            "scheme": insights.scheme_for(organisation, year),
            "surveys": insights.survey_summaries(request.user, organisation),
            "diagnosis": diagnosis,
            "threshold": insights.THRESHOLD,
            "can_edit": has_perm(request.user, "workplace.change_indicators", organisation),
        },
    )


@login_required
def readiness_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    year, years = _year(organisation, request)
    return render(
        request,
        "workplace/readiness.html",
        {
            "organisation": organisation,
            "year": year,
            "years": years,
            "certifications": insights.readiness_for(year) if year else [],
            "scheme": insights.scheme_for(organisation, year),
        },
    )


def _diagnosis_context(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    year, years = _year(organisation, request)
    if year is None:
        return {"organisation": organisation, "year": None, "years": years}
    diagnosis = insights.diagnose(organisation, year)
    chart = profile_chart(
        organisation_name=organisation.name, year=year.fiscal_year, diagnosis=diagnosis, threshold=insights.THRESHOLD
    )
    labels = comparison_labels()
    rows = []
    for row in diagnosis.rows:
        cells = []
        for name in labels:
            comparison = row.comparisons.get(name)
            if comparison is None or comparison.median is None:
                cells.append({"text": "—", "position": "", "n": 0 if comparison is None else comparison.n})
            else:
                cells.append(
                    {
                        "text": _value_text(row.code, comparison.median),
                        "position": comparison.position,
                        "n": comparison.n,
                    }
                )
        rows.append({"row": row, "value": _value_text(row.code, row.value), "cells": cells})
    referrals = insights.referrals_for(organisation)
    return {
        "organisation": organisation,
        "year": year,
        "years": years,
        "diagnosis": diagnosis,
        "rows": rows,
        "comparison_labels": list(labels.values()),
        "chart": chart,
        "exports": [
            (reverse("workplace:diagnosis_export", args=[organisation.pk, fmt]) + f"?year={year.fiscal_year}", label)
            for fmt, label in (("xlsx", _("Excel（XLSX）")), ("csv", _("CSV")))
        ],
        "chart_downloads": [
            (reverse("workplace:diagnosis_chart", args=[organisation.pk, fmt]) + f"?year={year.fiscal_year}", label)
            for fmt, label in (("png", _("画像（PNG）")), ("svg", _("画像（SVG）")))
        ],
        "referrals": [r for r in referrals if r.kind in diagnosis.referral_kinds] or referrals,
        "threshold": insights.THRESHOLD,
    }


@login_required
def diagnosis_page(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    return render(request, "workplace/diagnosis.html", _diagnosis_context(request, organisation))


@login_required
def diagnosis_chart(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    organisation = _organisation(request, pk)
    if fmt not in IMAGE_FORMATS:
        raise Http404
    context = _diagnosis_context(request, organisation)
    if context["year"] is None:
        raise Http404(_("指標がまだありません。"))
    spec = context["chart"].spec
    name = f"diagnosis-{organisation.pk}-{context['year'].fiscal_year}.{fmt}"
    if fmt == "png":
        response = HttpResponse(chart_png(spec), content_type="image/png")
    else:
        response = HttpResponse(chart_svg(spec), content_type="image/svg+xml; charset=utf-8")
    return attach(response, name)


@login_required
def diagnosis_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The comparison table: the organisation's own values and the peer medians (blank where suppressed)."""
    organisation = _organisation(request, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    context = _diagnosis_context(request, organisation)
    if context["year"] is None:
        raise Http404(_("指標がまだありません。"))
    chart = context["chart"]
    name = f"diagnosis-{organisation.pk}-{context['year'].fiscal_year}"
    return table_response(
        header=chart.header, rows=chart.rows, fmt=fmt, filename=name, encoding=request.GET.get("encoding", "")
    )


# --- the regional picture --------------------------------------------------------------------------------------


def _group_label(kind: str, key: str) -> str:
    if kind == ALL:
        return _("全体")
    if kind == "industry":
        return str(dict(Industry.choices).get(key, key))
    return str(dict(SizeBand.choices).get(key, key))


def picture_table(result: Picture, year: int | None) -> tuple[list[str], list[list[Any]], list[list[str]]]:
    """One row per (group, indicator) for the year: n, quartiles, share meeting the target, year-on-year change.
    Hidden numbers are None (exports: blank) / "—" (page)."""
    header = [
        _("区分"),
        _("グループ"),
        _("指標"),
        _("単位"),
        _("企業・団体数"),
        _("第1四分位"),
        _("中央値"),
        _("第3四分位"),
        _("目標を満たす割合（%）"),
        _("前年度からの変化（中央値）"),
    ]
    kinds = {ALL: _("全体"), "industry": _("業種"), "size_band": _("規模")}
    body: list[list[Any]] = []
    shown: list[list[str]] = []
    if year is None:
        return header, body, shown
    for group in result.groups:
        cells = group.years.get(year, {})
        for code in result.indicators:
            cell = cells.get(code)
            if cell is None:
                continue
            indicator = INDICATORS_BY_CODE[code]
            numbers = [cell.q1, cell.median, cell.q3, cell.share_meeting, cell.change_median]
            body.append(
                [
                    kinds[group.kind],
                    _group_label(group.kind, group.key),
                    label(code),
                    unit(indicator.unit),
                    cell.n,
                    *(None if v is None else round(v, 2) for v in numbers),
                ]
            )
            shown.append(
                [
                    kinds[group.kind],
                    _group_label(group.kind, group.key),
                    label(code),
                    unit(indicator.unit),
                    str(cell.n),
                    *("—" if v is None else format_number(v, indicator.decimals) for v in numbers),
                ]
            )
    return header, body, shown


def _picture_scope(
    request: HttpRequest, code: str | None
) -> tuple[insights.Scope, list[insights.Scope], Member | None]:
    if code is None:
        require(request.user, "workplace.view_network_picture")
        scope = insights.network_scope()
        return scope, [scope], None
    member = get_object_or_404(visible_members(request.user), pk=code)
    require(request.user, "workplace.view_picture", member)
    scopes = insights.member_scopes(member)
    wanted = request.GET.get("scope", "programme")
    scope = next((s for s in scopes if s.code == wanted), scopes[0])
    return scope, scopes, member


def _picture_year(request: HttpRequest, result: Picture) -> int | None:
    wanted = request.GET.get("year", "")
    if wanted.isdigit() and int(wanted) in result.years:
        return int(wanted)
    return result.years[-1] if result.years else None


@login_required
def picture_page(request: HttpRequest, code: str | None = None) -> HttpResponse:
    scope, scopes, member = _picture_scope(request, code)
    result = insights.summarise(scope)
    year = _picture_year(request, result)
    header, _body, shown = picture_table(result, year)
    overview = []
    everyone = result.group(ALL)
    if year is not None and everyone is not None:
        for code_ in result.indicators:
            cell = everyone.years[year][code_]
            target = TARGETS.get(code_)
            overview.append(
                {
                    "label": label(code_),
                    "n": cell.n,
                    "q1": _value_text(code_, cell.q1),
                    "median": _value_text(code_, cell.median),
                    "q3": _value_text(code_, cell.q3),
                    "share": "—" if cell.share_meeting is None else f"{format_number(cell.share_meeting, 1)}%",
                    "target": "" if target is None else text(target.label),
                    "change": _signed(cell.change_median),
                }
            )
    base = reverse("workplace:picture", args=[code]) if code else reverse("workplace:network_picture")
    query = f"?scope={scope.code}&year={year}" if year else f"?scope={scope.code}"
    exports = [
        (
            (
                reverse("workplace:picture_export", args=[code, fmt])
                if code
                else reverse("workplace:network_picture_export", args=[fmt])
            )
            + query,
            label,
        )
        for fmt, label in (("xlsx", _("Excel（XLSX）")), ("csv", _("CSV")))
    ]
    return render(
        request,
        "workplace/picture.html",
        {
            "member": member,
            "scope": scope,
            "scopes": scopes,
            "base": base,
            "result": result,
            "year": year,
            "overview": overview,
            "header": header,
            "rows": shown,
            "exports": exports,
            "threshold": result.threshold,
            "organisations": everyone.organisations.get(year, 0) if year and everyone else 0,
            "can_manage_recognition": member is not None
            and has_perm(request.user, "workplace.manage_recognition", member),
        },
    )


@login_required
def picture_export(request: HttpRequest, fmt: str, code: str | None = None) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    scope, _scopes, _member = _picture_scope(request, code)
    result = insights.summarise(scope)
    year = _picture_year(request, result)
    header, body, _shown = picture_table(result, year)
    name = f"workplace-picture-{code or 'network'}-{scope.code}-{year or 'none'}"
    return table_response(header=header, rows=body, fmt=fmt, filename=name, encoding=request.GET.get("encoding", ""))


# --- the programme's recognition scheme ------------------------------------------------------------------------


def _scheme_member(request: HttpRequest, code: str) -> Member:
    member = get_object_or_404(visible_members(request.user), pk=code)
    require(request.user, "workplace.manage_recognition", member)
    return member


@login_required
def recognition(request: HttpRequest, code: str) -> HttpResponse:
    member = _scheme_member(request, code)
    form = RecognitionStageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme.recognition_stage_save(actor=request.user, member=member, stage=None, data=form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("段階を追加しました。"))
            return redirect("workplace:recognition", member.pk)
    stages = [
        {
            "stage": stage,
            "criteria": [
                f"{label(c['indicator'])} "
                f"{threshold_text(c['op'], float(c['value']), INDICATORS_BY_CODE[c['indicator']].unit)}"
                for c in stage.criteria
                if c.get("indicator") in INDICATORS_BY_CODE and c.get("op") in SCHEME_OPS
            ],
        }
        for stage in RecognitionStage.objects.filter(member=member)
    ]
    return render(
        request,
        "workplace/recognition.html",
        {"member": member, "stages": stages, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def recognition_stage_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    member = _scheme_member(request, code)
    stage = get_object_or_404(RecognitionStage, member=member, pk=pk)
    form = RecognitionStageForm(request.POST or None, initial=RecognitionStageForm.initial_for(stage))
    if request.method == "POST" and form.is_valid():
        try:
            programme.recognition_stage_save(actor=request.user, member=member, stage=stage, data=form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("段階を保存しました。"))
            return redirect("workplace:recognition", member.pk)
    return render(
        request,
        "workplace/recognition_stage.html",
        {"member": member, "stage": stage, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def recognition_stage_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    member = _scheme_member(request, code)
    stage = get_object_or_404(RecognitionStage, member=member, pk=pk)
    programme.recognition_stage_delete(actor=request.user, stage=stage)
    messages.success(request, _("段階を削除しました。"))
    return redirect("workplace:recognition", member.pk)


# --- the referral directory ------------------------------------------------------------------------------------


@login_required
def referrals(request: HttpRequest) -> HttpResponse:
    require(request.user, "workplace.view_referrals")
    names = dict(LocalGovernment.objects.filter(city_name="").values_list("prefecture_code", "prefecture_name"))
    rows = [
        {"referral": r, "prefecture": names.get(r.prefecture_code, r.prefecture_code)} for r in Referral.objects.all()
    ]
    return render(
        request,
        "workplace/referrals.html",
        {
            "rows": rows,
            "can_edit": has_perm(request.user, "workplace.manage_referrals"),
            "kinds": dict(ReferralKind.choices),
        },
    )


@login_required
def referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not has_perm(request.user, "workplace.manage_referrals"):
        raise PermissionDenied
    referral = get_object_or_404(Referral, pk=pk)
    form = ReferralForm(request.POST or None, instance=referral)
    if request.method == "POST" and form.is_valid():
        programme.referral_update(actor=request.user, referral=referral, data=form.cleaned_data)
        messages.success(request, _("相談先を保存しました。"))
        return redirect("workplace:referrals")
    return render(
        request,
        "workplace/referral_form.html",
        {
            "referral": referral,
            "form": form,
            "history": AuditEntry.objects.filter(target_type="workplace.referral", target_id=str(referral.pk)),
        },
        status=422 if request.method == "POST" else 200,
    )
