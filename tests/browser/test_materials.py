"""Training materials in a real browser: the secretariat uploads a PDF and then a second version; a coordinator
finds it by searching, downloads it (the count goes up), opens a workshop kit, ticks step 4(5)'s cautions and
records a workshop (counts only), asks for an expert's introduction; the secretariat records it as 紹介済 and the
coordinator is told (in the app and by mail). Screenshots at 1280 and 360 px."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from shokuba.core.permissions import SYSTEM
from shokuba.materials import services
from shokuba.materials.models import IntroductionStatus, MaterialVersion, WorkshopRecord
from tests.browser.axe import axe_run, axe_script_path, violations_describe
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path("test-artifacts") / "materials"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


AXE = axe_script_path()
VIOLATIONS: list[str] = []


def _shots(page: Any, name: str) -> None:
    """Screenshots at 1280 and 360 px, and axe's WCAG A/AA rules at both widths when axe is installed."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        if AXE is not None:
            VIOLATIONS.extend(violations_describe(f"{name} @{width}px", axe_run(page, AXE.read_text(encoding="utf-8"))))
    page.set_viewport_size({"width": 1280, "height": 900})


def _pdf(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def test_upload_find_download_record_and_ask_for_an_expert(page: Any, coordinator: Any, secretariat: Any) -> None:
    for user in (coordinator, secretariat):
        user.email = f"{user.username}@example.jp"
        user.save(update_fields=["email"])
    services.expert_create(
        actor=SYSTEM,
        data=services.ExpertInput(
            name="山田 花子",
            affiliation="架空大学",
            specialties="アンコンシャス・バイアス",
            lectures="2025年 管理職研修",
        ),
    )

    # The secretariat uploads a PDF, then a second version of it, and makes a kit with it.
    login(page, secretariat)
    page.get_by_role("link", name="研修素材", exact=True).click()
    page.get_by_role("link", name="素材を登録する").click()
    _shots(page, "material-form")
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_text("素材の名前を入力してください。")).to_be_visible()  # bad input: the field named
    page.get_by_label("素材の名前").fill("気づきのワークショップ 進行スライド")
    page.get_by_label("説明").fill("職場のアンコンシャス・バイアスに気づく研修の進行スライド")
    page.locator("#id_file").set_input_files(_pdf("slides-v1.pdf"))
    page.get_by_label("ライセンス").select_option("cc-by-4.0")
    page.get_by_label("企業・団体（経営者・人事）").check()
    page.get_by_label("ガイドブックの手順").select_option(["4-5"])
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_text("研修素材を登録しました。")).to_be_visible()
    page.locator("#id_file").set_input_files(_pdf("slides-v2.pdf"))
    page.get_by_label("この版の変更点").fill("事例を差し替え")
    page.get_by_role("button", name="新しい版を登録する").click()
    expect(page.get_by_text("第2版を登録しました。")).to_be_visible()
    rows = page.locator("#versions-heading + .table-wrap tbody tr")
    expect(rows.first).to_contain_text("第2版")
    expect(rows.nth(1)).to_contain_text("第1版")
    page.goto("/materials/kits/new/")
    page.get_by_label("キットの名前").fill("気づきのワークショップ・キット")
    page.get_by_label("進行役の手引き").fill("1. 目的の説明（10分）\n2. グループ討議（40分）")
    page.get_by_label("気づきのワークショップ 進行スライド").check()
    page.get_by_role("button", name="作る").click()
    expect(page.get_by_text("ワークショップ・キットを作りました。")).to_be_visible()

    # A coordinator finds it, downloads the newest version (the count goes up).
    page.context.clear_cookies()
    login(page, coordinator)
    page.get_by_role("link", name="研修素材", exact=True).click()
    page.get_by_label("キーワード").fill("バイアス")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("status").filter(has_text="「バイアス」の検索結果: 1件")).to_be_visible()
    _shots(page, "index")
    page.get_by_role("link", name="気づきのワークショップ 進行スライド").click()
    expect(page.get_by_test_id("downloads")).to_have_text("0")
    with page.expect_download() as download:
        page.get_by_role("link", name="slides-v2.pdf をダウンロード").click()
    assert download.value.suggested_filename == "slides-v2.pdf"
    page.reload()
    expect(page.get_by_test_id("downloads")).to_have_text("1")
    assert MaterialVersion.objects.get(original_name="slides-v2.pdf").downloads == 1
    _shots(page, "material")

    # … opens the kit, ticks step 4(5)'s cautions and records a workshop.
    page.get_by_role("link", name="気づきのワークショップ・キット").click()
    boxes = page.locator(".checklist input[type=checkbox]")
    expect(boxes).to_have_count(4)
    boxes.nth(2).check()
    boxes.nth(3).check()
    page.get_by_label("ワークショップの名前").fill("参加事業所向け 気づきのワークショップ")
    page.get_by_label("実施日").fill("2026-11-20")
    page.get_by_label("参加者：企業・団体の経営者・人事").fill("14")
    page.get_by_label("参加者：従業員").fill("22")
    page.get_by_label("アンケート：役に立った").fill("30")
    _shots(page, "kit")
    page.get_by_role("button", name="ワークショップを記録する").click()
    expect(page.get_by_text("ワークショップを記録しました。")).to_be_visible()
    record = WorkshopRecord.objects.get()
    assert record.participants == 36 and len(record.cautions_checked) == 2
    expect(page.get_by_text("ワークショップでアンケート結果を示すときは", exact=False)).to_be_visible()
    _shots(page, "workshop")  # with the flash message: axe checks the status region too

    # … and asks for an expert's introduction.
    page.goto("/materials/experts/")
    page.get_by_role("link", name="山田 花子").click()
    page.get_by_label("依頼の目的").fill("管理職向けの研修で、思い込みについて話してほしい。")
    page.get_by_label("希望する日程").fill("2027年2月の平日午後")
    _shots(page, "expert")
    page.get_by_role("button", name="事務局に紹介を依頼する").click()
    expect(page.get_by_text("紹介を依頼しました。")).to_be_visible()

    # The secretariat records it as 紹介済.
    mail.outbox.clear()
    page.context.clear_cookies()
    login(page, secretariat)
    page.goto("/materials/")
    page.get_by_role("link", name="紹介の依頼（受付 1件）").click()
    page.locator("table tbody a").first.click()
    page.get_by_label("紹介済").check()
    page.get_by_label("事務局の記録").fill("山田先生に連絡し、連絡先をお送りしました。")
    _shots(page, "introduction")
    page.get_by_role("button", name="記録して自治体に知らせる").click()
    expect(page.get_by_text("対応を記録しました。")).to_be_visible()

    # The coordinator is told: by mail, and in the app, whose notice leads back to the request.
    routed = [m for m in mail.outbox if "紹介済" in m.subject]
    assert [m.to for m in routed] == [[coordinator.email]]
    page.context.clear_cookies()
    login(page, coordinator)
    page.get_by_role("link", name="お知らせ 未読1件").click()
    notice = page.get_by_role("button", name="有識者の紹介の依頼（山田 花子）：紹介済")
    expect(notice).to_be_visible()
    notice.click()
    expect(page).to_have_url(re.compile(r"/materials/introductions/\d+/$"))
    expect(page.get_by_text("山田先生に連絡し、連絡先をお送りしました。")).to_be_visible()
    from shokuba.materials.models import IntroductionRequest

    assert IntroductionRequest.objects.get().status == IntroductionStatus.INTRODUCED
    assert VIOLATIONS == [], "\n".join(VIOLATIONS)
