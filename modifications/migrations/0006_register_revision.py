"""The register revision (modifications.models.Revision) and the cache table of the pages built
from the data (settings.CACHES, a DatabaseCache: `createcachetable` is run here so that
`migrate` is the only set-up step; it does nothing for a cache that is not in the database)."""

from django.core.management import call_command
from django.db import migrations, models


def first_revision(apps, schema_editor):
    apps.get_model("modifications", "Revision").objects.using(
        schema_editor.connection.alias
    ).get_or_create(pk=1)


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("modifications", "0005_sec_document_catalogue_complete"),
    ]

    operations = [
        migrations.CreateModel(
            name="Revision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(first_revision, migrations.RunPython.noop),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True),
    ]
