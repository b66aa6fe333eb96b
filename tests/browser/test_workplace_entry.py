"""Workplace indicators in a real browser: an organisation admin enters a year and sees the computed ratios; a
coordinator imports an open-data file, checks the preview and confirms it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shokuba.network.models import Organisation
from shokuba.workplace.models import IndicatorYear
from shokuba.workplace.tests.fixtures import wdb
from tests.browser.conftest import SCREENSHOT_DIR
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _shot(page: Any, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)


def test_org_admin_enters_a_year_and_sees_the_ratios(page: Any, org_admin: Any, organisation: Organisation) -> None:
    login(page, org_admin)
    page.goto(f"/workplace/organisations/{organisation.pk}/years/2025/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025年度の指標")
    expect(page.locator("#group-workforce")).to_contain_text("課長級以上の管理職（役員を除く）に占める女性の割合")

    page.get_by_label("管理職の数（人）").fill("２０")
    page.get_by_label("管理職のうち女性の数（人）").fill("5")
    page.get_by_label("配偶者が出産した男性労働者の数（人）").fill("10")
    page.get_by_label("育児休業等をした男性労働者の数（人）").fill("3")
    page.get_by_label("テレワーク（在宅勤務等）").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()

    expect(page.locator(".messages")).to_contain_text("2025年度の値を保存しました。")
    expect(page.locator('[data-code="women_manager_ratio"]')).to_have_text("25")
    expect(page.locator('[data-code="male_childcare_leave_rate"]')).to_have_text("30")
    _shot(page, "workplace_year_desktop")
    page.set_viewport_size({"width": 360, "height": 800})
    _shot(page, "workplace_year_360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # A mistake is named next to its field and nothing is saved.
    page.get_by_label("管理職のうち女性の数（人）").fill("25")
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    expect(page.locator("#id_managers_women_error")).to_contain_text("「管理職の数」（20）を超えています")
    _shot(page, "workplace_year_error_360")
    assert IndicatorYear.objects.get(organisation=organisation).women_manager_ratio == 25.0

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/workplace/organisations/{organisation.pk}/")
    expect(page.locator(".indicator-table")).to_contain_text("2025年度")
    _shot(page, "workplace_years_desktop")


def test_coordinator_imports_previews_and_confirms(page: Any, coordinator: Any, tmp_path: Path) -> None:
    """The national 女性の活躍推進企業データベース file as published (ZIP, real headers, DOMAIN.md §8), built by
    shokuba/workplace/tests/fixtures/wdb.py."""
    from shokuba.workplace import services

    numbers = [wdb.corporate_number(4242 + i) for i in range(3)]
    organisations = [
        Organisation.objects.create(
            member_id="282090",
            name=name,
            corporate_number=number,
            industry="E",
            size_band="101-300",
            location_id="282090",
            joined_on=dt.date(2025, 4, 1),
        )
        for name, number in zip(("株式会社但馬データ", "株式会社城崎区分", "株式会社出石"), numbers, strict=True)
    ]
    services.indicator_year_save(
        actor=coordinator, organisation=organisations[0], fiscal_year=2024, raw={"avg_monthly_overtime": 20.0}
    )
    file = tmp_path / "99_20251030_utf8_bom.zip"
    file.write_bytes(wdb.zipped(wdb.csv_bytes(wdb.national(30, first=wdb.example_companies(numbers)))))

    login(page, coordinator)
    page.goto("/workplace/members/282090/imports/")
    page.get_by_label("女性の活躍推進企業データベース（オープンデータ CSV）").check()
    page.locator("#id_fiscal_year").fill("2024")
    page.locator("#id_file").set_input_files(str(file))
    with page.expect_navigation():
        page.get_by_role("button", name="読み込んで確認する").click()

    expect(page).to_have_url(re.compile(r"/workplace/imports/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("取込内容の確認")
    main = page.locator("main")
    expect(main).to_contain_text("照合できた企業・団体")
    first = page.locator("details.import-row", has_text="株式会社但馬データ")
    overtime = first.locator("tr", has_text="労働者の一月当たりの平均残業時間")
    expect(overtime.locator("td").nth(0)).to_have_text("20")  # stored before
    expect(overtime.locator("td").nth(1)).to_contain_text("12.3")  # from the file
    expect(first.locator("tr", has_text="えるぼし")).to_contain_text("えるぼし 2段階目（2021年3月1日）")
    second = page.locator("details.import-row", has_text="株式会社城崎区分")
    expect(second).to_contain_text("雇用管理区分ごとの値だけのため取り込まない項目")
    expect(page.locator("details.import-row", has_text="株式会社出石")).to_contain_text("取り込む値なし")
    assert IndicatorYear.objects.count() == 1  # the preview wrote nothing
    _shot(page, "workplace_import_preview_desktop")
    page.set_viewport_size({"width": 360, "height": 800})
    _shot(page, "workplace_import_preview_360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    with page.expect_navigation():
        page.get_by_role("button", name="取り込む").click()
    expect(page.locator(".messages")).to_contain_text("2件の企業・団体の値を取り込みました。")
    stored = IndicatorYear.objects.get(organisation=organisations[0], fiscal_year=2024)
    assert stored.source == "wdb" and stored.avg_monthly_overtime == 12.3
    assert stored.certifications["eruboshi"]["level"] == "eruboshi-2"
