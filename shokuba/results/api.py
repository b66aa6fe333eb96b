"""/api/v1/results/: every analysis of a wave as JSON, with the pages' permissions and suppression.

The same `analyses` functions as the pages. A suppressed number is null (the pages show "—"); `threshold` says
the smallest group shown. A wave the caller may not see is 404; free text for a role without it is 403.
The JSON fields are the engine's (docs/analysis-json.md).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import Field

from shokuba.analysis import gaps
from shokuba.api.errors import ApiError, not_found
from shokuba.api.lookups import caller
from shokuba.api.schemas import ErrorOut
from shokuba.core.permissions import require
from shokuba.results import analyses, selectors
from shokuba.results.analyses import TARGET_STRATA, AnalysisInputError
from shokuba.results.permissions import Scope, results_scope, visible_result_waves
from shokuba.results.selectors import DIMENSION_FIELDS

router = Router(tags=["results"])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

# What the schema states about the parameters (which items and attributes a wave offers depends on the wave and
# the caller's role: refused as 422 "analysis_input").
if TYPE_CHECKING:
    Preset = str
    Dimension = str
else:
    Preset = Literal[tuple(gaps.PRESETS)]
    Dimension = Literal[tuple(DIMENSION_FIELDS)]
ItemCode = Annotated[str, Field(min_length=1, max_length=32)]
_STRATUM = "(?:" + "|".join(re.escape(code) for code, _label in TARGET_STRATA) + ")"
_TARGET_PART = f" *{_STRATUM} *= *[0-9]{{1,9}}(?:\\.[0-9]{{1,6}})? *"
TARGET_PATTERN = f"^(?:{_TARGET_PART}(?:,{_TARGET_PART})*)?$"
_TARGET_PART_RE = re.compile(f"{_TARGET_PART}")
Target = Annotated[str, Field(max_length=400, pattern=TARGET_PATTERN)]


def _scope(request: HttpRequest, wave_id: int) -> Scope:
    user = caller(request)
    wave = visible_result_waves(user).filter(pk=wave_id).first()
    if wave is None:
        raise not_found(_("調査（ID %(id)d）は見つかりません。") % {"id": wave_id}, loc=["path", "wave_id"])
    return results_scope(user, wave)  # 403 when results.view is refused


def _run(function: Any, *args: Any) -> dict[str, Any]:
    try:
        result: dict[str, Any] = function(*args).data
    except AnalysisInputError as error:
        raise ApiError(422, error.message, loc=["query", error.field], type="analysis_input") from error
    return result


@router.get("/waves/{wave_id}/overview", response={200: dict[str, Any], **ERRORS}, summary="気づきポイント")
def overview(request: HttpRequest, wave_id: int, preset: Preset = "sex") -> dict[str, Any]:
    """2つの群の認識の差（preset: sex / managers / male_managers_young_women / young_old）、全国調査・
    ネットワークとの比較、3分の2基準。回答者が閾値未満の数値は null です。"""
    return _run(analyses.overview, _scope(request, wave_id), preset)


@router.get("/waves/{wave_id}/items", response={200: dict[str, Any], **ERRORS}, summary="項目ごとの集計")
def items(request: HttpRequest, wave_id: int) -> dict[str, Any]:
    return _run(analyses.item_distributions, _scope(request, wave_id))


@router.get("/waves/{wave_id}/crosstab", response={200: dict[str, Any], **ERRORS}, summary="クロス集計")
def crosstab(
    request: HttpRequest, wave_id: int, item: ItemCode, by: Dimension, by2: Dimension | Literal[""] = ""
) -> dict[str, Any]:
    """by / by2: sex, age_band, position, employment, service_years, care, organisation, industry, size_band."""
    return _run(analyses.crosstab_analysis, _scope(request, wave_id), item, [by, by2])


@router.get("/waves/{wave_id}/change", response={200: dict[str, Any], **ERRORS}, summary="効果検証（前後比較）")
def change(request: HttpRequest, wave_id: int, other: int, target: Target = "") -> dict[str, Any]:
    """other: 比べる調査回のID（同じ自治体）。target: 事後層化の目標構成 "F|-29=120,M|30=80"（任意）。"""
    scope = _scope(request, wave_id)
    other_wave = selectors.comparison_waves(caller(request), scope).filter(pk=other).first()
    if other_wave is None:
        raise not_found(_("比べる調査（ID %(id)d）は見つかりません。") % {"id": other}, loc=["query", "other"])
    weights: dict[str, float] = {}
    for part in (p for p in target.split(",") if p.strip()):
        if not _TARGET_PART_RE.fullmatch(part):  # the schema's pattern already refuses it; kept for callers
            raise ApiError(
                422,
                _("目標構成「%(part)s」は「性別|年齢=人数」の形で指定してください（例: F|-29=120）。") % {"part": part},
                loc=["query", "target"],
            )
        key, _sep, value = part.partition("=")
        weights[key.strip()] = float(value)
    return _run(analyses.change_analysis, scope, results_scope(caller(request), other_wave), weights or None)


@router.get("/waves/{wave_id}/free-text", response={200: dict[str, Any], **ERRORS}, summary="自由記述")
def free_text(
    request: HttpRequest, wave_id: int, item: ItemCode, keyword: Annotated[str, Field(max_length=200)] = ""
) -> dict[str, Any]:
    scope = _scope(request, wave_id)
    require(caller(request), "results.view_free_text", scope.wave)
    return _run(analyses.free_text_analysis, scope, item, keyword)
