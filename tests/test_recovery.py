"""Recovery: `manage.py verify_versions` re-hashes every issued RID version and OPSG paper; a
pg_dump restored into a fresh database verifies clean (and a tampered PDF is caught); the app
carries on by itself after the database drops its connections."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from releases.models import IssuedPaper, RidVersion
from releases.paper import services as paper_services
from releases.rid import services as rid_services
from tests.factories import analyst_user, make_release


def _issue_two_versions():
    analyst = analyst_user(username="ada")
    release = make_release(analyst)
    for kind, date, changes in [
        ("draft", "2020-07-10", "First draft"),
        ("issued", "2020-07-24", "Issued"),
    ]:
        rid_services.rid_issue_version(
            actor=analyst,
            release=release,
            kind=kind,
            date=__import__("datetime").date.fromisoformat(date),
            changes=changes,
            unreviewed_reason="Tested without a second analyst",
        )
    return release


def _issue_a_paper(release):
    analyst = analyst_user(username="grace")
    paper = paper_services.paper_create(
        actor=analyst,
        reference="OPSG_40_0101_01",
        as_of=__import__("datetime").date(2020, 7, 1),
        author="Grace Hopper",
        sections=[{"release": release}],
    )
    return paper_services.paper_issue(actor=analyst, paper=paper, note="Sent to the OPSG")


def _psql(dbname, sql):
    subprocess.run(
        ["psql", *_conn_args(), "-d", dbname, "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


def _conn_args():
    s = connection.settings_dict
    return ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"]]


def _verify(dbname):
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{dbname}",
        "DJANGO_DEV_SECRET": "1",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "verify_versions"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_verify_versions_passes_on_intact_versions(db, capsys):
    _issue_two_versions()
    call_command("verify_versions")
    out = capsys.readouterr().out
    assert "ok       june-2021 v0.1: PDF" in out
    assert "2 RID versions checked: all intact." in out


def test_verify_versions_checks_issued_opsg_papers_too(db, capsys):
    _issue_a_paper(_issue_two_versions())
    call_command("verify_versions")
    out = capsys.readouterr().out
    assert "ok       paper OPSG_40_0101_01 issue 1: PDF" in out
    assert "1 OPSG paper issues checked: all intact." in out

    issued = IssuedPaper.objects.get()
    with connection.cursor() as cursor:  # around the insert-only trigger, as a tamperer would
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE releases_issuedpaper SET content = '{\"schema\": 99}' WHERE id = %s",
            [issued.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    with pytest.raises(CommandError, match="1 of 1 OPSG paper issues do not match"):
        call_command("verify_versions")
    out = capsys.readouterr().out
    assert "MISMATCH paper OPSG_40_0101_01 issue 1: the JSON content does not read" in out
    assert "2 RID versions checked: all intact." in out


def test_verify_versions_fails_on_a_hash_that_does_not_match(db, capsys):
    _issue_two_versions()
    version = RidVersion.objects.get(major=1)
    with connection.cursor() as cursor:  # around the insert-only trigger, as a tamperer would
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE releases_ridversion SET pdf = %s WHERE id = %s",
            [b"%PDF-1.7 forged", version.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    with pytest.raises(CommandError, match="1 of 2 RID versions do not match"):
        call_command("verify_versions")
    assert "MISMATCH june-2021 v1.0: PDF hash" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_a_fresh_database_verifies_clean(tmp_path):
    _issue_two_versions()
    dump = tmp_path / "secrelease.dump"
    source = connection.settings_dict["NAME"]
    subprocess.run(
        ["pg_dump", *_conn_args(), "--format=custom", f"--file={dump}", source],
        check=True,
        capture_output=True,
    )
    restored = f"restore_{uuid.uuid4().hex[:10]}"
    _psql("postgres", f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            [
                "pg_restore",
                *_conn_args(),
                "--no-owner",
                "--exit-on-error",
                "-d",
                restored,
                str(dump),
            ],
            check=True,
            capture_output=True,
        )
        result = _verify(restored)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "2 RID versions checked: all intact." in result.stdout

        # The restore carried the protection too: a version cannot be changed there either...
        with pytest.raises(subprocess.CalledProcessError):
            _psql(restored, "UPDATE releases_ridversion SET changes = 'x'")
        # ...and a PDF changed around it is caught.
        _psql(
            restored,
            "SET session_replication_role = replica; "
            "UPDATE releases_ridversion SET pdf = 'forged'::bytea WHERE major = 0;",
        )
        tampered = _verify(restored)
        assert tampered.returncode == 1
        assert "MISMATCH june-2021 v0.1" in tampered.stdout
    finally:
        _psql("postgres", f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn_server(transactional_db):
    """gunicorn with the README's config (one sync worker, kept connections) on the test
    database."""
    import time

    s = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        "DJANGO_DEV_SECRET": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
    }
    env.pop("DEBUG", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "secrelease.wsgi",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()[-2000:]
                time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def _get(url):
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_app_answers_the_first_request_after_the_database_drops_its_connections(
    gunicorn_server,
):
    assert _get(gunicorn_server + "/healthz") == (200, "ok")
    assert _get(gunicorn_server + "/login/")[0] == 200
    with connection.cursor() as cursor:  # what a database restart does to the app's connections
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        (terminated,) = cursor.fetchone()
    assert terminated >= 1  # the gunicorn worker's kept connection
    assert _get(gunicorn_server + "/healthz") == (200, "ok")
    assert _get(gunicorn_server + "/login/")[0] == 200
