"""The case library in a real browser: a coordinator writes a case with what failed and why, submits it, the
secretariat approves it, another member's coordinator finds it by searching 育休 (the word marked in the hit),
opens it and comments, and the author is told: in the app (the header's お知らせ, the list, a click back to the
comment) and by mail. Screenshots of the library, the form, the case and the review queue at 1280 and 360 px."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from shokuba.learning.models import Case, CaseState
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path("test-artifacts") / "learning"


def _shots(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_write_approve_find_comment(page: Any, coordinator: Any, secretariat: Any, other_coordinator: Any) -> None:
    for user in (coordinator, secretariat, other_coordinator):
        user.email = f"{user.username}@example.jp"
        user.save(update_fields=["email"])
    login(page, coordinator)
    page.get_by_role("link", name="事例", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="事例ライブラリ")).to_be_visible()
    page.get_by_role("link", name="事例を書く").click()
    page.get_by_label("事例の名前").fill("男性の育休を広げる説明会")
    page.get_by_label("ガイドブックの手順").select_option(["4-3"])
    page.get_by_label("育休・両立支援").check()
    page.get_by_label("取り組んだこと").fill("子どもが生まれる社員のいる事業所を回り、育休の制度を説明した。")
    page.get_by_label("起きたこと・結果").fill("12社が参加し、3人が育休を取った。")
    page.get_by_label("教訓・次にやるなら").fill("管理職向けに引き継ぎの手順を先に示す。")
    _shots(page, "form")
    page.get_by_role("button", name="下書きを保存").click()
    expect(page.get_by_text("事例を保存しました（下書き）。")).to_be_visible()

    # Without what failed and why, the case cannot be submitted: the page says which parts are missing.
    page.get_by_role("button", name="事務局に提出する").click()
    expect(page.get_by_text("提出する前に「うまくいかなかったこと」を書いてください。")).to_be_visible()
    page.get_by_role("link", name="編集する").click()
    page.get_by_label("うまくいかなかったこと", exact=True).fill("経営者向けの案内だけでは管理職に届かなかった。")
    page.get_by_label("うまくいかなかった理由").fill("管理職が代替要員の確保を心配していた。")
    page.get_by_role("button", name="下書きを保存").click()
    page.get_by_role("button", name="事務局に提出する").click()
    expect(page.get_by_text("事例を事務局に提出しました。")).to_be_visible()
    case = Case.objects.get(title="男性の育休を広げる説明会")
    assert case.state == CaseState.SUBMITTED

    page.context.clear_cookies()
    login(page, secretariat)
    page.goto("/learning/")
    page.get_by_role("link", name="確認待ちの事例（1件）").click()
    _shots(page, "review")
    page.get_by_role("link", name="男性の育休を広げる説明会").click()
    page.get_by_role("button", name="承認してネットワークに公開する").click()
    expect(page.get_by_text("事例を承認しました。")).to_be_visible()

    mail.outbox.clear()
    page.context.clear_cookies()
    login(page, other_coordinator)
    page.goto("/learning/")
    page.get_by_label("キーワード").fill("育休")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("status").filter(has_text="「育休」の検索結果: 1件")).to_be_visible()
    hit = page.locator(".hits li").first
    expect(hit.locator("mark").first).to_have_text("育休")
    _shots(page, "search")
    hit.get_by_role("link").click()
    expect(page.get_by_role("heading", level=2, name="うまくいかなかったことと理由")).to_be_visible()
    page.get_by_role("button", name="参考になった").click()
    expect(page.get_by_text("「参考になった」を付けました。")).to_be_visible()
    page.get_by_role("textbox", name="コメント").fill("気仙沼でも管理職向けの説明から試します。")
    page.get_by_role("button", name="コメントする").click()
    expect(page.get_by_text("コメントを投稿しました。")).to_be_visible()
    expect(page.get_by_text("気仙沼でも管理職向けの説明から試します。")).to_be_visible()
    _shots(page, "case")

    # The author is told by mail (only the author: the commenter and the other member hear nothing) …
    commented = [m for m in mail.outbox if "コメントがありました" in m.subject]
    assert [m.to for m in commented] == [[coordinator.email]]
    assert "気仙沼でも管理職向けの説明から試します。" in commented[0].body
    assert f"/learning/cases/{case.pk}/" in commented[0].body and "/notifications/unsubscribe/" in commented[0].body
    # … and in the app: the approval and the comment wait unread; the comment's notice leads to the comment.
    page.get_by_role("button", name="ログアウト").click()
    login(page, coordinator)
    expect(page.get_by_role("link", name="お知らせ 未読2件")).to_be_visible()
    page.get_by_role("link", name="お知らせ 未読2件").click()
    notice = page.get_by_role("button", name="事例「男性の育休を広げる説明会」にコメントがありました")
    expect(notice).to_be_visible()
    expect(page.get_by_role("button", name="事例が承認されました：「男性の育休を広げる説明会」")).to_be_visible()
    _shots(page, "notifications")
    notice.click()
    expect(page).to_have_url(re.compile(rf"/learning/cases/{case.pk}/#comments-heading$"))
    expect(page.get_by_text("気仙沼でも管理職向けの説明から試します。")).to_be_visible()
