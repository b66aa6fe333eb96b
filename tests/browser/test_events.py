"""Lectures and exchange meetings in a real browser: the secretariat creates a lecture for one person, 豊岡市's
coordinator registers, 気仙沼市's coordinator is refused as full in plain Japanese, the reminder goes out the day
before (in the app and by mail), the secretariat records attendance and links the materials after the event, the
coordinator sees the materials link and downloads the .ics, which parses back. Screenshots at 1280 and 360 px."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from shokuba.core.notifications import reminders_run
from shokuba.events.models import Event, Registration
from shokuba.events.tests.icalparse import parse
from tests.browser.axe import axe_run, axe_script_path, violations_describe
from tests.browser.helpers import csp_violations_collect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path("test-artifacts") / "events"
TOKYO = dt.timezone(dt.timedelta(hours=9))


AXE_FOUND: list[str] = []


def _shots(page: Any, name: str) -> None:
    """Screenshots at 1280 and 360 px, and axe-core's WCAG A/AA rules at each width (when axe is installed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    axe = axe_script_path()
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        if axe is not None:
            found = violations_describe(f"{name} @{width}px", axe_run(page, axe.read_text("utf-8")))
            AXE_FOUND.extend(found)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_create_register_full_remind_attend_materials_ics(
    page: Any, live_server: Any, secretariat: Any, coordinator: Any, other_coordinator: Any
) -> None:
    for user in (coordinator, other_coordinator):
        user.email = f"{user.username}@example.jp"
        user.save(update_fields=["email"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    login(page, secretariat)
    page.get_by_role("link", name="研修・交流会", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="研修・交流会")).to_be_visible()
    page.get_by_role("link", name="研修・交流会を作る").click()
    page.get_by_label("種類").select_option("lecture")
    page.get_by_label("名称").fill("男性の育休を職場で支える")
    page.get_by_label("講師・話題提供").fill("○○大学 教授 山田花子")
    page.get_by_label("内容").fill("育休の制度と、引き継ぎの手順。")
    page.get_by_label("開始日時").fill(f"{tomorrow.isoformat()}T14:00")
    page.get_by_label("終了日時").fill(f"{tomorrow.isoformat()}T12:00")
    page.get_by_label("会場", exact=True).fill("東京都千代田区 会議室A")
    page.get_by_label("オンライン参加のURL").fill("https://meet.example.jp/lecture")
    page.get_by_label("定員").fill("1")
    page.get_by_role("button", name="保存する").click()
    # Bad input: the field is named, nothing is stored.
    expect(page.get_by_text("終了日時は開始日時より後にしてください。")).to_be_visible()
    assert not Event.objects.exists()
    _shots(page, "form-error")
    page.get_by_label("終了日時").fill(f"{tomorrow.isoformat()}T16:00")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("研修・交流会を保存しました。")).to_be_visible()
    event = Event.objects.get()
    assert event.starts_at == dt.datetime(tomorrow.year, tomorrow.month, tomorrow.day, 14, tzinfo=TOKYO)

    # 気仙沼市's coordinator opens the lecture while the place is still free …
    other_context = page.context.browser.new_context(base_url=live_server.url, locale="ja-JP")
    other_violations = csp_violations_collect(other_context)
    other_page = other_context.new_page()
    login(other_page, other_coordinator)
    other_page.goto(f"/events/{event.pk}/")
    expect(other_page.get_by_text("1人（申込 0人、残り 1人）")).to_be_visible()

    # … 豊岡市's coordinator registers first …
    page.context.clear_cookies()
    login(page, coordinator)
    page.get_by_role("link", name="研修・交流会", exact=True).click()
    page.get_by_role("link", name="男性の育休を職場で支える").click()
    page.get_by_role("button", name="参加を申し込む").click()
    expect(page.get_by_text("参加を申し込みました。")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="申し込んでいます。")).to_be_visible()
    _shots(page, "registered")

    # … and 気仙沼市's is refused as full, in Japanese, with nothing stored.
    other_page.get_by_role("button", name="参加を申し込む").click()
    expect(other_page.get_by_role("alert")).to_contain_text("定員（1人）に達したため、申し込めません。")
    expect(other_page.get_by_text("1人（申込 1人、残り 0人）")).to_be_visible()
    expect(other_page.get_by_text(coordinator.username)).to_have_count(0)  # another member's registration
    _shots(other_page, "full")
    other_page.goto(f"/events/{event.pk}/")
    expect(other_page.get_by_role("status")).to_contain_text("定員に達しているため、いまは申し込めません。")
    expect(other_page.get_by_role("button", name="参加を申し込む")).to_have_count(0)
    other_page.evaluate("0")  # delivers the reports still on their way
    other_context.close()
    assert other_violations == []
    assert Registration.objects.count() == 1

    # The reminder the day before (the daily timer runs manage.py send_reminders): only the person registered.
    mail.outbox.clear()
    day_before = dt.datetime(tomorrow.year, tomorrow.month, tomorrow.day, 7, tzinfo=TOKYO) - dt.timedelta(days=1)
    assert reminders_run(day_before)["events.day_before"] == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "男性の育休を職場で支える" in mail.outbox[0].subject and "14:00" in mail.outbox[0].body

    # The lecture takes place (the clock moves past it).
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(starts_at=now - dt.timedelta(hours=3), ends_at=now - dt.timedelta(hours=1))
    page.context.clear_cookies()
    login(page, secretariat)
    page.goto(f"/events/{event.pk}/")
    page.get_by_label(coordinator.username, exact=False).check()
    page.get_by_role("button", name="出席を保存する").click()
    expect(page.get_by_text("出席を記録しました。")).to_be_visible()
    page.get_by_label("資料のURL").fill("not a url")
    page.get_by_role("button", name="リンクを保存する").click()
    expect(page.get_by_role("alert")).to_contain_text("資料のURLは http:// か https:// で始まる")
    page.get_by_label("資料のURL").fill("https://example.jp/lecture/slides.pdf")
    page.get_by_label("録画のURL").fill("https://example.jp/lecture/recording")
    page.get_by_role("button", name="リンクを保存する").click()
    expect(page.get_by_text("資料と録画のリンクを保存しました。")).to_be_visible()
    _shots(page, "secretariat")
    assert Registration.objects.get().attended is True

    page.context.clear_cookies()
    login(page, coordinator)
    expect(page.get_by_role("link", name="お知らせ 未読1件")).to_be_visible()
    page.goto(f"/events/{event.pk}/")
    expect(page.get_by_role("link", name="資料を見る")).to_have_attribute(
        "href", "https://example.jp/lecture/slides.pdf"
    )
    expect(page.get_by_text("出席が記録されています。")).to_be_visible()
    _shots(page, "after")
    with page.expect_download() as download:
        page.get_by_role("link", name="カレンダーに追加（.ics）").click()
    body = download.value.path().read_bytes()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "event.ics").write_bytes(body)
    calendar, vevent = parse(body)
    assert calendar["METHOD"] == "PUBLISH"
    assert vevent["SUMMARY"] == "男性の育休を職場で支える" and vevent["UID"] == f"{event.uid}@shokuba.events"
    assert vevent["LOCATION"] == "東京都千代田区 会議室A / https://meet.example.jp/lecture"
    assert download.value.suggested_filename.endswith(".ics")
    page.goto("/events/")
    _shots(page, "index")
    assert AXE_FOUND == [], "\n".join(AXE_FOUND)
