"""Pages for regional statistics: an area's migration story, the network ranking, imports. Thin: parse, check,
call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shokuba.core.charts import Chart, chart_png, chart_svg
from shokuba.core.downloads import attach
from shokuba.core.exports import table_response
from shokuba.core.permissions import has_perm, require
from shokuba.core.uploads import UploadError, check_upload
from shokuba.network.models import Member
from shokuba.network.selectors import local_government_search
from shokuba.regional import charts, selectors, services
from shokuba.regional.estat.errors import StatisticsImportError
from shokuba.regional.forms import (
    WINDOW_CHOICES,
    AreaQueryForm,
    OutcomeForm,
    StatisticsApiForm,
    StatisticsUploadForm,
)
from shokuba.regional.indicators import INDICATORS, INDICATORS_BY_CODE, figures_movers
from shokuba.regional.labels import (
    INDICATOR_HELP,
    MOVERS_HELP,
    MOVERS_LABELS,
    PEER_LABELS,
    SEX_LABELS,
    format_value,
    indicator_label,
    movers_label,
    unit_label,
)
from shokuba.regional.models import ImportJob, ImportSource, OutcomeIndicator

EXPORT_FORMATS = ("xlsx", "csv")
IMAGE_FORMATS = ("png", "svg")
PEER_COLUMNS = (
    ("recovery_rate", "F"),
    ("recovery_rate", "M"),
    ("recovery_rate", "gap"),
    ("net_rate_15_19", "F"),
    ("net_rate_20_24", "F"),
    ("net_rate_20_24", "M"),
    ("net_rate_25_29", "F"),
    ("net_rate_25_29", "M"),
    ("net_rate_total", "T"),
)


def _outcome_display(rows: list[selectors.OutcomeRow]) -> list[dict[str, Any]]:
    display = []
    for row in rows:
        unit = INDICATORS_BY_CODE[row.outcome.indicator].unit
        suffix = unit_label(row.outcome.indicator)
        change = format_value(row.change, unit)
        display.append(
            {
                "outcome": row.outcome,
                "label": indicator_label(row.outcome.indicator),
                "sex_label": SEX_LABELS.get(row.outcome.sex, row.outcome.sex),
                "baseline_text": f"{format_value(row.baseline, unit)} {suffix}" + _movers_suffix(row.baseline_movers),
                "latest_text": f"{format_value(row.latest, unit)} {suffix}" + _movers_suffix(row.latest_movers),
                "comparable": row.comparable,
                "latest_year": row.latest_year,
                "change_text": change if row.change is None or row.change < 0 else f"+{change}",
                "improved": row.improved,
            }
        )
    return display


def _movers_suffix(kind: str) -> str:
    label = movers_label(kind)
    return f"（{label}）" if label else ""


def _member_choices() -> list[tuple[str, str]]:
    return [(m.pk, str(m)) for m in Member.objects.select_related("local_government").order_by("pk")]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "regional.view")
    query = request.GET.get("q", "").strip()
    results = list(local_government_search(query)) if query else []
    own = getattr(request.user, "member_id", None)
    return render(
        request,
        "regional/index.html",
        {
            "query": query,
            "results": results,
            "own_member": Member.objects.select_related("local_government").filter(pk=own).first() if own else None,
            "members": Member.objects.select_related("local_government").order_by("pk"),
            "years": selectors.migration_years(),
            "synthetic": selectors.synthetic_in_use(),
            "can_view_network": has_perm(request.user, "regional.view_network"),
            "can_view_imports": has_perm(request.user, "regional.view_imports"),
        },
    )


def _area_or_404(code: str) -> selectors.Area:
    area = selectors.area_get(code)
    if area is None:
        raise Http404(code)
    return area


def _area_query(request: HttpRequest, years: list[int]) -> tuple[AreaQueryForm, dict[str, Any]]:
    form = AreaQueryForm(request.GET or None, years=years, members=_member_choices())
    defaults: dict[str, Any] = {
        "year": years[-1] if years else None,
        "window": 1,
        "measure": "count",
        "indicator": "recovery_rate",
        "peers": [],
        "members": [],
    }
    if request.GET and form.is_valid():
        defaults.update({k: v for k, v in form.cleaned_data.items() if v not in (None, "", [])})
    return form, defaults


def _period_label(year: int, window: int) -> str:
    if window == 1:
        return _("%(year)d年") % {"year": year}
    return _("%(first)d～%(last)d年の平均") % {"first": year - window + 1, "last": year}


def _movers_by_year(series: selectors.Series, window: int) -> dict[int, str]:
    """Whose moves each year's (or pooled period's) figures count: all movers, Japanese movers only, or mixed."""
    result = {}
    for year in series:
        figures = selectors.period_figures(series, year, window)
        if figures:
            result[year] = figures_movers(figures)
    return result


def _area_charts(area: selectors.Area, query: dict[str, Any], series: selectors.Series) -> list[Chart]:
    year, window = query["year"], query["window"]
    synthetic = selectors.synthetic_in_use()
    movers = _movers_by_year(series, window)
    result = [
        charts.net_by_age_chart(
            area_name=area.name,
            period=_period_label(year, window),
            rows=selectors.net_by_age(series, year, window),
            measure=query["measure"],
            synthetic=synthetic,
            movers=movers.get(year, "all"),
        )
    ]
    indicator = query["indicator"]
    by_year = selectors.indicators_by_year(series, window=window)
    points = [(y, sex, values[indicator][sex]) for y, values in sorted(by_year.items()) for sex in ("F", "M", "T")]
    result.append(
        charts.trend_chart(
            name="trend",
            area_name=area.name,
            indicator_name=indicator_label(indicator),
            unit=unit_label(indicator),
            points=points,
            synthetic=synthetic,
            window=window,
            movers_by_year=movers,
        )
    )
    return result


def _peer_table(rows: list[selectors.PeerRow], *, numbers: bool = False) -> tuple[list[str], list[list[Any]]]:
    """The peer comparison: formatted text for the page, or numbers (one decimal) for XLSX/CSV downloads so a
    spreadsheet can compute with them (formatted negatives would also be quoted as formula-like text)."""
    header = [_("比較先")] + [
        f"{indicator_label(code)}（{SEX_LABELS[sex]}、{unit_label(code)}）" for code, sex in PEER_COLUMNS
    ]
    body = []
    for row in rows:
        label = row.label or str(PEER_LABELS[row.kind])
        if row.kind == "similar":
            label = _("%(label)s（%(n)s団体）") % {"label": PEER_LABELS["similar"], "n": row.note}
        elif row.kind == "regions":
            label = str(PEER_LABELS["regions"])
        if row.kind in ("similar", "regions") and row.present < row.areas:
            # a sum over fewer areas than the group holds: say so rather than compare it as if whole
            label += _("（値があるのは%(present)d団体のみ）") % {"present": row.present}
        if movers_label(row.movers):
            label += f"（{movers_label(row.movers)}）"
        raw = [row.values[code][sex] if row.values else None for code, sex in PEER_COLUMNS]
        cells: list[Any] = (
            [None if value is None else round(value, 1) for value in raw]
            if numbers
            else [
                format_value(value, INDICATORS_BY_CODE[code].unit)
                for value, (code, _sex) in zip(raw, PEER_COLUMNS, strict=True)
            ]
        )
        body.append([label, *cells])
    return header, body


def _indicator_table(values: dict[str, dict[str, float | None]] | None, *, prefecture: bool) -> list[dict[str, Any]]:
    rows = []
    for indicator in INDICATORS:
        if indicator.needs_flows and not prefecture:
            continue
        by_sex = values.get(indicator.code, {}) if values else {}
        rows.append(
            {
                "code": indicator.code,
                "label": indicator_label(indicator.code),
                "unit": unit_label(indicator.code),
                "help": INDICATOR_HELP[indicator.code],
                "cells": [format_value(by_sex.get(s), indicator.unit) for s in ("F", "M", "gap", "T")],
            }
        )
    return rows


@login_required
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The member page 人口移動: the seed's chart for this area, its trend, its peers, its outcomes."""
    require(request.user, "regional.view")
    area = _area_or_404(code)
    years = selectors.migration_years()
    form, query = _area_query(request, years)
    status = 400 if request.GET and not form.is_valid() else 200
    context: dict[str, Any] = {"area": area, "form": form, "years": years, "query": query}
    member = Member.objects.filter(pk=area.code).select_related("local_government").first()
    context["member"] = member
    if member is not None and has_perm(request.user, "member.view", member):
        context["outcomes"] = _outcome_display(selectors.outcome_rows(member))
        if has_perm(request.user, "regional.select_outcome", member):
            context["outcome_form"] = OutcomeForm(years=years)
    if not years:
        return render(request, "regional/area.html", context, status=status)
    series = selectors.area_series([area.code], years).get(area.code, {})
    year, window = query["year"], query["window"]
    figures = selectors.period_figures(series, year, window)
    values = selectors.indicator_values(figures) if figures else None
    movers = figures_movers(figures) if figures else "all"
    coverage = selectors.net_coverage(year)
    peers = selectors.peer_rows(area, year, window=window, chosen=[*query["peers"], *query["members"]])
    peer_header, peer_body = _peer_table(peers)
    chart_list = _area_charts(area, query, series)
    params = request.GET.urlencode()
    context.update(
        {
            "charts": [
                {
                    "chart": chart,
                    "spec_id": f"{chart.name}-spec",
                    "downloads": [
                        (
                            reverse("regional:area_chart", args=[area.code, chart.name, fmt])
                            + (f"?{params}" if params else ""),
                            fmt.upper(),
                        )
                        for fmt in (*IMAGE_FORMATS, *EXPORT_FORMATS)
                    ],
                }
                for chart in chart_list
            ],
            "period": _period_label(year, window),
            "movers_label": movers_label(movers),
            "movers_help": MOVERS_HELP.get(movers, ""),
            "coverage": coverage if coverage is not None and not coverage.complete else None,
            "has_figures": figures is not None,
            "indicator_rows": _indicator_table(values, prefecture=area.is_prefecture),
            "peer_header": peer_header,
            "peer_body": peer_body,
            "synthetic": selectors.synthetic_in_use(),
            "population_missing": figures is not None and all(f.population is None for f in figures.values()),
            "exports": [
                (
                    reverse("regional:area_export", args=[area.code, "indicators", fmt]),
                    _("全指標・全年（%(fmt)s）") % {"fmt": fmt.upper()},
                )
                for fmt in EXPORT_FORMATS
            ]
            + [
                (
                    reverse("regional:area_export", args=[area.code, "peers", fmt]) + (f"?{params}" if params else ""),
                    _("比較表（%(fmt)s）") % {"fmt": fmt.upper()},
                )
                for fmt in EXPORT_FORMATS
            ],
        }
    )
    return render(request, "regional/area.html", context, status=status)


@login_required
def area_chart(request: HttpRequest, code: str, name: str, fmt: str) -> HttpResponse:
    require(request.user, "regional.view")
    area = _area_or_404(code)
    years = selectors.migration_years()
    if not years:
        raise Http404("no statistics")
    form, query = _area_query(request, years)
    if request.GET and not form.is_valid():
        return HttpResponseBadRequest(_("表示条件が正しくありません。"))
    series = selectors.area_series([area.code], years).get(area.code, {})
    chart = next((c for c in _area_charts(area, query, series) if c.name == name), None)
    if chart is None:
        raise Http404(name)
    filename = f"{area.name}_{chart.name}_{query['year']}"
    if fmt == "png":
        response = HttpResponse(chart_png(chart.spec), content_type="image/png")
    elif fmt == "svg":
        response = HttpResponse(chart_svg(chart.spec), content_type="image/svg+xml; charset=utf-8")
    elif fmt in EXPORT_FORMATS:
        return table_response(
            fmt=fmt,
            filename=filename,
            header=chart.header,
            rows=chart.rows,
            encoding=request.GET.get("encoding", ""),
            sheet_title=chart.name,
        )
    else:
        raise Http404(fmt)
    return attach(response, f"{filename}.{fmt}", fallback="chart")


@login_required
def area_export(request: HttpRequest, code: str, what: str, fmt: str) -> HttpResponse:
    """Every indicator for every year and sex (what=indicators), or the peer table (what=peers)."""
    require(request.user, "regional.view")
    area = _area_or_404(code)
    if fmt not in EXPORT_FORMATS:
        raise Http404(fmt)
    years = selectors.migration_years()
    if what == "indicators":
        series = selectors.area_series([area.code], years).get(area.code, {})
        header = [
            _("団体コード"),
            _("団体名"),
            _("年"),
            _("指標"),
            _("単位"),
            _("女性"),
            _("男性"),
            _("男女差（女性－男性）"),
            _("総数"),
            _("国籍"),
        ]
        rows: list[list[Any]] = []
        for window in (1, 3, 5):
            movers = _movers_by_year(series, window)
            for year, values in selectors.indicators_by_year(series, window=window).items():
                for indicator in INDICATORS:
                    by_sex = values[indicator.code]
                    period = _period_label(year, window)
                    numbers = [by_sex[s] for s in ("F", "M", "gap", "T")]
                    rows.append(
                        [area.code, area.name, period, indicator_label(indicator.code), unit_label(indicator.code)]
                        + [None if v is None else round(v, 3) for v in numbers]
                        + [str(MOVERS_LABELS[movers.get(year, "all")])]
                    )
        return table_response(
            fmt=fmt,
            filename=f"{area.name}_人口移動指標",
            header=header,
            rows=rows,
            encoding=request.GET.get("encoding", ""),
            sheet_title="indicators",
        )
    if what == "peers":
        if not years:
            raise Http404("no statistics")
        form, query = _area_query(request, years)
        if request.GET and not form.is_valid():
            return HttpResponseBadRequest(_("表示条件が正しくありません。"))
        peers = selectors.peer_rows(
            area, query["year"], window=query["window"], chosen=[*query["peers"], *query["members"]]
        )
        header, body = _peer_table(peers, numbers=True)
        return table_response(
            fmt=fmt,
            filename=f"{area.name}_比較_{query['year']}",
            header=header,
            rows=body,
            encoding=request.GET.get("encoding", ""),
            sheet_title="peers",
        )
    raise Http404(what)


@login_required
def network_ranking(request: HttpRequest) -> HttpResponse:
    """The secretariat's view: all 68 members on each indicator, prefectures and municipalities apart."""
    require(request.user, "regional.view_network")
    years = selectors.migration_years()
    year = _int_param(request, "year", years[-1] if years else 0)
    window = _int_param(request, "window", 1)
    sex = request.GET.get("sex", "F")
    if (years and year not in years) or window not in (1, 3, 5) or sex not in SEX_LABELS:
        return HttpResponseBadRequest(_("表示条件が正しくありません（年・期間・対象を確認してください）。"))
    ranking = selectors.network_ranking(year, window=window, sex=sex) if years else None
    groups = ranking.groups if ranking else {}
    fmt = request.GET.get("format", "")
    indicators = list(INDICATORS)
    if fmt in EXPORT_FORMATS:
        header = [_("団体コード"), _("団体名"), _("種別")]
        for i in indicators:
            header += [f"{indicator_label(i.code)}（{unit_label(i.code)}）", _("順位")]
        header.append(_("備考"))
        rows = []
        for ranked in groups.values():
            for r in ranked:
                row: list[Any] = [r.member.pk, str(r.member), r.member.get_kind_display()]
                for i in indicators:
                    value = r.values[i.code]
                    row += [None if value is None else round(value, 3), r.ranks[i.code]]
                row.append(_ranking_note(r))
                rows.append(row)
        return table_response(
            fmt=fmt, filename=f"参加自治体の人口移動指標_{year}", header=header, rows=rows, sheet_title="ranking"
        )
    sections = []
    for kind, title in (("prefecture", _("県（24）")), ("municipality", _("市町村（44）"))):
        columns = [i for i in indicators if not (i.needs_flows and kind == "municipality")]
        sections.append(
            {
                "title": title,
                "columns": [{"label": indicator_label(i.code), "unit": unit_label(i.code)} for i in columns],
                "rows": [
                    {
                        "member": r.member,
                        "cells": [(format_value(r.values[i.code], i.unit), r.ranks[i.code]) for i in columns],
                        "note": _ranking_note(r),
                    }
                    for r in groups.get(kind, [])
                ],
            }
        )
    query: dict[str, str | int] = {"year": year, "window": window, "sex": sex}
    return render(
        request,
        "regional/network.html",
        {
            "years": years,
            "year": year,
            "window": window,
            "sex": sex,
            "sex_choices": list(SEX_LABELS.items()),
            "window_choices": [(int(value), label) for value, label in WINDOW_CHOICES],
            "sections": sections,
            "missing": ranking.missing if ranking else [],
            "not_ranked": ranking.not_ranked if ranking else [],
            "basis_label": str(MOVERS_LABELS[ranking.basis]) if ranking else "",
            "synthetic": selectors.synthetic_in_use(),
            "exports": [
                (f"{reverse('regional:network')}?{urlencode({**query, 'format': f})}", f.upper())
                for f in EXPORT_FORMATS
            ],
        },
    )


def _ranking_note(ranked: selectors.RankedMember) -> str:
    if ranked.movers is None:
        return _("この期間の数値なし（未取込）")
    if not ranked.ranked:
        return _("%(movers)s（順位の対象外）") % {"movers": MOVERS_LABELS[ranked.movers]}
    return movers_label(ranked.movers)


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return -1


def _can_import(user: Any) -> bool:
    member = getattr(user, "member", None)
    return has_perm(user, "regional.import") or (member is not None and has_perm(user, "regional.import_areas", member))


def _import_scope_label(user: Any) -> str:
    """What a coordinator may import, in words; empty for the secretariat (any area)."""
    if has_perm(user, "regional.import"):
        return ""
    member = getattr(user, "member", None)
    if member is None:
        return ""
    if member.kind == "prefecture":
        return _("%(name)sとその市町村") % {"name": member.local_government.full_name}
    return member.local_government.full_name


def _visible_jobs(user: Any) -> Any:
    jobs = ImportJob.objects.select_related("created_by", "member__local_government")
    if has_perm(user, "regional.view_network"):
        return jobs
    return jobs.filter(member_id=getattr(user, "member_id", None)) if getattr(user, "member_id", None) else jobs.none()


def _imports_page(
    request: HttpRequest, upload_form: StatisticsUploadForm, api_form: StatisticsApiForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "regional/imports.html",
        {
            "history": selectors.import_history(),
            "jobs": _visible_jobs(request.user)[:20],
            "coverage": selectors.table_coverage(),
            "can_import": _can_import(request.user),
            "can_import_api": has_perm(request.user, "regional.import"),
            "show_importers": has_perm(request.user, "regional.view_network"),
            "scope_label": _import_scope_label(request.user),
            "upload_form": upload_form,
            "api_form": api_form,
            "api_configured": bool(settings.ESTAT_APP_ID),
        },
        status=status,
    )


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    """Import history and coverage; the upload form for the secretariat (any area) and for coordinators (their
    own member's areas); the API form for the secretariat."""
    require(request.user, "regional.view_imports")
    upload_form = StatisticsUploadForm()
    api_form = StatisticsApiForm()
    if request.method != "POST":
        return _imports_page(request, upload_form, api_form)
    if not _can_import(request.user):
        raise PermissionDenied
    if request.POST.get("source") == "api":
        require(request.user, "regional.import")
        api_form = StatisticsApiForm(request.POST)
        if api_form.is_valid():
            data = api_form.cleaned_data
            try:
                job = services.import_job_create(
                    actor=request.user,
                    table=data["table"] or None,
                    year=data["year"],
                    source=ImportSource.API,
                    source_name=data["stats_data_id"],
                    replace=data["replace"],
                )
            except StatisticsImportError as exc:
                for message in exc.messages:
                    api_form.add_error(None, message)
            else:
                return _after_job(request, job, api_form)
        return _imports_page(request, upload_form, api_form, status=400)
    upload_form = StatisticsUploadForm(request.POST, request.FILES)
    if upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        try:
            checked = check_upload(
                upload, name=upload.name, size=upload.size, max_bytes=settings.REGIONAL_IMPORT_MAX_BYTES
            )
            if checked.extension not in (".xlsx", ".csv"):
                raise UploadError(
                    _("ファイル「%(name)s」は Excel（.xlsx）か CSV にしてください。") % {"name": checked.name}
                )
            job = services.import_job_create(
                actor=request.user,
                table=upload_form.cleaned_data["table"] or None,
                year=upload_form.cleaned_data["year"],
                source=ImportSource.FILE,
                source_name=checked.name,
                data=upload.read(),
                replace=upload_form.cleaned_data["replace"],
            )
        except UploadError as exc:
            upload_form.add_error("file", str(exc))
        except StatisticsImportError as exc:
            for message in exc.messages:
                upload_form.add_error(None, message)
        else:
            return _after_job(request, job, upload_form)
    return _imports_page(request, upload_form, api_form, status=400)


def _after_job(request: HttpRequest, job: ImportJob, form: Any) -> HttpResponse:
    """A job that already finished (immediate backend, fast worker) answers at once; a failure is a 400."""
    job.refresh_from_db()
    if job.status == "failed":
        for message in job.errors:
            form.add_error(None, message)
        upload_form = form if isinstance(form, StatisticsUploadForm) else StatisticsUploadForm()
        api_form = form if isinstance(form, StatisticsApiForm) else StatisticsApiForm()
        return _imports_page(request, upload_form, api_form, status=400)
    if job.status == "succeeded":
        messages.success(request, job.message)
    return redirect("regional:job", job.pk)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "regional.view_imports")
    job = get_object_or_404(
        ImportJob.objects.select_related("created_by", "member__local_government", "statistics_import"), pk=pk
    )
    if not has_perm(request.user, "regional.view_job", job):
        raise Http404(pk)  # another member's job: as if it did not exist
    return render(
        request,
        "regional/job.html",
        {
            "job": job,
            "records": job.records.order_by("table"),
            "show_importers": has_perm(request.user, "regional.view_network"),
        },
    )


@login_required
@require_POST
def outcome_add(request: HttpRequest, code: str) -> HttpResponse:
    member = get_object_or_404(Member.objects.select_related("local_government"), pk=code)
    require(request.user, "regional.select_outcome", member)
    years = selectors.migration_years()
    form = OutcomeForm(request.POST, years=years)
    if form.is_valid():
        try:
            services.outcome_indicator_select(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("成果指標を保存しました。"))
            return redirect(reverse("regional:area", args=[member.pk]) + "#outcomes")
    return render(
        request,
        "regional/outcome_form.html",
        {"member": member, "form": form, "outcomes": _outcome_display(selectors.outcome_rows(member))},
        status=400,
    )


@login_required
@require_POST
def outcome_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=code)
    require(request.user, "regional.select_outcome", member)
    outcome = get_object_or_404(OutcomeIndicator, pk=pk, member=member)
    services.outcome_indicator_remove(actor=request.user, outcome=outcome)
    messages.success(request, _("成果指標を外しました。"))
    return redirect(reverse("regional:area", args=[member.pk]) + "#outcomes")
