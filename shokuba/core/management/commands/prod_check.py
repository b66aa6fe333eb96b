"""`manage.py prod_check` (`make prod-check`): is this deployment's configuration fit for production?

Django's `check --deploy` covers HTTPS, cookies and headers; this covers what is ours: the settings module, the
secret key, the database, hosts and proxies, the private files, the collected static files, pending migrations,
logs, metrics across workers, mail, the passkeys' relying party and the backup tools. Each line says OK, WARN or
FAIL with what to do; any FAIL exits 1."""

from __future__ import annotations

import ipaddress
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

Result = tuple[str, str]  # ("OK" | "WARN" | "FAIL", message)


def _settings_module() -> Result:
    module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    if module != "shokuba.settings.prod":
        return "FAIL", f"DJANGO_SETTINGS_MODULE is {module!r}; production runs shokuba.settings.prod"
    return "OK", "shokuba.settings.prod"


def _secret_key() -> Result:
    key = settings.SECRET_KEY
    if key.startswith("dev-only") or len(key) < 50 or len(set(key)) < 5:
        return "FAIL", "SECRET_KEY must be at least 50 random characters of this deployment's own"
    return "OK", "SECRET_KEY set"


def _database() -> Result:
    if connection.vendor != "postgresql":
        return "FAIL", f"DATABASE_URL points at {connection.vendor}; production runs on PostgreSQL"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return "OK", f"PostgreSQL {row[0] if row else '?'}"


def _migrations() -> Result:
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return "FAIL", f"{len(pending)} migration(s) not applied: run manage.py migrate (docs/operations.md, Upgrades)"
    return "OK", "every migration applied"


def _hosts() -> Result:
    local = {"127.0.0.1", "localhost", "::1", "[::1]"}
    public = [h for h in settings.ALLOWED_HOSTS if h not in local]
    if not public or "*" in settings.ALLOWED_HOSTS:
        return "FAIL", "ALLOWED_HOSTS must name the site's host name(s), and never '*'"
    return "OK", f"ALLOWED_HOSTS {', '.join(public)}"


def _proxies() -> Result:
    if not settings.TRUSTED_PROXIES:
        return "WARN", "TRUSTED_PROXIES is empty: behind nginx every client would look like nginx to the login lock"
    return "OK", f"TRUSTED_PROXIES {len(settings.TRUSTED_PROXIES)} network(s)"


def _private_files() -> Result:
    folder = Path(settings.PRIVATE_FILES_DIR).resolve()
    static = Path(settings.STATIC_ROOT).resolve()
    if folder == static or static in folder.parents or folder in static.parents:
        return "FAIL", f"SHOKUBA_PRIVATE_FILES_DIR ({folder}) overlaps the static files ({static}): it would be public"
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        return "FAIL", f"SHOKUBA_PRIVATE_FILES_DIR ({folder}) must exist and be writable by the app"
    return "OK", f"private files in {folder}"


def _static_files() -> Result:
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.is_file():
        return "FAIL", f"no collected static files in {settings.STATIC_ROOT}: run manage.py collectstatic"
    return "OK", f"static files collected in {settings.STATIC_ROOT}"


def _logs() -> Result:
    if getattr(settings, "LOG_FORMAT", "") != "json":
        return "WARN", "LOG_FORMAT is not json: log lines will be harder to search"
    return "OK", "JSON logs"


def _metrics() -> Result:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return "WARN", "PROMETHEUS_MULTIPROC_DIR unset: with several gunicorn workers each scrape sees one worker"
    return "OK", "metrics summed across workers"


def _mail() -> Result:
    backend = settings.EMAIL_BACKEND
    if "console" in backend or "locmem" in backend or "dummy" in backend:
        return "FAIL", f"EMAIL_BACKEND is {backend}: password resets would never arrive"
    if backend.endswith("smtp.EmailBackend") and settings.EMAIL_HOST in ("", "localhost"):
        return "WARN", "EMAIL_HOST is localhost: make sure a mail server listens there"
    return "OK", f"mail through {settings.EMAIL_HOST}"


def _site_url() -> Result:
    """The address in notification mails sent without a request (reminders, digests: core/notifications.py)."""
    parts = urlsplit(settings.SITE_URL)
    if parts.hostname in (None, "", "localhost", "127.0.0.1", "::1"):
        return "WARN", f"SITE_URL is {settings.SITE_URL}: links in reminder and digest mails would not reach the site"
    if parts.scheme != "https":
        return "WARN", f"SITE_URL is {settings.SITE_URL}: use the site's https:// address"
    return "OK", f"links in mails point to {settings.SITE_URL}"


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


def _passkeys() -> Result:
    """Passkeys (TWO_FACTOR_PASSKEYS): each is bound to OTP_WEBAUTHN_RP_ID, the site's host name (or a parent domain
    of it), and accepted only from the exact addresses in OTP_WEBAUTHN_ALLOWED_ORIGINS."""
    if not getattr(settings, "TWO_FACTOR_PASSKEYS", False):
        return "OK", "passkeys off (TWO_FACTOR_PASSKEYS): the second step is the authenticator app's code"
    rp_id = str(getattr(settings, "OTP_WEBAUTHN_RP_ID", "") or "").strip().lower()
    if not rp_id or rp_id == "localhost" or _is_ip_address(rp_id) or any(ch in rp_id for ch in ":/ "):
        return (
            "FAIL",
            f"OTP_WEBAUTHN_RP_ID is {rp_id!r}: set the site's host name (e.g. shokuba.example.jp); every passkey is "
            "bound to it, so changing it later voids them",
        )
    hosts = [h.lstrip(".").lower() for h in settings.ALLOWED_HOSTS]
    if not any(host == rp_id or host.endswith("." + rp_id) for host in hosts):
        return "FAIL", f"OTP_WEBAUTHN_RP_ID {rp_id} is neither a host in ALLOWED_HOSTS nor a parent domain of one"
    origins = list(getattr(settings, "OTP_WEBAUTHN_ALLOWED_ORIGINS", []) or [])
    if not origins:
        return "FAIL", "OTP_WEBAUTHN_ALLOWED_ORIGINS is empty: set the site's https:// address"
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme != "https" or not parts.hostname or parts.path not in ("", "/") or parts.query:
            return "FAIL", f"OTP_WEBAUTHN_ALLOWED_ORIGINS: {origin!r} must be an https:// address without a path"
        if not (parts.hostname == rp_id or parts.hostname.endswith("." + rp_id)):
            return "FAIL", f"OTP_WEBAUTHN_ALLOWED_ORIGINS: {origin} is not on {rp_id} (OTP_WEBAUTHN_RP_ID)"
    return "OK", f"passkeys for {rp_id} from {', '.join(origins)}"


def _backup_tools() -> Result:
    missing = [p for p in ("pg_dump", "pg_restore", "gpg") if shutil.which(p) is None]
    if missing:
        return (
            "WARN",
            f"{', '.join(missing)} not installed: scripts/backup.py cannot run (Debian: postgresql-client, gpg)",
        )
    return "OK", "backup tools present"


CHECKS: list[tuple[str, Callable[[], Result]]] = [
    ("settings", _settings_module),
    ("secret key", _secret_key),
    ("database", _database),
    ("migrations", _migrations),
    ("hosts", _hosts),
    ("proxies", _proxies),
    ("private files", _private_files),
    ("static files", _static_files),
    ("logs", _logs),
    ("metrics", _metrics),
    ("mail", _mail),
    ("site url", _site_url),
    ("passkeys", _passkeys),
    ("backups", _backup_tools),
]


class Command(BaseCommand):
    help = "Check this deployment's configuration for production (see docs/operations.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for name, check in CHECKS:
            try:
                level, message = check()
            except Exception as exc:  # a check that cannot even run is a failure, named
                level, message = "FAIL", f"{type(exc).__name__}: {exc}"
            failed += level == "FAIL"
            self.stdout.write(f"{level:<4} {name}: {message}")
        if failed:
            raise CommandError(f"{failed} check(s) failed: not ready for production")
        self.stdout.write("prod-check: ready for production")
