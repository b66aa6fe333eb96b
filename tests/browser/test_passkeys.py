"""Passkeys in a real browser, with Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain: a
platform authenticator with user verification, as a laptop's fingerprint reader): a coordinator who has two-factor
login registers a passkey on their passkey page and names it, logs out, logs in with the password and passes the
second step with the passkey; the secretariat's audit log shows the registration and the use. The passkey page and
the second step are checked with axe and must fit at 1280 px and 360 px (screenshots in test-artifacts/)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.axe import axe_run, violations_describe
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SHOTS = Path("test-artifacts") / "screenshots"
WIDTHS = (1280, 360)


def _authenticator_app(user: Any) -> str:
    """The user's authenticator app, already set up (the set-up itself is tests/browser/test_two_factor.py)."""
    key = os.urandom(20).hex()
    TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True)
    return key


def _code(key_hex: str) -> str:
    return f"{totp(bytes.fromhex(key_hex), step=30, t0=0, digits=6, drift=0):06d}"


def _second_step_with_code(page: Any, key_hex: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("確認コードの入力")
    page.get_by_label("確認コード").fill(_code(key_hex))
    with page.expect_navigation():
        page.get_by_role("button", name="確認する").click()


def _check(page: Any, axe_source: str, name: str) -> list[str]:
    """At each width: a screenshot, no sideways scrolling, axe's WCAG A/AA rules."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    found: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"passkeys-{name}-{width}.png"), full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name}: the page is {scroll}px wide at a {width}px viewport"
        found += violations_describe(f"{name} @{width}px", axe_run(page, axe_source))
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return found


def test_a_coordinator_registers_a_passkey_and_passes_the_second_step_with_it(
    page: Any, browser: Any, live_server: Any, settings: Any, coordinator: Any, secretariat: Any, axe_source: str
) -> None:
    settings.OTP_REQUIRED_ROLES = ["secretariat", "support", "coordinator"]
    settings.TWO_FACTOR_PASSKEYS = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")  # WebAuthn needs a secure context: localhost, not an IP
    key = _authenticator_app(coordinator)

    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]

    login(page, coordinator)
    _second_step_with_code(page, key)
    page.goto("/account/")
    found = _check(page, axe_source, "account")
    page.get_by_role("link", name="パスキーを管理する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("パスキー（セキュリティキー・生体認証）")
    expect(page.get_by_role("button", name="パスキーを登録する")).to_be_visible()  # the library's script ran
    found += _check(page, axe_source, "page-empty")

    page.get_by_label("パスキーの名前").fill("事務所のパソコン")
    with page.expect_navigation():
        page.get_by_role("button", name="パスキーを登録する").click()
    expect(page.locator(".messages")).to_contain_text("パスキー「事務所のパソコン」を登録しました。")
    expect(page.locator("#passkey-list .passkey-name")).to_have_text(["事務所のパソコン"])
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1 and credentials[0]["rpId"] == "localhost"
    found += _check(page, axe_source, "page")

    # The next login: the password, then the passkey instead of a code.
    page.get_by_role("button", name="ログアウト").click()
    page.goto("/members/282090/")
    expect(page).to_have_url(re.compile(r"/login/"))
    login(page, coordinator)
    page.goto("/members/282090/")
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/\?next="))
    expect(page.get_by_role("button", name="パスキーを使う")).to_be_visible()
    found += _check(page, axe_source, "second-step")
    page.get_by_role("button", name="パスキーを使う").click()
    expect(page).to_have_url(re.compile(r"/members/282090/$"))
    assert found == [], f"{len(found)} accessibility violations:\n" + "\n".join(found)

    # The secretariat's audit log: the passkey registered, named and used, by the coordinator.
    secretariat_key = _authenticator_app(secretariat)
    context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    try:
        other = context.new_page()
        login(other, secretariat)
        _second_step_with_code(other, secretariat_key)
        other.goto("/audit/?target_type=django_otp_webauthn.webauthncredential")
        rows = other.locator("table.audit-log > tbody > tr")
        expect(rows).to_have_count(3)
        expect(rows.filter(has_text="作成")).to_have_count(1)
        expect(rows.filter(has_text="更新")).to_have_count(2)  # named, then used
        expect(rows.filter(has_text="second step of login")).to_have_count(1)
        expect(rows.first).to_contain_text("二段階認証のパスキー")
        expect(rows.first).to_contain_text(coordinator.username)
        other.screenshot(path=str(SHOTS / "passkeys-audit-log-1280.png"), full_page=True)
    finally:
        context.close()
