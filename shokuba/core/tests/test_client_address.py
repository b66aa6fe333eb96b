"""The staff client's address: REMOTE_ADDR, or X-Forwarded-For only when the peer is a trusted proxy."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from shokuba.core import login
from shokuba.core.lockout import lockout_address
from shokuba.core.login import client_address
from shokuba.settings.base import _positive_int_env, _trusted_proxies_env


def address(remote: str, forwarded: str | None = None) -> str | None:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().post("/login/", **headers))


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert address("203.0.113.5") == "203.0.113.5"
    assert address("203.0.113.5", "198.51.100.1") == "203.0.113.5"
    assert address("127.0.0.1", "198.51.100.1") == "127.0.0.1"


def test_by_default_only_a_proxy_on_this_machine_is_trusted() -> None:
    assert address("127.0.0.1", "198.51.100.1") == "198.51.100.1"
    assert address("::1", "198.51.100.1") == "198.51.100.1"
    assert address("10.0.0.5", "198.51.100.1") == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8:ffff::/48"])
def test_behind_trusted_proxies_the_right_most_untrusted_entry_is_the_client() -> None:
    assert address("10.0.0.5", "198.51.100.1") == "198.51.100.1"
    # what the client wrote itself is on the left; our proxies append on the right
    assert address("10.0.0.5", "1.2.3.4, 198.51.100.1") == "198.51.100.1"
    assert address("10.0.0.5", "198.51.100.1, 10.0.0.9, 10.1.2.3") == "198.51.100.1"
    assert address("2001:db8:ffff::1", "2001:db8:1::7") == "2001:db8:1::7"
    # nothing forwarded: the proxy itself is the client
    assert address("10.0.0.5") == "10.0.0.5"
    assert address("10.0.0.5", " , ") == "10.0.0.5"
    # every entry is one of ours: the left-most is as far as anyone can tell
    assert address("10.0.0.5", "10.0.0.7, 10.0.0.8") == "10.0.0.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_forwarded_entries_as_proxies_write_them() -> None:
    assert address("10.0.0.5", "198.51.100.1:52344") == "198.51.100.1"
    assert address("10.0.0.5", "[2001:db8::1]:443") == "2001:db8::1"
    assert address("10.0.0.5", "::ffff:198.51.100.1") == "198.51.100.1"
    assert address("::ffff:10.0.0.5", "198.51.100.1") == "198.51.100.1"
    # text that is not an address was written by the client: stop at the last proxy of ours
    assert address("10.0.0.5", "unknown, 10.0.0.9") == "10.0.0.9"
    assert address("10.0.0.5", "<script>") == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=["unix"])
def test_a_unix_socket_peer_is_trusted_only_when_configured() -> None:
    assert address("", "198.51.100.1") == "198.51.100.1"
    with override_settings(TRUSTED_PROXIES=[]):
        assert address("", "198.51.100.1") is None


@override_settings(TRUSTED_PROXIES=[])
def test_forwarding_from_an_untrusted_peer_is_reported_once(caplog: pytest.LogCaptureFixture) -> None:
    login._warned_untrusted_forwarding = False
    with caplog.at_level(logging.WARNING, logger="shokuba.core.login"):
        address("203.0.113.5", "198.51.100.1")
        address("203.0.113.6", "198.51.100.2")
    [record] = caplog.records
    assert "'203.0.113.5'" in record.getMessage() and "TRUSTED_PROXIES" in record.getMessage()


def test_the_lockout_counts_an_ipv6_client_by_its_64() -> None:
    request = RequestFactory().post("/login/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    assert lockout_address(request) == "2001:db8:1:2::"
    assert lockout_address(RequestFactory().post("/login/", REMOTE_ADDR="203.0.113.5")) == "203.0.113.5"


def test_settings_refuse_what_they_cannot_use(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _trusted_proxies_env("10.0.0.1, 192.168.0.0/16,unix ::1") == ["10.0.0.1", "192.168.0.0/16", "unix", "::1"]
    with pytest.raises(ImproperlyConfigured, match=r"'proxy\.example' is not an IP address"):
        _trusted_proxies_env("10.0.0.1,proxy.example")
    monkeypatch.setenv("LOGIN_MAX_FAILURES", "0")
    with pytest.raises(ImproperlyConfigured, match="LOGIN_MAX_FAILURES must be 1 or more"):
        _positive_int_env("LOGIN_MAX_FAILURES", 5)
