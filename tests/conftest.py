import pytest
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection
from django.db.models.signals import post_migrate

from tests import demo_dump
from tests.factories import UserFactory, analyst_user, panel_user
from tests.stand_in_pdf import stand_in_pdfs

# Rows the data migrations create, which a transactional test's flush takes away.
MIGRATION_ROWS = ["auth.Group", "modifications.SECDocument"]


@pytest.fixture(autouse=True)
def _pdf_laid_out_only_where_tested(request, monkeypatch):
    """Documents are laid out by WeasyPrint only in the tests about PDFs (issue 8): those marked
    `pdf` (by the test, its class or its module's pytestmark) and the browser tests, which read
    the PDFs they download. Elsewhere issuing a RID version or a paper, or a render job, stores a
    stand-in PDF (tests/stand_in_pdf.py): laying out ~200 documents was a fifth of the suite's CPU.
    Module-scoped fixtures are set up before this: those of modules not about PDFs call
    stand_in_pdfs themselves."""
    if request.node.get_closest_marker("pdf") or request.node.get_closest_marker("browser"):
        return
    stand_in_pdfs(monkeypatch)


@pytest.fixture(scope="session")
def demo_dump_path(django_db_setup, django_db_blocker):
    """Path of the JSON dump of the demo data (tests/demo_dump.py), made once for every test
    process; `demo_dump.load(demo_dump_path)` loads it."""
    return demo_dump.demo_dump(django_db_blocker)


@pytest.fixture
def analyst(db):
    return analyst_user(username="analyst", first_name="Ada", last_name="Analyst")


@pytest.fixture
def panel_member(db):
    return panel_user(username="panel", first_name="Pat", last_name="Panel")


@pytest.fixture
def outsider(db):
    """Logged in, but in neither role."""
    return UserFactory(username="outsider")


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def panel_client(client, panel_member):
    client.force_login(panel_member)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """Production settings redirect to HTTPS; the test client and the live server speak HTTP.

    Set once for the session, before the live server builds its middleware (SecurityMiddleware
    reads the setting when it is created)."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    # Thousands of test users: hash their passwords with a fast hasher (as healthchecks does);
    # production keeps Django's default PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_sessionfinish(session, exitstatus):
    """A skipped test hides a missing piece: any skip fails the run (locally and in CI)."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0 and not hasattr(session.config, "workerinput"):
        reporter.write_line(
            f"FAILED: {len(skipped)} test(s) skipped; a skipped test hides a missing piece.",
            red=True,
        )
        session.exitstatus = 1


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test database is emptied with TRUNCATE between transactional tests (Django's flush);
    issued RID versions refuse TRUNCATE unless the session says so (releases migration 0005)."""
    from django.db import connections

    options = connections["default"].settings_dict.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c secrelease.allow_truncate=on".strip()


@pytest.fixture(scope="session", autouse=True)
def _migration_rows_survive_flushes(django_db_setup, django_db_blocker):
    """A transactional test (threads, a worker process, gunicorn, pg_dump) ends with Django's
    flush, which empties every table, the role groups and the SEC document catalogue the
    migrations created included; the flush then sends post_migrate, on which these rows are put
    back, so the tests that run after it in the same process find them."""
    from django.apps import apps

    with django_db_blocker.unblock():
        models = [apps.get_model(label) for label in MIGRATION_ROWS]
        rows = serializers.serialize(
            "json",
            [obj for model in models for obj in model._default_manager.order_by("pk")],
            use_natural_foreign_keys=True,
        )

    def restore(sender, **kwargs):
        if sender.label != "releases" or models[0]._default_manager.exists():
            return
        for item in serializers.deserialize("json", rows):
            item.save()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)

    post_migrate.connect(restore, weak=False, dispatch_uid="tests.migration_rows")
    yield
    post_migrate.disconnect(dispatch_uid="tests.migration_rows")
