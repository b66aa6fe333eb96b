"""Paper responses in a real browser: a coordinator downloads the blank import sheet from the wave page, fills it
in (openpyxl, as Excel would), uploads it and sees the count; then uploads a sheet with mistakes and sees each
mistake by row and column, with nothing saved."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from shokuba.surveys import services
from shokuba.surveys.models import Response, ResponseImport
from tests.browser.conftest import SCREENSHOT_DIR
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise looks for collected files in STATIC_ROOT; the live server serves them from the app folders.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

WAVE_NAME = "2026年度 紙の調査"


def open_wave(coordinator: Any, organisation: Any) -> Any:
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
        organisations=[organisation],
    )
    return services.wave_open(actor=coordinator, wave=wave)


def fill(blank: bytes, rows: list[dict[str, Any]]) -> bytes:
    book = load_workbook(io.BytesIO(blank))
    sheet = book["回答"]
    header = [cell.value for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(str(h)) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def paper_form(**cells: Any) -> dict[str, Any]:
    """One 住民 questionnaire on paper, as typed in: codes, 1/0 for the options of a multiple choice."""
    row: dict[str, Any] = {
        "企業・団体": "株式会社テスト精工",
        "sex": "F",
        "age_band": "30",
        "RS-01": 3,
        "RS-02_1位": "04",
        "RS-02_2位": "08",
        "RS-03": 1,
        "RS-04_1": 1,
        "RS-04_5": 1,
        "RS-05": 2,
        "RS-FREE": "駅の近くに保育所がほしい。",
    }
    row.update(cells)
    return row


def shoot(page: Any, rootpath: Path, name: str) -> None:
    path = rootpath / SCREENSHOT_DIR / name
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def test_coordinator_imports_paper_responses_and_sees_mistakes_by_cell(
    page: Any, coordinator: Any, organisation: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    wave = open_wave(coordinator, organisation)
    login(page, coordinator)
    page.goto(f"/surveys/waves/{wave.pk}/")
    section = page.locator("#import")
    expect(section.get_by_role("heading", name="紙・Excel の回答の取込")).to_be_visible()
    expect(section).to_contain_text("まだ取り込んでいません。")

    with page.expect_download() as download_info:
        section.get_by_role("link", name="取込用シート（Excel）").click()
    blank = Path(download_info.value.path()).read_bytes()
    assert download_info.value.suggested_filename == f"{WAVE_NAME}_取込用シート.xlsx"

    good = tmp_path / "紙の回答.xlsx"
    good.write_bytes(fill(blank, [paper_form(), paper_form(sex="M", **{"RS-02_2位": None})]))
    section.get_by_label("回答を入力したファイル").set_input_files(str(good))
    section.get_by_label("紙の調査票を入力した").check()
    with page.expect_navigation():
        section.get_by_role("button", name="取り込む").click()

    expect(page.locator(".messages")).to_contain_text("「紙の回答.xlsx」から2件の回答を取り込みました。")
    history = page.locator("#import table")
    expect(history).to_contain_text("紙の回答.xlsx")
    expect(history).to_contain_text("紙（入力）")
    assert Response.objects.filter(wave=wave, channel="paper").count() == 2
    shoot(page, request.config.rootpath, "survey-import-done.png")
    page.set_viewport_size({"width": 360, "height": 800})
    shoot(page, request.config.rootpath, "survey-import-done-phone.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    bad = tmp_path / "間違いのある回答.xlsx"
    bad.write_bytes(
        fill(
            blank,
            [
                paper_form(**{"RS-01": None}),  # a required answer missing
                paper_form(**{"RS-02_2位": "04"}),  # a ranking with a repeat
                paper_form(**{"RS-03": 9, "sex": "女"}),  # a choice that does not exist; an unknown attribute code
            ],
        )
    )
    page.locator("#id_file").set_input_files(str(bad))
    with page.expect_navigation():
        page.get_by_role("button", name="取り込む").click()

    expect(page).to_have_url(re.compile(rf"/surveys/waves/{wave.pk}/import/$"))
    alert = page.get_by_role("alert").filter(has_text="取り込めませんでした")
    expect(alert).to_contain_text("4件の誤りがあります。1件も保存していません。")
    expect(alert).to_contain_text("間違いのある回答.xlsx")
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(4)
    expect(errors.nth(0)).to_contain_text("この質問に回答してください。")
    expect(errors.nth(0).locator("td").nth(1)).to_have_text("2")
    expect(errors.nth(0).locator("td").nth(3)).to_have_text("RS-01")
    expect(errors.nth(1)).to_contain_text("同じ理由が2回以上選ばれています")
    expect(errors.nth(1).locator("td").nth(3)).to_have_text("RS-02_2位")
    expect(page.locator("table.import-errors")).to_contain_text("「9」は選択肢にありません")
    expect(page.locator("table.import-errors")).to_contain_text("F=女性")
    assert Response.objects.filter(wave=wave).count() == 2
    assert ResponseImport.objects.filter(wave=wave).count() == 1
    shoot(page, request.config.rootpath, "survey-import-errors.png")
    page.set_viewport_size({"width": 360, "height": 800})
    shoot(page, request.config.rootpath, "survey-import-errors-phone.png")
