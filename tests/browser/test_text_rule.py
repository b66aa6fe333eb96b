"""A name pasted from a spreadsheet with a tab in it: the page says which field and where, keeps what was typed,
and stores nothing (at 1280 px and 360 px)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot_path
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.mark.parametrize("width", [1280, 360])
def test_a_tab_pasted_into_an_organisation_name_is_refused_next_to_the_field(
    page: Any, request: pytest.FixtureRequest, coordinator: Any, organisation: Any, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    login(page, coordinator)
    page.goto(f"/organisations/{organisation.pk}/edit/")
    name = page.locator("#id_name")
    name.fill("株式会社\tテスト精工")
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()

    error = page.locator("#id_name_error")
    expect(error).to_contain_text("「名称」に使えない文字があります（5文字目の U+0009）")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_value("株式会社\tテスト精工")
    page.screenshot(path=str(screenshot_path(request.config.rootpath, f"text_rule_{width}")), full_page=True)
    organisation.refresh_from_db()
    assert organisation.name == "株式会社テスト精工"
