"""A coordinator's first login with two-factor login required, in a real browser at 1280 px and 360 px: the QR code
and secret, the code typed from an authenticator (computed here from the secret on the page), the recovery codes
shown once, then the member's page; and the next login's second step. Every page under the strict policy."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SHOTS = Path("test-artifacts") / "screenshots"


def _code(secret_base32: str, steps: int = 0) -> str:
    padded = secret_base32 + "=" * (-len(secret_base32) % 8)
    return f"{totp(base64.b32decode(padded), step=30, t0=0, digits=6, drift=steps):06d}"


def _clear_of_a_step_boundary(margin: float = 10.0) -> None:
    """Wait, when a 30-second step is about to end, until the next one begins: the set-up is confirmed with the
    previous step's code (so the current one stays unused for the login after it), which the server takes for one
    step more only; a busy machine must not let the step end between computing the code and the server checking it."""
    remaining = 30 - time.time() % 30
    if remaining < margin:
        time.sleep(remaining + 0.5)


def _fits(page: Any, width: int, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"two-factor-{name}-{width}.png"), full_page=True)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name}: the page is {scroll}px wide at a {width}px viewport"


@pytest.mark.parametrize("width", [1280, 360])
def test_a_coordinators_first_login_sets_up_two_factor(page: Any, settings: Any, coordinator: Any, width: int) -> None:
    settings.OTP_REQUIRED_ROLES = ["secretariat", "support", "coordinator"]
    page.set_viewport_size({"width": width, "height": 900})

    login(page, coordinator)

    expect(page).to_have_url(re.compile(r"/account/two-factor/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("二段階認証の設定")
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    _fits(page, width, "setup")

    valid = {_code(secret, steps) for steps in (-1, 0, 1)}
    page.get_by_label("確認コード").fill(next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid))
    page.get_by_role("button", name="設定する").click()
    expect(page.locator("#id_code_error")).to_contain_text("確認コードが正しくありません")

    _clear_of_a_step_boundary()
    page.get_by_label("確認コード").fill(_code(secret, -1))
    page.get_by_role("button", name="設定する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("リカバリーコード")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    _fits(page, width, "recovery-codes")

    page.get_by_role("link", name="保管しました。続ける").click()
    expect(page).to_have_url(re.compile(r"/members/282090/$"))

    # The next login asks for the code.
    page.get_by_role("button", name="ログアウト").click()
    login(page, coordinator)
    expect(page.get_by_role("heading", level=1)).to_have_text("確認コードの入力")
    _fits(page, width, "verify")
    page.get_by_label("確認コード").fill(_code(secret))
    page.get_by_role("button", name="確認する").click()
    expect(page).to_have_url(re.compile(r"/members/282090/$"))


def test_the_secretariat_creates_and_hands_over_an_account(page: Any, secretariat: Any, coordinator: Any) -> None:
    login(page, secretariat)
    page.get_by_role("link", name="アカウント", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("アカウント")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page, width, "account-list")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="アカウントを作成する").click()
    page.get_by_label("役割").select_option("coordinator")
    page.get_by_label("参加自治体の団体コード").fill("28209")
    page.get_by_label("ユーザー名").fill("toyooka-tanaka")
    page.get_by_label("表示名（氏名）").fill("田中 一郎")
    page.get_by_label("メールアドレス").fill("tanaka@example.jp")
    page.get_by_role("button", name="作成してリンクを送る").click()
    expect(page.locator(".messages")).to_contain_text("設定用のリンクを送りました")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page, width, "account-detail")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/accounts/{coordinator.pk}/handover/")
    page.get_by_label("新しい担当者のユーザー名").fill("toyooka-suzuki")
    page.get_by_label("新しい担当者の表示名（氏名）").fill("鈴木 花子")
    page.get_by_label("新しい担当者のメールアドレス").fill("suzuki@example.jp")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page, width, "account-handover")
    page.get_by_role("button", name="交代する").click()
    expect(page.locator(".messages")).to_contain_text("を無効にし、新しい担当者のアカウント「toyooka-suzuki」")
