"""The results pages in English (the language cookie): chart titles and subtitles, table headers, group labels and
the analysis engine's sentences, which reach Django's gettext through the engine's hook (shokuba/analysis/i18n.py).
Survey content (item texts, scale points) stays as written; Japanese stays the default."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from openpyxl import load_workbook

from shokuba.analysis import gaps, i18n
from shokuba.analysis.suppression import Decision
from shokuba.results import analyses, labels, selectors
from shokuba.results.tests.conftest import fill
from shokuba.surveys import services
from shokuba.surveys.instrument import ATTRIBUTES
from shokuba.surveys.models import Wave
from shokuba.surveys.tests.conftest import logged_in

pytestmark = pytest.mark.django_db

SHOWN = Decision(True, "", 100, 5)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _english(user: Any) -> Client:
    client = logged_in(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _specs(page: str) -> list[dict[str, Any]]:
    found = re.findall(r'<script id="[^"]*-spec" type="application/json">(.*?)</script>', page, re.S)
    return [json.loads(s) for s in found]


def _outside_survey_content(page: str, wave: Wave, *others: Wave) -> str:
    """The page without the survey's own words (item texts, scale points), which are not UI and stay Japanese."""
    items = selectors.wave_items(wave)
    words = {i.text for i in items} | {i.question.text for i in items}
    words |= {c.label for i in items for c in (*i.categories, *i.non_substantive)}
    words |= {analyses.charts.short(w, n) for w in set(words) for n in (28, 30, 40)}
    words |= {wave.name, wave.member.name, *(w.name for w in others)}
    words |= set(wave.links.values_list("organisation__name", flat=True))
    words.add(">日本語<")  # the language switch names Japanese in Japanese
    for word in sorted(words, key=len, reverse=True):
        page = page.replace(word, "")
    return page


def test_overview_in_english(filled_wave: Wave, coordinator: Any) -> None:
    response = _english(coordinator).get(f"/surveys/waves/{filled_wave.pk}/results/")
    assert response.status_code == 200 and response["Content-Language"] == "en"
    page = response.content.decode()
    assert "<h1>Points to notice" in page
    gap_chart = next(s for s in _specs(page) if analyses.charts.title_of(s).startswith("Points to notice"))
    # Wrapped at word boundaries into lines for the chart.
    title = "Points to notice: items with the largest gaps between Female and Male"
    assert " ".join(gap_chart["title"]["text"]) == title and len(gap_chart["title"]["text"]) > 1
    assert gap_chart["title"]["subtitle"] == [
        "Share tending to agree (top two points)",
        "Up to 12 items, largest gap first",
    ]
    assert gap_chart["layer"][0]["encoding"]["x"]["title"] == "Share tending to agree (%)"
    for header in ("Item", "Female (%)", "Male (%)", "Difference (points)", "Lower 95% limit", "Adjusted p-value"):
        assert f'<th scope="col">{header}</th>' in page
    # The engine's sentences: women answer WS-Z01 lower in the fixture (test_results checks the numbers).
    assert "points lower for Female than for Male (95% confidence interval" in page
    assert re.search(
        r"In \d+ of 31 items, the share tending to agree differs between Female and Male in a way chance hardly "
        r"explains\.",
        page,
    )
    rest = _outside_survey_content(page, filled_wave)
    assert not JAPANESE.search(rest), JAPANESE.findall(rest)[:40]


def test_crosstab_page_and_download_in_english(filled_wave: Wave, coordinator: Any) -> None:
    client = _english(coordinator)
    base = f"/surveys/waves/{filled_wave.pk}/results/crosstab/"
    two = client.get(f"{base}?item=WS-Z01&by=sex&by2=age_band").content.decode()
    assert "(by Sex×Age)</h2>" in two
    assert '<th scope="row">Female / 29 or under</th>' in two and '<th scope="row">Everyone</th>' in two
    assert "“—” marks figures withheld to protect individual answers" in two
    page = client.get(f"{base}?item=WS-Z01&by=sex&by2=").content.decode()
    assert "(by Sex)</h2>" in page and '<th scope="row">Male</th>' in page
    assert "The share tending to agree differs between Female / Male in a way chance hardly explains" in page
    assert re.search(r"Chi-squared test \(χ²=[\d.]+, 1 degrees of freedom\) / p-value", page)
    chart = _specs(page)[0]
    assert chart["encoding"]["x"]["title"] == "Row %"
    assert [t["title"] for t in chart["encoding"]["tooltip"]] == ["Group", "Response", "%"]
    for html in (two, page):
        rest = _outside_survey_content(html, filled_wave)
        assert not JAPANESE.search(rest), JAPANESE.findall(rest)[:40]
    xlsx = client.get(f"{base}crosstab.xlsx?item=WS-Z01&by=sex&by2=")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Group", "n"] and header[-1] == "In the test"
    assert "Tendency to agree (%)" in header and "Mean" in header
    assert "Adjusted residual of the share tending to agree" in header
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)][-1] == "Everyone"


def test_items_page_in_english(filled_wave: Wave, coordinator: Any) -> None:
    page = _english(coordinator).get(f"/surveys/waves/{filled_wave.pk}/results/items/").content.decode()
    chart = next(s for s in _specs(page) if "data" in s and s["data"]["values"] and "point" in s["data"]["values"][0])
    # The subtitle wrapped between words; no item code in it (it used to start with the question's code).
    assert " ".join(chart["title"]["subtitle"]).startswith("Bar lengths are shares of valid answers")
    assert chart["encoding"]["x"]["title"] == "% (left: disagree side / right: agree side)"
    assert '<th scope="col">Valid responses</th>' in page
    rest = _outside_survey_content(page, filled_wave)
    assert not JAPANESE.search(rest), JAPANESE.findall(rest)[:40]


def test_change_and_free_text_pages_in_english(
    filled_wave: Wave, coordinator: Any, published: Any, organisation: Any, second_organisation: Any
) -> None:
    today = timezone.localdate()
    later = services.wave_create(
        actor=coordinator,
        version=published,
        name="2027年度 フォローアップ調査",
        fiscal_year=2027,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=10),
        organisations=[organisation, second_organisation],
    )
    later = services.wave_open(actor=coordinator, wave=later)
    fill(later, seed=3)
    client = _english(coordinator)
    query = {"other": filled_wave.pk, "weighted": "on", **{f"t_{code}": 20 for code, _label in analyses.TARGET_STRATA}}
    page = client.get(f"/surveys/waves/{later.pk}/results/change/?{urlencode(query)}").content.decode()
    assert f"{filled_wave.name} (FY2026)</option>" in page
    assert "Female, 29 or under" in page and "Male, 60 and over" in page  # the target composition's fields
    assert f"the change from {filled_wave.name} to {later.name}" in page
    assert "Weighting: the sex × age composition is matched to the target composition" in page
    assert "With the composition matched, the share tending to agree with" in page
    assert '<th scope="col">Change (points)</th>' in page
    rest = _outside_survey_content(page, later, filled_wave)
    assert not JAPANESE.search(rest), JAPANESE.findall(rest)[:40]
    free = client.get(f"/surveys/waves/{filled_wave.pk}/results/free-text/?item=WS-FREE&keyword=会議").content.decode()
    titles = [analyses.charts.title_of(s) for s in _specs(free)]
    free_item = next(i for i in selectors.wave_items(filled_wave) if i.code == "WS-FREE")
    assert titles[0] == f"Frequent words: {free_item.text}"
    assert "Names and contact details are masked" in free
    assert '<th scope="col">Part of speech</th>' in free


def test_the_same_pages_stay_japanese_by_default(filled_wave: Wave, coordinator: Any) -> None:
    page = logged_in(coordinator).get(f"/surveys/waves/{filled_wave.pk}/results/").content.decode()
    assert "気づきポイント: 女性と男性の差が大きい項目" in page
    assert "ポイント低い（95%信頼区間" in page
    assert "Points to notice" not in page


def test_the_engine_speaks_the_active_language_and_japanese_without_a_host(monkeypatch: Any) -> None:
    pair = gaps.ScaleItemPair("X-01", "働きやすい", (30, 10, 5, 5), (10, 10, 15, 15))
    with translation.override("en"):
        english = gaps.gap_analysis([pair], translation.gettext("女性"), translation.gettext("男性"), SHOWN, SHOWN)
    assert english.items[0].explanation.startswith(
        "“働きやすい”: the share of answers in “Tendency to agree” is 40 points higher for Female than for Male"
    )
    assert "chance hardly explains this difference" in english.items[0].explanation
    assert english.items[0].effect == "large"
    with translation.override("ja"):
        japanese = gaps.gap_analysis([pair], "女性", "男性", SHOWN, SHOWN)
    assert japanese.items[0].explanation.startswith("女性は男性より、『働きやすい』に「そう思う傾向」の回答の割合が40")
    monkeypatch.setattr(i18n, "_translate", i18n._identity)  # as in the CLI: no host installed
    with translation.override("en"):
        assert gaps.gap_analysis([pair], "女性", "男性", SHOWN, SHOWN).items[0].effect == "大きい"


def test_every_attribute_label_is_marked_for_translation() -> None:
    words = {a.label for a in ATTRIBUTES.values()} | {c.label for a in ATTRIBUTES.values() for c in a.choices}
    assert words <= set(labels.WORDS), words - set(labels.WORDS)
    with translation.override("en"):
        assert all(not JAPANESE.search(translation.gettext(w)) for w in labels.WORDS)
