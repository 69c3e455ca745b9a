import pytest

from tests.factories import UserFactory, analyst_user, panel_user


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
