"""An issued RID version never changes: the database refuses UPDATE and DELETE on its rows."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION releases_ridversion_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'An issued RID version cannot be changed or deleted (version %.%).',
        OLD.major, OLD.minor USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER releases_ridversion_insert_only
    BEFORE UPDATE OR DELETE ON releases_ridversion
    FOR EACH ROW EXECUTE FUNCTION releases_ridversion_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS releases_ridversion_insert_only ON releases_ridversion;
DROP FUNCTION IF EXISTS releases_ridversion_refuse_change();
"""
SQLITE_UP = [
    """CREATE TRIGGER releases_ridversion_no_update BEFORE UPDATE ON releases_ridversion
    BEGIN SELECT RAISE(ABORT, 'An issued RID version cannot be changed or deleted.'); END;""",
    """CREATE TRIGGER releases_ridversion_no_delete BEFORE DELETE ON releases_ridversion
    BEGIN SELECT RAISE(ABORT, 'An issued RID version cannot be changed or deleted.'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS releases_ridversion_no_update;",
    "DROP TRIGGER IF EXISTS releases_ridversion_no_delete;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("releases", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
