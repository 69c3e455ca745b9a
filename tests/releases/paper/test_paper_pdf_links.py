"""Every link in the OPSG paper PDF resolves: a modification with a public web page links there,
any other link to the product's page at settings.SITE_URL, never to a file:/// path; and the PDF
passes the independent PDF/UA-1 checker the RID passes."""

import io

import page as page_validation
import pytest
from django.conf import settings
from pypdf import PdfReader

from modifications import services as register
from releases.paper.render import paper_pdf_bytes
from tests.releases.paper.test_paper import build, make_paper, world  # noqa: F401

# About the PDF: its documents are laid out by WeasyPrint (tests/conftest.py).
pytestmark = pytest.mark.pdf


def uris(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]


def test_modification_links_in_the_paper_pdf_are_web_addresses(analyst, world):  # noqa: F811
    register.modification_update(
        actor=analyst,
        modification=world["mp090"],
        web_url="https://smartenergycodecompany.co.uk/modifications/mp090/",
    )
    pdf_bytes = paper_pdf_bytes(build(make_paper(analyst, world)))
    links = uris(pdf_bytes)
    assert "https://smartenergycodecompany.co.uk/modifications/mp090/" in links
    assert f"{settings.SITE_URL}/modifications/MP081/" in links
    assert not [u for u in links if not u.startswith(("http://", "https://"))]
    report = page_validation.validate_pdf_bytes(pdf_bytes, profile="ua1")
    assert [(f.rule_id, f.message) for f in report.failures] == []
