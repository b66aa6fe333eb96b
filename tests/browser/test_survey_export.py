"""A large wave's responses in a real browser: the coordinator asks for a file, follows the job to the end and
downloads it; the page works on a phone-sized screen too."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shokuba.surveys import exports, services
from shokuba.surveys.models import ExportJob
from tests.browser.conftest import SCREENSHOT_DIR
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise looks for collected files in STATIC_ROOT; the live server serves them from the app folders.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

WAVE_NAME = "2026年度 住民調査"


def answered_wave(coordinator: Any, responses: int) -> Any:
    questionnaire = services.questionnaire_create_from_template(
        actor=coordinator, member=coordinator.member, template_code="resident"
    )
    version = services.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())
    today = dt.date.today()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name=WAVE_NAME,
        fiscal_year=2026,
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=7),
        public_link=True,
    )
    wave = services.wave_open(actor=coordinator, wave=wave)
    link = wave.links.get()
    for index in range(responses):
        services.response_submit(
            link=link,
            submission_id=uuid.uuid4(),
            answers={"RS-01": "3", "RS-02": ["04", "08"], "RS-03": "1", "RS-04": ["1", "5"], "RS-05": "2"}
            | ({"RS-FREE": "=駅の近くに保育所がほしい"} if index == 0 else {}),
            attributes={"sex": "F" if index % 2 else "M"},
        )
    return wave


def shoot(page: Any, rootpath: Path, name: str) -> None:
    path = rootpath / SCREENSHOT_DIR / name
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def test_coordinator_exports_a_large_wave_in_the_background(
    page: Any, coordinator: Any, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setattr(exports, "SYNC_EXPORT_MAX", 2)  # three responses make this a "large" wave
    wave = answered_wave(coordinator, 3)
    login(page, coordinator)
    page.goto(f"/surveys/waves/{wave.pk}/")
    section = page.locator("#export")
    expect(section.get_by_role("heading", name="回答のダウンロード")).to_be_visible()
    expect(section).to_contain_text("ファイルをサーバーで作成してからダウンロードします")
    expect(section.get_by_role("link", name="CSV（UTF-8）")).to_have_count(0)  # one way only: the background job
    shoot(page, request.config.rootpath, "survey-export-wave.png")

    section.get_by_label("CSV（Shift_JIS / CP932）").check()
    with page.expect_navigation():
        section.get_by_role("button", name="ファイルを作成する").click()

    job = ExportJob.objects.get()
    expect(page).to_have_url(f"{page.url.split('/surveys/')[0]}/surveys/exports/{job.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("ファイルの作成")
    expect(page.get_by_role("status")).to_contain_text("完了", timeout=30_000)  # the page refreshes until done
    expect(page.get_by_role("status")).to_contain_text("3件の回答を書き出しました。")
    shoot(page, request.config.rootpath, "survey-export-job.png")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"{WAVE_NAME}_回答.csv をダウンロード").click()
    download = download_info.value
    assert download.suggested_filename == f"{WAVE_NAME}_回答.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_bytes().decode("cp932"))))
    assert rows[0][:4] == ["回答ID", "回答日", "企業・団体", "経路"] and len(rows) == 4
    assert "'=駅の近くに保育所がほしい" in [row[rows[0].index("RS-FREE")] for row in rows[1:]]

    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    shoot(page, request.config.rootpath, "survey-export-job-360.png")
    page.get_by_role("link", name="回答のダウンロード").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("回答のダウンロード")
    expect(page.get_by_role("table")).to_contain_text("完了")
    shoot(page, request.config.rootpath, "survey-export-history-360.png")
    page.goto(f"/surveys/waves/{wave.pk}/#export")
    shoot(page, request.config.rootpath, "survey-export-wave-360.png")
