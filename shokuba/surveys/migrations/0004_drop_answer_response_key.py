from django.db import migrations

# The composite key of 0003 made every answer row's insert look up its response through a foreign-key check whose
# plan PostgreSQL caches per connection; planned while the table was small it was a sequential scan, so each
# submission got slower as responses accumulated (4.7 → 48 ms per submission over 8,000 responses). The response
# and its rows are written by one statement, which is the guarantee (see docs/ARCHITECTURE.md, "Storage").


def drop_response_key(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE surveys_responseanswer DROP CONSTRAINT IF EXISTS answer_belongs_to_response"
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_answer_rows_keyed_by_response")]

    operations = [migrations.RunPython(drop_response_key, migrations.RunPython.noop)]
