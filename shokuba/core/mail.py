"""E-mail to staff: one way to send, plain text in Japanese, after the transaction that caused it commits.

The account set-up link is Django's password-reset token (one use: setting a password makes it stale; it lasts
PASSWORD_RESET_TIMEOUT), so the link opens the same page as a reset (core/account_views.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def mail_send(
    *,
    to: str,
    subject_template: str,
    body_template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> None:
    """Render a subject and a plain-text body in Japanese and send them once the current transaction commits.
    `headers`: extra headers (the notifications' List-Unsubscribe)."""
    with translation.override("ja"):
        subject = "".join(render_to_string(subject_template, context).splitlines()).strip()
        body = render_to_string(body_template, context)
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], headers=headers or {}
    )
    transaction.on_commit(message.send)


def site_url(path: str = "") -> str:
    """An absolute address on the site for mails sent without a request (reminders, digests): SITE_URL + path."""
    return settings.SITE_URL.rstrip("/") + path


def account_setup_mail_send(*, user: Any, site_url: str) -> None:
    """The link with which a new account's person sets their password (the account has none until then)."""
    parts = urlsplit(site_url)
    context = {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": parts.scheme or "https",
        "domain": parts.netloc,
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    mail_send(
        to=user.email,
        subject_template="registration/account_setup_subject.txt",
        body_template="registration/account_setup_email.txt",
        context=context,
    )
