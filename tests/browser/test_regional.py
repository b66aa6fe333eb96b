"""Regional statistics in a real browser with a partial-coverage import and a Japanese-movers-only import (issue 12):
the 人口移動 page says whose moves a figure counts and which areas a year lacks, the import page shows the coverage,
the ranking lists the missing members. Screenshots at 1280 and 360 px go to test-artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shokuba.regional.services import statistics_import_file
from shokuba.regional.tests import estat_cases as cases
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SHOTS = Path("test-artifacts") / "screenshots"


def _shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(SHOTS / f"{name}-360.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: the page is {width}px wide at a 360px viewport"
    page.set_viewport_size({"width": 1280, "height": 900})


def _imports(secretariat: Any) -> None:
    """The national file (兵庫県, 和歌山県, the nation: a partial year), then 和歌山県's own download narrowed to
    日本人移動者, which replaces 和歌山県's areas only."""
    statistics_import_file(actor=secretariat, data=cases.db_csv_national(), file_name="estat_表11.csv", year=2024)
    statistics_import_file(
        actor=secretariat,
        data=cases.db_csv_wakayama(("日本人",), table="11-3"),
        file_name="wakayama_日本人移動者.csv",
        year=2024,
    )


def test_japanese_movers_only_and_partial_coverage_are_visible(page: Any, secretariat: Any) -> None:
    _imports(secretariat)
    login(page, secretariat)

    page.goto("/regional/areas/302015/?year=2024")
    expect(page.get_by_role("heading", level=1)).to_contain_text("和歌山市の人口移動")
    expect(page.locator(".movers-banner")).to_contain_text("2024年の値は日本人移動者のみです")
    expect(page.locator(".coverage-note")).to_contain_text("1,789 地域のうち 35 地域分だけ取り込まれています")
    expect(page.locator("#summary-heading")).to_contain_text("日本人移動者のみ")
    expect(page.locator(".chart-canvas svg, .chart-canvas canvas").first).to_be_visible()
    expect(page.locator("table.peers")).to_contain_text("和歌山県（日本人移動者のみ）")
    _shoot(page, "regional-area-japanese-only")

    page.goto("/regional/areas/282090/?year=2024")
    expect(page.locator(".movers-banner")).to_have_count(0)
    expect(page.locator(".coverage-note")).to_contain_text("45 都道府県の地域には数値がありません")
    expect(page.locator("table.peers")).to_contain_text("値があるのは")
    _shoot(page, "regional-area-partial")

    page.goto("/regional/imports/")
    coverage = page.locator("table.coverage")
    expect(coverage).to_contain_text("35 / 1,789")
    expect(coverage).to_contain_text("一部の地域")
    expect(page.locator("table.history")).to_contain_text("一部使用中（4 / 35 地域）")
    expect(page.locator("table.history")).to_contain_text("日本人移動者のみ")
    _shoot(page, "regional-imports")

    page.goto("/regional/network/?year=2024&sex=F")
    expect(page.locator(".coverage-note")).to_contain_text("この期間の数値がない参加自治体（65団体）")
    expect(page.locator(".coverage-note")).to_contain_text("国籍の違う値のため順位を付けていない参加自治体（1団体）")
    expect(page.locator("table.ranking").first).to_contain_text("日本人移動者のみ（順位の対象外）")
    _shoot(page, "regional-network")


def test_a_coordinator_uploads_their_prefectures_download(page: Any, tmp_path: Path) -> None:
    from conftest import make_user
    from shokuba.network.models import Member, Role

    coordinator = make_user("t-wakayama", Role.COORDINATOR, member=Member.objects.get(pk="300004"))
    path = tmp_path / "wakayama_2024.csv"
    path.write_bytes(cases.db_csv_wakayama())
    login(page, coordinator)
    page.goto("/regional/imports/")
    expect(page.locator(".notice")).to_contain_text("和歌山県とその市町村 の数値です")
    page.locator("#id_year").fill("2024")
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name="取り込む").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("取込の状況")
    records = page.locator("ul.records")
    expect(records).to_contain_text("表11-1 転入者数")
    expect(records).to_contain_text("表11-3 転入超過数")
    expect(records).to_contain_text("郡の行")
    _shoot(page, "regional-job-coordinator")
