"""manage.py export_rid <slug> [--version N.M|draft] [--format pdf|html|json] [--output PATH]"""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from modifications import services as register
from modifications.models import Modification
from releases.models import Release
from releases.rid import services as rid_services
from tests.factories import analyst_user
from tests.releases.rid_data import june_2021
from tests.stand_in_pdf import stand_in_pdfs

D = datetime.date


@pytest.fixture(scope="module")
def _june(django_db_setup, django_db_blocker):
    """June 2021 with versions 0.1 and 1.0 issued (stand-in PDFs), once for the module (each test
    runs in a savepoint inside; the module's transaction is rolled back at its end)."""
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        stand_in_pdfs(patch)
        preparer = analyst_user(username="june-preparer")
        release = june_2021(preparer)
        for kind, day, text in [("draft", 10, "First draft"), ("issued", 24, "Second")]:
            rid_services.rid_issue_version(
                unreviewed_reason="Issued in a test without review.",
                actor=preparer,
                release=release,
                kind=kind,
                date=D(2020, 7, day),
                changes=text,
            )
        yield release.pk
        transaction.set_rollback(True)


@pytest.fixture
def june(_june, db):
    return Release.objects.get(pk=_june)


def export(*args):
    call_command("export_rid", *args, stderr=open("/dev/null", "w"))


def test_by_default_the_latest_issued_pdf_is_written_as_stored(june, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    export("june-2021")
    written = (tmp_path / "june-2021-rid-v1.0.pdf").read_bytes()
    assert written == bytes(june.rid_versions.get(major=1).pdf)


def test_a_version_exports_its_stored_json_and_html(june, analyst, tmp_path):
    register.modification_update(
        actor=analyst, modification=Modification.objects.get(reference="MP147"), title="Later"
    )
    export("june-2021", "--version", "0.1", "--format", "json", "--output", tmp_path / "a.json")
    data = json.loads((tmp_path / "a.json").read_text())
    assert data == june.rid_versions.get(major=0, minor=1).content
    export("june-2021", "--version", "0.1", "--format", "html", "--output", tmp_path / "a.html")
    html = (tmp_path / "a.html").read_text()
    assert html.startswith("<!doctype html>")
    assert "Version 0.1" in html and "SMKI Full Extract" in html and "Later" not in html
    assert "@font-face" in html  # self-contained: print.css inlined


def test_the_live_draft_is_built_from_the_register_now(june, analyst, tmp_path):
    register.modification_update(
        actor=analyst, modification=Modification.objects.get(reference="MP147"), title="Later"
    )
    export("june-2021", "--version", "draft", "--format", "json", "--output", tmp_path / "d.json")
    data = json.loads((tmp_path / "d.json").read_text())
    assert data["version"] == ""
    assert "Later" in [m["title"] for m in data["approved"]]
    export("june-2021", "--version", "draft", "--output", tmp_path / "d.pdf")
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF-")


def test_json_can_go_to_standard_output(june, capsys):
    from io import StringIO

    out = StringIO()
    call_command("export_rid", "june-2021", "--format", "json", "--output", "-", stdout=out)
    assert json.loads(out.getvalue())["version"] == "1.0"


def test_unknown_releases_and_versions_are_explained(june, analyst):
    with pytest.raises(CommandError, match="No release 'nope'. Releases: june-2021"):
        export("nope")
    with pytest.raises(CommandError, match=r"no RID version '9.0'. Issued versions: 0.1, 1.0"):
        export("june-2021", "--version", "9.0")


def test_a_release_without_versions_points_to_the_draft(analyst):
    from tests.factories import make_release

    make_release(analyst, name="Empty SEC Release", slug="empty")
    with pytest.raises(CommandError, match="use --version draft"):
        export("empty")
