"""One's own account: the account page, changing the password, resetting it by e-mail (Django's views with our
Japanese templates). Every password set is audited (never the password). Resetting never logs in: the new password
is then used on the login page, where the lock-out (core/lockout.py) and the second step apply as always."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy

from shokuba.core.audit import audit_record
from shokuba.core.forms import AccessibleFormMixin
from shokuba.core.models import AuditAction
from shokuba.core.throttle import rate_limit_hit
from shokuba.core.two_factor import passkeys_enabled, passkeys_of, two_factor_confirmed, two_factor_required


def _audit_password_set(user: Any, how: str) -> None:
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        instance=user,
        before=None,
        after={"password": how},
        member_code=getattr(user, "member_id", None) or "",
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    required = two_factor_required(user)
    context = {
        "two_factor_required": required,
        "two_factor_confirmed": two_factor_confirmed(user),
        "passkeys_enabled": required and passkeys_enabled(),
        "passkey_count": passkeys_of(user).count() if required and passkeys_enabled() else 0,
    }
    return render(request, "core/account.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        _audit_password_set(form.user, "changed")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed link (reset, or the account's set-up). post_reset_login stays False: log in afterwards."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        _audit_password_set(form.user, "set by e-mailed link")
        return response


class PasswordResetForm(AccessibleFormMixin, auth_forms.PasswordResetForm):
    def get_users(self, email: str) -> Iterator[Any]:
        """Every active account with this address, including one whose set-up link expired before a password was
        ever set (Django leaves out accounts without a usable password; here every account is a local one)."""
        user_model = get_user_model()
        email_field = user_model.get_email_field_name()
        found = user_model._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
        return (user for user in found if _same_address(email, getattr(user, email_field)))


def _same_address(typed: str, stored: str) -> bool:
    return bool(stored) and typed.casefold() == stored.casefold()


class PasswordResetView(auth_views.PasswordResetView):
    """Always the same answer, whether the address belongs to an account or not (Django's behaviour), and whether
    or not a mail goes out: at most PASSWORD_RESET_MAILS_PER_HOUR mails per address and hour, so nobody can flood
    a colleague's inbox through this form."""

    form_class = PasswordResetForm
    success_url = reverse_lazy("password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        address = form.cleaned_data["email"].strip().casefold()
        key = "password-reset:" + hashlib.sha256(address.encode()).hexdigest()[:32]
        if rate_limit_hit(key=key, limit=settings.PASSWORD_RESET_MAILS_PER_HOUR, window_seconds=3600):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
