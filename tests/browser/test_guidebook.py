"""The guidebook in a real browser: a coordinator updates a step with an evidence file; the secretariat
filters the board."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shokuba.guidebook.models import EvidenceFile, ProgressStatus, StepProgress
from shokuba.guidebook.services import evidence_path
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise looks for collected files in STATIC_ROOT; the live server serves them from the app folders.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

STEP_CODE = "1-a"
STEP_TITLE = "中心となる担当部署（担当者）の決定"
STEP_URL = f"/guidebook/members/282090/steps/{STEP_CODE}/"
SMALL_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def open_step(page: Any) -> None:
    """From the member home, the way a coordinator gets there."""
    page.get_by_role("link", name=STEP_TITLE).click()
    expect(page).to_have_url(re.compile(re.escape(STEP_URL) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(STEP_TITLE)


def test_coordinator_updates_a_step_with_an_evidence_file(page: Any, coordinator: Any, tmp_path: Path) -> None:
    pdf = tmp_path / "取組計画書.pdf"
    pdf.write_bytes(SMALL_PDF)
    started = dt.date.today() - dt.timedelta(days=3)
    login(page, coordinator)
    open_step(page)
    expect(page.get_by_text("資料はまだ登録されていません。")).to_be_visible()

    page.locator("#id_status").select_option(label="進行中")
    page.locator("#id_started_on").fill(started.isoformat())
    page.locator("#id_responsible").fill("人事課 山田")
    page.locator("#id_notes").fill("庁内の推進体制を検討中")
    page.locator("#id_file").set_input_files(str(pdf))
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()

    expect(page).to_have_url(re.compile(re.escape(STEP_URL) + "$"))
    messages = page.locator(".messages")
    expect(messages).to_contain_text(f"「{STEP_TITLE}」の進捗を保存しました。")
    expect(messages).to_contain_text("資料「取組計画書.pdf」を登録しました。")
    expect(page.locator(".step-facts")).to_contain_text("進行中")
    expect(page.locator(".step-facts")).to_contain_text("人事課 山田")
    expect(page.get_by_role("link", name="取組計画書.pdf")).to_be_visible()

    progress = StepProgress.objects.get(member_id="282090", step__code=STEP_CODE)
    assert (progress.status, progress.responsible, progress.started_on) == (
        ProgressStatus.IN_PROGRESS,
        "人事課 山田",
        started,
    )
    assert progress.updated_by_id == coordinator.pk
    evidence = EvidenceFile.objects.get(progress=progress)
    assert (evidence.original_name, evidence.size, evidence.uploaded_by_id) == (
        "取組計画書.pdf",
        len(SMALL_PDF),
        coordinator.pk,
    )
    assert evidence_path(evidence).read_bytes() == SMALL_PDF

    page.get_by_role("link", name="自治体のページへ戻る").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=STEP_TITLE))
    expect(row).to_contain_text("進行中")
    expect(row).to_contain_text("人事課 山田")


def test_a_disguised_upload_is_refused_in_japanese(page: Any, coordinator: Any, tmp_path: Path) -> None:
    disguised = tmp_path / "報告書.pdf"
    disguised.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200)
    login(page, coordinator)
    open_step(page)

    page.locator("#id_status").select_option(label="進行中")
    page.locator("#id_responsible").fill("人事課 山田")
    page.locator("#id_file").set_input_files(str(disguised))
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="保存する").click()

    assert navigation.value.status == 400
    expect(page.get_by_role("alert").first).to_contain_text("保存されていません")
    expect(page.locator("#id_file_error")).to_contain_text("ファイル「報告書.pdf」の中身が拡張子（.pdf）と一致しません")
    expect(page.locator("#id_file")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_responsible")).to_have_value("人事課 山田")
    assert not StepProgress.objects.filter(member_id="282090").exists()
    assert not EvidenceFile.objects.exists()


def board_members(page: Any) -> Any:
    return page.locator("table.board tbody th.board-member a")


def test_secretariat_filters_the_board(page: Any, secretariat: Any) -> None:
    login(page, secretariat)
    expect(page).to_have_url(re.compile(r"/guidebook/board/$"))
    expect(board_members(page).filter(has_text="兵庫県豊岡市")).to_have_count(1)
    expect(board_members(page).filter(has_text="宮城県気仙沼市")).to_have_count(1)

    page.get_by_label("ブロック").select_option(label="近畿")
    with page.expect_navigation():
        page.get_by_role("button", name="絞り込む").click()

    expect(page).to_have_url(re.compile(r"[?&]region_block=" + re.escape("%E8%BF%91%E7%95%BF")))
    expect(board_members(page).filter(has_text="兵庫県豊岡市")).to_have_count(1)
    expect(board_members(page).filter(has_text="宮城県気仙沼市")).to_have_count(0)
    expect(page.locator(".board-meta").filter(has_not_text="近畿")).to_have_count(0)
    expect(page.get_by_label("ブロック")).to_have_value("近畿")

    page.get_by_label("ブロック").select_option(label="東北")
    page.get_by_label("種別").select_option(label="市町村")
    with page.expect_navigation():
        page.get_by_role("button", name="絞り込む").click()

    expect(board_members(page).filter(has_text="宮城県気仙沼市")).to_have_count(1)
    expect(board_members(page).filter(has_text="兵庫県豊岡市")).to_have_count(0)
    expect(board_members(page).filter(has_text=re.compile(r"^宮城県$"))).to_have_count(0)

    with page.expect_navigation():
        page.get_by_role("link", name="条件を解除").click()
    expect(board_members(page).filter(has_text="兵庫県豊岡市")).to_have_count(1)
    expect(board_members(page).filter(has_text="宮城県気仙沼市")).to_have_count(1)
