"""Issued RID versions survive TRUNCATE too: a statement-level trigger refuses it (0002 refuses
UPDATE and DELETE of a row; TRUNCATE fires no row trigger). A session that sets
`secrelease.allow_truncate = on` may truncate: the test suite does, to empty its own database
between tests; nothing in the application does."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION releases_ridversion_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('secrelease.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'Issued RID versions cannot be truncated.'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER releases_ridversion_no_truncate
    BEFORE TRUNCATE ON releases_ridversion
    FOR EACH STATEMENT EXECUTE FUNCTION releases_ridversion_refuse_truncate();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS releases_ridversion_no_truncate ON releases_ridversion;
DROP FUNCTION IF EXISTS releases_ridversion_refuse_truncate();
"""


def forwards(apps, schema_editor):
    # SQLite (make run) has no TRUNCATE.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("releases", "0005_render_jobs")]

    operations = [migrations.RunPython(forwards, backwards)]
