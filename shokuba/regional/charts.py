"""Vega-Lite specs for the migration charts, each with the table it draws. They are drawn on the page and rendered
to PNG/SVG by the one renderer, `shokuba.core.charts`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from shokuba.core.charts import MEN_COLOUR, TOTAL_COLOUR, WOMEN_COLOUR, Chart, base_spec, table_number
from shokuba.regional.indicators import AGE_GROUP_COUNT
from shokuba.regional.labels import SEX_LABELS, age_group_label, format_value, movers_label


def net_by_age_chart(
    *,
    area_name: str,
    period: str,
    rows: list[dict[str, Any]],
    measure: str,
    synthetic: bool,
    movers: str = "all",
) -> Chart:
    """The seed's chart for one area: net migration by 5-year age group, women beside men. Figures of Japanese
    movers only say so in the subtitle and in the table's headers."""
    rate = measure == "rate"
    field = "rate" if rate else "net"
    values = [
        {
            "age": age_group_label(r["group"]),
            "order": r["group"],
            "sex": str(SEX_LABELS[r["sex"]]),
            "value": None if r[field] is None else round(r[field], 2 if rate else 1),
        }
        for r in rows
    ]
    y_title = _("転入超過率（人口千人あたり、‰）") if rate else _("転入超過数（人）")
    subtitle = [_("住民基本台帳人口移動報告 表11-3"), _("プラスは転入超過、マイナスは転出超過")]
    marker = movers_label(movers)
    if marker:
        subtitle.append(_("国籍：%(movers)s（外国人の移動を含まない）") % {"movers": marker})
    if synthetic:
        subtitle.append(_("合成データ：実在の統計ではありません"))
    spec = base_spec(_("%(area)sの年齢別転入超過（%(period)s）") % {"area": area_name, "period": period}, subtitle)
    women, men = str(SEX_LABELS["F"]), str(SEX_LABELS["M"])
    spec.update(
        {
            "data": {"values": values},
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "x": {
                    "field": "age",
                    "type": "ordinal",
                    "sort": {"field": "order"},
                    "title": _("年齢（5歳階級、移動時）"),
                    "axis": {"labelAngle": -45},
                },
                "xOffset": {"field": "sex", "sort": [women, men]},
                "y": {"field": "value", "type": "quantitative", "title": y_title},
                "color": {
                    "field": "sex",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": [women, men], "range": [WOMEN_COLOUR, MEN_COLOUR]},
                },
            },
        }
    )
    header = [_("年齢（5歳階級）"), women, men]
    if marker:
        header = [header[0], f"{women}（{marker}）", f"{men}（{marker}）"]
    table: dict[int, dict[str, Any]] = {g: {} for g in range(AGE_GROUP_COUNT)}
    for r in rows:
        table[r["group"]][r["sex"]] = r[field]
    unit = "per_mille" if rate else "persons"
    body = [
        [age_group_label(g), table_number(table[g].get("F")), table_number(table[g].get("M"))]
        for g in range(AGE_GROUP_COUNT)
    ]
    shown = [
        [age_group_label(g), format_value(table[g].get("F"), unit), format_value(table[g].get("M"), unit)]
        for g in range(AGE_GROUP_COUNT)
    ]
    return Chart("net-by-age", spec["title"]["text"], spec, header, body, shown)


def trend_chart(
    *,
    name: str,
    area_name: str,
    indicator_name: str,
    unit: str,
    points: list[tuple[int, str, float | None]],
    synthetic: bool,
    window: int = 1,
    movers_by_year: dict[int, str] | None = None,
) -> Chart:
    """An indicator over the years, women, men and total as lines. Years whose figures are of Japanese movers
    only are named in the subtitle and marked in the table."""
    colours = {str(SEX_LABELS["F"]): WOMEN_COLOUR, str(SEX_LABELS["M"]): MEN_COLOUR, str(SEX_LABELS["T"]): TOTAL_COLOUR}
    values = [
        {"year": str(year), "sex": str(SEX_LABELS[sex]), "value": None if v is None else round(v, 1)}
        for year, sex, v in points
    ]
    if window == 1:
        subtitle = [_("年ごとの値（住民基本台帳人口移動報告）")]
    else:
        subtitle = [_("各年までの%(n)d年間を合計して求めた値（住民基本台帳人口移動報告）") % {"n": window}]
    marked = {year: movers_label(kind) for year, kind in (movers_by_year or {}).items() if movers_label(kind)}
    for label in sorted(set(marked.values())):
        years_marked = "・".join(f"{y}年" for y in sorted(y for y, text in marked.items() if text == label))
        subtitle.append(_("%(years)sの値は%(movers)s") % {"years": years_marked, "movers": label})
    if synthetic:
        subtitle.append(_("合成データ：実在の統計ではありません"))
    spec = base_spec(_("%(area)sの%(indicator)sの推移") % {"area": area_name, "indicator": indicator_name}, subtitle)
    spec.update(
        {
            "data": {"values": values},
            "mark": {"type": "line", "point": True, "tooltip": True},
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": _("年")},
                "y": {"field": "value", "type": "quantitative", "title": f"{indicator_name}（{unit}）"},
                "color": {
                    "field": "sex",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": list(colours), "range": list(colours.values())},
                },
            },
        }
    )
    years = sorted({y for y, _s, _v in points})
    lookup = {(y, s): v for y, s, v in points}
    header = [_("年"), str(SEX_LABELS["F"]), str(SEX_LABELS["M"]), str(SEX_LABELS["T"])]
    unit_code = "persons" if unit == str(_("人")) else "per_mille"
    body: list[list[Any]] = [[y, *(table_number(lookup.get((y, s))) for s in ("F", "M", "T"))] for y in years]
    shown = [
        [
            f"{y}（{marked[y]}）" if y in marked else str(y),
            *(format_value(lookup.get((y, s)), unit_code) for s in "FMT"),
        ]
        for y in years
    ]
    if marked:
        header.append(_("備考"))
        for row in body:
            row.append(marked.get(row[0], ""))
    return Chart(name, spec["title"]["text"], spec, header, body, shown)
