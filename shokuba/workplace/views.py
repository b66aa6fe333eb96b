"""Workplace indicator pages: an organisation's years, entering a year, importing files (preview, then confirm).
Thin: parse, check, call, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shokuba.core.dates import fiscal_year
from shokuba.core.exports import table_response
from shokuba.core.permissions import has_perm, require
from shokuba.network.permissions import visible_members, visible_organisations
from shokuba.workplace import definitions, imports, opendata, services
from shokuba.workplace.forms import ImportForm, IndicatorYearForm, fiscal_year_choices
from shokuba.workplace.messages import label, text, unit
from shokuba.workplace.models import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, IndicatorImport, IndicatorYear
from shokuba.workplace.permissions import visible_indicator_imports, visible_indicator_years


def _last_fiscal_year() -> int:
    """The latest fiscal year that has ended (the one companies report on)."""
    return fiscal_year(dt.date.today()) - 1


def value_rows(values: dict[str, float | None]) -> list[dict[str, Any]]:
    """Indicators with their labels, units and formatted values, for tables."""
    return [
        {
            "code": i.code,
            "label": label(i.code),
            "unit": unit(i.unit),
            "value": values.get(i.code),
            "text": definitions.format_number(values.get(i.code), i.decimals),
            "definition": text(i.definition),
            "group": i.group,
        }
        for i in definitions.INDICATORS
    ]


@login_required
def organisation_years(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(visible_organisations(request.user), pk=pk)
    require(request.user, "workplace.view_indicators", organisation)
    years = list(visible_indicator_years(request.user).filter(organisation=organisation).order_by("-fiscal_year"))
    table = [
        {
            "indicator": i,
            "label": label(i.code),
            "unit": unit(i.unit),
            "cells": [definitions.format_number(getattr(y, i.code), i.decimals) for y in years],
        }
        for i in definitions.INDICATORS
    ]
    flags = [
        {"label": label(a.code), "cells": [bool(getattr(y, a.code)) for y in years]} for a in definitions.ARRANGEMENTS
    ]
    certifications = [
        {
            "label": text(name),
            "cells": [
                certification_text(y.certifications[code], code) if code in y.certifications else "—" for y in years
            ],
        }
        for code, name in opendata.CERTIFICATION_NAMES.items()
        if any(code in y.certifications for y in years)
    ]
    recorded = {y.fiscal_year for y in years}
    context = {
        "organisation": organisation,
        "years": years,
        "table": table,
        "flags": flags,
        "certifications": certifications,
        "can_edit": has_perm(request.user, "workplace.change_indicators", organisation),
        "year_choices": [(y, text) for y, text in fiscal_year_choices(_last_fiscal_year() + 1) if y not in recorded],
    }
    return render(request, "workplace/organisation_years.html", context)


def _year_from_path(fiscal_year_text: int) -> int:
    if not FISCAL_YEAR_MIN <= fiscal_year_text <= FISCAL_YEAR_MAX:
        raise Http404
    return fiscal_year_text


@login_required
def year_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organisation = get_object_or_404(visible_organisations(request.user), pk=pk)
    require(request.user, "workplace.change_indicators", organisation)
    year = _year_from_path(year)
    instance = IndicatorYear.objects.filter(organisation=organisation, fiscal_year=year).first()
    form = IndicatorYearForm(request.POST if request.method == "POST" else None, instance=instance)
    status = 200
    preview: dict[str, float | None] | None = instance.values if instance is not None else None
    if request.method == "POST":
        status = 400
        if not form.is_valid():
            # Every problem at once: the figures that were readable are checked against each other too.
            formula = form.cleaned_data.get("male_childcare_leave_formula") or "leave"
            readable = {k: v for k, v in form.raw().items() if k not in form.errors}
            errors, _warnings = services.validate_year(readable, formula=formula)
            form.apply_errors({k: v for k, v in errors.items() if k not in form.errors})
            preview = definitions.compute(readable, formula=formula)
        else:
            formula = form.cleaned_data["male_childcare_leave_formula"]
            try:
                saved = services.indicator_year_save(
                    actor=request.user,
                    organisation=organisation,
                    fiscal_year=year,
                    raw=form.raw(),
                    formula=formula,
                    arrangements=form.arrangements(),
                )
            except ValidationError as exc:
                form.apply_errors(exc.message_dict)
                preview = definitions.compute(
                    {k: v for k, v in form.raw().items() if k not in exc.message_dict}, formula=formula
                )
            else:
                messages.success(request, _("%(year)d年度の値を保存しました。") % {"year": year})
                for warning in saved.warnings:
                    messages.warning(request, warning["message"])
                return redirect("workplace:year_edit", organisation.pk, year)
    values = value_rows(preview or {})
    context = {
        "organisation": organisation,
        "fiscal_year": year,
        "instance": instance,
        "form": form,
        "groups": [{**group, "values": [v for v in values if v["group"] == group["code"]]} for group in form.groups()],
        "arrangement_fields": [form[a.code] for a in definitions.ARRANGEMENTS],
    }
    return render(request, "workplace/year_form.html", context, status=status)


@login_required
def year_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The "enter another year" selector on the years page (GET, no change)."""
    organisation = get_object_or_404(visible_organisations(request.user), pk=pk)
    require(request.user, "workplace.change_indicators", organisation)
    try:
        year = int(request.GET.get("fiscal_year", ""))
    except ValueError:
        year = _last_fiscal_year()
    if not FISCAL_YEAR_MIN <= year <= FISCAL_YEAR_MAX:
        year = _last_fiscal_year()
    return redirect("workplace:year_edit", organisation.pk, year)


# --- imports --------------------------------------------------------------------------------------------------


@login_required
def import_start(request: HttpRequest, code: str) -> HttpResponse:
    member = get_object_or_404(visible_members(request.user), pk=code)
    require(request.user, "workplace.import", member)
    bound = request.method == "POST"
    form = ImportForm(
        request.POST if bound else None, request.FILES if bound else None, initial={"fiscal_year": _last_fiscal_year()}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.indicator_import_preview(
                    actor=request.user,
                    member=member,
                    kind=form.cleaned_data["kind"],
                    stream=upload,
                    file_name=upload.name or "",
                    fiscal_year=form.cleaned_data.get("fiscal_year"),
                )
            except imports.ImportRefused as exc:
                form.add_error("file", exc.messages)
            else:
                return redirect("workplace:import_detail", batch.pk)
    recent = visible_indicator_imports(request.user).filter(member=member)[:10]
    context = {"member": member, "form": form, "recent": recent}
    return render(request, "workplace/import_start.html", context, status=status)


@login_required
def import_template(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The template, with the programme's organisations filled in (法人番号, name, the last fiscal year)."""
    member = get_object_or_404(visible_members(request.user), pk=code)
    require(request.user, "workplace.import", member)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    header = imports.template_header()
    year = _last_fiscal_year()
    rows = [
        [o.corporate_number or "", o.name, year] + [""] * (len(header) - 3)
        for o in visible_organisations(request.user).filter(member=member).order_by("name")
    ]
    return table_response(
        fmt=fmt,
        filename=f"workplace_indicators_template_{member.pk}.{fmt}",
        header=header,
        rows=rows,
        encoding=request.GET.get("encoding", ""),
        sheet_title="indicators",
    )


def _import_for(request: HttpRequest, pk: int, perm: str = "workplace.import") -> IndicatorImport:
    batch = get_object_or_404(visible_indicator_imports(request.user), pk=pk)
    require(request.user, perm, batch.member)
    return batch


def _change_row(change: dict[str, Any]) -> dict[str, Any]:
    """One old → new line of an import preview: an indicator, or a count / amount entered (raw input)."""
    code = change["code"]
    indicator = definitions.INDICATORS_BY_CODE.get(code)
    decimals, unit_name = (
        (indicator.decimals, indicator.unit) if indicator else (1, definitions.INPUTS_BY_CODE[code].unit)
    )
    return {
        "label": label(code),
        "old": definitions.format_number(change["old"], decimals),
        "new": definitions.format_number(change["new"], decimals),
        "unit": unit(unit_name),
        "input": indicator is None,
    }


def certification_text(held: dict[str, Any] | None, code: str) -> str:
    """「えるぼし 2段階目（2021-03-01〜）」: a stored certification in words, with the file's own words when its level
    could not be read."""
    if not held:
        return _("記録なし")
    name = text(opendata.CERTIFICATION_NAMES[code])
    level = held.get("level")
    if level:
        name = _("%(name)s %(level)d段階目") % {"name": name, "level": int(level.rsplit("-", 1)[1])}
    elif code == "eruboshi":
        name = _("%(name)s（段階は読み取れません）") % {"name": name}
    if held.get("plus"):
        name = _("%(name)s（プラス）") % {"name": name}
    since = str(held.get("since") or "")
    if len(since) == 10:
        year, month, day = since.split("-")
        since = _("%(year)s年%(month)d月%(day)d日") % {"year": year, "month": int(month), "day": int(day)}
    elif since:
        since = _("%(year)s年") % {"year": since}
    if since:
        name = _("%(name)s（%(since)s）") % {"name": name, "since": since}
    return name


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _import_for(request, pk, "workplace.view_imports")
    summary = batch.summary or {}
    rows = []
    for row in batch.rows:
        changes = [_change_row(c) for c in row["changes"]]
        flag_changes = [
            {"label": label(code), "new": row["arrangements"].get(code, False)} for code in row.get("flag_changes", [])
        ]
        certification_changes = [
            {
                "label": text(opendata.CERTIFICATION_NAMES[c["code"]]),
                "old": certification_text(c["old"], c["code"]),
                "new": certification_text(c["new"], c["code"]),
                "cell": (c["new"] or {}).get("text", ""),
            }
            for c in row.get("certification_changes", [])
        ]
        rows.append(
            {
                **row,
                "change_list": [c for c in changes if not c["input"]],
                "input_list": [c for c in changes if c["input"]],
                "flag_list": flag_changes,
                "certification_list": certification_changes,
                "has_changes": imports.has_changes(row),
            }
        )
    context = {
        "batch": batch,
        "summary": summary,
        "rows": rows,
        "can_confirm": batch.status == "previewed"
        and not summary.get("blocking")
        and has_perm(request.user, "workplace.import", batch.member),
        "can_discard": batch.status == "previewed" and has_perm(request.user, "workplace.import", batch.member),
    }
    return render(request, "workplace/import_detail.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _import_for(request, pk)
    try:
        written = services.indicator_import_confirm(actor=request.user, batch=batch)
    except services.ImportNotConfirmable as exc:
        messages.error(request, str(exc))
        return redirect("workplace:import_detail", batch.pk)
    messages.success(request, _("%(count)d件の企業・団体の値を取り込みました。") % {"count": written})
    return redirect("workplace:import_detail", batch.pk)


@login_required
@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _import_for(request, pk)
    try:
        services.indicator_import_discard(actor=request.user, batch=batch)
    except services.ImportNotConfirmable as exc:
        messages.error(request, str(exc))
        return redirect("workplace:import_detail", batch.pk)
    messages.success(request, _("取込を取り消しました。何も書き込まれていません。"))
    if batch.member_id:
        return redirect("workplace:import_start", batch.member_id)
    return redirect("home")


# --- dashboard, readiness, diagnosis, picture --------------------------------------------------------------
