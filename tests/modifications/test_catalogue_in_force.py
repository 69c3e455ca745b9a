"""The SEC document catalogue after the migrations (modifications 0002, 0005, 0011): every code
looked up for 0011, the rows a source confirmed carry no note, the others say what is still
unconfirmed, and 0011 reverses without losing a document something cites."""

import importlib

import pytest
from django.apps import apps

from modifications.models import SECDocument
from tests.factories import make_modification, sec_document

pytestmark = pytest.mark.django_db

in_force = importlib.import_module("modifications.migrations.0011_sec_catalogue_in_force")

# The catalogue the research for migration 0011 arrived at (its docstring gives the sources).
CODES = {
    "section": "A B C D E F G H I J K L M N O P T X Z".split(),
    "schedule": "1 2 3 5 6 7 8 9 10 11".split(),
    "appendix": (
        "A B C D E G H I J K L M N O P Q R X Y AA AB AC AD AE AF AG AH AI AJ AL AM".split()
    ),
}

# Rows whose code and title a source named, with that title.
CONFIRMED = [
    ("section", "A", "Definitions and Interpretation"),
    ("section", "B", "Accession"),
    ("section", "C", "Governance"),
    ("section", "D", "Modification Process"),
    ("section", "E", "Registration Data"),
    ("section", "F", "Smart Metering System Requirements"),
    ("appendix", "B", "Organisation Certificate Policy"),
    ("appendix", "G", "DCC Gateway Connection Code of Connection"),
    ("appendix", "I", "CH Installation and Maintenance Support Materials"),
    ("appendix", "L", "SMKI Recovery Procedure"),
    ("appendix", "M", "SMKI Interface Design Specification"),
    ("appendix", "N", "SMKI Code of Connection"),
    ("appendix", "O", "SMKI Repository Interface Design Specification"),
    ("appendix", "Q", "IKI Certificate Policy"),
    ("appendix", "Y", "Registration Data Interface Code of Connection"),
    ("appendix", "AA", "Threshold Anomaly Detection Procedures"),
    ("appendix", "AD", "DCC User Interface Specification"),
    ("appendix", "AE", "DCC User Interface Code of Connection"),
    ("appendix", "AH", "Self-Service Interface Design Specification"),
    ("appendix", "AJ", "SEC Variation Testing Approach Document"),
    ("appendix", "AM", "SMETS1 Supporting Requirements"),
]

# Rows no source confirmed in full: their note says what is not confirmed.
UNCONFIRMED = [
    ("section", "M"),
    ("section", "N"),
    ("section", "O"),
    ("section", "T"),
    ("section", "X"),
    ("section", "Z"),
    ("schedule", "1"),
    ("schedule", "2"),
    ("schedule", "3"),
    ("schedule", "5"),
    ("schedule", "6"),
    ("appendix", "H"),
    ("appendix", "P"),
    ("appendix", "AB"),
    ("appendix", "AC"),
    ("appendix", "AI"),
]


def codes_by_kind():
    return {
        kind: list(SECDocument.objects.filter(kind=kind).values_list("code", flat=True))
        for kind in CODES
    }


def test_the_catalogue_holds_every_code_looked_up_in_listing_order():
    assert codes_by_kind() == CODES


@pytest.mark.parametrize(("kind", "code", "title"), CONFIRMED)
def test_a_confirmed_document_has_its_published_title_and_no_note(kind, code, title):
    document = sec_document(kind, code)
    assert (document.title, document.note) == (title, "")


@pytest.mark.parametrize(("kind", "code"), UNCONFIRMED)
def test_a_document_no_source_confirmed_says_what_is_unconfirmed(kind, code):
    assert "not confirmed" in sec_document(kind, code).note.lower()


def test_no_row_keeps_the_old_blanket_not_checked_note():
    assert not SECDocument.objects.filter(note__startswith="Not checked").exists()


def test_the_appendix_that_may_have_expired_asks_for_a_check():
    assert "still in force" in sec_document("appendix", "AL").note


def test_reversing_0011_removes_appendix_g_and_puts_the_earlier_notes_back():
    in_force.uncheck(apps, None)
    assert not SECDocument.objects.filter(kind="appendix", code="G").exists()
    assert sec_document("appendix", "AA").note == in_force.OLD_CHECK
    assert sec_document("appendix", "AB").note == ""
    in_force.check(apps, None)
    assert codes_by_kind() == CODES
    assert sec_document("appendix", "AA").note == ""


def test_reversing_0011_keeps_appendix_g_while_a_modification_cites_it(analyst):
    appendix_g = sec_document("appendix", "G")
    make_modification(analyst, sec_documents=[appendix_g])
    in_force.uncheck(apps, None)
    assert SECDocument.objects.filter(pk=appendix_g.pk).exists()


def test_0011_leaves_a_note_an_analyst_has_since_edited():
    SECDocument.objects.filter(kind="appendix", code="AB").update(note="Checked by SECAS.")
    in_force.uncheck(apps, None)
    in_force.check(apps, None)
    assert sec_document("appendix", "AB").note == "Checked by SECAS."
