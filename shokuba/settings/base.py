"""Settings shared by every environment. Everything that differs comes from environment variables."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "shokuba"
VAR_DIR = Path(os.environ.get("SHOKUBA_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789")
DEBUG = False
ALLOWED_HOSTS: list[str] = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: core's `runserver` (make run) extends staticfiles' and must be the one Django finds.
    "shokuba.core",
    "django.contrib.staticfiles",
    "shokuba.network",
    "shokuba.guidebook",
    "shokuba.surveys",
    "shokuba.api",
    "shokuba.demo",
    "django_tasks",
    "django_tasks_db",
    "shokuba.regional",
    "shokuba.workplace",
    "shokuba.results",
    "shokuba.plans",
    "shokuba.support",
    "shokuba.jobads",
    "shokuba.public",
    "shokuba.search",
    "shokuba.learning",
    "shokuba.forum",
    "shokuba.materials",
    "shokuba.events",
    "axes",
    "django_prometheus",
    # Two-factor login (core/two_factor.py): TOTP devices, and static devices for the recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Passkeys (security keys, fingerprint or face on a computer or phone) as another second step, beside the code.
    "django_otp_webauthn",
]

MIDDLEWARE = [
    # First: every later log line of the request carries its id (core/observability.py); then the metrics' clock.
    "shokuba.core.observability.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "shokuba.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shokuba.core.middleware.JapaneseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second step (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Staff whose role needs two-factor login reach nothing but the second step until they pass it.
    "shokuba.core.two_factor.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a login refused by the lock-out into the lock page (core/lockout.py).
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "shokuba.urls"
WSGI_APPLICATION = "shokuba.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shokuba.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shokuba.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's own cursors bind parameters client-side and never prepare; this lets the survey submission's one
    # statement (surveys/storage.py, a server-side binding cursor) run as a prepared statement on each connection.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many writers at once (a workplace answering together, parallel API calls) on one file:
    # - WAL: readers never wait for the writer, and the writer not for readers (the mode is stored in the file, so
    #   `make run`'s database switches on its first connection);
    # - synchronous FULL: every commit is on disk before the confirmation page, as on PostgreSQL
    #   (NORMAL could lose the last acknowledged answers in a power cut);
    # - IMMEDIATE transactions: a transaction takes the write lock when it begins, so writers queue on the busy
    #   timeout instead of failing at once with "database is locked" when a read turns into a write;
    # - the busy timeout: how long a writer waits for the lock before the error (then the answering page shows a
    #   retry page that keeps the answers).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("SQLITE_TIMEOUT_SECONDS", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "network.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# The e-mailed password-reset and account set-up links last this long (Django's token; one use: a new
# password makes the link stale).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT_SECONDS", str(3 * 24 * 60 * 60)))
# Reset mails to one address per hour, at most (more requests get the same answer and no mail).
PASSWORD_RESET_MAILS_PER_HOUR = int(os.environ.get("PASSWORD_RESET_MAILS_PER_HOUR", "3"))
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"


# Login lock-out (django-axes, see core/lockout.py). An account (its normalised user name) is locked after
# LOGIN_MAX_FAILURES failures from anywhere; a client address after LOGIN_ADDRESS_MAX_FAILURES failures over any
# names (looser: a city hall, or a prefecture's 自治体情報セキュリティクラウド, puts many staff behind one address).
# Failures less than LOGIN_FAILURE_WINDOW_SECONDS apart add up; the lock lasts that long after the last of them.
def _positive_int_env(name: str, default: int) -> int:
    value = int(os.environ.get(name, str(default)))
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be 1 or more (got {value})")
    return value


LOGIN_MAX_FAILURES = _positive_int_env("LOGIN_MAX_FAILURES", 5)
LOGIN_ADDRESS_MAX_FAILURES = _positive_int_env("LOGIN_ADDRESS_MAX_FAILURES", 30)
LOGIN_FAILURE_WINDOW_SECONDS = _positive_int_env("LOGIN_FAILURE_WINDOW_SECONDS", 900)


# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks, comma-separated; "unix" trusts a
# peer on a Unix socket). The default trusts a proxy on this machine only. See core/login.py: client_address.
def _trusted_proxies_env(text: str) -> list[str]:
    entries = [entry for entry in text.replace(" ", ",").split(",") if entry]
    for entry in entries:
        try:
            if entry != "unix":
                ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {entry!r} is not an IP address or network") from exc
    return entries


TRUSTED_PROXIES = _trusted_proxies_env(os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1"))

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked attempt before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "shokuba.core.lockout.LoginLockHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(seconds=LOGIN_FAILURE_WINDOW_SECONDS)
AXES_RESET_ON_SUCCESS = True
# An attempt refused by a lock is not counted: the lock ends at the time the page states.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "shokuba.core.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "shokuba.core.lockout.lockout_address"
AXES_LOCKOUT_CALLABLE = "shokuba.core.lockout.login_locked_response"
AXES_HTTP_RESPONSE_CODE = 429
# Store no more than the lock needs: no log of successful logins, no failure history beyond the window, and
# the form's values masked in what axes keeps of the failed request; log lines name neither user nor address.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["username", "password", "ip_address", "csrfmiddlewaretoken", "next"]
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False


# Two-factor login (core/two_factor.py). The roles that must pass a second step (a TOTP code or a recovery code)
# after the password: comma-separated role values, e.g. "secretariat,support,coordinator". Off unless set here;
# production's default is in prod.py. Wrong codes count toward the lock-out of axes (under the account's own
# key), so django-otp's own back-off is switched off: one lock-out mechanism, one message.
def _roles_env(name: str, default: str) -> list[str]:
    return [role.strip() for role in os.environ.get(name, default).split(",") if role.strip()]


OTP_REQUIRED_ROLES = _roles_env("OTP_REQUIRED_ROLES", "")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Shokuba")
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
TWO_FACTOR_RECOVERY_CODES = 10
# Passkeys (django-otp-webauthn, core/passkey_views.py): someone with two-factor login may also register passkeys and
# use one instead of a code. The relying party id is the site's host name (a passkey is bound to it: changing it later
# voids every passkey); the origins are the exact https:// addresses people open (scheme, host and port). Development
# and tests: http://localhost:8000 (browsers allow WebAuthn on localhost over plain HTTP, never on 127.0.0.1).
# Production (prod.py) has them off until TWO_FACTOR_PASSKEYS=true, and `make prod-check` checks these settings.
TWO_FACTOR_PASSKEYS = os.environ.get("TWO_FACTOR_PASSKEYS", "true").lower() == "true"
OTP_WEBAUTHN_RP_ID = os.environ.get("OTP_WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_NAME = os.environ.get("OTP_WEBAUTHN_RP_NAME", OTP_TOTP_ISSUER)
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("OTP_WEBAUTHN_ALLOWED_ORIGINS", "http://localhost:8000").split(",")
    if origin.strip()
]
# A second step only: never a login without the password.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# E-mail (password reset, account set-up links): printed on the console unless a server is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false").lower() == "true"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "false").lower() == "true"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shokuba@localhost")
# The site's address for links in mails sent without a request (notifications, reminders, digests).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")
# Consultations (shokuba/support): the support team's first answer is due within this many working days
# (Monday to Friday; public holidays are not known to the platform).
SUPPORT_FIRST_ANSWER_WORKING_DAYS = int(os.environ.get("SUPPORT_FIRST_ANSWER_WORKING_DAYS", "3"))

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "shokuba_cache",
    }
}

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploaded evidence lives outside the web root and is only ever served through a view that checks permission.
PRIVATE_FILES_DIR = Path(os.environ.get("SHOKUBA_PRIVATE_FILES_DIR", VAR_DIR / "private"))
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

X_FRAME_OPTIONS = "DENY"
# The Content-Security-Policy of every response that sets none of its own (core.csp). Every script and
# style is a static file: no inline code, no eval (charts use Vega's expression interpreter), nothing from elsewhere.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60

# Requests on these paths are never logged, not even as errors: the respondents' pages (core/request_logs.py).
UNLOGGED_PATH_PREFIXES = ["/s/"]

# Logs on standard error: "text" for people (make run), "json" for machines (production's default, one object a
# line with the request id and no personal data: core/observability.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "shokuba.core.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "shokuba.core.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
# Who may read /metrics (core/observability.py): the operators' Prometheus, by address, never through the proxy.
METRICS_ALLOWED_ADDRESSES = [
    a.strip() for a in os.environ.get("METRICS_ALLOWED_ADDRESSES", "127.0.0.1,::1").split(",") if a.strip()
]

# Background work (django-tasks): the database backend needs `manage.py db_worker` running beside the server.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# e-Stat API v3 (regional statistics import): the application ID from https://www.e-stat.go.jp/api/ .
ESTAT_APP_ID = os.environ.get("ESTAT_APP_ID", "")
ESTAT_API_URL = os.environ.get("ESTAT_API_URL", "https://api.e-stat.go.jp/rest/3.0/app/json/getStatsData")
# Survey results: a group, cell or comparison with fewer respondents is shown as "—" (never below 3).
RESULTS_MIN_GROUP_SIZE = int(os.environ.get("RESULTS_MIN_GROUP_SIZE", "5"))
REGIONAL_IMPORT_MAX_BYTES = int(os.environ.get("REGIONAL_IMPORT_MAX_BYTES", str(40 * 1024 * 1024)))

# The public site's absolute URLs (canonical links, OGP, feeds, sitemap). Empty: taken from the request's host
# (development); production sets it, so the links never follow a Host header.
PUBLIC_SITE_URL = os.environ.get("PUBLIC_SITE_URL", "")
# How long a public member page keeps its plan readings and survey headlines (computed through the gates) before
# reading them again; a change of what may be shown (publication, plan state, items, waves) takes effect at once.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "600"))
