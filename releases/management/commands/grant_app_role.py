"""Give the application's database role what it needs and no more (PostgreSQL).

Run as the role that owns the tables (the one `migrate` runs as), after every `migrate`:

    manage.py grant_app_role secrelease_app

The app role may read and write rows (SELECT, INSERT, UPDATE, DELETE on every table, USAGE
and SELECT on every sequence), but not UPDATE, DELETE or TRUNCATE issued RID versions; as it owns
no table, it cannot ALTER one, drop a trigger or disable it. Tables a later migration creates
get the same rights (default privileges of the owner); run the command again anyway after each
migrate, as it also re-applies the RID version restriction.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

FROZEN_TABLES = ["releases_ridversion"]


def grant_statements(role):
    """The SQL this command runs for `role` (a quoted identifier)."""
    statements = [
        f"GRANT CONNECT ON DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} "
        f"TO {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
    for table in FROZEN_TABLES:
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}")
    return statements


class Command(BaseCommand):
    help = (
        "Grant a database role row access to every table (not UPDATE/DELETE/TRUNCATE of issued "
        "RID versions). Run as the tables' owner after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects as")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL only.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(
                    f"There is no role {role}: create it first "
                    f"(CREATE ROLE {role} LOGIN PASSWORD '...')."
                )
            cursor.execute("SELECT current_user")
            (owner,) = cursor.fetchone()
        if owner == role:
            raise CommandError("Run this as the tables' owner, not as the application role.")
        quoted = connection.ops.quote_name(role)
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in grant_statements(quoted):
                cursor.execute(statement)
        self.stdout.write(
            f"{role} may read and write rows as {owner}'s tables allow; issued RID versions "
            "are insert-only for it."
        )
