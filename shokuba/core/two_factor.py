"""Two-factor login (django-otp): who must pass a second step, the step itself, recovery codes, the lock-out.

- `OTP_REQUIRED_ROLES` (settings) names the roles that must pass a second step after the password; production's
  default is the secretariat, the support team and the coordinators. Off in development and tests unless set.
- A session of such a user that has not passed the step reaches nothing but the step's pages and logging out
  (`TwoFactorRequiredMiddleware`); the API's session authentication refuses it (api/auth.py). Bearer tokens are a
  credential of their own (256 random bits, issued from the server's shell) and are not asked for a code.
- Set-up: a TOTP secret is made and kept in the session only until the user confirms it with a code from their
  app; then the confirmed device is stored and ten recovery codes are shown once. A recovery code is stored as a
  keyed hash (HMAC-SHA256 with SECRET_KEY and the user's id, 16 base32 characters: what django-otp's static
  token column holds) and is deleted when used. Rotating SECRET_KEY therefore voids the recovery codes (the
  secretariat resets the user's two-factor login, who sets it up again).
- A wrong code counts in django-axes (core/lockout.py) under the account's own second-step key
  (`two_factor_lock_key`), so five wrong codes lock the second step for the window whatever the password did, and
  the client address counts every failure toward its own limit. django-otp's back-off is off (settings).
- Passkeys (django-otp-webauthn, `TWO_FACTOR_PASSKEYS`): once the authenticator app is set up and the session
  verified, the user may register passkeys (core/passkey_views.py), name and delete them, and pass the second step
  with one instead of a code. Registering, renaming, deleting and using one are audited; a passkey that fails at the
  second step counts toward the same lock-out as a wrong code; the secretariat's reset removes passkeys too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from django_otp_webauthn.models import WebAuthnCredential

from shokuba.core.audit import audit_record
from shokuba.core.models import AuditAction
from shokuba.core.selectors import target_type_label_register

SESSION_PENDING_KEY = "two_factor_pending_key"
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"
# Recovery codes: 10 characters of Crockford-like base32 without look-alikes, shown as two groups of five.
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_RECOVERY_LENGTH = 10


def two_factor_required(user: Any) -> bool:
    """Whether this user must pass a second step (their role is in OTP_REQUIRED_ROLES)."""
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in set(
        settings.OTP_REQUIRED_ROLES
    )


def two_factor_pending(request: HttpRequest) -> bool:
    """A logged-in session that must pass the second step and has not (yet)."""
    user: Any = getattr(request, "user", None)
    if not two_factor_required(user):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


def two_factor_confirmed(user: Any) -> bool:
    """Whether the user has a confirmed authenticator (TOTP) device."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_lock_key(user: Any) -> str:
    """The name under which axes counts this account's wrong codes (never a valid user name: it has a colon,
    which core.login's names never hold once typed in a form — and a clash would only share a count)."""
    return f"2fa:{user.get_username()}"


# --- recovery codes -------------------------------------------------------------------------------------------


def recovery_code_normalise(raw: str) -> str:
    """What the user typed, as the code was shown: upper case, without spaces or hyphens, full width folded."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return "".join(ch for ch in text if ch not in " -\u3000")


def recovery_code_hash(user: Any, code: str) -> str:
    """The stored form of a recovery code: 16 base32 characters of HMAC-SHA256(SECRET_KEY, user id + code)."""
    message = f"{user.pk}:{recovery_code_normalise(code)}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:16]


def _recovery_code_new() -> str:
    code = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return f"{code[:5]}-{code[5:]}"


# --- services: set-up, verification ---------------------------------------------------------------------------


def totp_secret_new() -> str:
    """A fresh TOTP secret (hex, as django-otp stores it)."""
    return str(default_key())


def totp_config_url(user: Any, key_hex: str) -> str:
    """The otpauth:// URL an authenticator app reads from the QR code (the same as TOTPDevice.config_url)."""
    device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, key=key_hex)
    return str(device.config_url)


def totp_secret_base32(key_hex: str) -> str:
    """The secret as people type it into an app that cannot read the QR code."""
    return base64.b32encode(bytes.fromhex(key_hex)).decode("ascii").rstrip("=")


def _totp_matches(key_hex: str, token: str) -> bool:
    """Whether `token` is the current code of the secret, or the one just before or after (clock drift)."""
    token = token.strip()
    if not token.isdigit() or len(token) != 6:
        return False
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6, drift=0)
    return bool(totp.verify(int(token), tolerance=1))


def _device_view(device: Any) -> dict[str, Any]:
    return {"id": device.pk, "user_id": device.user_id, "kind": device._meta.label_lower, "confirmed": device.confirmed}


@transaction.atomic
def two_factor_setup_confirm(*, actor: Any, key_hex: str, token: str) -> tuple[TOTPDevice, list[str]] | None:
    """The user confirms the secret shown to them with a code from their app: the authenticator device is stored
    (replacing any earlier one) and ten new recovery codes are made. Returns the codes to show once, or None when
    the code does not match (nothing stored). Only ever for oneself: `actor` is the logged-in user (no permission
    to ask: anyone whose role needs the second step sets up their own)."""
    if not _totp_matches(key_hex, token):
        return None
    TOTPDevice.objects.filter(user=actor).delete()
    device = TOTPDevice.objects.create(user=actor, name=TOTP_DEVICE_NAME, key=key_hex, confirmed=True)
    # The code used to confirm cannot be replayed to pass the second step.
    device.verify_token(token.strip())
    member_code = getattr(actor, "member_id", None) or ""
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=device,
        before=None,
        after=_device_view(device),
        member_code=member_code,
    )
    return device, recovery_codes_issue(actor=actor)


@transaction.atomic
def recovery_codes_issue(*, actor: Any) -> list[str]:
    """New recovery codes for oneself; the earlier ones stop working. Returns them to show once."""
    StaticDevice.objects.filter(user=actor).delete()
    device = StaticDevice.objects.create(user=actor, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_recovery_code_new() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=recovery_code_hash(actor, c)) for c in codes])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=device,
        before=None,
        after={**_device_view(device), "codes": len(codes)},
        member_code=getattr(actor, "member_id", None) or "",
    )
    return codes


def two_factor_verify(request: HttpRequest, token: str) -> Any | None:
    """Check a code (TOTP or recovery) for the logged-in user; on success mark the session verified and return the
    device. A recovery code is consumed. A wrong code counts toward the lock-out (see the module's docstring)."""
    user: Any = request.user
    typed = (token or "").strip()
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, TOTPDevice):
            ok = typed.isdigit() and device.verify_token(typed)
        elif isinstance(device, StaticDevice):
            ok = bool(typed) and device.verify_token(recovery_code_hash(user, typed))
        else:  # a passkey answers its own ceremony (passkey_verified), never a typed code
            ok = False
        if ok:
            otp_login(request, device)
            handler = AxesProxyHandler.get_implementation()
            handler.reset_user_attempts(request, {"username": two_factor_lock_key(user)})
            return device
    user_login_failed.send(sender=__name__, credentials={"username": two_factor_lock_key(user)}, request=request)
    return None


def two_factor_locked(request: HttpRequest) -> bool:
    """Whether the second step of this account (or this address) is locked by too many wrong codes."""
    return bool(AxesProxyHandler.is_locked(request, {"username": two_factor_lock_key(request.user)}))


@transaction.atomic
def two_factor_devices_remove(*, actor: Any, user: Any) -> int:
    """Remove every two-factor device of `user` (the caller has checked the actor may); audited per device."""
    removed = 0
    devices = [
        *TOTPDevice.objects.filter(user=user),
        *StaticDevice.objects.filter(user=user),
        *WebAuthnCredential.objects.filter(user=user),
    ]
    for device in devices:
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            instance=device,
            before=_passkey_view(device) if isinstance(device, WebAuthnCredential) else _device_view(device),
            after=None,
            member_code=getattr(user, "member_id", None) or "",
        )
        device.delete()
        removed += 1
    return removed


def audit_labels_register() -> None:
    """django-otp's devices as the audit log names them (their verbose names are English only)."""
    target_type_label_register("otp_totp.totpdevice", gettext_lazy("二段階認証の認証アプリ"))
    target_type_label_register("otp_static.staticdevice", gettext_lazy("二段階認証のリカバリーコード"))
    target_type_label_register("django_otp_webauthn.webauthncredential", gettext_lazy("二段階認証のパスキー"))


# --- passkeys -------------------------------------------------------------------------------------------------

PASSKEY_NAME_MAX = 64  # django-otp's Device.name


def passkeys_enabled() -> bool:
    return bool(settings.TWO_FACTOR_PASSKEYS)


def passkeys_of(user: Any) -> QuerySet[WebAuthnCredential]:
    """The user's passkeys, oldest first."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def passkey_registration_allowed(request: HttpRequest) -> bool:
    """Whether this session may register a passkey: passkeys are on, the user's role has two-factor login, the
    authenticator app is set up and this session passed the second step (a password alone never adds one)."""
    user: Any = getattr(request, "user", None)
    return (
        passkeys_enabled()
        and two_factor_required(user)
        and two_factor_confirmed(user)
        and not two_factor_pending(request)
    )


def passkey_login_allowed(request: HttpRequest) -> bool:
    """Whether this session may pass its second step with a passkey (it has to pass one and has a passkey)."""
    user: Any = getattr(request, "user", None)
    return passkeys_enabled() and two_factor_required(user) and passkeys_of(user).exists()


def _passkey_view(device: WebAuthnCredential) -> dict[str, Any]:
    return {**_device_view(device), "name": device.name, "transports": list(device.transports or [])}


def passkey_registered(*, actor: Any, device: WebAuthnCredential) -> WebAuthnCredential:
    """A passkey the library has just stored for `actor`: a name until the user gives one, and the audit entry. Runs
    in the registration's transaction."""
    if not device.name:
        number = WebAuthnCredential.objects.filter(user=actor).count()
        device.name = (_("パスキー %(number)d") % {"number": number})[:PASSKEY_NAME_MAX]
        device.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=device,
        before=None,
        after=_passkey_view(device),
        member_code=getattr(actor, "member_id", None) or "",
    )
    return device


@transaction.atomic
def passkey_rename(*, actor: Any, passkey_id: int, name: str) -> WebAuthnCredential | None:
    """Name one's own passkey (None: no such passkey of the actor's). A blank name keeps the current one."""
    device = passkeys_of(actor).select_for_update().filter(pk=passkey_id).first()
    if device is None:
        return None
    name = " ".join(name.split())[:PASSKEY_NAME_MAX]
    if not name or name == device.name:
        return device
    before = _passkey_view(device)
    device.name = name
    device.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=device,
        before=before,
        after=_passkey_view(device),
        member_code=getattr(actor, "member_id", None) or "",
    )
    return device


@transaction.atomic
def passkey_delete(*, actor: Any, passkey_id: int) -> WebAuthnCredential | None:
    """Delete one's own passkey; returns it as it was (None: no such passkey of the actor's)."""
    device = passkeys_of(actor).select_for_update().filter(pk=passkey_id).first()
    if device is None:
        return None
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=device,
        before=_passkey_view(device),
        after=None,
        member_code=getattr(actor, "member_id", None) or "",
    )
    device.delete()
    return device


def passkey_verified(request: HttpRequest, device: WebAuthnCredential) -> None:
    """A passkey passed the second step (the library has marked the session verified): audited as the passkey's
    use, and the account's wrong attempts are forgotten, as after a right code."""
    user: Any = request.user
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        instance=device,
        before=None,
        after={**_passkey_view(device), "used": "second step of login", "last_used_at": _iso(device.last_used_at)},
        member_code=getattr(user, "member_id", None) or "",
    )
    handler = AxesProxyHandler.get_implementation()
    handler.reset_user_attempts(request, {"username": two_factor_lock_key(user)})


def passkey_failed(request: HttpRequest) -> None:
    """A passkey answer that did not check out at the second step: one failure, as a wrong code (the caller answers
    with the lock's message when this locked the step)."""
    user_login_failed.send(
        sender=__name__, credentials={"username": two_factor_lock_key(request.user)}, request=request
    )
    # Axes marks the request when this failure locks; the login page's lock response is not ours to send here.
    request.axes_locked_out = False  # type: ignore[attr-defined]


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


# --- the gate -------------------------------------------------------------------------------------------------

# URL names a session waiting for its second step may still open (the library's with their namespace).
_OPEN_URL_NAMES = frozenset(
    {
        "two_factor_setup",
        "two_factor_verify",
        # The second step with a passkey (core/passkey_views.py) and its script's messages.
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:js-i18n-catalog",
        "logout",
        "set_language",
        "healthz",
        "readyz",
        "metrics",
        # Reached from an e-mail, without being logged in; harmless in a half-logged-in session.
        "password_reset_confirm",
        "password_reset_complete",
    }
)


class TwoFactorRequiredMiddleware:
    """Sends a session that must pass the second step to it (set-up when the user has no authenticator yet).

    The API (/api/) answers for itself: its session authentication refuses such a session with 401 JSON and bearer
    tokens are unaffected. Static files are served before this runs (WhiteNoise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session, no login: never touch request.user (the respondents' pages stay session-free).
            return self.get_response(request)
        if two_factor_pending(request) and not self._open(request):
            if request.path.startswith("/api/"):
                return self.get_response(request)
            if request.headers.get("accept", "").startswith("application/json"):
                return JsonResponse({"message": _("二段階認証を済ませてください。")}, status=401)
            target = "two_factor_verify" if two_factor_confirmed(request.user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        match = getattr(request, "resolver_match", None)
        if match is None:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return False
        return (
            match.url_name in _OPEN_URL_NAMES
            or match.view_name in _OPEN_URL_NAMES
            or request.path.startswith(settings.STATIC_URL)
        )
