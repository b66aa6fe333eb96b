"""Workplace indicators in the API (/api/v1/workplace/): an organisation's yearly figures (read and write, with the
pages' permissions), its certification readiness, and the regional picture (aggregates, suppressed under the
threshold: a hidden number is null)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import BeforeValidator, ValidationInfo, create_model
from pydantic_core import PydanticCustomError

from shokuba.api.errors import ApiError, field_label, field_labels_register, not_found
from shokuba.api.schemas import ErrorOut, Line, RequestBody
from shokuba.core.permissions import require
from shokuba.network.models import Organisation
from shokuba.network.permissions import visible_members, visible_organisations
from shokuba.workplace import definitions, insights
from shokuba.workplace.messages import label
from shokuba.workplace.models import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, IndicatorYear
from shokuba.workplace.picture import Picture
from shokuba.workplace.readiness import RuleResult
from shokuba.workplace.services import indicator_year_save

router = Router(tags=["workplace"])


def _figure_label(code: str) -> str | None:
    known = code in definitions.INPUTS_BY_CODE or code in definitions.INDICATORS_BY_CODE
    return label(code) if known or code in definitions.ARRANGEMENTS_BY_CODE else None


field_labels_register(_figure_label)
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class IndicatorYearOut(Schema):
    organisation: int
    fiscal_year: int
    male_childcare_leave_formula: str = Field(..., description="leave / leave_and_purpose")
    raw: dict[str, float] = Field(..., description="入力した数（definitions.INPUTS のコード）")
    values: dict[str, float | None] = Field(..., description="計算した指標（null は不明）")
    arrangements: dict[str, bool]
    warnings: list[dict[str, str]]


def _figure_field(code: str) -> tuple[Any, Any]:
    """One raw figure of the request, with its plausible range from definitions.py (the service checks the same
    range: value_range). Counts and yen are integers; null means not disclosed."""
    low, high, unit = definitions.value_range(code)
    spec = definitions.INPUTS_BY_CODE.get(code)
    kind: Any = int if spec is not None and spec.integer else float
    description = f"{definitions.label_of(code)}（{unit or '-'}、{low:g}〜{high:g}）"
    return (
        Annotated[kind | None, BeforeValidator(_json_number)],
        Field(None, ge=low, le=high, allow_inf_nan=False, description=description),
    )


def _json_number(value: Any, info: ValidationInfo) -> Any:
    # A figure is a JSON number (or null): "12" or true are not read as numbers.
    if isinstance(value, str | bool):
        message = _("「%(label)s」は数値（JSON の数）で指定してください。") % {
            "label": field_label(info.field_name or "")
        }
        raise PydanticCustomError("number_type", "{message}", {"message": message})
    return value


# Every input code and every indicator code that may be given directly (a published ratio), with its range.
_RAW_FIELDS: dict[str, Any] = {
    code: _figure_field(code) for code in [*definitions.INPUTS_BY_CODE, *definitions.INDICATORS_BY_CODE]
}
_ARRANGEMENT_FIELDS: dict[str, Any] = {
    code: (bool, Field(False, strict=True)) for code in definitions.ARRANGEMENTS_BY_CODE
}
if TYPE_CHECKING:
    RawFiguresIn = RequestBody
    ArrangementsIn = RequestBody
else:
    RawFiguresIn = create_model("RawFiguresIn", __base__=RequestBody, **_RAW_FIELDS)
    ArrangementsIn = create_model("ArrangementsIn", __base__=RequestBody, **_ARRANGEMENT_FIELDS)
FISCAL_YEAR = Annotated[int, Field(ge=FISCAL_YEAR_MIN, le=FISCAL_YEAR_MAX)]


class IndicatorYearIn(RequestBody):
    raw: RawFiguresIn = Field(
        ..., description="入力する数。年度の入力値を丸ごと置き換えます（送らなかった項目は消えます）。"
    )
    male_childcare_leave_formula: Literal["leave", "leave_and_purpose"] = "leave"
    arrangements: ArrangementsIn | None = Field(
        None, description="柔軟な働き方の制度（送らなかった制度は「なし」）。省略か null で今の設定のまま"
    )
    period_note: Line = Field("", max_length=120)


class RuleOut(Schema):
    code: str
    label: str
    status: str = Field(..., description="met / not_met / missing / needs_check（確認が必要）")
    value: float | None
    threshold: float | None
    op: str | None
    unit: str
    shortfall: str
    note: str
    missing: list[str]
    source: str
    children: list[RuleOut]


class LevelOut(Schema):
    code: str
    name: str
    status: str
    shortfalls: list[str]
    missing: list[str]
    checks: list[str]
    criteria: list[RuleOut]


class CertificationOut(Schema):
    code: str
    name: str
    achieved: str | None
    levels: list[LevelOut]
    to_confirm: list[str]
    sources: list[dict[str, str]]


class ReadinessOut(Schema):
    organisation: int
    fiscal_year: int
    certifications: list[CertificationOut]


class PictureCellOut(Schema):
    group_kind: str = Field(..., description="all / industry / size_band")
    group: str
    indicator: str
    n: int = Field(..., description="値のある企業・団体の数")
    hidden: bool = Field(..., description="閾値未満のため数値を表示しない")
    q1: float | None
    median: float | None
    q3: float | None
    share_meeting_target: float | None
    change_median: float | None


class PictureOut(Schema):
    scope: str
    fiscal_year: int | None
    threshold: int
    cells: list[PictureCellOut]


def _actor(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or request.user


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    organisation = visible_organisations(_actor(request)).filter(pk=pk).first()
    if organisation is None:
        raise not_found(_("参加企業・団体（ID %(pk)s）はありません。") % {"pk": pk}, loc=["path", "pk"])
    require(_actor(request), "workplace.view_indicators", organisation)
    return organisation


def _year_out(year: IndicatorYear) -> dict[str, Any]:
    return {
        "organisation": year.organisation_id,
        "fiscal_year": year.fiscal_year,
        "male_childcare_leave_formula": year.male_childcare_leave_formula,
        "raw": {k: float(v) for k, v in year.raw.items()},
        "values": year.values,
        "arrangements": year.arrangements,
        "warnings": year.warnings,
    }


@router.get(
    "/organisations/{pk}/indicators", response={200: list[IndicatorYearOut], **ERRORS}, summary="職場の指標（年度ごと）"
)
def indicators_list(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """1つの参加企業・団体の年度ごとの入力値と計算した指標。"""
    organisation = _organisation(request, pk)
    return [_year_out(y) for y in insights.organisation_years(organisation)]


@router.put(
    "/organisations/{pk}/indicators/{fiscal_year}",
    response={200: IndicatorYearOut, **ERRORS},
    summary="職場の指標を保存（年度ごと）",
)
def indicators_put(request: HttpRequest, pk: int, fiscal_year: FISCAL_YEAR, payload: IndicatorYearIn) -> dict[str, Any]:
    """年度の入力値を丸ごと置き換えます。比率は入力した数から計算し、数の矛盾は 422 で項目ごとに返します。"""
    organisation = _organisation(request, pk)
    year = indicator_year_save(
        actor=_actor(request),
        organisation=organisation,
        fiscal_year=fiscal_year,
        raw={code: value for code, value in payload.raw.model_dump().items() if value is not None},
        formula=payload.male_childcare_leave_formula,
        arrangements=None if payload.arrangements is None else payload.arrangements.model_dump(),
        period_note=payload.period_note,
    )
    return _year_out(year)


def _rule(rule: RuleResult) -> dict[str, Any]:
    return {
        "code": rule.code,
        "label": rule.label,
        "status": str(rule.status),
        "value": rule.value,
        "threshold": rule.threshold,
        "op": rule.op,
        "unit": rule.unit,
        "shortfall": rule.shortfall,
        "note": rule.note,
        "missing": rule.missing,
        "source": rule.source,
        "children": [_rule(c) for c in rule.children],
    }


@router.get("/organisations/{pk}/readiness", response={200: ReadinessOut, **ERRORS}, summary="認定の準備状況")
def readiness_get(request: HttpRequest, pk: int, year: FISCAL_YEAR | None = None) -> dict[str, Any]:
    """えるぼし・くるみん（令和7年4月〜の基準）の段階ごとの判定、あと どれだけ、未入力のデータ、確認が必要な要件。"""
    organisation = _organisation(request, pk)
    years = insights.organisation_years(organisation)
    chosen = years[-1] if years and year is None else next((y for y in years if y.fiscal_year == year), None)
    if chosen is None:
        raise not_found(_("その年度の指標はありません。"), loc=["query", "year"])
    certifications = insights.readiness_for(chosen)
    return {
        "organisation": organisation.pk,
        "fiscal_year": chosen.fiscal_year,
        "certifications": [
            {
                "code": c.code,
                "name": c.name,
                "achieved": None if c.achieved is None else c.achieved.code,
                "levels": [
                    {
                        "code": level.code,
                        "name": level.name,
                        "status": str(level.status),
                        "shortfalls": level.shortfalls,
                        "missing": level.missing,
                        "checks": level.checks,
                        "criteria": [_rule(r) for r in level.criteria],
                    }
                    for level in c.levels
                ],
                "to_confirm": [r.label for r in c.to_confirm],
                "sources": [{"title": s.title, "url": s.url, "date": s.date} for s in c.sources],
            }
            for c in certifications
        ],
    }


def _picture_out(scope: str, result: Picture, year: int | None) -> dict[str, Any]:
    if year is not None and year not in result.years:
        raise not_found(_("%(year)d年度の指標はありません。") % {"year": year}, loc=["query", "year"])
    chosen = year if year is not None else (result.years[-1] if result.years else None)
    cells = []
    if chosen is not None:
        for group in result.groups:
            for code, cell in group.years[chosen].items():
                cells.append(
                    {
                        "group_kind": group.kind,
                        "group": group.key,
                        "indicator": code,
                        "n": cell.n,
                        "hidden": cell.hidden,
                        "q1": cell.q1,
                        "median": cell.median,
                        "q3": cell.q3,
                        "share_meeting_target": cell.share_meeting,
                        "change_median": cell.change_median,
                    }
                )
    return {"scope": scope, "fiscal_year": chosen, "threshold": result.threshold, "cells": cells}


@router.get("/members/{code}/picture", response={200: PictureOut, **ERRORS}, summary="地域の職場の指標（取組ごと）")
def member_picture(
    request: HttpRequest,
    code: Annotated[str, Field(max_length=20)],
    year: FISCAL_YEAR | None = None,
    scope: Literal["programme", "prefecture"] = "programme",
) -> dict[str, Any]:
    """参加自治体の取組の企業・団体について、指標の分布（四分位・中央値）、目標を満たす割合、前年度からの変化。
    scope=prefecture は県の取組と県内のネットワーク参加市町村。閾値未満の数値は null。"""
    member = visible_members(_actor(request)).filter(pk=code).first()
    if member is None:
        raise not_found(_("参加自治体「%(code)s」はありません。") % {"code": code}, loc=["path", "code"])
    require(_actor(request), "workplace.view_picture", member)
    scopes = {s.code: s for s in insights.member_scopes(member)}
    if scope not in scopes:
        raise ApiError(  # "prefecture" is only a prefecture member's scope
            422,
            _("scope は %(names)s のいずれかです。") % {"names": " / ".join(scopes)},
            loc=["query", "scope"],
            type="scope_unavailable",
        )
    return _picture_out(scope, insights.summarise(scopes[scope]), year)


@router.get("/picture", response={200: PictureOut, **ERRORS}, summary="地域の職場の指標（ネットワーク全体）")
def network_picture(request: HttpRequest, year: FISCAL_YEAR | None = None) -> dict[str, Any]:
    """全参加自治体の企業・団体についての分布（事務局・支援チーム）。閾値未満の数値は null。"""
    require(_actor(request), "workplace.view_network_picture")
    return _picture_out("network", insights.summarise(insights.network_scope()), year)
