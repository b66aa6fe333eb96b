"""Regional statistics in the API (/api/v1/regional/): indicators per area and year, net migration by age.

Public official data: any authenticated role may read any area. The same selectors as the pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from shokuba.api.errors import not_found
from shokuba.api.schemas import ErrorOut, one_of
from shokuba.core.permissions import require
from shokuba.network.models import LocalGovernment, Member
from shokuba.regional import selectors
from shokuba.regional.indicators import INDICATORS, figures_movers
from shokuba.regional.labels import age_group_label, indicator_label, movers_label, unit_label

router = Router(tags=["regional"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WINDOWS = (1, 3, 5)
# Years asked for: the statistics run from the 1950s; beyond these bounds nothing can exist (422, not a search).
YEAR_MIN, YEAR_MAX = 1950, 2100
if TYPE_CHECKING:
    Window = int
else:
    Window = Annotated[
        one_of(WINDOWS, lambda value: _("window は 1・3・5 のいずれかです。"), kind=int),
        Field(description="1 = 単年、3・5 = その年までの複数年を合計した値"),
    ]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
AreaCode = Annotated[str, Field(max_length=20, description="5桁・6桁の団体コード（全国は 000000）")]


class IndicatorOut(Schema):
    indicator: str = Field(..., description="recovery_rate, net_rate_total, net_rate_15_19, …")
    label: str
    unit: str = Field(..., description="% / ‰ / 人")
    female: float | None
    male: float | None
    gap: float | None = Field(..., description="女性 − 男性")
    total: float | None


MOVERS_DESCRIPTION = (
    "値が数える移動者: all = 移動者（日本人と外国人の計）、japanese = 日本人移動者のみ（外国人の移動を含まない。"
    "e-Stat の表に移動者がなかったとき）、mixed = 期間や合計の中で両方が混ざっている"
)


class AreaYearOut(Schema):
    code: str = Field(..., description="6桁の団体コード（全国は 000000）")
    name: str
    year: int
    window: int = Field(..., description="1 = 単年、3・5 = その年までの複数年を合計した値")
    movers: Literal["all", "japanese", "mixed"] = Field(..., description=MOVERS_DESCRIPTION)
    movers_label: str = Field(..., description="日本人移動者のみ などの表示（移動者のときは空）")
    indicators: list[IndicatorOut]


class AreaIndicatorsOut(Schema):
    code: str
    name: str
    kind: str
    synthetic: bool = Field(..., description="true なら合成（デモ）データ")
    source: str
    years: list[AreaYearOut]


class AgeGroupOut(Schema):
    age_group: str
    lower: int
    sex: str = Field(..., description="F = 女性, M = 男性")
    net: float | None
    rate_per_thousand: float | None


class NetByAgeOut(Schema):
    code: str
    name: str
    year: int
    window: int
    synthetic: bool
    movers: Literal["all", "japanese", "mixed"] = Field(..., description=MOVERS_DESCRIPTION)
    movers_label: str
    groups: list[AgeGroupOut]


SOURCE = "総務省「住民基本台帳人口移動報告」表11-1・11-2・11-3、都道府県間移動者数（e-Stat）"


def _actor(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or request.user


def _area(code: str) -> selectors.Area:
    area = selectors.area_get(code)
    if area is None:
        raise not_found(_("団体コード「%(code)s」の地域はありません。") % {"code": code}, loc=["path", "code"])
    return area


def _indicators(values: dict[str, dict[str, float | None]]) -> list[dict[str, Any]]:
    return [
        {
            "indicator": i.code,
            "label": indicator_label(i.code),
            "unit": unit_label(i.code),
            "female": values[i.code]["F"],
            "male": values[i.code]["M"],
            "gap": values[i.code]["gap"],
            "total": values[i.code]["T"],
        }
        for i in INDICATORS
    ]


@router.get("/areas/{code}/indicators", response={200: AreaIndicatorsOut, **ERRORS}, summary="地域の人口移動指標")
def area_indicators(
    request: HttpRequest, code: AreaCode, window: Window = 1, year: Year | None = None
) -> dict[str, Any]:
    """1つの地域の指標を年ごとに返します（若者回復率、年齢階級別の転入超過率、東京圏への転出超過など）。"""
    require(_actor(request), "regional.view")
    area = _area(code)
    series = selectors.area_series([area.code]).get(area.code, {})
    by_year = selectors.indicators_by_year(series, window=window)
    if year is not None:
        if year not in by_year:
            raise not_found(_("%(year)d年の値はありません。") % {"year": year}, loc=["query", "year"])
        by_year = {year: by_year[year]}
    return {
        "code": area.code,
        "name": area.name,
        "kind": area.kind,
        "synthetic": selectors.synthetic_in_use(),
        "source": SOURCE,
        "years": [
            {
                "code": area.code,
                "name": area.name,
                "year": y,
                "window": window,
                **_movers(series, y, window),
                "indicators": _indicators(v),
            }
            for y, v in sorted(by_year.items())
        ],
    }


def _movers(series: selectors.Series, year: int, window: int) -> dict[str, str]:
    figures = selectors.period_figures(series, year, window)
    kind = figures_movers(figures) if figures else "all"
    return {"movers": kind, "movers_label": movers_label(kind)}


@router.get(
    "/areas/{code}/net-by-age", response={200: NetByAgeOut, **ERRORS}, summary="年齢（5歳階級）・男女別の転入超過"
)
def area_net_by_age(request: HttpRequest, code: AreaCode, year: Year, window: Window = 1) -> dict[str, Any]:
    """ソース文書のグラフと同じ、年齢（5歳階級）・男女別の転入超過数（複数年は1年あたり）と人口千人あたりの率。"""
    require(_actor(request), "regional.view")
    area = _area(code)
    series = selectors.area_series([area.code], list(range(year - window + 1, year + 1))).get(area.code, {})
    rows = selectors.net_by_age(series, year, window)
    if not rows:
        raise not_found(_("%(year)d年の値はありません。") % {"year": year}, loc=["query", "year"])
    return {
        "code": area.code,
        "name": area.name,
        "year": year,
        "window": window,
        "synthetic": selectors.synthetic_in_use(),
        **_movers(series, year, window),
        "groups": [
            {
                "age_group": age_group_label(r["group"]),
                "lower": r["group"] * 5,
                "sex": r["sex"],
                "net": r["net"],
                "rate_per_thousand": r["rate"],
            }
            for r in rows
        ],
    }


@router.get("/indicators", response={200: list[AreaYearOut], **ERRORS}, summary="全地域の人口移動指標（1年分）")
def indicators_for_year(
    request: HttpRequest,
    year: Year,
    window: Window = 1,
    kind: Literal["", "prefecture", "municipality"] = "",
    members_only: bool = False,
) -> list[dict[str, Any]]:
    """ある年の全地域（または参加自治体のみ）の指標。kind は prefecture / municipality。"""
    require(_actor(request), "regional.view")
    governments = LocalGovernment.objects.all()
    if kind:
        governments = governments.filter(kind=kind)
    if members_only:
        governments = governments.filter(pk__in=Member.objects.values("pk"))
    names = {g.code: g.full_name for g in governments}
    if not kind and not members_only:
        names[selectors.NATION_CODE] = "全国"
    series = selectors.area_series(list(names), list(range(year - window + 1, year + 1)))
    result = []
    for code in sorted(series):
        figures = selectors.period_figures(series[code], year, window)
        if figures is None:
            continue
        values = selectors.indicator_values(figures)
        movers = figures_movers(figures)
        result.append(
            {
                "code": code,
                "name": names[code],
                "year": year,
                "window": window,
                "movers": movers,
                "movers_label": movers_label(movers),
                "indicators": _indicators(values),
            }
        )
    return result
