"""The second step of logging in: setting up an authenticator app, and asking for its code (core/two_factor.py)."""

from __future__ import annotations

from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login

from shokuba.core.forms import AccessibleFormMixin
from shokuba.core.lockout import lock_now, retry_after
from shokuba.core.two_factor import (
    SESSION_PENDING_KEY,
    passkey_login_allowed,
    recovery_codes_issue,
    totp_config_url,
    totp_secret_base32,
    totp_secret_new,
    two_factor_confirmed,
    two_factor_lock_key,
    two_factor_locked,
    two_factor_pending,
    two_factor_required,
    two_factor_setup_confirm,
    two_factor_verify,
)


class CodeForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("確認コード"),
        max_length=20,
        help_text=gettext_lazy("認証アプリに表示されている6桁の数字"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class VerifyForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _(
            "認証アプリに表示されている6桁の数字、またはリカバリーコード（例：ABCDE-FGH23）。"
            "リカバリーコードは一度しか使えません。"
        )
        self.fields["code"].widget.attrs["inputmode"] = "text"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _qr_svg(url: str) -> str:
    # An inline <svg> of paths and attributes only: nothing the Content-Security-Policy would refuse.
    svg = segno.make(url, error="m").svg_inline(scale=5, title=_("認証アプリで読み取るQRコード"))
    return mark_safe(svg)  # noqa: S308 - segno's own markup of a URL we built


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), confirm with a code; then the recovery codes, shown once.

    Someone whose session has not passed the second step may set up only while they have no authenticator yet,
    so a stolen password alone can never replace a person's device."""
    user: Any = request.user
    if not two_factor_required(user):
        return redirect("home")
    if two_factor_pending(request) and two_factor_confirmed(user):
        return redirect("two_factor_verify")
    key = request.session.get(SESSION_PENDING_KEY)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and key:
        if form.is_valid():
            confirmed = two_factor_setup_confirm(actor=user, key_hex=key, token=form.cleaned_data["code"])
            if confirmed is not None:
                device, codes = confirmed
                del request.session[SESSION_PENDING_KEY]
                otp_login(request, device)  # the set-up's code proved the device: this session is verified
                shown = {"codes": codes, "next": _next_url(request)}
                return render(request, "core/two_factor_recovery_codes.html", shown)
            form.add_error("code", _("確認コードが正しくありません。認証アプリの最新の6桁を入力してください。"))
        status = 400
    else:
        key = totp_secret_new()
        request.session[SESSION_PENDING_KEY] = key
        form = CodeForm()
    url = totp_config_url(user, key)
    context: dict[str, Any] = {
        "form": form,
        "qr": _qr_svg(url),
        "secret": totp_secret_base32(key),
        "next": _next_url(request),
    }
    return render(request, "core/two_factor_setup.html", context, status=status)


def two_factor_lock_message(request: HttpRequest) -> tuple[str, str] | None:
    """When the second step of this account (or this address) is locked: the message and the Retry-After seconds."""
    found = lock_now(request, {"username": two_factor_lock_key(request.user)})
    if found is None:
        return None
    lock, time_text = found
    if lock.scope == "account":
        message = _(
            "確認コードの誤りが続いたため、しばらくの間この手順を進められません。%(time)s以降にもう一度お試しください。"
        )
    else:
        message = _(
            "この接続元からの失敗が続いたため、しばらくの間ログインできません。%(time)s以降にもう一度お試しください。"
        )
    return message % {"time": time_text}, retry_after(lock)


def _locked_page(request: HttpRequest, form: forms.Form) -> HttpResponse | None:
    found = two_factor_lock_message(request)
    if found is None:
        return None
    message, seconds = found
    context = {"form": form, "locked_message": message, "next": _next_url(request)}
    response = render(request, "core/two_factor_verify.html", context, status=429)
    response["Retry-After"] = seconds
    return response


@login_required
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or a recovery code (used up)."""
    user: Any = request.user
    if not two_factor_required(user):
        return redirect("home")
    if not two_factor_confirmed(user):
        return redirect("two_factor_setup")
    form = VerifyForm(request.POST or None)
    if two_factor_locked(request):
        return _locked_page(request, form) or redirect("two_factor_verify")
    if request.method == "POST":
        if form.is_valid():
            device = two_factor_verify(request, form.cleaned_data["code"])
            if device is not None:
                if device.name == "recovery":
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        _("リカバリーコードでログインしました。残りは%(count)d個です。") % {"count": left},
                    )
                return redirect(_next_url(request))
            if getattr(request, "axes_locked_out", False):
                request.axes_locked_out = False  # type: ignore[attr-defined]  # our page, not the login page
                locked = _locked_page(request, form)
                if locked is not None:
                    return locked
            form.add_error("code", _("確認コードが正しくありません。"))
        context = {"form": form, "next": _next_url(request), "passkey_login": passkey_login_allowed(request)}
        return render(request, "core/two_factor_verify.html", context, status=400)
    context = {"form": form, "next": _next_url(request), "passkey_login": passkey_login_allowed(request)}
    return render(request, "core/two_factor_verify.html", context)


@login_required
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes for a verified session (the old ones stop working)."""
    if not two_factor_required(request.user) or not two_factor_confirmed(request.user):
        return redirect("home")
    if request.method != "POST":
        return render(request, "core/two_factor_recovery_new.html", {})
    codes = recovery_codes_issue(actor=request.user)
    return render(request, "core/two_factor_recovery_codes.html", {"codes": codes, "next": "/"})
