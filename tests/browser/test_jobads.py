"""The job-ad check in a real browser: a coordinator pastes an ad with 営業マン and 35歳以下, sees the findings with
their law and rewrite, applies the rewrites and sees before and after with the scores going up. Screenshots of
the pages at 1280 and 360 px under test-artifacts/jobads/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shokuba.jobads.models import JobAdCheck
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ARTIFACTS = Path("test-artifacts") / "jobads"
AD = "【営業マン募集】\n35歳以下の方。地元企業への法人営業です。\n月給22万円〜30万円。転勤なし。"


def _shots(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_coordinator_checks_an_ad_applies_the_rewrites_and_sees_the_improvement(
    page: Any, coordinator: Any, organisation: Any
) -> None:
    login(page, coordinator)
    page.goto("/")
    page.get_by_role("link", name="求人票チェック").click()
    expect(page.get_by_role("heading", name="求人票の「見え方」チェック", level=1)).to_be_visible()
    page.locator("#id_organisation").select_option(label=organisation.name)
    page.locator("#id_title").fill("営業職（正社員）")
    page.locator("#id_text").fill(AD)
    _shots(page, "check-form")
    page.get_by_role("button", name="チェックする", exact=True).click()

    expect(page.get_by_role("heading", name="営業職（正社員）", level=1)).to_be_visible()
    expect(page.locator("mark", has_text="営業マン")).to_be_visible()
    expect(page.locator("mark", has_text="35歳以下")).to_be_visible()
    sex = page.locator(".finding.violation", has_text="「営業マン」")
    expect(sex).to_contain_text("男女雇用機会均等法 第5条")
    expect(sex).to_contain_text("書き換え案：営業職")
    age = page.locator(".finding.violation", has_text="「35歳以下」")
    expect(age).to_contain_text("労働施策総合推進法 第9条")
    expect(age).to_contain_text("書き換え案：年齢不問")
    _shots(page, "result")
    # The sentences with a placeholder (○) start unticked; the two rewrites and the hours sentence are ticked.
    expect(page.get_by_label("「営業マン」→「営業職」")).to_be_checked()
    expect(page.get_by_label("「35歳以下」→「年齢不問」")).to_be_checked()
    page.get_by_role("button", name="反映して再チェック").click()

    expect(page.get_by_role("heading", name="書き換えの前と後")).to_be_visible()
    # The two rewrites and the working-hours sentence (the one suggestion without a placeholder).
    expect(page.get_by_role("status").filter(has_text="解消した指摘 3 件")).to_be_visible()
    rows = page.locator("table", has_text="変化")
    expect(rows.locator("tr", has_text="性別に関する表現")).to_contain_text("+35")
    expect(rows.locator("tr", has_text="年齢に関する表現")).to_contain_text("+35")
    expect(page.locator(".jobad-text").nth(1)).to_contain_text("【営業職募集】")
    expect(page.locator(".jobad-text").nth(1)).to_contain_text("年齢不問の方")
    _shots(page, "before-after")
    latest = JobAdCheck.objects.order_by("-pk").first()
    assert latest is not None and latest.previous_id is not None
    assert latest.scores["sex"] == 100 and latest.scores["age"] == 100

    page.goto("/jobads/members/282090/")
    expect(page.locator("tr", has_text=organisation.name)).to_contain_text("2")
    _shots(page, "programme")
