"""Who is logging in, and from where: the one normal form of a user name and the staff client's address.

`normalise_username` is used wherever a user name is stored or looked up (the user model's save and
`normalize_username`, its manager's `get_by_natural_key` that Django's login uses, the account service, the
management commands, the lock-out's counters), so `ｋｅｓｅｎｎｕｍａ`, `Kesennuma` and `kesennuma ` are one account.

`client_address` is the address of the staff member's own machine as far as this server can trust it. It is for
the login lock-out (core.lockout) and anything else about staff; survey respondents' addresses are never read.
"""

from __future__ import annotations

import ipaddress
import logging
import unicodedata
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# In TRUSTED_PROXIES, a peer on a Unix socket (gunicorn bound to a socket file behind nginx: REMOTE_ADDR is empty).
UNIX_SOCKET_PEER = "unix"


def normalise_username(raw: str) -> str:
    """NFKC (full-width letters and digits to ASCII, the ideographic space to a space), case folded, without
    surrounding white space. NFKC runs again after case folding, which can leave a non-NFKC string."""
    text = unicodedata.normalize("NFKC", str(raw))
    return unicodedata.normalize("NFKC", text.casefold()).strip()


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[bool, tuple[IPNetwork, ...]]:
    """(trust a Unix-socket peer, the trusted networks) from TRUSTED_PROXIES (checked when settings load)."""
    unix = UNIX_SOCKET_PEER in entries
    networks = tuple(ipaddress.ip_network(entry, strict=False) for entry in entries if entry != UNIX_SOCKET_PEER)
    return unix, networks


def _parse_address(text: str) -> IPAddress | None:
    """An address as proxies write it ("192.0.2.1", "192.0.2.1:5678", "[2001:db8::1]:443", "2001:db8::1"), or None."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port; IPv6 has at least two colons
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


_warned_untrusted_forwarding = False


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, unless REMOTE_ADDR is a trusted proxy (TRUSTED_PROXIES), in which case
    the right-most X-Forwarded-For entry that is not itself a trusted proxy.

    Every proxy appends the address it received the request from, so entries to the right of the first untrusted
    one were written by our own proxies and the rest by whoever sent the request: a client can put anything on
    the left, never on the right. None when no address is known (an untrusted Unix-socket peer).
    """
    unix_trusted, networks = _trusted(tuple(settings.TRUSTED_PROXIES))
    remote_text = str(request.META.get("REMOTE_ADDR") or "")
    remote = _parse_address(remote_text)
    if remote is None:
        peer_trusted = unix_trusted and not remote_text
    else:
        peer_trusted = _is_trusted(remote, networks)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    if not peer_trusted:
        if forwarded:
            _warn_untrusted_forwarding(remote_text)
        return str(remote) if remote is not None else None
    found: IPAddress | None = remote
    for entry in reversed(forwarded.split(",")):
        if not entry.strip():
            continue
        address = _parse_address(entry)
        if address is None:
            # Our proxies write addresses only: this entry is the client's own text. Stop at the last proxy.
            break
        found = address
        if not _is_trusted(address, networks):
            break
    return str(found) if found is not None else None


def _warn_untrusted_forwarding(remote: str) -> None:
    global _warned_untrusted_forwarding
    if not _warned_untrusted_forwarding:
        _warned_untrusted_forwarding = True
        logger.warning(
            "X-Forwarded-For received from %r, which is not in TRUSTED_PROXIES: it is ignored and every client "
            "behind that peer is counted as one address. If a reverse proxy runs in front, add it to TRUSTED_PROXIES.",
            remote or "a Unix socket",
        )


def user_sessions_end(user_id: int) -> int:
    """Log a person out everywhere: delete every stored session of theirs (database sessions, decoded one by one —
    a few hundred staff sessions at most). Returns how many."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user_id):
            session.delete()
            ended += 1
    return ended
