"""Issue 13.4: results a non-statistician can read. Statements whole (wrapped, never cut), no item codes in what
people read, before/after legends that tell the two waves apart."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.utils import timezone

from shokuba.results import charts, selectors
from shokuba.results.tests.conftest import fill
from shokuba.surveys import services
from shokuba.surveys.models import Wave
from shokuba.surveys.tests.conftest import logged_in

pytestmark = pytest.mark.django_db
CODE = re.compile(r"\bWS-[A-Z]+\d*\b")


def specs(page: str) -> list[dict[str, Any]]:
    found = re.findall(r'<script id="[^"]*-spec" type="application/json">(.*?)</script>', page, re.S)
    return [json.loads(s) for s in found]


def axis_labels(spec: dict[str, Any]) -> list[str]:
    """The y axis labels of a spec as the chart draws them: each label's lines put back together."""
    layers = spec.get("layer", [spec])
    values = next(layer["data"]["values"] for layer in layers if "data" in layer)
    labels = dict.fromkeys(v["label"] for v in values)
    return ["".join(label.rstrip("\u200b").split("\n")) for label in labels]


@pytest.mark.parametrize(
    "text",
    [
        "男性は仕事をして家計を支えるべきだ",
        "受付、接客・応対（お茶だしなど）は女性の仕事だ",
        "若い人は、地域の行事や役割を年長者が決めたとおりに引き受けるべきだ",
        "子どもの急な病気などのときに、職場で助け合える",
        "休業から復帰した人が、以前と同じように活躍できている",
        "短い",
        "",
    ],
)
def test_wrapping_keeps_every_character_in_short_lines(text: str) -> None:
    lines = charts.wrap(text)
    assert "".join(lines) == text
    assert all(len(line) <= charts.LABEL_LINE + 2 for line in lines)
    assert not any(line.startswith(("、", "。", "）", "」")) for line in lines[1:])
    assert len(lines) == 1 or len(lines[-1]) > 2


def test_english_is_wrapped_between_words() -> None:
    lines = charts.wrap("Points to notice: items with the largest gaps between Female and Male", 24)
    assert " ".join(lines) == "Points to notice: items with the largest gaps between Female and Male"
    assert all(len(line) <= 48 for line in lines)


def test_statements_alike_stay_two_labels() -> None:
    labels = charts.wrapped_labels(["同じ文", "同じ文"])
    assert labels[0] != labels[1] and labels[1].rstrip("\u200b") == labels[0]


def test_charts_show_whole_statements_without_codes(filled_wave: Wave, coordinator: Any) -> None:
    texts = {i.text for i in selectors.wave_items(filled_wave)}
    client = logged_in(coordinator)
    for page in ("", "items/"):
        html = client.get(f"/surveys/waves/{filled_wave.pk}/results/{page}").content.decode()
        for spec in specs(html):
            y_axes = [
                layer["encoding"]["y"]
                for layer in spec.get("layer", [spec])
                if layer.get("encoding", {}).get("y", {}).get("type") == "nominal"
            ]
            if not y_axes:
                continue
            assert all(y["axis"]["labelLimit"] == 0 and "split(datum.label" in y["axis"]["labelExpr"] for y in y_axes)
            labels = axis_labels(spec)
            assert not any(CODE.search(label) for label in labels), labels
            if page == "":  # the gap chart: every label one of the wave's statements, whole
                assert set(labels) <= texts, set(labels) - texts
            assert not any(label.endswith("…") for label in labels)
        # Tables and chart tables name statements, not codes.
        for row in re.findall(r'<th scope="row">(.*?)</th>', html):
            assert not CODE.search(row), row


def test_the_before_after_legend_tells_the_waves_apart(
    filled_wave: Wave, coordinator: Any, published: Any, organisation: Any, second_organisation: Any
) -> None:
    today = timezone.localdate()
    later = services.wave_create(
        actor=coordinator,
        version=published,
        name="2026年度 フォローアップ調査",
        fiscal_year=2026,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=10),
        organisations=[organisation, second_organisation],
    )
    later = services.wave_open(actor=coordinator, wave=later)
    fill(later, seed=3)
    html = logged_in(coordinator).get(f"/surveys/waves/{later.pk}/results/change/?other={filled_wave.pk}")
    spec = next(s for s in specs(html.content.decode()) if charts.title_of(s).startswith("「そう思う傾向」の割合"))
    colour = spec["layer"][1]["encoding"]["color"]["scale"]["domain"]
    assert colour == ["今回", "前回"]
    assert spec["title"]["subtitle"][:2] == ["前回：2026年度 ベースライン調査", "今回：2026年度 フォローアップ調査"]
    # The weighted table names each statement (it showed only the code, e.g. WS-Z01).
    from urllib.parse import urlencode

    from shokuba.results import analyses

    query = {"other": filled_wave.pk, "weighted": "on", **{f"t_{code}": 20 for code, _label in analyses.TARGET_STRATA}}
    page = logged_in(coordinator).get(f"/surveys/waves/{later.pk}/results/change/?{urlencode(query)}").content.decode()
    weighted = page[page.index("構成を合わせた比較") :]
    rows = re.findall(r'<th scope="row">(.*?)</th>', weighted)
    texts = {i.text for i in selectors.wave_items(later)}
    assert rows and set(rows) <= texts and not any(CODE.search(r) for r in rows)
