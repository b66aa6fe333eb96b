"""The wave's 集計・分析 pages: 気づきポイント (overview), item distributions, cross-tabulation, before/after and
free text; every chart downloadable as PNG/SVG and its table as XLSX/CSV (core.exports).

Views are thin: look the wave up among those the user may see (404 otherwise), check `results.*` (403), read the
form, call `analyses`, render. The download view rebuilds the same page's analysis and picks the chart by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shokuba.core.charts import chart_png, chart_svg
from shokuba.core.downloads import attach
from shokuba.core.exports import table_response
from shokuba.core.permissions import require
from shokuba.results import analyses, selectors
from shokuba.results.analyses import Analysis, AnalysisInputError
from shokuba.results.forms import ChangeForm, CrosstabForm, FreeTextForm, PresetForm
from shokuba.results.permissions import Scope, results_scope, visible_result_waves
from shokuba.surveys.models import Wave

PAGES = ("overview", "items", "crosstab", "change", "free-text")
IMAGE_FORMATS = ("png", "svg")
TABLE_FORMATS = ("xlsx", "csv")
PAGE_TITLES = {
    "overview": gettext_lazy("気づきポイント"),
    "items": gettext_lazy("項目ごとの集計"),
    "crosstab": gettext_lazy("クロス集計"),
    "change": gettext_lazy("効果検証（前後比較）"),
    "free-text": gettext_lazy("自由記述"),
}


def _wave(request: HttpRequest, pk: int) -> tuple[Wave, Scope]:
    wave = get_object_or_404(visible_result_waves(request.user), pk=pk)
    return wave, results_scope(request.user, wave)  # 403 when results.view is refused


@dataclass
class Built:
    analysis: Analysis | None
    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200


def _overview(request: HttpRequest, scope: Scope) -> Built:
    form = PresetForm(request.GET or None)
    if request.GET and not form.is_valid():
        return Built(None, {"form": form}, 400)
    preset = (form.cleaned_data.get("preset") if request.GET else "") or "sex"
    return Built(analyses.overview(scope, preset), {"form": form})


def _items(request: HttpRequest, scope: Scope) -> Built:
    return Built(analyses.item_distributions(scope))


def _crosstab(request: HttpRequest, scope: Scope) -> Built:
    items = [(i.code, i.text) for i in analyses.crosstab_items(scope)]
    dimensions = analyses.dimensions(scope)
    initial = {"item": items[0][0] if items else "", "by": "sex", "by2": ""}
    form = CrosstabForm(request.GET or initial, items=items, dimensions=dimensions)
    if not items:
        return Built(None, {"form": None})
    if not form.is_valid():
        return Built(None, {"form": form}, 400)
    data = form.cleaned_data
    analysis = analyses.crosstab_analysis(scope, data["item"], [data["by"], data.get("by2") or ""])
    return Built(analysis, {"form": form})


def _change(request: HttpRequest, scope: Scope) -> Built:
    items = selectors.wave_items(scope.wave)
    waves = selectors.comparable_waves(request.user, scope, items)
    choices = [(str(w.pk), _("%(name)s（%(year)s年度）") % {"name": w.name, "year": w.fiscal_year}) for w in waves]
    if not choices:
        return Built(None, {"form": None})
    form = ChangeForm(request.GET or {"other": choices[0][0]}, waves=choices)
    if not form.is_valid():
        return Built(None, {"form": form}, 400)
    other_wave = next(w for w in waves if str(w.pk) == form.cleaned_data["other"])
    other = results_scope(request.user, other_wave)
    target = form.target() if form.cleaned_data.get("weighted") else None
    try:
        return Built(analyses.change_analysis(scope, other, target), {"form": form})
    except AnalysisInputError as error:  # a target the gate refuses: said at the target's fields, form kept
        form.add_error("weighted", error.message)
        return Built(None, {"form": form}, 400)


def _free_text(request: HttpRequest, scope: Scope) -> Built:
    require(request.user, "results.view_free_text", scope.wave)
    items = [(i.code, i.text) for i in analyses.text_items(scope)]
    if not items:
        return Built(None, {"form": None})
    form = FreeTextForm(request.GET or {"item": items[0][0]}, items=items)
    if not form.is_valid():
        return Built(None, {"form": form}, 400)
    data = form.cleaned_data
    return Built(analyses.free_text_analysis(scope, data["item"], data.get("keyword", "")), {"form": form})


BUILDERS = {"overview": _overview, "items": _items, "crosstab": _crosstab, "change": _change, "free-text": _free_text}


def _build(request: HttpRequest, page: str, scope: Scope) -> Built:
    try:
        return BUILDERS[page](request, scope)
    except AnalysisInputError as error:
        return Built(None, {"input_error": error.message}, 400)


def _tabs(wave: Wave, current: str, scope: Scope) -> list[dict[str, Any]]:
    names = {
        "overview": "results:overview",
        "items": "results:items",
        "crosstab": "results:crosstab",
        "change": "results:change",
        "free-text": "results:free_text",
    }
    return [
        {"url": reverse(names[p], args=[wave.pk]), "label": PAGE_TITLES[p], "current": p == current}
        for p in PAGES
        if p != "free-text" or scope.free_text_allowed
    ]


def _page(request: HttpRequest, pk: int, page: str) -> HttpResponse:
    wave, scope = _wave(request, pk)
    built = _build(request, page, scope)
    params = request.GET.urlencode()
    figures: list[dict[str, Any]] = []
    if built.analysis is not None:
        for chart in built.analysis.charts:
            downloads = [
                (
                    reverse("results:download", args=[wave.pk, page, chart.name, fmt])
                    + (f"?{params}" if params else ""),
                    fmt.upper(),
                )
                for fmt in (*IMAGE_FORMATS, *TABLE_FORMATS)
            ]
            figures.append({"chart": chart, "spec_id": f"{chart.name}-spec", "downloads": downloads})
    organisation = None
    if scope.organisation_id is not None:
        organisation = (
            wave.links.filter(organisation_id=scope.organisation_id)
            .values_list("organisation__name", flat=True)
            .first()
        )
    context = {
        "wave": wave,
        "member": wave.member,
        "page": page,
        "page_title": PAGE_TITLES[page],
        "tabs": _tabs(wave, page, scope),
        "scope": scope,
        "organisation_name": organisation,
        "analysis": built.analysis,
        "objects": built.analysis.objects if built.analysis else {},
        "figures": figures,
        "figures_by_name": {f["chart"].name: f for f in figures},
        **built.context,
    }
    return render(request, f"results/{page.replace('-', '_')}.html", context, status=built.status)


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk, "overview")


@login_required
def items(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk, "items")


@login_required
def crosstab(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk, "crosstab")


@login_required
def change(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk, "change")


@login_required
def free_text(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk, "free-text")


@login_required
def download(request: HttpRequest, pk: int, page: str, name: str, fmt: str) -> HttpResponse:
    """One chart of a page as PNG or SVG, or its table as XLSX or CSV (suppressed values as "—")."""
    wave, scope = _wave(request, pk)
    if page not in PAGES or fmt not in (*IMAGE_FORMATS, *TABLE_FORMATS):
        raise Http404(page)
    built = _build(request, page, scope)
    if built.status != 200 or built.analysis is None:
        return HttpResponse(_("表示条件が正しくありません。"), status=400, content_type="text/plain; charset=utf-8")
    chart = built.analysis.chart(name)
    if chart is None:
        raise Http404(name)
    filename = f"{wave.name}_{PAGE_TITLES[page]}_{chart.name}"
    if fmt in TABLE_FORMATS:
        return table_response(
            fmt=fmt,
            filename=filename,
            header=chart.header,
            rows=chart.rows,
            encoding=request.GET.get("encoding", ""),
            sheet_title=chart.name[:31],
        )
    if fmt == "png":
        response = HttpResponse(chart_png(chart.spec), content_type="image/png")
    else:
        response = HttpResponse(chart_svg(chart.spec), content_type="image/svg+xml; charset=utf-8")
    return attach(response, f"{filename}.{fmt}", fallback="chart")
