"""Passkeys at the second step of logging in (django-otp-webauthn): the page where one registers, names and deletes
them, and the library's four JSON ceremonies wrapped in our rules (core/two_factor.py says who may and what counts).

The ceremonies are the library's JSON views under its URL namespace `otp_webauthn`, which its template tags and
browser scripts expect (CSRF applies: the scripts send the token). Ours add, before the library runs: who may
(`passkey_registration_allowed`, `passkey_login_allowed`) and the second step's lock-out (refused while locked, 429
with Retry-After); and around it: a failed answer (a wrong signature, a replay, an unknown passkey or another
account's: the library refuses those) counted as a wrong code, the audit log, Japanese messages. The library's
scripts are static files (json_script for their settings): nothing the Content-Security-Policy refuses;
core/static/core/passkeys.js sends the name of a passkey just registered.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions as webauthn_exceptions
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from shokuba.core.forms import AccessibleFormMixin
from shokuba.core.two_factor import (
    PASSKEY_NAME_MAX,
    passkey_delete,
    passkey_failed,
    passkey_login_allowed,
    passkey_registered,
    passkey_registration_allowed,
    passkey_rename,
    passkey_verified,
    passkeys_of,
    two_factor_locked,
)
from shokuba.core.two_factor_views import two_factor_lock_message


class PasskeyNameForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("パスキーの名前"),
        max_length=PASSKEY_NAME_MAX,
        required=False,
        help_text=gettext_lazy("あとで見分けるための名前です。例：事務所のパソコン、USBのセキュリティキー"),
    )


def _passkey_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("passkey", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _page(request: HttpRequest, form: PasskeyNameForm, status: int = 200) -> HttpResponse:
    context = {"passkeys": list(passkeys_of(request.user)), "form": form}
    return render(request, "core/two_factor_passkeys.html", context, status=status)


@login_required
def two_factor_passkeys(request: HttpRequest) -> HttpResponse:
    """One's passkeys: the list (rename, delete) and the button that registers a new one."""
    if not passkey_registration_allowed(request):
        return redirect("account")
    return _page(request, PasskeyNameForm())


@login_required
@require_POST
def two_factor_passkey_name(request: HttpRequest) -> HttpResponse:
    """Name a passkey of one's own: the one just registered (sent by passkeys.js) or one on the list."""
    if not passkey_registration_allowed(request):
        return redirect("account")
    form = PasskeyNameForm(request.POST)
    passkey_id = _passkey_id(request)
    if passkey_id is None:
        form.add_error("name", _("先に「パスキーを登録する」を押してください。"))
        return _page(request, form, status=400)
    if not form.is_valid():
        return _page(request, form, status=400)
    device = passkey_rename(actor=request.user, passkey_id=passkey_id, name=form.cleaned_data["name"])
    if device is None:
        raise Http404
    if request.POST.get("registered"):
        messages.success(request, _("パスキー「%(name)s」を登録しました。") % {"name": device.name})
    else:
        messages.success(request, _("パスキーの名前を「%(name)s」にしました。") % {"name": device.name})
    return redirect("two_factor_passkeys")


@login_required
@require_POST
def two_factor_passkey_delete(request: HttpRequest) -> HttpResponse:
    if not passkey_registration_allowed(request):
        return redirect("account")
    passkey_id = _passkey_id(request)
    device = passkey_delete(actor=request.user, passkey_id=passkey_id) if passkey_id is not None else None
    if device is None:
        raise Http404
    messages.success(request, _("パスキー「%(name)s」を削除しました。") % {"name": device.name})
    return redirect("two_factor_passkeys")


# --- the ceremonies (JSON) ------------------------------------------------------------------------------------


def _refused(message: str, status: int = 403) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _locked(request: HttpRequest) -> JsonResponse | None:
    if not two_factor_locked(request):  # also gives the request what axes's lock reading needs
        return None
    found = two_factor_lock_message(request)
    if found is None:
        return None
    message, seconds = found
    response = _refused(message, status=429)
    response["Retry-After"] = seconds
    return response


@method_decorator(never_cache, name="dispatch")
class PasskeyRegistrationBegin(BeginCredentialRegistrationView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not passkey_registration_allowed(request):
            return _refused(_("パスキーを登録できるのは、二段階認証を済ませた後だけです。"))
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class PasskeyRegistrationComplete(CompleteCredentialRegistrationView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not passkey_registration_allowed(request):
            return _refused(_("パスキーを登録できるのは、二段階認証を済ませた後だけです。"))
        return super().dispatch(request, *args, **kwargs)

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic():
            response: HttpResponse = super().post(*args, **kwargs)
            user = self.request.user
            device = WebAuthnCredential.objects.get(pk=json.loads(response.content)["id"], user=user)
            passkey_registered(actor=user, device=device)
        return response


class _SecondStep:
    """The second step with a passkey: only for a session that has to pass it and has a passkey, never while the
    step is locked."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not passkey_login_allowed(request):
            return _refused(_("このアカウントにはパスキーが登録されていません。確認コードを入力してください。"))
        locked = _locked(request)
        if locked is not None:
            return locked
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


@method_decorator(never_cache, name="dispatch")
class PasskeyAuthenticationBegin(_SecondStep, BeginCredentialAuthenticationView):
    pass


@method_decorator(never_cache, name="dispatch")
class PasskeyAuthenticationComplete(_SecondStep, CompleteCredentialAuthenticationView):
    def complete_auth(self, device: WebAuthnCredential) -> Any:
        result = super().complete_auth(device)
        passkey_verified(self.request, device)
        return result

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().post(*args, **kwargs)
        except webauthn_exceptions.OTPWebAuthnApiError as exc:
            passkey_failed(self.request)
            locked = _locked(self.request)
            if locked is not None:
                return locked
            status = int(exc.status_code)
            return _refused(
                _("パスキーで確認できませんでした。もう一度お試しいただくか、確認コードを入力してください。"),
                status=status if 400 <= status < 500 else 400,
            )


# Under the library's namespace, which its template tags reverse.
webauthn_urls = (
    [
        path("registration/begin/", PasskeyRegistrationBegin.as_view(), name="credential-registration-begin"),
        path("registration/complete/", PasskeyRegistrationComplete.as_view(), name="credential-registration-complete"),
        path("authentication/begin/", PasskeyAuthenticationBegin.as_view(), name="credential-authentication-begin"),
        path(
            "authentication/complete/",
            PasskeyAuthenticationComplete.as_view(),
            name="credential-authentication-complete",
        ),
        # The scripts' messages (English in the library, Japanese from shokuba/locale/ja/LC_MESSAGES/djangojs.po).
        path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
    ],
    "otp_webauthn",
)
