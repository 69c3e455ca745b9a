"""The demo June 2021 release against the seed RID v8.0 (tests/seeds/003_...txt): the version
history, what each version held, the drafted Changes texts, and the share of the seed's words
that version 8.0 reproduces in order, as a web page and as PDF text (tests/fidelity.py)."""

import datetime
import subprocess

import pytest
from django.db import transaction

from releases.models import Release
from releases.rid import services as rid_services
from releases.rid.document import Rid
from tests import demo_dump
from tests.fidelity import RID_V8_SEED, fidelity, missing_words

# About the PDF: its documents are laid out by WeasyPrint (tests/conftest.py).
pytestmark = pytest.mark.pdf

SEED = RID_V8_SEED
D = datetime.date

SEED_HISTORY = [
    ("0.1", D(2020, 7, 10), "First draft presented to the Panel to be baselined"),
    (
        "1.0",
        D(2020, 7, 24),
        "Version baselined by the Panel to cover the proposed scope of the release on the DCC "
        "Systems.",
    ),
    (
        "1.1",
        D(2020, 12, 4),
        "Updated following MP106, MP116, MP138, DP144, DP145 and MP147 being added to the scope "
        "and the rejection of SECMP0067, presented to the Panel for the scope to be baselined.",
    ),
    (
        "2.0",
        D(2020, 12, 14),
        "Version baselined by the Panel to cover the full proposed scope of the release.",
    ),
    ("3.0", D(2021, 1, 29), "Updated following MP146 being added to scope."),
    ("4.0", D(2021, 2, 24), "Updated following the approval of MP146."),
    (
        "5.0",
        D(2021, 3, 12),
        "Updated following MP116 and DP145 falling out of scope and DP153 being added to the "
        "scope.",
    ),
    ("6.0", D(2021, 4, 30), "Updated following MP138 falling out of scope."),
    ("7.0", D(2021, 5, 11), "Updated following the approval of MP153."),
    ("8.0", D(2021, 6, 1), "Updated following the approval of MP144."),
]


@pytest.fixture(scope="module")
def _demo(demo_dump_path, django_db_blocker):
    """The demo (as load_demo makes it, from its dump), loaded once for this module's tests
    (each runs in a savepoint inside) and rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_dump.load(demo_dump_path)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def june(_demo, db):
    return Release.objects.get(slug="june-2021")


def test_the_demo_june_2021_history_is_the_seeds_version_table(june):
    versions = list(june.rid_versions.order_by("major", "minor"))
    assert [(v.number, v.date, v.changes) for v in versions] == SEED_HISTORY
    latest = Rid.from_json(versions[-1].content)
    assert [(h.number, h.date, h.changes) for h in latest.history] == SEED_HISTORY


def test_each_demo_version_holds_what_the_release_held_then(june):
    def refs(number):
        rid = Rid.from_json(june.rid_versions.get(major=number[0], minor=number[1]).content)
        return {m.reference for m in rid.modifications}

    assert "MP146" not in refs((1, 0))
    assert "MP146" in refs((3, 0))
    assert {"MP116", "DP145"} <= refs((4, 0))
    assert not {"MP116", "DP145"} & refs((5, 0))
    assert "DP153" in refs((5, 0))
    assert refs((8, 0)) == {"MP106", "MP144", "MP146", "MP147", "MP153"}


def test_the_changes_text_drafted_for_each_demo_version_is_the_seeds(june):
    versions = list(june.rid_versions.order_by("major", "minor"))
    for previous, version in zip(versions, versions[1:], strict=False):
        if version.kind == "baseline":
            drafted = rid_services.rid_draft_changes(june, "baseline", version.baseline_scope)
        else:
            what = rid_services.rid_changes_text(
                rid_services._rid_events_since(june, previous.issued_at, until=version.issued_at)
            )
            drafted = (
                f"Updated following {what}, {rid_services.RID_DRAFT_SUFFIX}"
                if version.kind == "draft"
                else f"Updated following {what}."
            )
        assert drafted == version.changes, version.number


def test_version_8_0_web_page_and_pdf_reproduce_at_least_97_percent_of_the_seed(june, client):
    seed = SEED.read_text(encoding="utf-8")
    page = client.get("/releases/june-2021/rid/v8.0/")
    assert page.status_code == 200
    html = page.content.decode()
    pdf_bytes = bytes(june.rid_versions.get(major=8, minor=0).pdf)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf_bytes, capture_output=True, check=True
    ).stdout.decode()
    html_score, pdf_score = fidelity(seed, html), fidelity(seed, text)
    print(f"fidelity to the seed RID v8.0: web page {html_score:.2%}, PDF text {pdf_score:.2%}")
    assert html_score >= 0.97, missing_words(seed, html)
    assert pdf_score >= 0.97, missing_words(seed, text)
