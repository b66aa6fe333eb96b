"""The wave's 集計・分析 in a real browser: a coordinator opens a wave's results from the wave page, reads the
largest gap, runs a cross-tabulation, and downloads a chart as PNG and its table as XLSX."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from shokuba.results.tests.conftest import fill
from shokuba.surveys.tests.conftest import (  # noqa: F401 - fixtures
    published,
    questionnaire,
    second_organisation,
    wave,
)
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_coordinator_reads_gaps_runs_a_crosstab_and_downloads(page: Any, coordinator: Any, wave: Any) -> None:  # noqa: F811
    fill(wave, seed=11, women=30, men=30, second=10)
    login(page, coordinator)
    page.goto(f"/surveys/waves/{wave.pk}/")
    page.get_by_role("link", name="集計・分析を見る").click()
    expect(page).to_have_url(re.compile(rf"/surveys/waves/{wave.pk}/results/$"))
    expect(page.get_by_role("heading", level=2, name=re.compile("気づきポイント"))).to_be_visible()
    # The demo-like answers: women are less positive about 働きやすい (WS-Z01) than men — the first insight.
    first = page.locator("ol.insights li").first
    expect(first).to_contain_text("女性は男性より")
    expect(first).to_contain_text("ポイント低い")
    expect(page.locator(".chart-canvas svg").first).to_be_visible()

    page.get_by_role("link", name="クロス集計").click()
    page.locator("#id_item").select_option("WS-Z01")
    page.locator("#id_by").select_option("sex")
    page.get_by_role("button", name="集計する").click()
    expect(
        page.get_by_role("heading", level=2, name=re.compile("あなたの職場は「働きやすい」と思いますか"))
    ).to_be_visible()
    expect(page.get_by_text(re.compile("コーエンのh|クラメールのV")).first).to_be_visible()

    figure = page.locator("figure.chart").first
    with page.expect_download() as png_download:
        figure.get_by_role("link", name="PNG").click()
    assert png_download.value.path().read_bytes().startswith(b"\x89PNG")
    with page.expect_download() as xlsx_download:
        figure.get_by_role("link", name="XLSX").click()
    sheet = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes())).active
    assert sheet is not None
    labels = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert labels[0] == "群" and "女性" in labels and "男性" in labels
