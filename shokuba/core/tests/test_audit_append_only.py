"""The audit log cannot be rewritten: not through the model, not through a queryset, not with raw SQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from shokuba.core.audit import audit_record
from shokuba.core.models import AuditAction, AuditEntry
from shokuba.network.models import Organisation


@pytest.fixture
def entry(organisation: Organisation, coordinator: Any) -> AuditEntry:
    return audit_record(
        actor=coordinator,
        action=AuditAction.UPDATE,
        instance=organisation,
        before={"name": "旧名称"},
        after={"name": organisation.name},
        member_code=organisation.member_id,
    )


def assert_unchanged(entry: AuditEntry) -> None:
    fresh = AuditEntry.objects.get(pk=entry.pk)
    assert fresh.actor_username == "t-toyooka"
    assert fresh.before == {"name": "旧名称"}
    assert fresh.target_label == "株式会社テスト精工"


@pytest.mark.django_db
def test_raw_sql_update_is_refused_by_the_database(entry: AuditEntry) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor_username = %s WHERE id = %s", ["someone-else", entry.pk])
    assert_unchanged(entry)


@pytest.mark.django_db
def test_raw_sql_delete_is_refused_by_the_database(entry: AuditEntry) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    assert_unchanged(entry)


@pytest.mark.django_db
def test_raw_sql_delete_of_every_row_is_refused(entry: AuditEntry) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_truncate_is_refused_on_postgresql(entry: AuditEntry) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL; SQLite's DELETE without WHERE is covered above")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        # The test's own inserts leave deferred foreign-key checks pending, which PostgreSQL would name instead.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE core_auditentry")
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_queryset_update_and_delete_are_refused_by_the_database(entry: AuditEntry) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(after={"name": "改ざん"})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert_unchanged(entry)


@pytest.mark.django_db
def test_the_model_refuses_to_save_or_delete_an_existing_entry(entry: AuditEntry) -> None:
    entry.actor_username = "someone-else"
    with pytest.raises(PermissionError, match="append-only"):
        entry.save()
    with pytest.raises(PermissionError, match="append-only"):
        entry.delete()
    assert_unchanged(entry)


@pytest.mark.django_db
def test_new_entries_can_still_be_added(entry: AuditEntry, organisation: Organisation, coordinator: Any) -> None:
    audit_record(actor=coordinator, action=AuditAction.DELETE, instance=organisation, before={"name": "x"}, after=None)
    assert AuditEntry.objects.count() == 2


@pytest.mark.django_db
def test_an_actor_with_history_cannot_be_deleted_only_deactivated(entry: AuditEntry, coordinator: Any) -> None:
    # actor is PROTECT: removing an account that changed anything is refused before any SQL runs;
    # the account is deactivated instead and the log keeps pointing at it.
    with pytest.raises(ProtectedError):
        coordinator.delete()
    coordinator.is_active = False
    coordinator.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor_id == coordinator.pk
