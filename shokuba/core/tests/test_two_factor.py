"""Two-factor login (core/two_factor.py) with OTP_REQUIRED_ROLES on: set-up, the second step with a real TOTP code
computed from the stored secret, recovery codes used once, the lock-out, the API, the secretariat's reset."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from shokuba.api.services import api_token_issue
from shokuba.core.models import AuditEntry
from shokuba.core.selectors import target_type_label
from shokuba.core.two_factor import SESSION_PENDING_KEY, recovery_code_hash
from shokuba.network.models import User
from shokuba.network.services import account_two_factor_reset

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_factor_on(settings: Any) -> None:
    settings.OTP_REQUIRED_ROLES = ["secretariat", "support", "coordinator"]


def code_for(key_hex: str, steps: int = 0) -> str:
    """The authenticator app's code for this secret, computed as the app does (RFC 6238), `steps` 30-second steps
    from now (django-otp accepts one step either way for clocks that drift)."""
    return f"{totp(bytes.fromhex(key_hex), step=30, t0=0, digits=6, drift=steps):06d}"


def setup_code(key_hex: str) -> str:
    """The set-up is confirmed with the previous step's code, so the current one is still unused afterwards (a code,
    once accepted, is never accepted again) whatever moment the test runs at."""
    return code_for(key_hex, -1)


def password_login(client: Client, user: User) -> Any:
    return client.post("/login/", {"username": user.username, "password": PASSWORD})


def set_up(client: Client, user: User) -> tuple[str, list[str]]:
    """Log in and go through the set-up as the person would; return the secret and the recovery codes shown."""
    assert password_login(client, user).status_code == 302
    response = client.get("/account/two-factor/")
    assert response.status_code == 200
    key = client.session[SESSION_PENDING_KEY]
    response = client.post("/account/two-factor/", {"code": setup_code(key), "next": "/"})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>", response.content.decode())
    return key, codes


def test_off_unless_the_setting_names_the_role(settings: Any, coordinator: User) -> None:
    settings.OTP_REQUIRED_ROLES = []
    client = Client()
    password_login(client, coordinator)
    assert client.get("/members/282090/").status_code == 200


def test_first_login_sets_up_the_app_and_shows_ten_recovery_codes_once(coordinator: User) -> None:
    client = Client()
    response = password_login(client, coordinator)
    assert response.status_code == 302
    # Every staff page sends the half-logged-in session to the set-up, keeping where it was going.
    response = client.get("/members/282090/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/?next=%2Fmembers%2F282090%2F"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "<svg" in html and 'id="totp-secret"' in html and "<style" not in html and "style=" not in html
    key = client.session[SESSION_PENDING_KEY]
    # A wrong code stores nothing and names the field.
    valid = {code_for(key, step) for step in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)
    response = client.post("/account/two-factor/", {"code": wrong})
    assert response.status_code == 400
    assert "確認コードが正しくありません" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    # The right code, computed from the secret.
    response = client.post("/account/two-factor/", {"code": setup_code(key), "next": "/members/282090/"})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=coordinator)
    assert device.confirmed and device.key == key
    stored = set(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True))
    assert stored == {recovery_code_hash(coordinator, c) for c in codes}
    assert not stored & set(codes)  # never the codes themselves
    assert SESSION_PENDING_KEY not in client.session
    # The session is verified: pages open.
    assert client.get("/members/282090/").status_code == 200
    assert AuditEntry.objects.filter(target_type="otp_totp.totpdevice", actor=coordinator, action="create").exists()


def test_the_second_step_asks_for_the_code_and_a_stolen_password_cannot_replace_the_device(coordinator: User) -> None:
    key, _codes = set_up(Client(), coordinator)
    client = Client()
    password_login(client, coordinator)
    response = client.get("/guidebook/members/282090/steps/1-a/")
    assert response["Location"].startswith("/account/two-factor/verify/?next=")
    # With the password only, the set-up page does not let anyone put their own app in place.
    assert client.get("/account/two-factor/")["Location"] == "/account/two-factor/verify/"
    assert client.get("/account/two-factor/verify/").status_code == 200
    # The code used during set-up is not accepted again; the current one is.
    assert client.post("/account/two-factor/verify/", {"code": setup_code(key)}).status_code == 400
    response = client.post(
        "/account/two-factor/verify/", {"code": code_for(key), "next": "/guidebook/members/282090/steps/1-a/"}
    )
    assert response.status_code == 302 and response["Location"] == "/guidebook/members/282090/steps/1-a/"
    assert client.get("/guidebook/members/282090/steps/1-a/").status_code == 200


def test_a_recovery_code_works_once(coordinator: User) -> None:
    _key, codes = set_up(Client(), coordinator)
    first = Client()
    password_login(first, coordinator)
    response = first.post("/account/two-factor/verify/", {"code": codes[0].lower().replace("-", " ")})
    assert response.status_code == 302
    assert first.get("/members/282090/").status_code == 200
    assert StaticToken.objects.filter(device__user=coordinator).count() == 9
    again = Client()
    password_login(again, coordinator)
    response = again.post("/account/two-factor/verify/", {"code": codes[0]})
    assert response.status_code == 400
    assert again.get("/members/282090/").status_code == 302


def test_wrong_codes_lock_the_second_step_and_a_password_login_does_not_clear_them(
    settings: Any, coordinator: User
) -> None:
    key, _codes = set_up(Client(), coordinator)
    client = Client()
    password_login(client, coordinator)
    valid = {code_for(key, step) for step in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        assert client.post("/account/two-factor/verify/", {"code": wrong}).status_code == 400
    # Logging in again with the right password does not wipe the wrong codes' count.
    client = Client()
    assert password_login(client, coordinator).status_code == 302
    response = client.post("/account/two-factor/verify/", {"code": wrong})
    assert response.status_code == 429
    assert "確認コードの誤りが続いたため" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    # Locked: even the right code is refused until the window has passed.
    response = client.post("/account/two-factor/verify/", {"code": code_for(key)})
    assert response.status_code == 429
    assert client.get("/members/282090/").status_code == 302


def test_the_api_refuses_an_unverified_session_but_keeps_bearer_tokens(coordinator: User) -> None:
    set_up(Client(), coordinator)
    _token, raw = api_token_issue(user=coordinator, name="script")
    client = Client()
    password_login(client, coordinator)
    response = client.get("/api/v1/members/282090")
    assert response.status_code == 401
    assert response.json()["detail"][0]["type"] == "two_factor_required"
    assert Client().get("/api/v1/members/282090", headers={"authorization": f"Bearer {raw}"}).status_code == 200


def test_the_secretariat_resets_two_factor_login_and_the_person_sets_up_again(
    coordinator: User, secretariat: User, django_capture_on_commit_callbacks: Any
) -> None:
    set_up(Client(), coordinator)
    session = Client()
    password_login(session, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        removed = account_two_factor_reset(actor=secretariat, account=coordinator)
    assert removed == 2
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    deleted = AuditEntry.objects.filter(actor=secretariat, action="delete", target_type__startswith="otp_")
    assert {e.target_type for e in deleted} == {"otp_totp.totpdevice", "otp_static.staticdevice"}
    labels = {target_type_label(e.target_type) for e in deleted}
    assert labels == {"二段階認証の認証アプリ", "二段階認証のリカバリーコード"}
    # Their sessions ended; at the next login they are sent to the set-up.
    assert session.get("/members/282090/")["Location"].startswith("/login/")
    client = Client()
    password_login(client, coordinator)
    assert client.get("/members/282090/")["Location"].startswith("/account/two-factor/?")


def test_an_organisation_admin_is_not_asked(org_admin: User) -> None:
    client = Client()
    password_login(client, org_admin)
    assert client.get(f"/organisations/{org_admin.organisation_id}/").status_code == 200
