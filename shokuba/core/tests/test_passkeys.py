"""Passkeys at the second step (core/passkey_views.py, django-otp-webauthn) through the Django test client, with a
security key in software: a P-256 key pair answering the server's options exactly as an authenticator does
(attestation "none", ES256 signatures over the authenticator data and the client data's hash). Registering, naming,
deleting, using one; who may; a failed answer counting toward the second step's lock-out; the secretariat's reset;
the production check of the relying party settings."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from shokuba.core.management.commands.prod_check import _passkeys
from shokuba.core.models import AuditEntry
from shokuba.core.selectors import target_type_label
from shokuba.core.tests.test_two_factor import code_for, password_login, set_up
from shokuba.network.models import User
from shokuba.network.services import account_two_factor_reset

pytestmark = pytest.mark.django_db

ORIGIN = "http://localhost:8000"
BASE = "/account/two-factor/passkeys/webauthn"
JSON = {"content_type": "application/json", "headers": {"accept": "application/json"}}
PASSKEY = "django_otp_webauthn.webauthncredential"


@pytest.fixture(autouse=True)
def passkeys_on(settings: Any) -> None:
    settings.OTP_REQUIRED_ROLES = ["secretariat", "support", "coordinator"]
    settings.TWO_FACTOR_PASSKEYS = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class SoftwareKey:
    """A security key in software: one credential, a P-256 key pair and its signature counter."""

    def __init__(self, origin: str = ORIGIN) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0
        self.origin = origin

    def _cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}).encode()

    def create(self, options: dict[str, Any]) -> dict[str, Any]:
        """navigator.credentials.create() answered: flags user present + verified + attested credential data."""
        client_data = self._client_data("webauthn.create", options["challenge"])
        auth_data = (
            hashlib.sha256(options["rp"]["id"].encode()).digest()
            + bytes([0x45])
            + struct.pack(">I", self.counter)
            + bytes(16)  # AAGUID: none
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_public_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["usb"],
            },
            "clientExtensionResults": {"credProps": {"rk": False}},
            "authenticatorAttachment": "cross-platform",
        }

    def get(self, options: dict[str, Any], *, forged: bool = False) -> dict[str, Any]:
        """navigator.credentials.get() answered; `forged` signs with another key (what a stolen id alone gives)."""
        self.counter += 1
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth_data = hashlib.sha256(options["rpId"].encode()).digest() + bytes([0x05]) + struct.pack(">I", self.counter)
        signer = ec.generate_private_key(ec.SECP256R1()) if forged else self.key
        signature = signer.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "cross-platform",
        }


def register(client: Client, key: SoftwareKey) -> WebAuthnCredential:
    response = client.post(f"{BASE}/registration/begin/", **JSON)
    assert response.status_code == 200, response.content
    response = client.post(f"{BASE}/registration/complete/", data=json.dumps(key.create(response.json())), **JSON)
    assert response.status_code == 200, response.content
    return WebAuthnCredential.objects.get(pk=response.json()["id"])


def passkey_answer(client: Client, key: SoftwareKey, *, forged: bool = False, next_url: str = "") -> Any:
    options = client.post(f"{BASE}/authentication/begin/", **JSON)
    assert options.status_code == 200, options.content
    query = f"?next={next_url}" if next_url else ""
    body = json.dumps(key.get(options.json(), forged=forged))
    return client.post(f"{BASE}/authentication/complete/{query}", data=body, **JSON)


def test_register_name_and_pass_the_second_step_with_a_passkey(coordinator: User) -> None:
    client = Client()
    set_up(client, coordinator)
    assert "パスキー（セキュリティキー・生体認証）" in client.get("/account/").content.decode()
    page = client.get("/account/two-factor/passkeys/")
    assert page.status_code == 200
    assert "まだパスキーは登録されていません" in page.content.decode()
    # The library's script speaks Japanese (shokuba/locale/ja/LC_MESSAGES/djangojs.po).
    catalogue = client.get(f"{BASE}/jsi18n/").content.decode()
    assert json.dumps("登録しました。") in catalogue and json.dumps("パスキーを使う") in catalogue

    options = client.post(f"{BASE}/registration/begin/", **JSON).json()
    assert options["rp"] == {"name": "Shokuba", "id": "localhost"}
    assert options["excludeCredentials"] == []
    # A second step only: the library does not insist on a key that could log in without the password.
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    key = SoftwareKey()
    response = client.post(f"{BASE}/registration/complete/", data=json.dumps(key.create(options)), **JSON)
    assert response.status_code == 200
    passkey = WebAuthnCredential.objects.get(pk=response.json()["id"])
    assert passkey.user == coordinator and passkey.confirmed and passkey.name == "パスキー 1"
    created = AuditEntry.objects.get(target_type=PASSKEY, action="create")
    assert created.actor == coordinator and created.after["name"] == "パスキー 1"
    assert target_type_label(PASSKEY) == "二段階認証のパスキー"

    # The form the page's script sends right after: the person's own name for it.
    response = client.post(
        "/account/two-factor/passkeys/name/", {"passkey": passkey.pk, "name": " 事務所の  パソコン ", "registered": "1"}
    )
    assert response.status_code == 302 and response["Location"] == "/account/two-factor/passkeys/"
    passkey.refresh_from_db()
    assert passkey.name == "事務所の パソコン"
    renamed = AuditEntry.objects.get(target_type=PASSKEY, action="update")
    assert renamed.before["name"] == "パスキー 1" and renamed.after["name"] == "事務所の パソコン"
    page = client.get("/account/two-factor/passkeys/").content.decode()
    assert "パスキー「事務所の パソコン」を登録しました" in page and 'id="passkey-list"' in page
    # The same key twice is excluded from the next registration's options.
    options = client.post(f"{BASE}/registration/begin/", **JSON).json()
    assert [c["id"] for c in options["excludeCredentials"]] == [b64url(key.credential_id)]

    # The next login: the password, then the passkey instead of a code.
    second = Client()
    password_login(second, coordinator)
    verify = second.get("/account/two-factor/verify/?next=/members/282090/").content.decode()
    assert 'id="passkey-verification-button"' in verify and 'id="otp_webauthn_config"' in verify
    assert second.get("/members/282090/").status_code == 302
    options = second.post(f"{BASE}/authentication/begin/", **JSON).json()
    assert [c["id"] for c in options["allowCredentials"]] == [b64url(key.credential_id)]
    body = json.dumps(key.get(options))
    response = second.post(f"{BASE}/authentication/complete/?next=/members/282090/", data=body, **JSON)
    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == "/members/282090/"
    assert second.get("/members/282090/").status_code == 200
    used = AuditEntry.objects.filter(target_type=PASSKEY, action="update", actor=coordinator).order_by("-pk").first()
    assert used is not None and used.after["used"] == "second step of login" and used.after["last_used_at"]
    # An answer is good once: replaying it is refused (the challenge was used up).
    replay = Client()
    password_login(replay, coordinator)
    response = replay.post(f"{BASE}/authentication/complete/", data=body, **JSON)
    assert response.status_code == 400
    assert replay.get("/members/282090/").status_code == 302


def test_only_a_verified_session_with_an_authenticator_registers(
    coordinator: User, org_admin: User, settings: Any
) -> None:
    client = Client()
    set_up(client, coordinator)
    # The password alone: the gate answers for the second step, nothing is registered.
    pending = Client()
    password_login(pending, coordinator)
    assert pending.post(f"{BASE}/registration/begin/", **JSON).status_code == 401
    assert pending.get("/account/two-factor/passkeys/").status_code == 302
    # The second step's script and its messages are open to such a session.
    assert pending.get(f"{BASE}/jsi18n/").status_code == 200
    # Someone whose role has no two-factor login has no passkeys either.
    other = Client()
    password_login(other, org_admin)
    response = other.post(f"{BASE}/registration/begin/", **JSON)
    assert response.status_code == 403 and "二段階認証を済ませた後" in response.json()["detail"]
    assert other.get("/account/two-factor/passkeys/")["Location"] == "/account/"
    assert other.post(f"{BASE}/authentication/begin/", **JSON).status_code == 403
    # Switched off: no page, no ceremony, no button at the second step.
    register(client, SoftwareKey())
    settings.TWO_FACTOR_PASSKEYS = False
    assert client.get("/account/two-factor/passkeys/").status_code == 302
    assert client.post(f"{BASE}/registration/begin/", **JSON).status_code == 403
    later = Client()
    password_login(later, coordinator)
    assert "passkey-verification-button" not in later.get("/account/two-factor/verify/").content.decode()
    assert later.post(f"{BASE}/authentication/begin/", **JSON).status_code == 403
    assert WebAuthnCredential.objects.filter(user=coordinator).count() == 1


def test_failed_passkey_answers_count_toward_the_second_steps_lock(settings: Any, coordinator: User) -> None:
    client = Client()
    key_hex, _codes = set_up(client, coordinator)
    key = SoftwareKey()
    register(client, key)
    login = Client()
    password_login(login, coordinator)
    for _ in range(settings.LOGIN_MAX_FAILURES - 2):
        response = passkey_answer(login, key, forged=True)
        assert response.status_code == 422, response.content
        assert "パスキーで確認できませんでした" in response.json()["detail"]
    # A wrong code adds to the same count.
    valid = {code_for(key_hex, step) for step in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)
    assert login.post("/account/two-factor/verify/", {"code": wrong}).status_code == 400
    # The last failure locks: the answer says so, with when to try again.
    response = passkey_answer(login, key, forged=True)
    assert response.status_code == 429
    assert "しばらくの間この手順を進められません" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    # Locked: even the right passkey is refused before the browser is asked, and so is the right code.
    response = login.post(f"{BASE}/authentication/begin/", **JSON)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert login.post("/account/two-factor/verify/", {"code": code_for(key_hex)}).status_code == 429
    assert login.get("/members/282090/").status_code == 302


def test_a_passkey_of_another_account_is_refused_and_counted(coordinator: User, other_coordinator: User) -> None:
    mine, theirs = SoftwareKey(), SoftwareKey()
    client = Client()
    set_up(client, coordinator)
    register(client, mine)
    other = Client()
    set_up(other, other_coordinator)
    register(other, theirs)
    login = Client()
    password_login(login, coordinator)
    response = passkey_answer(login, theirs)
    assert response.status_code == 403
    assert login.get("/members/282090/").status_code == 302
    assert AuditEntry.objects.filter(target_type=PASSKEY, action="update").count() == 0
    # Counted under the coordinator's second-step key, as a wrong code would be.
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username=f"2fa:{coordinator.username}").exists()
    # Their own passkey then works, and clears the count.
    assert passkey_answer(login, mine).status_code == 200
    assert not AccessAttempt.objects.filter(username=f"2fa:{coordinator.username}").exists()


def test_delete_ones_own_passkey_only(coordinator: User, other_coordinator: User) -> None:
    client = Client()
    set_up(client, coordinator)
    passkey = register(client, SoftwareKey())
    other = Client()
    set_up(other, other_coordinator)
    theirs = register(other, SoftwareKey())
    assert client.post("/account/two-factor/passkeys/delete/", {"passkey": theirs.pk}).status_code == 404
    assert client.post("/account/two-factor/passkeys/name/", {"passkey": theirs.pk, "name": "x"}).status_code == 404
    assert client.post("/account/two-factor/passkeys/name/", {"name": "x"}).status_code == 400
    response = client.post("/account/two-factor/passkeys/delete/", {"passkey": passkey.pk})
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()
    deleted = AuditEntry.objects.get(target_type=PASSKEY, action="delete")
    assert deleted.actor == coordinator and deleted.before["name"] == "パスキー 1"
    # Without a passkey the second step offers none.
    login = Client()
    password_login(login, coordinator)
    assert "passkey-verification-button" not in login.get("/account/two-factor/verify/").content.decode()


def test_the_secretariats_reset_removes_passkeys_too(
    coordinator: User, secretariat: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    set_up(client, coordinator)
    register(client, SoftwareKey())
    with django_capture_on_commit_callbacks(execute=True):
        removed = account_two_factor_reset(actor=secretariat, account=coordinator)
    assert removed == 3
    assert not WebAuthnCredential.objects.filter(user=coordinator).exists()
    deleted = AuditEntry.objects.get(actor=secretariat, action="delete", target_type=PASSKEY)
    assert deleted.before["name"] == "パスキー 1"


def test_prod_check_verifies_the_relying_party_when_passkeys_are_on(settings: Any) -> None:
    settings.TWO_FACTOR_PASSKEYS = False
    assert _passkeys()[0] == "OK"
    settings.TWO_FACTOR_PASSKEYS = True
    settings.ALLOWED_HOSTS = ["shokuba.example.jp"]
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    assert _passkeys()[0] == "FAIL"
    settings.OTP_WEBAUTHN_RP_ID = "other.example.jp"
    assert _passkeys()[0] == "FAIL"
    settings.OTP_WEBAUTHN_RP_ID = "shokuba.example.jp"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://shokuba.example.jp"]
    assert _passkeys()[0] == "FAIL"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["https://evil.example.com"]
    assert _passkeys()[0] == "FAIL"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["https://shokuba.example.jp"]
    assert _passkeys() == ("OK", "passkeys for shokuba.example.jp from https://shokuba.example.jp")
