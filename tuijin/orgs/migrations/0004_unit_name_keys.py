"""Indexes for finding the units a ledger names without reading every unit (PostgreSQL only).

A ledger import looks up the units its cells name (业主单位, 属地, 责任单位). A province holds
tens of thousands of owners; reading them all for every import made the import slower as the
county grew. The import now asks for the units whose name or short name, read as a ledger
reads it (NFKC, without spaces and commas), is one of the file's texts, and for every unit
with aliases: these indexes answer that. See ``tuijin.ledger.services.units``."""

from django.db import migrations

#: The key of a column: NFKC, without the characters Python's str.strip removes, nor commas.
KEY = r"translate(normalize({column}, NFKC), E'\u0009\u000a\u000b\u000c\u000d\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000,', '')"
INDEXES = {
    "orgs_unit_ledger_name": f"({KEY.format(column='name')})",
    "orgs_unit_ledger_short_name": f"({KEY.format(column='short_name')})",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        if cursor.fetchone()[0] != "UTF8":  # normalize() needs UTF-8; the import then reads every unit
            return
    for name, expression in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON orgs_unit ({expression})")
    schema_editor.execute("CREATE INDEX orgs_unit_aliased ON orgs_unit (id) WHERE aliases <> '[]'::jsonb")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in (*INDEXES, "orgs_unit_aliased"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0003_roles_of_three_administrators_phone_encrypted"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
