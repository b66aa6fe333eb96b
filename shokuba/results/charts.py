"""Vega-Lite specs of the results pages: diverging stacked bars (Likert), gap dumbbells, ranking bars, plain bars
and the co-occurrence network, each with the table it draws. Rendering to PNG/SVG (with the shipped IPAexGothic)
and the page's chart machinery are the one renderer's (`shokuba.core.charts`): one spec for page, PNG, SVG and report.

Only numbers the engine left visible are drawn; a suppressed value is absent from the chart and "—" in the table.
Axis titles and tooltips are worded in the active language when a spec is built.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shokuba.analysis.suppression import HIDDEN_MARK
from shokuba.core.charts import PAGE_FONT, SCHEMA, Chart

POSITIVE = ["#1d4ed8", "#60a5fa", "#93c5fd"]
NEGATIVE = ["#c2410c", "#fb923c", "#fdba74"]
NEUTRAL = "#9ca3af"
COLOUR_A = "#c2410c"
COLOUR_B = "#1d4ed8"


# Statements are shown whole: an axis label is wrapped into lines of this many characters (about 170 px at 12 px,
# so a 360 px phone keeps room for the bars) and a title into lines of TITLE_LINE.
LABEL_LINE = 14
TITLE_LINE = 24
LINE_HEIGHT = 15  # px per line of a 12 px label
_BREAK_AFTER = "、。・，）」』)］ "
_BREAK_BEFORE = "（「『(［"
_NO_LINE_START = "、。，．）」』)］"


def wrap(text: str, width: int = LABEL_LINE) -> list[str]:
    """A text cut into lines of about `width` characters, nothing left out: a line ends after a 、 or a closing
    bracket (or before an opening one) near its end when there is one, else at `width`; a line may run two
    characters over rather than leave them alone on the next, or start it with 、 or a closing bracket."""
    if " " in text and sum(c.isascii() for c in text) * 2 > len(text):
        # Text in a language written with spaces (English): whole words, and about twice as many (narrower) letters.
        return textwrap.wrap(text, width * 2, break_long_words=False, break_on_hyphens=False) or [text]
    lines: list[str] = []
    rest = text.strip()
    while len(rest) > width:
        cut = width
        for i in range(width, max(width // 2, 1), -1):
            if rest[i - 1] in _BREAK_AFTER or rest[i] in _BREAK_BEFORE:
                cut = i
                break
        # No line starts with a comma or a closing bracket, and no line is left with one or two characters.
        while cut < len(rest) and rest[cut] in _NO_LINE_START:
            cut += 1
        if len(rest) - cut <= 2:
            break
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    lines.append(rest)
    return lines


def wrapped_labels(labels: Sequence[str]) -> list[str]:
    """Each label wrapped into "\n"-separated lines for an axis (split again by the axis' labelExpr). Labels that
    are the same text (two statements worded alike) are kept apart by invisible marks: a nominal axis would
    otherwise draw them as one."""
    seen: dict[str, int] = {}
    result = []
    for label in labels:
        text = "\n".join(wrap(label))
        count = seen.get(text, 0)
        seen[text] = count + 1
        result.append(text + "\u200b" * count)
    return result


def label_lines(label: str) -> int:
    return label.count("\n") + 1


def band_height(labels: Sequence[str], minimum: int) -> int:
    """The chart's height: a nominal axis gives every row the same band, so each band holds the longest label."""
    lines = max((label_lines(label) for label in labels), default=1)
    return len(labels) * max(minimum, LINE_HEIGHT * lines + 10) + 40


# A nominal axis of wrapped labels: each "\n" starts a new line; no limit cuts a line short.
WRAPPED_AXIS: dict[str, Any] = {"labelExpr": "split(datum.label, '\\n')", "labelLimit": 0, "labelPadding": 6}


def base(title: str, subtitle: Sequence[str], *, height: int = 320) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "description": title,  # the title in one line (for screen readers, and for title_of)
        "title": {
            "text": wrap(title, TITLE_LINE),
            "subtitle": [line for text in subtitle for line in wrap(text, TITLE_LINE)],
            "anchor": "start",
        },
        "width": "container",
        "height": height,
        "config": {
            "font": PAGE_FONT,
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 0},
            # A legend starts where the plot starts, right of the labels: its entries stay short (the subtitle
            # says what they stand for), so a phone never cuts them.
            "legend": {"orient": "top", "labelLimit": 0},
        },
    }


def title_of(spec: dict[str, Any]) -> str:
    """The chart's title as one line (the title itself is held wrapped; the description keeps it whole)."""
    text = spec.get("description", spec["title"]["text"])
    return "".join(text) if isinstance(text, list) else str(text)


def shown(value: Any, digits: int = 1, unit: str = "") -> str:
    """A cell for the page: "—" for a suppressed or undefined value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return HIDDEN_MARK
    if isinstance(value, float):
        return f"{value:.{digits}f}{unit}"
    return f"{value}{unit}"


def cell(value: Any, digits: int = 1) -> Any:
    """A cell for XLSX/CSV: numbers as numbers, a suppressed value as "—"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return HIDDEN_MARK
    if isinstance(value, float):
        return round(value, digits)
    return value


def short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chart(name: str, spec: dict[str, Any], header: list[str], rows: list[list[Any]], digits: int = 1) -> Chart:
    return Chart(
        name,
        title_of(spec),
        spec,
        header,
        [[cell(v, digits) for v in row] for row in rows],
        [[shown(v, digits) for v in row] for row in rows],
    )


def diverging_likert(
    name: str,
    title: str,
    subtitle: Sequence[str],
    points: Sequence[str],
    top_box: int,
    bars: Sequence[tuple[str, Sequence[float | None]]],
) -> dict[str, Any]:
    """Diverging stacked bars: the first `top_box` points to the right of zero, the rest to the left.

    `bars`: (label, percent per point) — a suppressed point (None) is left out of its bar."""
    k = len(points)
    values: list[dict[str, Any]] = []
    labels = wrapped_labels([label for label, _percents in bars])
    for order, ((text, percents), label) in enumerate(zip(bars, labels, strict=True)):
        # Positive side: from the middle outwards (weakest agreement next to zero).
        start = 0.0
        for i in reversed(range(top_box)):
            p = percents[i]
            if p is None:
                continue
            values.append(
                {
                    "item": text,
                    "label": label,
                    "order": order,
                    "point": points[i],
                    "rank": i,
                    "x": start,
                    "x2": start + p,
                    "p": p,
                }
            )
            start += p
        start = 0.0
        for i in range(top_box, k):
            p = percents[i]
            if p is None:
                continue
            values.append(
                {
                    "item": text,
                    "label": label,
                    "order": order,
                    "point": points[i],
                    "rank": i,
                    "x": -start,
                    "x2": -(start + p),
                    "p": p,
                }
            )
            start += p
    colours = [POSITIVE[min(top_box - 1 - i, 2)] if i < top_box else NEGATIVE[min(i - top_box, 2)] for i in range(k)]
    spec = base(title, subtitle, height=max(120, band_height(labels, 34)))
    spec.update(
        {
            "data": {"values": values},
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "y": {
                    "field": "label",
                    "type": "nominal",
                    "sort": {"field": "order"},
                    "title": None,
                    "axis": WRAPPED_AXIS,
                },
                "x": {
                    "field": "x",
                    "type": "quantitative",
                    "title": _("%（左: そう思わない側 / 右: そう思う側）"),
                    "scale": {"domain": [-100, 100]},
                },
                "x2": {"field": "x2"},
                "color": {
                    "field": "point",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": list(points), "range": colours},
                    "sort": list(points),
                },
                "tooltip": [
                    {"field": "item", "title": pgettext("survey item", "項目")},
                    {"field": "point", "title": _("回答")},
                    {"field": "p", "title": "%", "format": ".1f"},
                ],
            },
        }
    )
    return spec


def dumbbell(
    title: str,
    subtitle: Sequence[str],
    label_a: str,
    label_b: str,
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    axis_title: str | None = None,
) -> dict[str, Any]:
    """Gap dumbbell: per item, group A and group B as dots joined by a line (only items with both shown)."""
    axis_title = axis_title or _("「そう思う傾向」の割合（%）")
    points: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    drawn = [(text, a, b) for text, a, b in rows if a is not None and b is not None]
    labels = wrapped_labels([text for text, _a, _b in drawn])
    for order, ((text, a, b), label) in enumerate(zip(drawn, labels, strict=True)):
        lines.append({"item": text, "label": label, "order": order, "a": a, "b": b})
        points.append({"item": text, "label": label, "order": order, "group": label_a, "value": a})
        points.append({"item": text, "label": label, "order": order, "group": label_b, "value": b})
    spec = base(title, subtitle, height=max(120, band_height(labels, 30)))
    y = {"field": "label", "type": "nominal", "sort": {"field": "order"}, "title": None, "axis": WRAPPED_AXIS}
    spec.update(
        {
            "layer": [
                {
                    "data": {"values": lines},
                    "mark": {"type": "rule", "color": NEUTRAL, "strokeWidth": 2},
                    "encoding": {
                        "y": y,
                        "x": {"field": "a", "type": "quantitative", "title": axis_title, "scale": {"domain": [0, 100]}},
                        "x2": {"field": "b"},
                    },
                },
                {
                    "data": {"values": points},
                    "mark": {"type": "point", "filled": True, "size": 110, "tooltip": True},
                    "encoding": {
                        "y": y,
                        "x": {"field": "value", "type": "quantitative"},
                        "color": {
                            "field": "group",
                            "type": "nominal",
                            "title": None,
                            "scale": {"domain": [label_a, label_b], "range": [COLOUR_A, COLOUR_B]},
                        },
                        "shape": {"field": "group", "type": "nominal", "title": None},
                        "tooltip": [
                            {"field": "item", "title": pgettext("survey item", "項目")},
                            {"field": "group", "title": _("群")},
                            {"field": "value", "title": "%", "format": ".1f"},
                        ],
                    },
                },
            ]
        }
    )
    return spec


def bars(
    title: str,
    subtitle: Sequence[str],
    rows: Sequence[tuple[str, float | None]],
    *,
    axis_title: str,
    domain: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Horizontal bars (ranking scores, per-choice rates, word counts); suppressed rows left out."""
    drawn = [(text, v) for text, v in rows if v is not None]
    labels = wrapped_labels([text for text, _v in drawn])
    values = [
        {"item": text, "label": label, "order": i, "value": v}
        for i, ((text, v), label) in enumerate(zip(drawn, labels, strict=True))
    ]
    spec = base(title, subtitle, height=max(120, band_height(labels, 24)))
    x: dict[str, Any] = {"field": "value", "type": "quantitative", "title": axis_title}
    if domain is not None:
        x["scale"] = {"domain": list(domain)}
    spec.update(
        {
            "data": {"values": values},
            "mark": {"type": "bar", "color": COLOUR_B, "tooltip": True},
            "encoding": {
                "y": {
                    "field": "label",
                    "type": "nominal",
                    "sort": {"field": "order"},
                    "title": None,
                    "axis": WRAPPED_AXIS,
                },
                "x": x,
                "tooltip": [
                    {"field": "item", "title": pgettext("survey item", "項目")},
                    {"field": "value", "title": axis_title, "format": ".2f"},
                ],
            },
        }
    )
    return spec


def stacked_rows(
    title: str, subtitle: Sequence[str], columns: Sequence[str], rows: Sequence[tuple[str, Sequence[float | None]]]
) -> dict[str, Any]:
    """100 % stacked bars of a cross-tabulation's row percentages (suppressed cells left out)."""
    labels = wrapped_labels([text for text, _percents in rows])
    values = [
        {"group": text, "label": label, "order": r, "answer": columns[c], "corder": c, "p": p}
        for r, ((text, percents), label) in enumerate(zip(rows, labels, strict=True))
        for c, p in enumerate(percents)
        if p is not None
    ]
    spec = base(title, subtitle, height=max(120, band_height(labels, 30)))
    spec.update(
        {
            "data": {"values": values},
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "y": {
                    "field": "label",
                    "type": "nominal",
                    "sort": {"field": "order"},
                    "title": None,
                    "axis": WRAPPED_AXIS,
                },
                "x": {
                    "field": "p",
                    "type": "quantitative",
                    "stack": "zero",
                    "title": _("行%"),
                    "scale": {"domain": [0, 100]},
                },
                "color": {"field": "answer", "type": "nominal", "title": None, "sort": list(columns)},
                "order": {"field": "corder"},
                "tooltip": [
                    {"field": "group", "title": _("群")},
                    {"field": "answer", "title": _("回答")},
                    {"field": "p", "title": "%", "format": ".1f"},
                ],
            },
        }
    )
    return spec


def _layout(
    nodes: Sequence[str], edges: Sequence[tuple[str, str, float]], seed: int = 7
) -> dict[str, tuple[float, float]]:
    """A small deterministic force-directed layout (Fruchterman–Reingold) in [-1, 1]²."""
    import numpy as np

    n = len(nodes)
    if n == 0:
        return {}
    index = {w: i for i, w in enumerate(nodes)}
    rng = np.random.default_rng(seed)
    angles = np.linspace(0, 2 * math.pi, n, endpoint=False)
    pos = np.column_stack([np.cos(angles), np.sin(angles)]) + rng.normal(0, 0.05, (n, 2))
    k = 2.4 / math.sqrt(n)
    temperature = 0.2
    pairs = [(index[a], index[b], w) for a, b, w in edges]
    for _step in range(200):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=2), 1e-3)
        force = (k * k / distance**2)[:, :, None] * delta
        move = force.sum(axis=1) - pos * 0.6  # gravity keeps unconnected groups of words close together
        for i, j, w in pairs:
            d = pos[i] - pos[j]
            dist = max(float(np.linalg.norm(d)), 1e-3)
            pull = d * dist / k * (0.5 + w)
            move[i] -= pull
            move[j] += pull
        length = np.maximum(np.linalg.norm(move, axis=1), 1e-9)[:, None]
        pos += move / length * np.minimum(length, temperature)
        temperature *= 0.98
    pos -= pos.mean(axis=0)
    scale = max(float(np.abs(pos).max()), 1e-9)
    pos /= scale
    return {w: (float(pos[i, 0]), float(pos[i, 1])) for w, i in index.items()}


def network(
    title: str,
    subtitle: Sequence[str],
    words: Sequence[tuple[str, int]],
    edges: Sequence[tuple[str, str, float]],
) -> dict[str, Any]:
    """Co-occurrence network: words as circles sized by frequency, edges by Jaccard coefficient."""
    used = {w for a, b, _weight in edges for w in (a, b)}
    frequency = dict(words)
    nodes = [w for w in frequency if w in used] or [w for w, _count in words[:20]]
    layout = _layout(nodes, [(a, b, j) for a, b, j in edges if a in layout_set(nodes) and b in layout_set(nodes)])
    node_values = [{"word": w, "x": layout[w][0], "y": layout[w][1], "n": frequency.get(w, 0)} for w in nodes]
    edge_values = [
        {"x": layout[a][0], "y": layout[a][1], "x2": layout[b][0], "y2": layout[b][1], "jaccard": j, "pair": f"{a}–{b}"}
        for a, b, j in edges
        if a in layout and b in layout
    ]
    spec = base(title, subtitle, height=460)
    axis_off = {"axis": None, "scale": {"domain": [-1.15, 1.15]}}
    spec.update(
        {
            "layer": [
                {
                    "data": {"values": edge_values},
                    "mark": {"type": "rule", "color": NEUTRAL},
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative", **axis_off},
                        "y": {"field": "y", "type": "quantitative", **axis_off},
                        "x2": {"field": "x2"},
                        "y2": {"field": "y2"},
                        "strokeWidth": {
                            "field": "jaccard",
                            "type": "quantitative",
                            "legend": None,
                            "scale": {"range": [0.5, 4]},
                        },
                        "tooltip": [
                            {"field": "pair", "title": _("語の組")},
                            {"field": "jaccard", "title": "Jaccard", "format": ".2f"},
                        ],
                    },
                },
                {
                    "data": {"values": node_values},
                    "mark": {"type": "circle", "color": "#93c5fd", "opacity": 0.9, "tooltip": True},
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative", **axis_off},
                        "y": {"field": "y", "type": "quantitative", **axis_off},
                        "size": {
                            "field": "n",
                            "type": "quantitative",
                            "title": _("記述数"),
                            "scale": {"range": [80, 1400]},
                        },
                    },
                },
                {
                    "data": {"values": node_values},
                    "mark": {"type": "text", "fontSize": 12, "color": "#111827"},
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative", **axis_off},
                        "y": {"field": "y", "type": "quantitative", **axis_off},
                        "text": {"field": "word"},
                    },
                },
            ]
        }
    )
    return spec


def layout_set(nodes: Sequence[str]) -> set[str]:
    return set(nodes)
