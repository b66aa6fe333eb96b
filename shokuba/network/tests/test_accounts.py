"""Accounts people run themselves: the secretariat's pages (create with a set-up link, hand over, disable, enable),
changing and resetting a password by e-mail, and the lock-out still holding."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client

from conftest import PASSWORD
from shokuba.api.models import ApiToken
from shokuba.api.services import api_token_issue
from shokuba.core.models import AuditEntry
from shokuba.core.throttle import rate_limits_forget
from shokuba.network.models import User
from shokuba.network.services import account_create, account_disable

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-new-and-unusual-passphrase-2027"


@pytest.fixture(autouse=True)
def _clean_rate_limits() -> None:
    """The reset form's mail limit counts per address and hour: each test starts from none."""
    cache.clear()
    rate_limits_forget()


def link_in(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/password-reset/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def logged_in(user: User, password: str = PASSWORD) -> Client:
    client = Client()
    assert client.post("/login/", {"username": user.username, "password": password}).status_code == 302
    return client


def set_password_through(link: str, password: str) -> Any:
    client = Client()
    response = client.get(link)  # Django swaps the token for a session key and redirects
    assert response.status_code == 302
    form_url = response["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_the_secretariat_creates_a_coordinator_who_sets_a_password_from_the_mail(
    secretariat: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(secretariat)
    form = {
        "role": "coordinator",
        "member": "２８２０９",
        "username": "Toyooka-Tanaka",
        "display_name": "田中 一郎",
        "email": "tanaka@city.toyooka.example.jp",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/new/", form)
    assert response.status_code == 302
    account = User.objects.get(username="toyooka-tanaka")  # normalised
    assert account.member_id == "282090" and account.role == "coordinator"
    assert not account.has_usable_password()
    assert AuditEntry.objects.filter(actor=secretariat, target_type="network.user", target_id=str(account.pk)).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["tanaka@city.toyooka.example.jp"]
    assert "アカウントの設定" in message.subject and "toyooka-tanaka" in message.body
    assert message.content_subtype == "plain"
    link = link_in(message)
    response = set_password_through(link, NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/password-reset/done/"
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    logged_in(account, NEW_PASSWORD)
    # The link was used: it does not work twice.
    assert "このリンクは使えません" in Client().get(link, follow=True).content.decode()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"member": ""}, "member", "団体コードが必要"),
        ({"member": "99999"}, "member", ""),
        ({"username": "T-SECRETARIAT"}, "username", "すでに使われています"),
        ({"username": "two words"}, "username", "使えるのは"),
        ({"email": "not-an-address"}, "email", "形が正しくありません"),
        ({"display_name": "田中\u202e一郎"}, "display_name", ""),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_created(
    secretariat: User, change: dict[str, str], field: str, words: str
) -> None:
    client = Client()
    client.force_login(secretariat)
    form = {"role": "coordinator", "member": "282090", "username": "new-one", "display_name": "新任", "email": "a@b.jp"}
    users, entries = User.objects.count(), AuditEntry.objects.count()
    response = client.post("/accounts/new/", {**form, **change})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and words in html
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)
    assert not mail.outbox


def test_only_the_secretariat_manages_accounts(
    coordinator: User, support: User, other_coordinator: User, secretariat: User
) -> None:
    for user in (coordinator, support):
        client = Client()
        client.force_login(user)
        assert client.get("/accounts/").status_code == 403
        assert client.post(f"/accounts/{other_coordinator.pk}/disable/").status_code == 403
        with pytest.raises(PermissionDenied):
            account_disable(actor=user, account=other_coordinator)
    other_coordinator.refresh_from_db()
    assert other_coordinator.is_active
    # Not even the secretariat on its own account.
    client = Client()
    client.force_login(secretariat)
    assert client.post(f"/accounts/{secretariat.pk}/disable/").status_code == 403


def test_the_list_is_by_member_and_filters(secretariat: User, coordinator: User, other_coordinator: User) -> None:
    client = Client()
    client.force_login(secretariat)
    html = client.get("/accounts/").content.decode()
    assert coordinator.username in html and other_coordinator.username in html
    html = client.get("/accounts/?member=282090").content.decode()
    assert coordinator.username in html and other_coordinator.username not in html


def test_disabling_ends_sessions_refuses_tokens_and_login(
    secretariat: User, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    session = logged_in(coordinator)
    _token, raw = api_token_issue(user=coordinator, name="script")
    bearer = {"authorization": f"Bearer {raw}"}
    assert Client().get("/api/v1/members/282090", headers=bearer).status_code == 200
    client = Client()
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/accounts/{coordinator.pk}/disable/").status_code == 302
    coordinator.refresh_from_db()
    assert not coordinator.is_active
    assert session.get("/members/282090/")["Location"].startswith("/login/")
    assert Client().get("/api/v1/members/282090", headers=bearer).status_code == 401
    assert not ApiToken.objects.filter(user=coordinator, revoked_at__isnull=True).exists()
    assert Client().post("/login/", {"username": coordinator.username, "password": PASSWORD}).status_code == 200
    entry = AuditEntry.objects.filter(target_type="network.user", target_id=str(coordinator.pk)).latest("pk")
    assert entry.actor == secretariat and entry.after["is_active"] is False and entry.after["tokens_revoked"] == 1
    # Enabled again: the password works again; the old session does not come back.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/accounts/{coordinator.pk}/enable/").status_code == 302
    assert session.get("/members/282090/").status_code == 302
    logged_in(coordinator)


def test_a_handover_disables_the_old_account_and_makes_a_new_one_naming_each_other(
    secretariat: User, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    session = logged_in(coordinator)
    api_token_issue(user=coordinator, name="script")
    client = Client()
    client.force_login(secretariat)
    form = {"username": "toyooka-suzuki", "display_name": "鈴木 花子", "email": "suzuki@city.toyooka.example.jp"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/accounts/{coordinator.pk}/handover/", form)
    assert response.status_code == 302
    successor = User.objects.get(username="toyooka-suzuki")
    assert (successor.role, successor.member_id, successor.is_active) == ("coordinator", "282090", True)
    coordinator.refresh_from_db()
    assert not coordinator.is_active
    assert session.get("/members/282090/")["Location"].startswith("/login/")
    assert not ApiToken.objects.filter(user=coordinator, revoked_at__isnull=True).exists()
    old_entry = AuditEntry.objects.filter(target_id=str(coordinator.pk), target_type="network.user").latest("pk")
    new_entry = AuditEntry.objects.filter(target_id=str(successor.pk), target_type="network.user").latest("pk")
    assert old_entry.after["handed_over_to"] == "toyooka-suzuki"
    assert new_entry.after["handed_over_from"] == coordinator.username
    assert old_entry.actor == new_entry.actor == secretariat
    assert mail.outbox[-1].to == ["suzuki@city.toyooka.example.jp"]


def test_a_handover_with_a_taken_name_changes_nothing(
    secretariat: User, coordinator: User, other_coordinator: User
) -> None:
    client = Client()
    client.force_login(secretariat)
    entries = AuditEntry.objects.count()
    form = {"username": other_coordinator.username, "display_name": "鈴木", "email": "s@example.jp"}
    response = client.post(f"/accounts/{coordinator.pk}/handover/", form)
    assert response.status_code == 400 and 'id="id_username_error"' in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.is_active and AuditEntry.objects.count() == entries and not mail.outbox


def test_a_password_reset_mails_a_link_and_never_says_whether_the_address_exists(
    coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    coordinator.email = "Toyooka@Example.jp"
    coordinator.save()
    unknown = Client().post("/password-reset/", {"email": "nobody@example.jp"})
    known = Client().post("/password-reset/", {"email": "toyooka@example.jp"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Toyooka@Example.jp"] and "パスワードの再設定" in message.subject
    # The reset does not log in; the new password works on the login page.
    response = set_password_through(link_in(message), NEW_PASSWORD)
    assert response["Location"] == "/password-reset/done/"
    assert Client().get("/members/282090/").status_code == 302
    logged_in(coordinator, NEW_PASSWORD)


def test_a_reset_does_not_lift_the_login_lock(settings: Any, coordinator: User) -> None:
    coordinator.email = "toyooka@example.jp"
    coordinator.save()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        Client().post("/login/", {"username": coordinator.username, "password": "wrong-password"})
    Client().post("/password-reset/", {"email": "toyooka@example.jp"})
    set_password_through(link_in(mail.outbox[0]), NEW_PASSWORD)
    response = Client().post("/login/", {"username": coordinator.username, "password": NEW_PASSWORD})
    assert response.status_code == 429


def test_changing_ones_password_is_audited_without_the_password(coordinator: User) -> None:
    client = logged_in(coordinator)
    form = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post("/account/password/", form)
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.filter(target_type="network.user", target_id=str(coordinator.pk)).latest("pk")
    assert entry.after == {"password": "changed"} and NEW_PASSWORD not in str(entry.after)
    assert client.get("/members/282090/").status_code == 200  # still logged in here


def test_the_shell_command_still_needs_a_password() -> None:
    user = account_create(actor=None, username="shell-made", role="support", password="a-long-and-unusual-2026")
    assert user.has_usable_password()


def test_reset_mails_to_one_address_are_limited_and_the_answer_does_not_change(
    settings: Any, coordinator: User
) -> None:
    settings.PASSWORD_RESET_MAILS_PER_HOUR = 2
    coordinator.email = "limit@example.jp"
    coordinator.save()
    answers = [Client().post("/password-reset/", {"email": "limit@example.jp"}) for _ in range(4)]
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/password-reset/sent/")}
    assert len(mail.outbox) == 2


def test_a_member_is_only_for_a_coordinator(secretariat: User) -> None:
    client = Client()
    client.force_login(secretariat)
    form = {"role": "support", "member": "282090", "username": "sup-2", "display_name": "支援", "email": "s@x.jp"}
    response = client.post("/accounts/new/", form)
    assert response.status_code == 400 and 'id="id_member_error"' in response.content.decode()
    assert not User.objects.filter(username="sup-2").exists()
