"""Production: every secret from the environment, HTTPS only."""

import os

from .base import *  # noqa: F403
from .base import _roles_env

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes and the metrics scrape reach the app directly on its own address, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# JSON logs unless told otherwise (core/observability.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_FORMAT == "json" else "text"
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Two-factor login for the network's staff unless the operator says otherwise (core/two_factor.py).
OTP_REQUIRED_ROLES = _roles_env("OTP_REQUIRED_ROLES", "secretariat,support,coordinator")
# Passkeys only once the operator names the site's host (OTP_WEBAUTHN_RP_ID) and addresses
# (OTP_WEBAUTHN_ALLOWED_ORIGINS) and sets TWO_FACTOR_PASSKEYS=true; `make prod-check` checks them (docs/operations.md).
TWO_FACTOR_PASSKEYS = os.environ.get("TWO_FACTOR_PASSKEYS", "false").lower() == "true"
# Mail through the operator's SMTP server (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS / EMAIL_USE_SSL, DEFAULT_FROM_EMAIL from the environment; see base.py; set DEFAULT_FROM_EMAIL).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
