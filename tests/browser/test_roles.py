"""Each role in a real browser: log-in, the home page, the places it may not go, language and small screens."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise looks for collected files in STATIC_ROOT; the live server serves them from the app folders.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def ends_with(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + r"$")


HOMES: list[tuple[str, Callable[[Any], str], Callable[[Any], str]]] = [
    ("secretariat", lambda user: "/guidebook/board/", lambda user: "進捗一覧"),
    ("support", lambda user: "/guidebook/board/", lambda user: "進捗一覧"),
    ("coordinator", lambda user: "/members/282090/", lambda user: "兵庫県豊岡市"),
    ("prefecture_coordinator", lambda user: "/members/040002/", lambda user: "宮城県"),
    (
        "org_admin",
        lambda user: f"/workplace/organisations/{user.organisation_id}/dashboard/",
        lambda user: "株式会社テスト精工",
    ),
]


@pytest.mark.parametrize(("role", "home", "heading"), HOMES, ids=[role for role, _h, _t in HOMES])
def test_each_role_logs_in_and_lands_on_its_home(
    page: Any, request: pytest.FixtureRequest, role: str, home: Callable[[Any], str], heading: Callable[[Any], str]
) -> None:
    user = request.getfixturevalue(role)

    login(page, user)

    expect(page).to_have_url(ends_with(home(user)))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading(user))
    expect(page.locator(".user-box")).to_contain_text(user.get_role_display())
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def test_wrong_password_shows_the_japanese_error(page: Any, coordinator: Any) -> None:
    login(page, coordinator, password="not-the-password")

    expect(page).to_have_url(ends_with("/login/"))
    error = page.locator("#login-errors")
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text("正しいユーザー名とパスワードを入力してください")
    expect(page.get_by_role("button", name="ログアウト")).to_have_count(0)


def test_coordinator_is_refused_the_secretariat_board(page: Any, coordinator: Any, other_coordinator: Any) -> None:
    login(page, coordinator)
    expect(page.get_by_role("navigation")).not_to_contain_text("進捗一覧")

    response = page.goto("/guidebook/board/")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).not_to_have_text("進捗一覧")
    expect(page.locator("body")).not_to_contain_text("気仙沼市")


def test_coordinator_cannot_open_another_member(page: Any, coordinator: Any, other_coordinator: Any) -> None:
    login(page, coordinator)

    response = page.goto("/members/042056/")

    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("気仙沼市")


def test_org_admin_cannot_open_the_member_page(page: Any, org_admin: Any) -> None:
    login(page, org_admin)

    response = page.goto("/members/282090/")

    assert response.status in {403, 404}
    expect(page.locator("body")).not_to_contain_text("ガイドブックの進捗")


@pytest.mark.parametrize(("role", "may_edit"), [("support", False), ("secretariat", True)])
def test_only_writers_see_edit_buttons_on_an_organisation(
    page: Any, request: pytest.FixtureRequest, organisation: Any, role: str, may_edit: bool
) -> None:
    login(page, request.getfixturevalue(role))

    page.goto(f"/organisations/{organisation.pk}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(organisation.name)
    expected = 1 if may_edit else 0
    expect(page.get_by_role("link", name="編集する")).to_have_count(expected)
    expect(page.get_by_role("button", name="追加する")).to_have_count(expected)
    expect(page.get_by_role("button", name="この企業・団体の登録を削除する")).to_have_count(expected)
    if not may_edit:
        assert page.goto(f"/organisations/{organisation.pk}/edit/").status == 403


def english_catalogue() -> gettext.NullTranslations | None:
    for locale_dir in settings.LOCALE_PATHS:
        try:
            return gettext.translation("django", localedir=str(locale_dir), languages=["en"])
        except OSError:
            continue
    return None


def test_language_switch(page: Any, coordinator: Any) -> None:
    """Switching to English posts the form and reloads the same page in English. While the project has no
    English catalogue, Japanese text is the fallback; once it has one, the menu must show its translation."""
    login(page, coordinator)
    nav_home = page.get_by_role("navigation").get_by_role("link").first
    expect(nav_home).to_have_text("ホーム")

    # Choosing alone changes nothing (WCAG 3.2.2); the switch button confirms.
    page.locator("#language-select").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("#language-select option[value=en]")).to_have_text("English")
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/i18n/setlang/")):
        with page.expect_navigation():
            page.locator("#language-select + button[type=submit]").click()

    expect(page).to_have_url(ends_with("/members/282090/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-select")).to_have_value("en")
    assert {c["name"]: c["value"] for c in page.context.cookies()}.get(settings.LANGUAGE_COOKIE_NAME) == "en"
    catalogue = english_catalogue()
    english = catalogue.gettext if catalogue is not None else str
    expect(nav_home).to_have_text(english("ホーム"))
    expect(page.locator(".user-box form[action$='/logout/'] button")).to_have_text(english("ログアウト"))
    if catalogue is not None:
        assert english("ホーム") != "ホーム", "the English catalogue does not translate the menu"

    page.locator("#language-select").select_option("ja")
    with page.expect_navigation():
        page.locator("#language-select + button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(nav_home).to_have_text("ホーム")


def test_member_home_fits_a_360px_screen(page: Any, coordinator: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 780})
    login(page, coordinator)
    expect(page).to_have_url(ends_with("/members/282090/"))

    wraps = page.locator(".table-wrap")
    expect(wraps.first).to_be_visible()
    assert wraps.first.evaluate("el => getComputedStyle(el).overflowX") == "auto"  # the stylesheet is applied
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 360 + 2, f"the page is {page_width}px wide on a 360px screen"
    widths = wraps.evaluate_all("els => els.map(el => [el.scrollWidth, el.clientWidth])")
    assert all(client <= 360 for _scroll, client in widths)


def test_a_wide_table_scrolls_inside_its_box_on_a_360px_screen(page: Any, secretariat: Any, organisation: Any) -> None:
    """The audit log's table is far wider than a phone; it must scroll in its own box, and the hidden
    screen-reader texts inside it must not widen the page (they did before .table-wrap was positioned)."""
    from shokuba.network.services import organisation_update

    organisation_update(actor=secretariat, organisation=organisation, name="株式会社テスト精工（新）")
    page.set_viewport_size({"width": 360, "height": 780})
    login(page, secretariat)
    page.goto(page.url.split("/guidebook/")[0] + "/audit/")
    wrap = page.locator(".table-wrap").first
    expect(wrap).to_be_visible()
    scroll, client = wrap.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll > client, "the audit table should be wider than the phone and scroll inside its box"
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 360 + 2, f"the page is {page_width}px wide on a 360px screen"
