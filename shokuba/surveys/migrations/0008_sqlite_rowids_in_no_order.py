"""Responses already stored in an SQLite file get random rowids, like every response from now on (storage.py): the
rowids SQLite gave them follow the order of submission, which with the date comes close to the time of day.
PostgreSQL has no rowid to change (what remains there: docs/ARCHITECTURE.md, "Anonymity by construction")."""

from django.db import migrations


def rowids_shuffle(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        (previous,) = cursor.fetchone()
        # The moved rows' old places in the file are overwritten with zeros, not left for a forensic tool to read.
        cursor.execute("PRAGMA secure_delete = ON")
        for table in ("surveys_response", "surveys_responseanswer"):
            cursor.execute(f'UPDATE "{table}" SET rowid = random()')
        cursor.execute(f"PRAGMA secure_delete = {int(previous)}")


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0007_export_job_heartbeat"),
    ]

    operations = [migrations.RunPython(rowids_shuffle, migrations.RunPython.noop, elidable=True)]
