"""A consultation's whole loop in a real browser: 豊岡市's coordinator asks with an attachment; the support team
answers (the coordinator sees the answer and the bell's unread count), refers to 兵庫労働局 with consent recorded
and a follow-up date, records the contact and an outcome still in support; the daily reminder command runs on the
follow-up date and the support member finds the in-app notice and the mail in the outbox. Screenshots at 1280 and
360 px under test-artifacts/support/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from shokuba.support.models import ReferralRecord
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ARTIFACTS = Path("test-artifacts") / "support"


def _shots(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_ask_answer_refer_outcome_reminder(page: Any, coordinator: Any, support: Any, tmp_path: Path) -> None:
    support.email = "support@example.jp"
    support.save()
    coordinator.email = "coord@example.jp"
    coordinator.save()
    attachment = tmp_path / "説明会案.txt"
    attachment.write_text("説明会の案\n", encoding="utf-8")

    login(page, coordinator)
    page.goto("/support/")
    page.get_by_role("link", name="相談する").click()
    page.locator("#id_theme").select_option("recruitment")
    page.locator("#id_title").fill("参加企業の掘り起こしに労働局の協力を得たい")
    page.locator("#id_description").fill("商工会と説明会を開きます。労働局に協力を頼めますか。")
    page.locator("#id_files").set_input_files(str(attachment))
    page.get_by_role("button", name="相談を送る").click()
    expect(page.get_by_role("heading", level=1, name="参加企業の掘り起こしに労働局の協力を得たい")).to_be_visible()
    expect(page.locator(".consultation-status")).to_have_text("受付")
    expect(page.get_by_role("link", name="説明会案.txt")).to_be_visible()
    url = page.url
    _shots(page, "asked")
    page.get_by_role("button", name="ログアウト").click()

    login(page, support)
    expect(page.get_by_role("link", name="お知らせ 未読1件")).to_be_visible()
    page.goto(url)
    page.locator("#id_body").fill("兵庫労働局の雇用環境・均等部に協力をお願いできます。紹介します。")
    page.get_by_role("button", name="送信する").click()
    expect(page.locator(".consultation-status")).to_have_text("回答済")
    page.locator("#id_body").fill("労働局の担当課に事前に連絡しておく")
    page.locator("#id_internal").check()
    page.get_by_role("button", name="送信する").click()
    page.get_by_role("link", name="専門機関に紹介する").click()
    page.locator("#id_body").select_option(label="28 兵庫労働局 雇用環境・均等部（室）（未確認）")
    page.locator("#id_reason").fill("参加企業の掘り起こしへの協力（説明会での制度紹介）")
    page.locator("#id_consent_note").fill("担当者が相談のページで同意（電話でも確認）")
    page.locator("#id_follow_up_on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="紹介を記録する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("兵庫労働局")
    page.locator("#id_contact_made_on").fill(timezone.localdate().isoformat())
    page.locator("#id_contact_note").fill("担当課に電話で説明会の日程を伝えた")
    page.locator("#id_outcome").select_option("in_support")
    page.locator("#id_outcome_note").fill("説明会に職員が来てくれることになった")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".referral-outcome")).to_have_text("支援を受けている")
    _shots(page, "referral")
    pdf = page.request.get(page.get_by_role("link", name="紹介状（PDF）").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    page.goto("/support/dashboard/")
    expect(page.get_by_role("heading", level=1, name="支援チームのダッシュボード")).to_be_visible()
    _shots(page, "dashboard")

    # The follow-up date has come: the daily reminder command.
    mail.outbox.clear()
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    record = ReferralRecord.objects.get()
    assert record.reminded_on == timezone.localdate()
    assert [m.to for m in mail.outbox if "フォローアップ" in m.subject] == [["support@example.jp"]]
    body = next(m.body for m in mail.outbox if "フォローアップ" in m.subject)
    assert "/notifications/unsubscribe/" in body and f"/support/referrals/{record.pk}/" in body
    page.goto("/notifications/")
    expect(page.get_by_role("button", name="紹介のフォローアップ日です").first).to_be_visible()
    _shots(page, "notifications")
    page.get_by_role("button", name="紹介のフォローアップ日です").first.click()
    expect(page).to_have_url(f"{page.url.split('/support/')[0]}/support/referrals/{record.pk}/")
    page.get_by_role("button", name="ログアウト").click()

    # The member sees the answer and the referral, never the internal note.
    login(page, coordinator)
    page.goto(url)
    expect(page.locator(".consultation-status")).to_have_text("紹介済")
    expect(page.get_by_text("兵庫労働局の雇用環境・均等部に協力をお願いできます。紹介します。")).to_be_visible()
    expect(page.get_by_text("労働局の担当課に事前に連絡しておく")).to_have_count(0)
    _shots(page, "member-view")
