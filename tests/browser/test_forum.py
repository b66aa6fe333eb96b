"""The forum in a real browser. A coordinator asks in 悩み相談 with the question closed to other members; another
member's coordinator finds nothing of it (not in the list, not in the search, 404 by its address); the support team
answers; the asker marks the answer 「役に立った」. Then a public question @mentions the other coordinator, who is
told (the header's お知らせ) and follows the notice to the post, and reports it; the secretariat hides it from the
moderation queue. Screenshots (and axe-core's WCAG A/AA rules) at 1280 and 360 px."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shokuba.forum.models import Post, Thread
from tests.browser.axe import axe_run, axe_script_path, duplicate_ids, violations_describe
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path("test-artifacts") / "forum"
WORRY = "担当課の協力が得られない"


def _shots(page: Any, name: str) -> None:
    """Screenshots at both widths, and axe-core's WCAG A/AA rules at each (when axe is installed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    axe = axe_script_path()
    problems: list[str] = []
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        if axe is not None:
            problems += violations_describe(f"{name} @{width}px", axe_run(page, axe.read_text(encoding="utf-8")))
    page.set_viewport_size({"width": 1280, "height": 900})
    assert duplicate_ids(page) == []
    assert problems == [], "\n".join(problems)


def _switch(page: Any, user: Any) -> None:
    page.context.clear_cookies()
    login(page, user)


def test_closed_worry_answered_and_a_mention(
    page: Any, coordinator: Any, other_coordinator: Any, support: Any, secretariat: Any
) -> None:
    login(page, coordinator)
    page.get_by_role("link", name="フォーラム", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="フォーラム")).to_be_visible()
    page.get_by_role("link", name="質問・話題を投稿する").click()
    page.get_by_label("カテゴリ").select_option("worries")
    page.get_by_label("題名").fill(WORRY)
    page.get_by_label("本文").fill("庁内の担当課に協力をお願いしても、取組の時間が取れないと断られます。")
    page.get_by_label("他の参加自治体には見せない").check()
    _shots(page, "new")
    page.get_by_role("button", name="投稿する").click()
    expect(page.get_by_text("スレッドを作りました。")).to_be_visible()
    expect(page.get_by_role("note").filter(has_text="このスレッドは他の参加自治体には表示されません")).to_be_visible()
    worry = Thread.objects.get(title=WORRY)
    assert worry.private

    # Another member's coordinator: not in the list, not found, and its address does not exist.
    _switch(page, other_coordinator)
    page.goto("/forum/")
    expect(page.get_by_role("link", name="悩み相談（0）")).to_be_visible()
    expect(page.get_by_text(WORRY)).to_have_count(0)
    page.get_by_label("キーワード").fill("担当課")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("status").filter(has_text="「担当課」の検索結果: 0件")).to_be_visible()
    assert page.goto(f"/forum/threads/{worry.pk}/").status == 404  # type: ignore[union-attr]

    # The support team finds it and answers.
    _switch(page, support)
    page.goto("/forum/?category=worries")
    page.get_by_role("link", name=WORRY).click()
    page.get_by_role("textbox", name="返信").fill("首長向けに1枚の資料を作り、担当課の負担が増えない形を示しましょう。")
    page.get_by_role("button", name="返信する").click()
    expect(page.get_by_text("返信しました。")).to_be_visible()

    # The asker marks the answer helpful.
    _switch(page, coordinator)
    page.goto(f"/forum/threads/{worry.pk}/")
    answer = page.locator(".forum-posts > li").nth(1)
    answer.get_by_role("button", name="役に立った").click()
    expect(page.get_by_text("この回答に「役に立った」を付けました。")).to_be_visible()
    expect(page.locator(".forum-posts > li").nth(1).get_by_text("質問者が「役に立った」")).to_be_visible()
    assert Post.objects.get(thread=worry, helpful=True).author_id == support.pk
    # The asker adds a line to the question: readers see 「編集済み」 and the earlier text in the history.
    page.locator(".forum-posts > li").first.get_by_role("link", name="編集する").click()
    page.get_by_label("本文").fill(
        "庁内の担当課に協力をお願いしても、取組の時間が取れないと断られます。\n首長にはまだ相談していません。"
    )
    _shots(page, "edit")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("投稿を編集しました。")).to_be_visible()
    question = page.locator(".forum-posts > li").first
    expect(question.get_by_text("編集済み", exact=True)).to_be_visible()
    question.get_by_text("編集の履歴（1件）").click()
    expect(question.locator("details li")).to_contain_text("取組の時間が取れないと断られます。")
    _shots(page, "worry")  # with the flash message: axe checks the status region too

    # A public question names the other coordinator; they are told and follow the notice.
    page.goto("/forum/threads/new/?category=4")
    page.get_by_label("題名").fill("男性の育休の説明会")
    page.get_by_label("本文").fill(f"@{other_coordinator.username} さん、管理職向けの説明はどうしましたか。")
    page.get_by_role("button", name="投稿する").click()
    expect(page.get_by_text("スレッドを作りました。")).to_be_visible()
    public = Thread.objects.get(title="男性の育休の説明会")
    _switch(page, other_coordinator)
    expect(page.get_by_role("link", name="お知らせ 未読1件")).to_be_visible()
    page.get_by_role("link", name="お知らせ 未読1件").click()
    notice = page.get_by_role("button", name="フォーラム「男性の育休の説明会」であなたの名前が挙げられました")
    expect(notice).to_be_visible()
    notice.click()
    expect(page).to_have_url(re.compile(rf"/forum/threads/{public.pk}/#post-\d+$"))
    expect(page.get_by_text("管理職向けの説明はどうしましたか。")).to_be_visible()
    page.goto("/forum/")
    _shots(page, "index")

    # The other coordinator reports the question; the secretariat finds it in the queue and hides it with a reason.
    page.goto(f"/forum/threads/{public.pk}/")
    page.get_by_text("事務局に報告する").click()
    page.get_by_role("button", name="報告する").click()
    expect(page.get_by_text("報告の理由を入力してください。")).to_be_visible()  # refused: the field is named
    page.get_by_label("報告の理由").fill("個人が特定される書き方です。")
    page.get_by_role("button", name="報告する").click()
    expect(page.get_by_text("投稿を事務局に報告しました。")).to_be_visible()
    _switch(page, secretariat)
    page.goto("/forum/")
    page.get_by_role("link", name="未対応の報告（1件）").click()
    _shots(page, "moderation")
    page.get_by_label("理由").fill("個人が特定されるため非表示にしました。")
    page.get_by_role("button", name="非表示にする").click()
    expect(page.get_by_text("投稿のモデレーションを記録しました。")).to_be_visible()
    expect(page.get_by_text("未対応の報告はありません。")).to_be_visible()
    _switch(page, other_coordinator)
    page.goto(f"/forum/threads/{public.pk}/")
    expect(page.get_by_text("この投稿は事務局が非表示にしました。")).to_be_visible()
    expect(page.get_by_text("管理職向けの説明はどうしましたか。")).to_have_count(0)
