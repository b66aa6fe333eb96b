"""Vega-Lite specs for the migration charts (one spec for the page, the PNG/SVG download and a report), each with
the table it draws, and their rendering with vl-convert using the Japanese font the project ships (a fresh machine
has none, and PNGs would show empty boxes).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from shokuba.regional.indicators import AGE_GROUP_COUNT
from shokuba.regional.labels import SEX_LABELS, age_group_label, format_value

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
# IPAexGothic (static/fonts/ipaexg.ttf, IPA Font License) ships with the project for every image renderer.
CHART_FONT = "IPAexGothic"
# In the browser the viewer's own Japanese font comes first; the shipped one is only fetched where none exists.
PAGE_FONT = f"'Hiragino Sans', 'Yu Gothic', Meiryo, 'Noto Sans CJK JP', '{CHART_FONT}', sans-serif"
WOMEN_COLOUR = "#c2410c"
MEN_COLOUR = "#1d4ed8"
TOTAL_COLOUR = "#4b5563"
FONT_DIR = Path(settings.PACKAGE_DIR) / "static" / "fonts"

_font_lock = threading.Lock()
_font_registered = False


@dataclass
class Chart:
    name: str
    title: str
    spec: dict[str, Any]
    header: list[str]
    rows: list[list[Any]]  # numbers, for XLSX/CSV
    display_rows: list[list[str]]  # the same, formatted for the page


def _base(title: str, subtitle: list[str], *, width: int | str = "container", height: int = 320) -> dict[str, Any]:
    # Subtitles as short lines: a long single line overflows a phone-width chart.
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "subtitle": subtitle, "anchor": "start"},
        "width": width,
        "height": height,
        "config": {"font": PAGE_FONT, "axis": {"labelFontSize": 12, "titleFontSize": 12}, "legend": {"orient": "top"}},
    }


def net_by_age_chart(
    *, area_name: str, period: str, rows: list[dict[str, Any]], measure: str, synthetic: bool
) -> Chart:
    """The seed's chart for one area: net migration by 5-year age group, women beside men."""
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
    if synthetic:
        subtitle.append(_("合成データ：実在の統計ではありません"))
    spec = _base(_("%(area)sの年齢別転入超過（%(period)s）") % {"area": area_name, "period": period}, subtitle)
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
    table: dict[int, dict[str, Any]] = {g: {} for g in range(AGE_GROUP_COUNT)}
    for r in rows:
        table[r["group"]][r["sex"]] = r[field]
    unit = "per_mille" if rate else "persons"
    body = [
        [age_group_label(g), _number(table[g].get("F")), _number(table[g].get("M"))] for g in range(AGE_GROUP_COUNT)
    ]
    shown = [
        [age_group_label(g), format_value(table[g].get("F"), unit), format_value(table[g].get("M"), unit)]
        for g in range(AGE_GROUP_COUNT)
    ]
    return Chart("net-by-age", spec["title"]["text"], spec, header, body, shown)


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, 3)
    return int(rounded) if float(rounded).is_integer() else rounded


def trend_chart(
    *,
    name: str,
    area_name: str,
    indicator_name: str,
    unit: str,
    points: list[tuple[int, str, float | None]],
    synthetic: bool,
    window: int = 1,
) -> Chart:
    """An indicator over the years, women, men and total as lines."""
    colours = {str(SEX_LABELS["F"]): WOMEN_COLOUR, str(SEX_LABELS["M"]): MEN_COLOUR, str(SEX_LABELS["T"]): TOTAL_COLOUR}
    values = [
        {"year": str(year), "sex": str(SEX_LABELS[sex]), "value": None if v is None else round(v, 1)}
        for year, sex, v in points
    ]
    if window == 1:
        subtitle = [_("年ごとの値（住民基本台帳人口移動報告）")]
    else:
        subtitle = [_("各年までの%(n)d年間を合計して求めた値（住民基本台帳人口移動報告）") % {"n": window}]
    if synthetic:
        subtitle.append(_("合成データ：実在の統計ではありません"))
    spec = _base(_("%(area)sの%(indicator)sの推移") % {"area": area_name, "indicator": indicator_name}, subtitle)
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
    body = [[y, *(_number(lookup.get((y, s))) for s in ("F", "M", "T"))] for y in years]
    shown = [[str(y), *(format_value(lookup.get((y, s)), unit_code) for s in ("F", "M", "T"))] for y in years]
    return Chart(name, spec["title"]["text"], spec, header, body, shown)


def _register_font() -> None:
    global _font_registered
    import vl_convert

    with _font_lock:
        if not _font_registered:
            vl_convert.register_font_directory(str(FONT_DIR))
            _font_registered = True


# An SVG keeps its text as text: laid out with the shipped font, shown with the viewer's Japanese font if it
# lacks that one.
SVG_FONT = f"'{CHART_FONT}', 'Hiragino Sans', 'Yu Gothic', Meiryo, 'Noto Sans CJK JP', sans-serif"


def _for_image(spec: dict[str, Any], font: str = CHART_FONT) -> dict[str, Any]:
    """A page spec made self-contained for an image: fixed width and the shipped Japanese font."""
    image = dict(spec)
    image["width"] = 640 if spec.get("width") == "container" else spec.get("width")
    image["config"] = {**spec.get("config", {}), "font": font}
    image["background"] = "white"
    return image


def chart_png(spec: dict[str, Any]) -> bytes:
    import vl_convert

    _register_font()
    png: bytes = vl_convert.vegalite_to_png(_for_image(spec), scale=2)
    return png


def chart_svg(spec: dict[str, Any]) -> str:
    import vl_convert

    _register_font()
    svg: str = vl_convert.vegalite_to_svg(_for_image(spec, SVG_FONT))
    return svg
