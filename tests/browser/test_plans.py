"""The action plan's whole loop in a real browser: a coordinator writes the plan, binds a KPI to a survey item,
sees it undecided with one wave, a second wave closes, the KPI has a status with its interval, and the fiscal
year's report PDF is built, its text read with pdftotext and its pages rendered with pdftoppm (kept under
test-artifacts/plans/ to be looked at). Screenshots of the plan, KPI and secretariat pages at 1280 and 360 px."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shokuba.plans.models import Kpi
from shokuba.plans.tests.conftest import follow_up_wave
from shokuba.plans.tests.pdf import HAVE_POPPLER, pdf_pages, pdf_text
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

ARTIFACTS = Path("test-artifacts") / "plans"


def _shots(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils missing (scripts/install_poppler.sh)")
def test_plan_kpi_second_wave_report(
    page: Any,
    coordinator: Any,
    secretariat: Any,
    wave: Any,  # noqa: F811
    organisation: Any,
    second_organisation: Any,  # noqa: F811
) -> None:
    fill(wave, seed=21, women=30, men=30, second=10)
    login(page, coordinator)
    page.goto("/plans/members/282090/")
    page.get_by_role("link", name="計画を作る").click()
    page.locator("#id_title").fill("ブラウザの計画")
    page.locator("#id_vision").fill("若者や女性に選ばれる職場が広がっている")
    page.locator("#id_start_year").fill("2026")
    page.locator("#id_end_year").fill("2028")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("heading", level=1, name="アクションプラン（取組計画）")).to_be_visible()

    page.get_by_role("link", name="KPIを追加").click()
    page.locator("#id_name").fill("「働きやすい」と思う従業員の割合")
    page.locator("#id_source").select_option("survey_top")
    page.locator("#id_item_code").fill("ws-z01")
    page.locator("#id_baseline_year").fill("2026")
    page.locator("#id_target_value").fill("90")
    page.locator("#id_target_year").fill("2028")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("heading", level=1, name="「働きやすい」と思う従業員の割合")).to_be_visible()
    expect(page.locator(".kpi-status .status")).to_have_text("判断できない")
    expect(page.get_by_text("基準の時点より後の値がまだない").first).to_be_visible()

    later = follow_up_wave(
        coordinator,
        wave.version,
        [organisation, second_organisation],
        name="フォローアップ調査",
        fiscal_year=2026,
        closes_in_days=60,
    )
    fill(later, seed=22, women=30, men=30, second=10)
    page.reload()
    kpi = Kpi.objects.get()
    expect(page.locator(".kpi-status .status")).to_have_text(re.compile("順調|遅れ|判断できない"))
    expect(page.get_by_role("rowheader", name=later.name)).to_be_visible()
    expect(page.locator(".chart-canvas svg").first).to_be_visible()
    _shots(page, "kpi")

    page.goto("/plans/members/282090/")
    expect(page.get_by_role("link", name=kpi.name)).to_be_visible()
    _shots(page, "plan")

    page.get_by_role("link", name="効果検証レポート").click()
    page.locator("#id_fiscal_year").fill(str(wave.fiscal_year))
    page.locator("#id_variant").select_option("internal")
    page.get_by_role("button", name="レポートを作る").click()
    expect(page.get_by_role("link", name="PDFをダウンロード")).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDFをダウンロード").click()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "report.pdf"
    pdf.write_bytes(download.value.path().read_bytes())
    text = pdf_text(pdf)
    flat = text.replace("\n", "")
    for expected in (
        "効果検証レポート",
        "兵庫県豊岡市",
        kpi.name,
        later.name,
        "調査の前後比較",
        "3分の2基準",
        "出典一覧",
    ):
        assert expected in flat, expected
    pages = pdf_pages(pdf, ARTIFACTS / "report-page")
    assert len(pages) >= 4 and all(p.stat().st_size > 5_000 for p in pages)

    page.context.clear_cookies()
    login(page, secretariat)
    page.goto("/plans/network/")
    expect(page.get_by_role("heading", level=1, name="KPIの達成状況（ネットワーク全体）")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("兵庫県豊岡市"))).to_contain_text("1")
    _shots(page, "network")
