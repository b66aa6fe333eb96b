"""Logging in: the lock-out (per account and per real client address), hashed passwords, CSRF on every POST.

Every request goes through the test client to the real login view, django-axes and the database."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.test import Client, override_settings
from django.utils import timezone

from conftest import PASSWORD, make_user
from shokuba.network.models import Member, Organisation, Role, User

ACCOUNT_LOCKED = "ログインの失敗が続いたため、このユーザー名ではしばらくの間ログインできません。"
ADDRESS_LOCKED = "この接続元からのログインの失敗が続いたため、しばらくの間ログインできません。"
OFFICE = "192.0.2.10"


def attempt(client: Client, username: str, password: str, address: str = OFFICE, **headers: Any) -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def logs_in(username: str, address: str = OFFICE, **headers: Any) -> bool:
    client = Client()
    response = attempt(client, username, PASSWORD, address, **headers)
    return response.status_code == 302 and is_logged_in(client)


def fail(username: str, times: int, address: str = OFFICE, **headers: Any) -> list[int]:
    return [attempt(Client(), username, "wrong-password", address, **headers).status_code for _ in range(times)]


def retry_time(html: str) -> tuple[int, int]:
    found = re.search(r"(\d{1,2})時(\d{2})分以降にもう一度お試しください", html)
    assert found, html
    return int(found[1]), int(found[2])


def expected_retry_time(last_failure: dt.datetime) -> tuple[int, int]:
    """The stated time: the counting failure's time plus the window, in Japan, rounded up to the minute."""
    moment = timezone.localtime(last_failure + dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS))
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return moment.hour, moment.minute


@pytest.fixture
def kesennuma_user(kesennuma: Member) -> User:
    return make_user("kesennuma", Role.COORDINATOR, member=kesennuma)


def test_the_defaults_are_five_per_account_and_looser_per_address_over_fifteen_minutes() -> None:
    assert settings.LOGIN_MAX_FAILURES == 5
    assert settings.LOGIN_ADDRESS_MAX_FAILURES == 30
    assert settings.LOGIN_FAILURE_WINDOW_SECONDS == 15 * 60
    assert settings.AXES_FAILURE_LIMIT == settings.LOGIN_MAX_FAILURES


@pytest.mark.django_db
def test_the_right_password_logs_in(secretariat: User) -> None:
    client = Client()
    response = attempt(client, "t-secretariat", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(secretariat.pk)


@pytest.mark.django_db
def test_a_wrong_password_is_refused_in_japanese(secretariat: User) -> None:
    client = Client()
    response = attempt(client, "t-secretariat", "wrong-password")
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_the_fifth_failure_locks_and_says_when_to_retry(secretariat: User) -> None:
    assert fail("t-secretariat", 4) == [200] * 4
    fifth = attempt(Client(), "t-secretariat", "wrong-password")
    assert fifth.status_code == 429
    client = Client()
    response = attempt(client, "t-secretariat", PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(client)
    html = response.content.decode()
    assert ACCOUNT_LOCKED in html and 'role="alert"' in html
    last = AccessAttempt.objects.get(username="t-secretariat").attempt_time
    assert retry_time(html) == expected_retry_time(last)
    assert 0 < int(response["Retry-After"]) <= settings.LOGIN_FAILURE_WINDOW_SECONDS
    # the form is there again, with the name as typed, for when the time has come
    assert 'name="username"' in html and 'value="t-secretariat"' in html


@pytest.mark.django_db
def test_the_lock_page_in_english(secretariat: User) -> None:
    fail("t-secretariat", 5)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = attempt(client, "t-secretariat", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed login attempts for this user name" in html
    assert re.search(r"Please try again after \d{1,2}:\d{2}\.", html)


# --- finding 1: width and case variants of a locked name --------------------------------------------------


@pytest.mark.django_db
def test_a_locked_account_stays_locked_in_every_width_and_case(kesennuma_user: User) -> None:
    # The finding as written: 5 failures for `kesennuma`, then the full-width name with the right password.
    fail("kesennuma", 5)
    for variant in ["ｋｅｓｅｎｎｕｍａ", "KESENNUMA", "Kesennuma", "ＫＥＳＥＮＮＵＭＡ", "　kesennuma ", "kesennuma"]:
        client = Client()
        response = attempt(client, variant, PASSWORD, address="198.51.100.20")
        assert response.status_code == 429, variant
        assert ACCOUNT_LOCKED in response.content.decode()
        assert not is_logged_in(client)
    # one counter, under the stored name; the refused tries did not add to it
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [("kesennuma", 5)]


@pytest.mark.django_db
def test_variants_share_one_count_and_get_no_new_tries(kesennuma_user: User) -> None:
    variants = ["kesennuma", "ｋｅｓｅｎｎｕｍａ", "KESENNUMA", "Ｋｅｓｅｎｎｕｍａ", " kesennuma"]
    statuses = [
        attempt(Client(), name, "wrong-password", address=f"198.51.100.{n}").status_code
        for n, name in enumerate(variants)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    assert attempt(Client(), "ｋｅｓｅｎｎｕｍａ", "wrong-password", address="198.51.100.99").status_code == 429
    assert not logs_in("kesennuma", address="203.0.113.9")


@pytest.mark.django_db
def test_any_width_or_case_of_the_name_logs_in(kesennuma_user: User) -> None:
    for variant in ["ｋｅｓｅｎｎｕｍａ", "KESENNUMA", "Kesennuma", "　kesennuma　"]:
        assert logs_in(variant), variant


# --- finding 2: one address cannot block everyone ---------------------------------------------------------


@pytest.mark.django_db
def test_twenty_made_up_names_lock_neither_the_real_account_nor_other_addresses(secretariat: User) -> None:
    # The finding as written: 20 failures with made-up names from one address.
    attacker = "203.0.113.66"
    assert fail_names(20, attacker) == [200] * 20
    assert logs_in("t-secretariat", address="198.51.100.7")  # another address
    assert logs_in("t-secretariat", address=attacker)  # 20 is under the address's own limit, too
    assert not AccessAttempt.objects.filter(username="t-secretariat").exists()


def fail_names(count: int, address: str, start: int = 0, **headers: Any) -> list[int]:
    return [
        attempt(Client(), f"guess-{n}", "wrong-password", address, **headers).status_code
        for n in range(start, start + count)
    ]


@pytest.mark.django_db
def test_an_address_over_its_limit_is_locked_alone(secretariat: User) -> None:
    attacker = "203.0.113.66"
    limit = settings.LOGIN_ADDRESS_MAX_FAILURES
    assert fail_names(limit - 1, attacker) == [200] * (limit - 1)
    assert fail_names(1, attacker, start=limit) == [429]
    client = Client()
    response = attempt(client, "t-secretariat", PASSWORD, address=attacker)
    assert response.status_code == 429 and ADDRESS_LOCKED in response.content.decode()
    assert not is_logged_in(client)
    # the account itself is not locked: from any other address it logs in
    assert logs_in("t-secretariat", address="203.0.113.67")
    assert logs_in("t-secretariat", address="198.51.100.7")


@pytest.mark.django_db
def test_a_locked_account_does_not_block_another_account_on_the_same_address(secretariat: User, support: User) -> None:
    fail("t-secretariat", 5)
    assert attempt(Client(), "t-secretariat", PASSWORD).status_code == 429
    assert logs_in("t-support")  # same address, another account


@pytest.mark.django_db
def test_unless_the_address_itself_is_over_its_limit(secretariat: User, support: User) -> None:
    fail("t-secretariat", 5)  # the account is locked (5 failures from OFFICE)
    attempts_left = settings.LOGIN_ADDRESS_MAX_FAILURES - 5
    assert fail_names(attempts_left - 1, OFFICE) == [200] * (attempts_left - 1)
    assert logs_in("t-support")  # one failure short: still open
    assert fail_names(1, OFFICE, start=100) == [429]
    response = attempt(Client(), "t-support", PASSWORD)
    assert response.status_code == 429 and ADDRESS_LOCKED in response.content.decode()
    assert logs_in("t-support", address="192.0.2.11")  # the next desk over has another address


@pytest.mark.django_db
def test_tries_against_a_locked_account_do_not_count_against_the_address(secretariat: User, support: User) -> None:
    fail("t-secretariat", 5)
    assert set(fail("t-secretariat", settings.LOGIN_ADDRESS_MAX_FAILURES)) == {429}  # refused without a password check
    assert logs_in("t-support")


# --- the client address behind the reverse proxy ----------------------------------------------------------

PROXY = "10.0.0.5"


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_each_forwarded_client_counts_separately(secretariat: User) -> None:
    limit = settings.LOGIN_ADDRESS_MAX_FAILURES
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    assert fail_names(limit, PROXY, **attacker)[-1] == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
    response = attempt(Client(), "t-secretariat", PASSWORD, PROXY, **attacker)
    assert response.status_code == 429 and ADDRESS_LOCKED in response.content.decode()
    # every other client comes through the same proxy and is not affected
    assert logs_in("t-secretariat", PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    # a client that writes its own X-Forwarded-For is still counted by the address the proxy saw
    spoofing = {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.66"}
    assert attempt(Client(), "t-secretariat", PASSWORD, PROXY, **spoofing).status_code == 429
    # two proxies of ours in a row: the client is the right-most address that is not one of them
    assert (
        attempt(Client(), "t-secretariat", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66, 10.0.0.9").status_code
        == 429
    )


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(secretariat: User) -> None:
    limit = settings.LOGIN_ADDRESS_MAX_FAILURES
    attacker = "203.0.113.66"
    statuses = [
        attempt(Client(), f"guess-{n}", "wrong-password", attacker, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(limit)
    ]
    assert statuses[-1] == 429  # a new made-up address every time did not help
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}
    # nor can the attacker lock someone else by naming their address
    assert logs_in("t-secretariat", "198.51.100.3")
    assert logs_in("t-secretariat", "198.51.100.4", HTTP_X_FORWARDED_FOR=attacker)


@pytest.mark.django_db
def test_an_ipv6_client_counts_by_its_64_prefix(secretariat: User) -> None:
    limit = settings.LOGIN_ADDRESS_MAX_FAILURES
    statuses = [
        attempt(Client(), f"guess-{n}", "wrong-password", f"2001:db8:1:2::{n + 1:x}").status_code for n in range(limit)
    ]
    assert statuses[-1] == 429  # new addresses in the same /64 did not help
    assert not logs_in("t-secretariat", "2001:db8:1:2:ffff::1")
    assert logs_in("t-secretariat", "2001:db8:1:3::1")


# --- how long, and what is kept ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lock_ends_after_the_window_and_refused_tries_do_not_extend_it(kesennuma_user: User) -> None:
    fail("kesennuma", 5)
    row = AccessAttempt.objects.get()
    locked_at = row.attempt_time
    fail("kesennuma", 3)  # while locked
    row.refresh_from_db()
    assert (row.failures_since_start, row.attempt_time) == (5, locked_at)
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    AccessAttempt.objects.update(attempt_time=locked_at - window + dt.timedelta(seconds=30))
    assert not logs_in("kesennuma")  # half a minute left
    AccessAttempt.objects.update(attempt_time=locked_at - window - dt.timedelta(seconds=1))
    assert logs_in("kesennuma")


@pytest.mark.django_db
def test_four_failures_then_success_clears_the_accounts_count_only(secretariat: User) -> None:
    fail("t-secretariat", 4)
    fail_names(3, OFFICE)
    assert logs_in("t-secretariat")
    # the account starts again; the other names tried from this address still count for the address
    assert list(AccessAttempt.objects.order_by("username").values_list("username", flat=True)) == [
        "guess-0",
        "guess-1",
        "guess-2",
    ]
    assert fail("t-secretariat", 4) == [200] * 4
    assert logs_in("t-secretariat")


@pytest.mark.django_db
def test_only_what_the_lock_needs_is_stored(secretariat: User) -> None:
    attempt(Client(), "T-Secretariat", "hunter2-wrong", HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0)")
    row = AccessAttempt.objects.get()
    assert (row.username, row.ip_address, row.failures_since_start) == ("t-secretariat", OFFICE, 1)
    assert row.user_agent == "" and row.http_accept == ""
    assert "hunter2" not in row.post_data and "Secretariat" not in row.post_data
    assert logs_in("t-secretariat")
    assert not AccessLog.objects.exists()  # successful logins are not logged
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_a_name_that_grows_when_normalised_is_refused_calmly(secretariat: User) -> None:
    # 150 × ß passes the form's length check and case-folds to 300 characters.
    response = attempt(Client(), "ß" * 150, "wrong-password")
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "ss" * 127 + "s"


@pytest.mark.django_db
def test_an_inactive_account_cannot_log_in(secretariat: User) -> None:
    secretariat.is_active = False
    secretariat.save()
    client = Client()
    assert attempt(client, "t-secretariat", PASSWORD).status_code == 200
    assert not is_logged_in(client)


# --- passwords ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_passwords_are_stored_hashed(secretariat: User) -> None:
    stored = User.objects.get(pk=secretariat.pk).password
    algorithm = get_hasher().algorithm
    assert stored.startswith(f"{algorithm}$")
    assert PASSWORD not in stored
    assert secretariat.check_password(PASSWORD)
    assert not secretariat.check_password("test-password-124")


def test_outside_tests_the_slow_default_hasher_applies() -> None:
    # Test settings use MD5 for speed; the shared settings must not, so Django's PBKDF2 default applies.
    from django.conf import global_settings

    from shokuba.settings import base

    assert "PASSWORD_HASHERS" not in vars(base)
    assert global_settings.PASSWORD_HASHERS[0].endswith("PBKDF2PasswordHasher")


@pytest.mark.django_db
def test_two_users_with_the_same_password_have_different_hashes(organisation: Organisation) -> None:
    first = make_user("t-one", Role.SUPPORT)
    second = make_user("t-two", Role.SUPPORT)
    assert first.password != second.password  # salted


# --- CSRF ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_without_a_csrf_token_is_refused(secretariat: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "t-secretariat", "password": PASSWORD})
    assert response.status_code == 403
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_login_with_the_forms_csrf_token_works(secretariat: User) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/")
    token = page.context["csrf_token"]
    response = client.post("/login/", {"username": "t-secretariat", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_logout_is_post_only_and_needs_csrf(secretariat: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 403
    assert is_logged_in(client)
