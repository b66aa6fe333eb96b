from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shokuba.core.models import AuditEntry
from shokuba.network.models import User


@pytest.mark.django_db
def test_the_first_secretariat_account_is_created_from_the_shell(monkeypatch: Any) -> None:
    monkeypatch.setenv("SHOKUBA_PASSWORD", "a-long-and-unusual-passphrase-2026")
    call_command("create_account", "chief", "--role", "secretariat")
    user = User.objects.get(username="chief")
    assert user.role == "secretariat" and user.check_password("a-long-and-unusual-passphrase-2026")
    assert not user.password.startswith("a-long")
    assert AuditEntry.objects.filter(target_type="network.user", target_id=str(user.pk), action="create").exists()
    assert "password" not in AuditEntry.objects.get(target_id=str(user.pk), target_type="network.user").after


@pytest.mark.django_db
def test_a_coordinator_needs_a_member_and_accepts_a_5_digit_code(monkeypatch: Any) -> None:
    monkeypatch.setenv("SHOKUBA_PASSWORD", "a-long-and-unusual-passphrase-2026")
    with pytest.raises(CommandError, match="団体コードが必要"):
        call_command("create_account", "c1", "--role", "coordinator")
    call_command("create_account", "c1", "--role", "coordinator", "--member", "28209")
    assert User.objects.get(username="c1").member_id == "282090"


@pytest.mark.django_db
def test_a_weak_password_or_a_taken_name_is_refused_and_nothing_is_created(monkeypatch: Any) -> None:
    monkeypatch.setenv("SHOKUBA_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="password"):
        call_command("create_account", "weak", "--role", "support")
    assert not User.objects.filter(username="weak").exists()
    monkeypatch.setenv("SHOKUBA_PASSWORD", "a-long-and-unusual-passphrase-2026")
    call_command("create_account", "taken", "--role", "support")
    with pytest.raises(CommandError, match="すでに使われています"):
        call_command("create_account", "taken", "--role", "support")
    assert User.objects.filter(username="taken").count() == 1


@pytest.mark.django_db
def test_createsuperuser_makes_a_secretariat_account(monkeypatch: Any) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-and-unusual-passphrase-2026")
    call_command("createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.jp")
    assert User.objects.get(username="admin").role == "secretariat"
