"""Django's database sessions (settings.SESSION_ENGINE), read with SQL written once.

Every page a logged-in user opens reads the session first. Built by the ORM, that query took
longer to compile than the database took to answer it; this store sends the same query as
text. Writing, deleting and expiring sessions are Django's own."""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self):
        """The session's data, or {} (and no key) when it does not exist or has expired."""
        model = self.model
        table = model._meta.db_table
        with connections[router.db_for_read(model)].cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
