"""Workplace indicators in a real browser: an organisation admin lands on the dashboard, reads the readiness and
the self-diagnosis; a coordinator reads the regional picture (suppressed under the threshold). Screenshots at phone
and desktop widths go to test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shokuba.core.permissions import SYSTEM
from shokuba.network.models import Member, Organisation
from shokuba.workplace.services import indicator_year_save
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SHOTS = Path("test-artifacts") / "screenshots"
RAW = {
    "workers_women": 40,
    "workers_men": 60,
    "managers": 10,
    "managers_women": 1,
    "men_spouse_gave_birth": 10,
    "men_childcare_leave": 2,
    "men_childcare_purpose_leave": 1,
    "women_gave_birth": 4,
    "women_childcare_leave": 4,
    "fixed_term_women_gave_birth": 1,
    "fixed_term_women_childcare_leave": 1,
    "overtime_hours_annual": 24000,
    "holiday_hours_annual": 1200,
    "overtime_covered_workers": 100,
    "max_monthly_overtime_fulltime": 34,
    "paid_leave_days_granted": 1500,
    "paid_leave_days_taken": 900,
    "tenure_women": 8,
    "tenure_men": 12,
}


def _peers(member: Member, count: int) -> None:
    for i in range(count):
        org = Organisation.objects.create(
            member=member,
            name=f"同業{i}",
            industry="E",
            size_band="101-300",
            location_id=member.pk,
            joined_on=dt.date(2025, 4, 1),
        )
        for year in (2024, 2025):
            raw = {**RAW, "managers_women": 2 + i % 4, "men_childcare_leave": 3 + i % 5 + (year - 2024)}
            indicator_year_save(actor=SYSTEM, organisation=org, fiscal_year=year, raw=raw)


def _shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(SHOTS / f"{name}-360.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: the page is {width}px wide at a 360px viewport"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_org_admin_dashboard_readiness_and_diagnosis(page: Any, org_admin: Any, toyooka: Member) -> None:
    indicator_year_save(actor=SYSTEM, organisation=org_admin.organisation, fiscal_year=2024, raw=RAW)
    indicator_year_save(actor=SYSTEM, organisation=org_admin.organisation, fiscal_year=2025, raw=RAW)
    _peers(toyooka, 5)
    login(page, org_admin)

    expect(page).to_have_url(re.compile(r"/workplace/organisations/\d+/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("株式会社テスト精工の職場の指標")
    readiness = page.locator(".readiness-cards")
    expect(readiness).to_contain_text("くるみん")
    expect(readiness).to_contain_text("男性育休等取得率 あと 10 ポイント")
    expect(readiness).to_contain_text("えるぼし")
    # Never another organisation's figures: the peers' names do not appear.
    expect(page.locator("main")).not_to_contain_text("同業")
    _shoot(page, "workplace-dashboard")

    page.get_by_role("link", name="認定の準備状況（詳しく）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("認定の準備状況")
    expect(page.locator("main")).to_contain_text("確認が必要")
    expect(page.locator("main")).to_contain_text("時間外・休日労働（最大の月） あと 4 時間超の削減")
    _shoot(page, "workplace-readiness")

    page.goto(page.url.replace("/readiness/", "/diagnosis/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("自己診断")
    expect(page.locator("table.diagnosis")).to_contain_text("下回る")
    expect(page.locator("main")).to_contain_text("兵庫労働局")
    expect(page.locator(".chart-canvas svg, .chart-canvas canvas").first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("同業")
    _shoot(page, "workplace-diagnosis")


def test_coordinator_regional_picture(page: Any, coordinator: Any, toyooka: Member) -> None:
    _peers(toyooka, 4)
    login(page, coordinator)
    page.get_by_role("link", name="職場の指標").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("地域の職場の指標")
    expect(page.locator("main")).to_contain_text("—")  # four organisations: under the threshold of 5
    _peers_more(toyooka)
    page.reload()
    overview = page.locator("section[aria-labelledby=overview-heading] table")
    expect(overview).to_contain_text("管理職に占める女性労働者の割合")
    expect(overview.locator("tbody tr").first.locator("td").nth(2)).to_have_text("30%")  # the median, shown
    _shoot(page, "workplace-picture")


def _peers_more(member: Member) -> None:
    org = Organisation.objects.create(
        member=member,
        name="同業追加",
        industry="D",
        size_band="30-100",
        location_id=member.pk,
        joined_on=dt.date(2025, 4, 1),
    )
    indicator_year_save(actor=SYSTEM, organisation=org, fiscal_year=2025, raw=RAW)
    indicator_year_save(actor=SYSTEM, organisation=org, fiscal_year=2024, raw=RAW)
