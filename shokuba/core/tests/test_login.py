"""Logging in: throttling after repeated failures, hashed passwords, CSRF on every POST."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.core.cache import cache
from django.test import Client

from conftest import PASSWORD, make_user
from shokuba.network.models import Organisation, Role, User

LOCKED_MESSAGE = "ログインの失敗が続いたため、しばらくの間ログインできません。"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    # Failures are counted in the cache, which the test settings keep in memory across tests.
    cache.clear()
    yield
    cache.clear()


def attempt(client: Client, username: str, password: str, address: str = "192.0.2.10") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


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
def test_after_five_failures_even_the_right_password_gets_429(secretariat: User) -> None:
    assert settings.LOGIN_MAX_FAILURES == 5
    client = Client()
    for _ in range(5):
        assert attempt(client, "t-secretariat", "wrong-password").status_code == 200
    response = attempt(client, "t-secretariat", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_MESSAGE in html and "15分ほど待ってから" in html
    assert 'role="alert"' in html
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_the_lock_counts_the_user_name_in_any_case_and_from_any_address(secretariat: User) -> None:
    client = Client()
    for n in range(5):
        attempt(client, "T-Secretariat" if n % 2 else "t-secretariat ", "wrong-password", address=f"198.51.100.{n}")
    assert attempt(Client(), "t-secretariat", PASSWORD, address="203.0.113.9").status_code == 429


@pytest.mark.django_db
def test_the_lock_is_per_user_name(secretariat: User, support: User) -> None:
    client = Client()
    for _ in range(5):
        attempt(client, "t-secretariat", "wrong-password")
    assert attempt(client, "t-secretariat", PASSWORD).status_code == 429
    other = Client()
    assert attempt(other, "t-support", PASSWORD).status_code == 302
    assert is_logged_in(other)


@pytest.mark.django_db
def test_four_failures_then_success_clears_the_count(secretariat: User) -> None:
    client = Client()
    for _ in range(4):
        attempt(client, "t-secretariat", "wrong-password")
    assert attempt(client, "t-secretariat", PASSWORD).status_code == 302
    client.logout()
    # the count starts again: four more failures are still not a lock
    for _ in range(4):
        assert attempt(client, "t-secretariat", "wrong-password").status_code == 200
    assert attempt(client, "t-secretariat", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_one_address_guessing_many_names_is_locked_too(secretariat: User) -> None:
    client = Client()
    for n in range(settings.LOGIN_MAX_FAILURES * 4):
        attempt(client, f"guess-{n}", "wrong-password", address="192.0.2.66")
    assert attempt(client, "t-secretariat", PASSWORD, address="192.0.2.66").status_code == 429
    # a colleague on another address is not affected
    assert attempt(Client(), "t-secretariat", PASSWORD, address="192.0.2.67").status_code == 302


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
