"""Room on each page of the lights table for the scan's daily rewrite of ``last_seen``.

Every open light is confirmed each day (``last_seen``), a column no index holds: with free
space on its page PostgreSQL updates the row in place (a HOT update) instead of writing a new
version through every one of the table's eleven indexes. At 83,000 open lights the rewrite
took 2.9–3.4 s with full pages and 1.4–2.3 s with 30% free. Existing pages gain the space as
they are rewritten (or at once with ``VACUUM FULL supervision_light``). PostgreSQL only."""

from django.db import migrations


def set_fillfactor(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            table = schema_editor.quote_name(apps.get_model("supervision", "Light")._meta.db_table)
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(value)})")

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0003_light_open_colour_project"),
    ]

    operations = [
        migrations.RunPython(set_fillfactor(70), set_fillfactor(100)),
    ]
