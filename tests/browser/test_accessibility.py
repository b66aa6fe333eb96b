"""Accessibility: axe-core's WCAG 2.0/2.1/2.2 A and AA rules on every page of the URL walk, at 1280 and 360 px.

The target is JIS X 8341-3:2016 level AA. The pages are the ones `test_content_security_policy.py` walks: for each
role, every GET row of the permission matrix (tests/test_permission_matrix.py) that answers it 200, with the matrix's
sample objects; for the anonymous visitor also the public pages outside the matrix (login, the API docs, the 404
page). A new page therefore comes under this test as soon as it has its row in the matrix. Each page is checked as
served, under the Content-Security-Policy (tests/browser/axe.py says how axe gets in), once at 1280 px and once at
360 px wide, and every violation is listed with the page, the rule, the element and the rule's help.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests import test_permission_matrix
from tests.browser.axe import axe_run, violations_describe
from tests.browser.helpers import login
from tests.browser.test_content_security_policy import PUBLIC_PAGES, Visit, _open, _pages_for
from tests.test_permission_matrix import ROLES, World

world = test_permission_matrix.world  # the matrix's fixture: its users and sample objects

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

WIDTHS = (1280, 360)
HEIGHT = 900


def _check(page: Any, axe_source: str, label: str) -> list[str]:
    """axe on the page as it is now, at each width; one line per violating element."""
    found: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        found += violations_describe(f"{label} @{width}px", axe_run(page, axe_source))
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    return found


def _walk(page: Any, axe_source: str, pages: list[tuple[str, str, int]]) -> tuple[Visit, list[str]]:
    visit = Visit()
    found: list[str] = []
    for row, url, status in pages:
        before = len(visit.pages)
        _open(page, row, url, visit, status)
        if len(visit.pages) > before:  # an HTML page, not a download
            found += _check(page, axe_source, f"{row} {url}")
    return visit, found


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anon"])
def test_every_page_a_role_may_open_passes_axe(page: Any, world: World, axe_source: str, role: str) -> None:
    login(page, world.users[role])
    visit, found = _walk(page, axe_source, [(row, url, 200) for row, url in _pages_for(world, role)])
    assert len(visit.pages) >= 10, visit.pages  # really logged in: the role's pages were opened
    assert found == [], f"{len(found)} accessibility violations:\n" + "\n".join(found)


def test_public_pages_pass_axe(page: Any, world: World, axe_source: str) -> None:
    pages = [(row, url, 200) for row, url in _pages_for(world, "anon")] + PUBLIC_PAGES
    visit, found = _walk(page, axe_source, pages)
    assert any("/s/" in url for url in visit.pages) and "/login/" in visit.pages and "/api/v1/docs" in visit.pages
    assert found == [], f"{len(found)} accessibility violations:\n" + "\n".join(found)


def test_api_docs_with_an_operation_tried_pass_axe(page: Any, world: World, axe_source: str) -> None:
    """Swagger UI draws most of itself when an operation is opened: checked then too (api/static/api/swagger-a11y.*)."""
    login(page, world.users["sec"])
    page.goto("/api/v1/docs")
    operation = page.locator(".opblock-get").filter(has=page.locator('[data-path="/api/v1/members"]'))
    operation.locator(".opblock-summary").first.click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    found = _check(page, axe_source, "api docs, an operation tried")
    assert found == [], f"{len(found)} accessibility violations:\n" + "\n".join(found)


def test_a_form_with_errors_and_a_flash_message_pass_axe(page: Any, world: World, axe_source: str) -> None:
    """The walk opens pages as they first appear; errors (core/field.html, non-field lists) and flash messages only
    appear after a submission, so one form is sent wrong, then right, and both answers are checked."""
    login(page, world.users["coord"])
    page.goto(f"/members/{world.toyooka.pk}/organisations/new/")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator('[role="alert"] .errorlist').first).to_be_visible()
    found = _check(page, axe_source, "organisation form with errors")
    page.get_by_label("名称").fill("アクセシビリティ確認株式会社")
    page.get_by_label("業種（日本標準産業分類 大分類）").select_option("E")
    page.get_by_label("従業員規模").select_option(index=1)
    page.get_by_label("所在地の団体コード").fill("282090")
    page.get_by_label("参加日").fill("2026-04-01")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator('[role="status"] .messages')).to_contain_text("アクセシビリティ確認株式会社")
    found += _check(page, axe_source, "organisation page with a flash message")
    assert found == [], f"{len(found)} accessibility violations:\n" + "\n".join(found)
