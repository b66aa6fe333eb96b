"""The survey engine in a real browser, end to end: a coordinator copies a template, edits a question, looks at it
on a phone-sized preview, publishes, creates and opens a wave with a public link and a per-organisation link; a
resident answers on a 360 px phone (conditional question, ranking, a reload that keeps the answers), is told what
is missing, submits and is confirmed; the coordinator sees the count rise and downloads the flyer."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from shokuba.surveys.models import Response, ResponseAnswer, Wave
from tests.browser.conftest import SCREENSHOT_DIR
from tests.browser.helpers import csp_violations_collect, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

TEMPLATE_TITLE = "若者・女性の地元定着と転出に関する意識調査"
NEW_WORDING = "現在のお住まいについて、いちばん近いものを選んでください。"
PHONE = {"width": 360, "height": 740}


def shot(page: Any, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"survey-flow-{name}.png"), full_page=True)


def author_and_publish(page: Any) -> None:
    page.goto("/members/282090/surveys/")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(f"^このひな型から作成 ?（「{TEMPLATE_TITLE}」）$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TEMPLATE_TITLE)

    page.get_by_role("link", name="質問 RS-01 を編集").click()
    page.get_by_label("質問文").fill(NEW_WORDING)
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    expect(page.locator("main")).to_contain_text(NEW_WORDING)

    with page.expect_navigation():
        page.get_by_role("button", name="第1版を公開する").click()
    expect(page.locator("main")).to_contain_text("公開済み")

    page.get_by_role("link", name="スマートフォン表示で確認する").click()
    expect(page.locator("iframe, main")).not_to_have_count(0)
    shot(page, "phone-preview")
    page.go_back()


def create_and_open_wave(page: Any, organisation_name: str) -> None:
    page.get_by_role("link", name="この版で調査を作成する").click()
    today = dt.date.today()
    page.get_by_label("調査の名称").fill("2026年度 住民意識調査")
    page.get_by_label("年度").fill("2026")
    page.get_by_label("回答受付の開始日").fill(today.isoformat())
    page.get_by_label("回答受付の終了日").fill((today + dt.timedelta(days=30)).isoformat())
    page.get_by_label("全体で1つのリンク").check()
    page.get_by_label(organisation_name).check()
    with page.expect_navigation():
        page.get_by_role("button", name="作成する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026年度 住民意識調査")
    with page.expect_navigation():
        page.get_by_role("button", name="回答の受付を始める").click()
    expect(page.get_by_role("button", name="回答の受付を終了する")).to_be_visible()


def test_coordinator_authors_distributes_and_a_resident_answers_on_a_phone(
    page: Any, browser: Any, live_server: Any, coordinator: Any, organisation: Any
) -> None:
    login(page, coordinator)
    author_and_publish(page)
    create_and_open_wave(page, organisation.name)
    shot(page, "wave")

    public_row = page.get_by_role("row").filter(has_text="全体（共通リンク）")
    link_url = public_row.locator(".link-cell a").inner_text()
    assert re.search(r"/s/[A-Za-z0-9_-]{32,}/$", link_url)
    flyer = page.request.get(public_row.get_by_role("link", name="チラシ（PDF）").get_attribute("href"))
    assert flyer.status == 200 and flyer.headers["content-type"] == "application/pdf"
    assert flyer.body().startswith(b"%PDF")
    qr = page.request.get(public_row.get_by_role("link", name="PNG").get_attribute("href"))
    assert qr.status == 200 and qr.body().startswith(b"\x89PNG")

    # A resident on a phone: a fresh browser context, no login, no cookies.
    phone_context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="ja-JP")
    phone_violations = csp_violations_collect(phone_context)
    phone = phone_context.new_page()
    try:
        phone.goto(link_url)
        expect(phone.get_by_role("heading", level=1)).to_contain_text(TEMPLATE_TITLE)
        expect(phone.locator("main")).to_contain_text(NEW_WORDING)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # RS-02 (the reasons for moving, a ranking) appears only for those who moved away.
        reasons = phone.locator("[data-question='RS-02']")
        expect(reasons).to_be_hidden()
        phone.locator("[data-question='RS-01']").get_by_text("地元を離れて、ほかの地域に住んでいる").click()
        expect(reasons).to_be_visible()
        reasons.locator("select").nth(0).select_option(index=3)
        reasons.locator("select").nth(1).select_option(index=1)
        expect(phone.locator(".progress-text")).to_contain_text("問")
        assert phone.locator(".survey-progress progress").evaluate("bar => bar.value") > 0

        # The connection drops, the page reloads: the answers are still there (kept in the browser).
        phone.reload()
        expect(phone.locator("[data-question='RS-01'] input:checked")).to_have_count(1)
        expect(reasons).to_be_visible()

        # Submitting with required answers missing: told next to the fields, nothing stored.
        with phone.expect_navigation():
            phone.get_by_role("button", name="回答を送信する").click()
        expect(phone.locator(".field-error").first).to_be_visible()
        assert Response.objects.count() == 0
        shot(phone, "phone-missing")

        for code in ("RS-03", "RS-05"):
            phone.locator(f"[data-question='{code}'] input[type=radio]").first.check()
        phone.locator("[data-question='RS-04'] input[type=checkbox]").nth(0).check()
        phone.locator("[data-question='RS-04'] input[type=checkbox]").nth(2).check()
        phone.locator("[data-question='sex'] input[type=radio]").first.check()
        with phone.expect_navigation():
            phone.get_by_role("button", name="回答を送信する").click()
        expect(phone.locator("main")).to_contain_text("回答を受け付けました")
        shot(phone, "phone-thanks")
        assert not phone_context.cookies()
        assert phone_violations == [], f"Content-Security-Policy violations on the phone: {phone_violations}"
    finally:
        phone_context.close()

    stored = Response.objects.get()
    assert stored.organisation_id is None and stored.sex != ""
    assert stored.answers["RS-01"] == "3"
    assert ResponseAnswer.objects.filter(submission_id=stored.submission_id, item_code="RS-02").count() == 2

    page.reload()
    expect(page.locator(".cards-summary")).to_contain_text("回答数 1件")
    assert Wave.objects.get().status == "open"
