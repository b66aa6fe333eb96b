"""Issue 13: steps that guide, and staff pages a person can use on a 360 px phone. A coordinator ticks a step's
checklist; the secretariat's pages keep a header under 200 px, breadcrumbs that read as a trail, and wide tables
that scroll inside their box with their first column in view. Screenshots at 1280 and 360 px go to
test-artifacts/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shokuba.guidebook.models import StepProgress
from shokuba.results.tests.conftest import fill
from shokuba.surveys.tests.conftest import (  # noqa: F401 - fixtures
    published,
    questionnaire,
    second_organisation,
    wave,
)
from tests.browser.conftest import SCREENSHOT_DIR
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
HEADER_MAX_PX = 200


def shots(page: Any, request: pytest.FixtureRequest, name: str) -> None:
    folder = Path(request.config.rootpath) / SCREENSHOT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for viewport, suffix in ((DESKTOP, "1280"), (PHONE, "360")):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(folder / f"issue13-{name}-{suffix}.png"), full_page=True)
    page.set_viewport_size(size)


def test_a_coordinator_ticks_a_steps_checklist_on_a_phone(
    page: Any, coordinator: Any, request: pytest.FixtureRequest
) -> None:
    page.set_viewport_size(PHONE)
    login(page, coordinator)
    page.goto("/guidebook/members/282090/steps/2-1-b/")
    guide = page.locator(".step-guide")
    expect(guide.get_by_role("heading", name="この手順ですること")).to_be_visible()
    expect(guide).to_contain_text("市民100人からなる会議")
    expect(guide).to_contain_text("誰が：担当者（担当部署）・若者・女性（当事者）")
    first = guide.get_by_role("checkbox", name=re.compile("若者や女性（地元を離れた人を含む）から直接話を聞く"))
    second = guide.get_by_role("checkbox", name=re.compile("聞いた課題を記録し"))
    first.check()
    second.check()
    with page.expect_navigation():
        guide.get_by_role("button", name="チェックリストを保存").click()
    expect(page.locator(".messages")).to_contain_text("チェックリストを保存しました。")
    expect(guide.locator("legend")).to_have_text("チェックリスト（2項目中 2項目済み）")
    expect(first).to_be_checked()
    assert StepProgress.objects.get(member_id="282090", step__code="2-1-b").checklist == ["1", "2"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots(page, request, "step-2-1-b")

    # Step 4(4) links the job-ad check (issue #16) for this member; no tool reads 準備中 any more.
    page.goto("/guidebook/members/282090/steps/4-4/")
    tools = page.locator(".step-guide .tools")
    expect(tools.get_by_role("link", name="求人票のチェック")).to_have_attribute("href", "/jobads/members/282090/")
    expect(tools.get_by_text("準備中")).to_have_count(0)
    shots(page, request, "step-4-4")
    page.goto("/guidebook/members/282090/steps/3-b/")
    tools = page.locator(".step-guide .tools")
    expect(tools.get_by_role("link", name=re.compile("アクションプラン"))).to_be_visible()
    expect(tools.get_by_role("link", name="成果指標の設定（人口移動のページ）")).to_be_visible()
    shots(page, request, "step-3-b")


def header_height(page: Any) -> float:
    return float(page.locator(".site-header").evaluate("el => el.getBoundingClientRect().height"))


def test_staff_pages_on_a_phone(
    page: Any,
    secretariat: Any,
    coordinator: Any,
    organisation: Any,
    wave: Any,  # noqa: F811
    request: pytest.FixtureRequest,
) -> None:
    fill(wave, seed=11, women=30, men=30, second=10)
    page.set_viewport_size(PHONE)
    login(page, secretariat)  # the secretariat has the longest menu
    pages = {
        "members": "/members/",
        "board": "/guidebook/board/",
        "audit": "/audit/",
        "member": "/members/282090/",
        "results": f"/surveys/waves/{wave.pk}/results/",
        "results-items": f"/surveys/waves/{wave.pk}/results/items/",
        "step": "/guidebook/members/282090/steps/4-5/",
    }
    for name, url in pages.items():
        page.goto(url)
        height = header_height(page)
        assert height < HEADER_MAX_PX, f"{name}: the header is {height:.0f}px tall on a 360px screen"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page is {width}px wide on a 360px screen"
        crumbs = page.locator("nav.breadcrumbs li")
        if crumbs.count() > 1:
            # A trail (a › b), not a numbered list (「1. 2.」).
            assert crumbs.first.evaluate("el => getComputedStyle(el).listStyleType") == "none", name
            separator = crumbs.nth(1).evaluate("el => getComputedStyle(el, '::before').content")
            assert separator == '"›"', name
        shots(page, request, name)

    # A wide table scrolls inside its box; its first column stays in view.
    page.goto("/audit/")
    box = page.locator(".table-wrap").first
    scroll, client = box.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll > client
    first_cell = box.locator("tbody tr").first.locator("td, th").first
    assert first_cell.evaluate("el => getComputedStyle(el).position") == "sticky"
    second_cell = box.locator("tbody tr").first.locator("td, th").nth(1)
    before, second_before = first_cell.bounding_box(), second_cell.bounding_box()
    box.evaluate("el => { el.scrollLeft = 300; }")
    after, second_after = first_cell.bounding_box(), second_cell.bounding_box()
    assert before and after and second_before and second_after
    assert abs(after["x"] - before["x"]) < 1, (before, after)  # the first column stays
    assert second_after["x"] < second_before["x"] - 250  # the others scroll past under it
