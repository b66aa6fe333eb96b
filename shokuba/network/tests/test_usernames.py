"""One normal form of a user name (NFKC, case folded, trimmed), wherever a name is stored or looked up."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from conftest import make_user
from shokuba.core.login import normalise_username
from shokuba.network.models import Role, User
from shokuba.network.services import account_create

PASSPHRASE = "a-long-and-unusual-passphrase-2026"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ｋｅｓｅｎｎｕｍａ", "kesennuma"),
        ("KESENNUMA", "kesennuma"),
        ("Ｋｅｓｅｎｎｕｍａ", "kesennuma"),
        ("　kesennuma ", "kesennuma"),  # ideographic and ASCII spaces around
        ("ｔ－ｔｏｙｏｏｋａ２０２６", "t-toyooka2026"),  # full-width hyphen and digits
        ("Straße", "strasse"),  # case folding, not just lower()
        ("ﬁnance", "finance"),  # compatibility ligature
        ("toyooka", "toyooka"),
    ],
)
def test_normal_form(typed: str, stored: str) -> None:
    assert normalise_username(typed) == stored
    assert normalise_username(stored) == stored  # idempotent: a stored name is its own normal form


@pytest.mark.django_db
def test_every_save_stores_the_normal_form_and_uniqueness_holds_on_it(toyooka: Any) -> None:
    user = make_user("Ｔ-Toyooka", Role.COORDINATOR, member=toyooka)
    assert User.objects.get(pk=user.pk).username == "t-toyooka"
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("t-TOYOOKA", Role.SUPPORT)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_the_login_lookup_finds_any_width_or_case(toyooka: Any) -> None:
    user = make_user("t-toyooka", Role.COORDINATOR, member=toyooka)
    for typed in ["ｔ－ｔｏｙｏｏｋａ", "T-TOYOOKA", " t-toyooka\u3000"]:
        assert User.objects.get_by_natural_key(typed) == user


@pytest.mark.django_db
def test_the_account_service_stores_the_normal_form_and_names_a_clash_in_japanese() -> None:
    user = account_create(actor=None, username="ＣＨＩＥＦ", role=Role.SECRETARIAT, password=PASSPHRASE)
    assert user.username == "chief"
    with pytest.raises(ValidationError) as refused:
        account_create(actor=None, username="Ｃｈｉｅｆ", role=Role.SUPPORT, password=PASSPHRASE)
    assert refused.value.message_dict["username"] == [
        "ユーザー名「Ｃｈｉｅｆ」は、半角・小文字にそろえると「chief」になり、すでに使われています。"
    ]
    with pytest.raises(ValidationError) as again:
        account_create(actor=None, username="chief", role=Role.SUPPORT, password=PASSPHRASE)
    assert again.value.message_dict["username"] == ["ユーザー名「chief」はすでに使われています。"]
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_create_account_from_the_shell_normalises(monkeypatch: Any) -> None:
    monkeypatch.setenv("SHOKUBA_PASSWORD", PASSPHRASE)
    out = StringIO()
    call_command("create_account", "ＫＥＳＥＮＮＵＭＡ", "--role", "support", stdout=out)
    assert "created kesennuma" in out.getvalue()
    with pytest.raises(CommandError, match="「kesennuma」になり、すでに使われています"):
        call_command("create_account", "Kesennuma", "--role", "support")
    assert list(User.objects.values_list("username", flat=True)) == ["kesennuma"]


@pytest.mark.django_db
def test_createsuperuser_normalises_and_sees_a_clash(monkeypatch: Any) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSPHRASE)
    call_command("createsuperuser", "--noinput", "--username", "Ａｄｍｉｎ", "--email", "a@example.jp")
    assert User.objects.get().username == "admin"
    with pytest.raises(CommandError, match="already taken"):
        call_command("createsuperuser", "--noinput", "--username", "ADMIN", "--email", "b@example.jp")


@pytest.mark.django_db
def test_issuing_an_api_token_finds_the_account_in_any_width(secretariat: User) -> None:
    out, err = StringIO(), StringIO()
    call_command("issue_api_token", "Ｔ-ＳＥＣＲＥＴＡＲＩＡＴ", "集計", stdout=out, stderr=err)
    assert "t-secretariat" in err.getvalue() and out.getvalue().strip()


# --- the data migration -------------------------------------------------------------------------------------


def run_migration() -> None:
    """network 0003's function on the models as they were at 0002 (the schema is the same)."""
    from importlib import import_module

    migration = import_module("shokuba.network.migrations.0003_normalise_usernames")
    old_apps = MigrationExecutor(connection).loader.project_state(("network", "0002_user_manager")).apps
    migration.normalise_usernames(old_apps, None)


def stored_names() -> dict[int, str]:
    return dict(User.objects.values_list("pk", "username"))


@pytest.mark.django_db
def test_the_migration_normalises_existing_names(toyooka: Any) -> None:
    first = make_user("one", Role.SUPPORT)
    second = make_user("two", Role.COORDINATOR, member=toyooka)
    third = make_user("three", Role.SUPPORT)
    # names as an installation before this change could hold them (save() would normalise them now)
    User.objects.filter(pk=first.pk).update(username="ＯＮＥ")
    User.objects.filter(pk=second.pk).update(username="Two ")
    run_migration()
    assert stored_names() == {first.pk: "one", second.pk: "two", third.pk: "three"}


@pytest.mark.django_db
def test_the_migration_refuses_in_japanese_when_two_names_would_become_one(kesennuma: Any) -> None:
    first = make_user("a", Role.COORDINATOR, member=kesennuma)
    second = make_user("b", Role.SUPPORT)
    third = make_user("c", Role.SUPPORT)
    User.objects.filter(pk=first.pk).update(username="kesennuma")
    User.objects.filter(pk=second.pk).update(username="ｋｅｓｅｎｎｕｍａ")
    User.objects.filter(pk=third.pk).update(username="Ｃ")  # would be renamed, but nothing is when refused
    before = stored_names()
    with pytest.raises(CommandError) as refused:
        run_migration()
    message = str(refused.value)
    assert "同じ名前になる利用者がいるため、移行を中止しました" in message
    assert f"・「kesennuma」: 「kesennuma」（ID {first.pk}）、「ｋｅｓｅｎｎｕｍａ」（ID {second.pk}）" in message
    assert "manage.py shell" in message
    assert stored_names() == before
