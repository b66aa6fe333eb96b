"""The one chart renderer: a Vega-Lite spec, built by the app that owns the figures (regional, results, workplace
`charts.py`), is drawn on the page by vega-embed (`core/_chart.html` + `core/charts.js`, the vendored vega files
through `core/_chart_scripts.html`) and rendered to PNG/SVG here by vl-convert with the Japanese font the project
ships (a fresh machine has none, and PNGs would show empty boxes). One spec for page, image and report.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vl_convert
from django.conf import settings

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
# IPAexGothic (static/fonts/ipaexg.ttf, IPA Font License) ships with the project for every image renderer.
CHART_FONT = "IPAexGothic"
# In the browser the viewer's own Japanese font comes first; the shipped one is only fetched where none exists.
PAGE_FONT = f"'Hiragino Sans', 'Yu Gothic', Meiryo, 'Noto Sans CJK JP', '{CHART_FONT}', sans-serif"
# An SVG keeps its text as text: laid out with the shipped font, shown with the viewer's Japanese font if it
# lacks that one.
SVG_FONT = f"'{CHART_FONT}', 'Hiragino Sans', 'Yu Gothic', Meiryo, 'Noto Sans CJK JP', sans-serif"
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


def base_spec(title: str, subtitle: list[str], *, width: int | str = "container", height: int = 320) -> dict[str, Any]:
    """The common top of a spec: schema, title with subtitle lines, size and the page font."""
    # Subtitles as short lines: a long single line overflows a phone-width chart.
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "subtitle": subtitle, "anchor": "start"},
        "width": width,
        "height": height,
        "config": {"font": PAGE_FONT, "axis": {"labelFontSize": 12, "titleFontSize": 12}, "legend": {"orient": "top"}},
    }


def table_number(value: float | None) -> float | int | None:
    """A number for a chart's table (XLSX/CSV): 3 decimals at most, whole numbers as integers."""
    if value is None:
        return None
    rounded = round(value, 3)
    return int(rounded) if float(rounded).is_integer() else rounded


def _register_font() -> None:
    global _font_registered
    with _font_lock:
        if not _font_registered:
            vl_convert.register_font_directory(str(FONT_DIR))
            _font_registered = True


def _for_image(spec: dict[str, Any], font: str = CHART_FONT) -> dict[str, Any]:
    """A page spec made self-contained for an image: fixed width and the shipped Japanese font."""
    image = dict(spec)
    image["width"] = 640 if spec.get("width") == "container" else spec.get("width")
    image["config"] = {**spec.get("config", {}), "font": font}
    image["background"] = "white"
    return image


def chart_png(spec: dict[str, Any], *, scale: float = 2) -> bytes:
    """A PNG of the spec in the shipped font. `scale` 2 suits a screen download; a printed report page can take
    less (the pixels cost time to draw and to embed)."""
    _register_font()
    png: bytes = vl_convert.vegalite_to_png(_for_image(spec), scale=scale)
    return png


def chart_svg(spec: dict[str, Any]) -> str:
    _register_font()
    svg: str = vl_convert.vegalite_to_svg(_for_image(spec, SVG_FONT))
    return svg
