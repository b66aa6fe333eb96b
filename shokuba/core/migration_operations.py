"""Index changes on the response tables that do not stop submissions while they run.

A plain AddIndex is CREATE INDEX inside the migration's transaction: on PostgreSQL it blocks every INSERT into the
table until the build over millions of answer rows ends and commits. These operations build and drop indexes
CONCURRENTLY on PostgreSQL (the migration must set `atomic = False`) and fall back to the plain statements on
other databases, which have no such form (SQLite is a single-writer file anyway).

Outside a transaction a migration can stop half-way (a deploy killed, a lock wait cancelled) and a failed
concurrent build leaves an INVALID index behind, so both are made safe to run again: an index that is already
there and valid is kept, an invalid one is dropped and built again, and a drop of a missing index does nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently


def _postgresql(schema_editor: Any) -> bool:
    return bool(schema_editor.connection.vendor == "postgresql")


def _index_state(schema_editor: Any, model: Any, name: str) -> str:
    """'missing', 'valid' or (PostgreSQL only) 'invalid' for the index `name` on the model's table."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if _postgresql(schema_editor):
            cursor.execute(
                "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = %s AND i.indrelid = %s::regclass",
                [name, model._meta.db_table],
            )
            row = cursor.fetchone()
            if row is None:
                return "missing"
            return "valid" if row[0] else "invalid"
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return "valid" if name in constraints else "missing"


def _add(schema_editor: Any, model: Any, index: Any) -> None:
    state = _index_state(schema_editor, model, index.name)
    if state == "valid":
        return
    if _postgresql(schema_editor):
        if state == "invalid":
            schema_editor.remove_index(model, index, concurrently=True)
        schema_editor.add_index(model, index, concurrently=True)
    else:
        schema_editor.add_index(model, index)


def _remove(schema_editor: Any, model: Any, index: Any) -> None:
    if _index_state(schema_editor, model, index.name) == "missing":
        return
    if _postgresql(schema_editor):
        schema_editor.remove_index(model, index, concurrently=True)
    else:
        schema_editor.remove_index(model, index)


class AddIndexWithoutLocking(AddIndexConcurrently):
    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if _postgresql(schema_editor):
            self._ensure_not_in_transaction(schema_editor)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            _add(schema_editor, model, self.index)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if _postgresql(schema_editor):
            self._ensure_not_in_transaction(schema_editor)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            _remove(schema_editor, model, self.index)


class RemoveIndexWithoutLocking(RemoveIndexConcurrently):
    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if _postgresql(schema_editor):
            self._ensure_not_in_transaction(schema_editor)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            _remove(schema_editor, model, index)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if _postgresql(schema_editor):
            self._ensure_not_in_transaction(schema_editor)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            _add(schema_editor, model, index)
