"""The login lock-out, through django-axes: what it counts, when it locks, and the Japanese page it answers with.

Axes watches every authentication (its backend refuses a locked attempt before the password is checked; its
signal handlers record failures in `axes.AccessAttempt`; its middleware swaps the response for ours). Here:
- the user name it counts is the normalised one (`lockout_username`) and the address is the real client's
  (`lockout_address`, behind trusted proxies only; an IPv6 client counts by its /64, which one subscriber holds);
- `LoginLockHandler` counts an account and an address each against its own limit: 5 failures for one user name
  from anywhere, a looser limit for one address over any names. A locked account never blocks another account,
  an address lock blocks only that address;
- an attempt refused by a lock is not counted, so the lock ends at the time the page states;
- a success clears that account's failures only, never the address's;
- nothing that the decision does not need is stored: no user agent, no Accept header, no successful-login log.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from dataclasses import dataclass
from typing import Any, Literal

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from shokuba.core.login import client_address, normalise_username

# axes.AccessAttempt.username is a CharField(max_length=255); real user names are at most 150 after normalising.
_USERNAME_MAX = 255


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the user name as the account is stored, whatever width or case was typed."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "")
    return normalise_username(str(raw))[:_USERNAME_MAX]


def lockout_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address (core.login.client_address); an IPv6 address as its /64."""
    address = client_address(request)
    if address is None:
        return None
    parsed = ipaddress.ip_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address)
    return address


@dataclass(frozen=True)
class LoginLock:
    scope: Literal["account", "address"]
    until: dt.datetime


def _locked_until(attempts: QuerySet[AccessAttempt], limit: int, cool_off: dt.timedelta) -> dt.datetime | None:
    """When these attempts stop adding up to `limit`, or None if they do not now.

    Axes keeps one row per (user name, address) with its failure count and the time of its latest failure; a row
    counts until its latest failure is `cool_off` old. Newest first, the row whose failures reach the limit is
    the one whose expiry lifts the lock.
    """
    total = 0
    for attempt_time, failures in attempts.order_by("-attempt_time").values_list(
        "attempt_time", "failures_since_start"
    ):
        total += failures
        if total >= limit:
            return attempt_time + cool_off
    return None


class LoginLockHandler(AxesDatabaseHandler):
    """Axes's database handler with a limit per account and a separate, looser one per client address."""

    def lock(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> LoginLock | None:
        cool_off = get_cool_off(request)
        if cool_off is None:  # pragma: no cover - settings always set a cool-off
            raise ValueError("AXES_COOLOFF_TIME must be set")
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        locks: list[LoginLock] = []
        username = lockout_username(request, credentials)
        if username:
            until = _locked_until(recent.filter(username=username), settings.LOGIN_MAX_FAILURES, cool_off)
            if until is not None:
                locks.append(LoginLock("account", until))
        address = getattr(request, "axes_ip_address", None)
        if address:
            until = _locked_until(recent.filter(ip_address=address), settings.LOGIN_ADDRESS_MAX_FAILURES, cool_off)
            if until is not None:
                locks.append(LoginLock("address", until))
        return max(locks, key=lambda lock: lock.until, default=None)

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Failures on the scale of AXES_FAILURE_LIMIT (the account limit), which axes compares with it: the
        account's own count, or the full limit when the address is over its own limit."""
        if self.lock(request, credentials) is not None:
            return int(settings.AXES_FAILURE_LIMIT)
        username = lockout_username(request, credentials)
        if not username:
            return 0
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request), username=username)
        return sum(recent.values_list("failures_since_start", flat=True))

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        if request is not None:
            # Not needed to decide anything: not stored.
            request.axes_user_agent = ""
            request.axes_http_accept = ""
        super().user_login_failed(sender, credentials, request, **kwargs)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """After a successful login: forget that account's failures (from any address), not the address's
        failures on other names — an attacker's own valid login must not reset the count of names it tried."""
        username = lockout_username(request, credentials)
        deleted, _rows = AccessAttempt.objects.filter(username=username).delete()
        return deleted


def _local_time_text(moment: dt.datetime) -> str:
    """The retry time as people read it, rounded up to the minute (so 'after 15:42' is never early)."""
    local = timezone.localtime(moment)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    if local.date() == timezone.localdate():
        return _("%(hour)d時%(minute)02d分") % {"hour": local.hour, "minute": local.minute}
    return _("%(month)d月%(day)d日 %(hour)d時%(minute)02d分") % {
        "month": local.month,
        "day": local.day,
        "hour": local.hour,
        "minute": local.minute,
    }


def lock_now(request: HttpRequest, credentials: dict[str, Any] | None) -> tuple[LoginLock, str] | None:
    """The lock on these credentials (or the client's address) now, with its end as people read it; or None."""
    handler = AxesProxyHandler.get_implementation()
    if not isinstance(handler, LoginLockHandler):  # pragma: no cover - settings always name it
        return None
    lock = handler.lock(request, credentials)
    if lock is None:
        return None
    return lock, _local_time_text(lock.until)


def retry_after(lock: LoginLock) -> str:
    return str(max(1, math.ceil((lock.until - timezone.now()).total_seconds())))


def login_locked_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, with when to retry, as HTTP 429 with Retry-After."""
    handler = AxesProxyHandler.get_implementation()
    lock = handler.lock(request, credentials) if isinstance(handler, LoginLockHandler) else None
    if lock is None:  # the counts expired between the refusal and this page: the window from now is an upper bound
        cool_off = get_cool_off(request) or dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        lock = LoginLock("account", timezone.now() + cool_off)
    time_text = _local_time_text(lock.until)
    if lock.scope == "account":
        message = _(
            "ログインの失敗が続いたため、このユーザー名ではしばらくの間ログインできません。"
            "%(time)s以降にもう一度お試しください。"
        ) % {"time": time_text}
    else:
        message = _(
            "この接続元からのログインの失敗が続いたため、しばらくの間ログインできません。"
            "%(time)s以降にもう一度お試しください。"
        ) % {"time": time_text}
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    context = {"form": form, "locked_message": message, "next": request.POST.get("next", "")}
    response = render(request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(max(1, math.ceil((lock.until - timezone.now()).total_seconds())))
    return response
