"""Security in depth: login throttling (django-axes), the Content-Security-Policy (no inline
script or style on any page), issued RID versions protected against TRUNCATE, and the
application's database role, which cannot change, delete, truncate or unprotect them."""

import uuid

import psycopg2
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

LOGIN = "/login/"


def _login(client, password, username="ada"):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.fixture
def ada(db):
    from tests.factories import analyst_user

    return analyst_user(username="ada", password="correct horse battery")


def test_five_wrong_passwords_lock_the_account_from_that_address_with_a_clear_message(
    client, ada, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(1, 5):
        response = _login(client, "wrong")
        assert response.status_code == 200, attempt
        assert "Please enter a correct username and password" in response.content.decode()
    locked = _login(client, "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins" in page
    assert "After 5 wrong passwords for <strong>ada</strong>" in page
    assert "locked for 15 minutes" in page
    # Even the right password is refused while locked.
    assert _login(client, "correct horse battery").status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_username_and_address(client, ada):
    from tests.factories import analyst_user

    analyst_user(username="ben", password="correct horse battery")
    for _ in range(5):
        _login(client, "wrong")
    assert _login(client, "correct horse battery", username="ben").status_code == 302
    other_address = client.post(
        LOGIN,
        {"username": "ada", "password": "correct horse battery"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other_address.status_code == 302


def test_a_successful_login_resets_the_count(client, ada):
    for _ in range(4):
        _login(client, "wrong")
    assert _login(client, "correct horse battery").status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, "wrong").status_code == 200


def test_pages_send_a_content_security_policy_without_unsafe_inline(client):
    response = client.get(LOGIN)
    policy = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


# Issued RID versions and the database --------------------------------------------------------


@pytest.fixture
def issued_version(analyst):
    from releases.rid import services as rid_services
    from tests.factories import make_release

    release = make_release(analyst, name="February 2022 SEC Release", slug="february-2022")
    return rid_services.rid_issue_version(
        actor=analyst,
        release=release,
        kind="draft",
        date=release.go_live_date,
        changes="First",
        unreviewed_reason="Tested without a second analyst",
    )


def test_truncating_issued_rid_versions_is_refused_even_for_the_tables_owner(issued_version):
    with pytest.raises(DatabaseError, match="cannot be truncated"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL secrelease.allow_truncate = off")
            cursor.execute("TRUNCATE releases_ridversion CASCADE")
    from releases.models import RidVersion

    assert RidVersion.objects.filter(pk=issued_version.pk).exists()


def _as_role(role, statement):
    """Run one statement connected as `role`; return None, or the error PostgreSQL gave."""
    settings = connection.settings_dict
    conn = psycopg2.connect(
        dbname=settings["NAME"], user=role, host=settings["HOST"], port=settings["PORT"]
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
        conn.rollback()
        return None
    except psycopg2.Error as exc:
        return exc.pgerror or str(exc)
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_the_app_role_reads_and_writes_rows_but_cannot_change_or_unprotect_rid_versions():
    role = f"secrelease_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
    try:
        call_command("grant_app_role", role, stdout=open("/dev/null", "w"))
        # Rows of ordinary tables: read and written.
        assert _as_role(role, "SELECT count(*) FROM releases_ridversion") is None
        assert _as_role(role, "UPDATE releases_release SET name = name") is None
        assert _as_role(role, "DELETE FROM releases_glossaryentry WHERE false") is None
        assert (
            _as_role(
                role,
                "INSERT INTO auth_group (name) VALUES ('made by the app role')",
            )
            is None
        )
        # Issued RID versions: no UPDATE, DELETE or TRUNCATE, and the triggers stay on.
        for statement in (
            "UPDATE releases_ridversion SET changes = 'x'",
            "DELETE FROM releases_ridversion",
            "TRUNCATE releases_ridversion",
        ):
            assert "permission denied" in _as_role(role, statement), statement
        for statement in (
            "ALTER TABLE releases_ridversion DISABLE TRIGGER releases_ridversion_insert_only",
            "ALTER TABLE releases_ridversion DISABLE TRIGGER ALL",
            "DROP TRIGGER releases_ridversion_no_truncate ON releases_ridversion",
        ):
            assert "must be owner" in _as_role(role, statement), statement
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def test_grant_app_role_refuses_a_role_that_does_not_exist(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="There is no role"):
        call_command("grant_app_role", "no_such_role_here")


def test_the_login_url_is_the_one_axes_guards():
    assert reverse("login") == LOGIN
