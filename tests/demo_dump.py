"""The demo data as `manage.py load_demo` leaves it, made once and shared by the test processes.

`load_demo` replays the real history through the services and lays out every PDF an issued
RID version or OPSG paper stores (~25 s of CPU). The tests that read the demo rather than test
the command (the fidelity of RID v8.0 and of the demo paper, the browser flows) load a JSON dump
of it instead (`load`, ~2 s); tests/test_demo.py runs the command itself.

The first test process that needs the dump makes it (in its test database, rolled back
afterwards) while holding a file lock (filelock), so that the suite's workers and the browser
tests' process, which run at the same time, make it once between them. It is kept in
.pytest_cache/secrelease-demo/ under a key of everything it is made from: the code, migrations,
templates, static files, the runtime lock and today's date (the demo's audit times are "now").
"""

import datetime
import hashlib
import os
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".pytest_cache" / "secrelease-demo"
# What load_demo's result depends on.
SOURCES = ["fixtures", "modifications", "releases", "secrelease", "static", "templates"]
# Recreated by migrations or by the post_migrate signal, or not wanted (sessions, admin log).
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def source_key():
    """str: a SHA-256 (hex, 16 characters) of every file under SOURCES, requirements.txt and
    today's date; the dump is made again when any of them changes."""
    digest = hashlib.sha256(datetime.date.today().isoformat().encode())
    files = [ROOT / "requirements.txt"]
    for name in SOURCES:
        files += (
            p for p in (ROOT / name).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        )
    for path in sorted(files):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def load(path):
    """Load the dump at `path` into the current database as it was dumped. The dump holds every
    historical record (django-simple-history), so none is made while loading: loaddata sets
    many-to-many rows (a release's Change Requests) through signals that would record a new
    one."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        call_command("loaddata", str(path), verbosity=0)


def demo_dump(django_db_blocker):
    """Path of the JSON dump (Django's natural-key serialization) of the demo data, made now if
    no test process has made it for these sources yet; `load(path)` loads it. The demo is made
    in a transaction of this process's test database that is rolled back, so the database is
    left as it was (its sequences aside: they are not transactional)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = source_key()
    path = CACHE / f"demo-{key}.json"
    with FileLock(CACHE / "demo.lock"):
        if path.exists():
            return path
        for old in CACHE.glob("demo-*.json"):
            old.unlink()
        partial = path.with_suffix(f".{os.getpid()}.partial")
        with django_db_blocker.unblock(), transaction.atomic():
            call_command("load_demo", verbosity=0)
            call_command(
                "dumpdata",
                natural_foreign=True,
                exclude=EXCLUDE,
                output=str(partial),
                verbosity=0,
            )
            transaction.set_rollback(True)
        partial.replace(path)
    return path
