"""The RID PDF as assistive technology reads it (PDF/UA-1, ISO 14289-1): the structure tree read
with pypdf (header cells with /Scope, the running header and footer as pagination artifacts, every
link described, Contents entries that read "1. Scope, page 3"), links that resolve, and an
independent checker (page-validation, the machine-checkable PDF/UA-1 rules) that finds nothing."""

import datetime
import io

import page as page_validation
import pytest
from django.db import transaction
from pypdf import PdfReader
from pypdf.generic import ContentStream

from releases.rid import render
from releases.rid.document import build_rid
from tests.factories import analyst_user
from tests.releases.rid_data import dcc_system_release

# About the PDF: its documents are laid out by WeasyPrint (tests/conftest.py).
pytestmark = pytest.mark.pdf

D = datetime.date


@pytest.fixture(scope="module")
def pdf(django_db_setup, django_db_blocker):
    """The October 2031 RID (a DCC System release) as version 1.0, rendered once."""
    with django_db_blocker.unblock(), transaction.atomic():
        analyst = analyst_user(username="ua-analyst")
        october, _june = dcc_system_release(analyst)
        rid = build_rid(october, version="1.0", version_date=D(2031, 3, 2), changes="First.")
        transaction.set_rollback(True)
    pdf_bytes, _ = render.render_rid(rid)
    return PdfReader(io.BytesIO(pdf_bytes)), pdf_bytes


def elements(reader):
    """Every structure element reachable from the root, with its parent's /S."""
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    found = []
    stack = [(k.get_object(), None) for k in reversed(root["/K"])]
    while stack:
        element, parent = stack.pop()
        if not hasattr(element, "get") or element.get("/Type") not in (None, "/StructElem"):
            continue
        if "/S" not in element:
            continue
        found.append((element, parent))
        kids = element.get("/K", [])
        kids = kids if isinstance(kids, list) else [kids]
        for kid in reversed(kids):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if hasattr(kid, "get") and kid.get("/S"):
                stack.append((kid, element))
    return found


def test_every_header_cell_carries_a_scope(pdf):
    reader, _ = pdf
    headers = [(e, p) for e, p in elements(reader) if e["/S"] == "/TH"]
    assert len(headers) > 40
    for element, row in headers:
        group = row["/P"].get_object()["/S"]
        expected = "/Column" if group == "/THead" else "/Row"
        assert element["/A"]["/Scope"] == expected


def test_the_running_header_and_footer_are_pagination_artifacts(pdf):
    reader, _ = pdf
    reachable = {id(e) for e, _ in elements(reader)}
    parent_tree = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parents = {parent_tree[i]: parent_tree[i + 1] for i in range(0, len(parent_tree), 2)}
    for number, page in enumerate(reader.pages):
        operations = ContentStream(page.get_contents(), reader).operations
        artifacts, mcids = 0, []
        for operands, operator in operations:
            if operator == b"BDC" and operands[0] == "/Artifact":
                if operands[1].get("/Type") == "/Pagination":
                    artifacts += 1
            elif operator == b"BDC" and "/MCID" in operands[1]:
                mcids.append(operands[1]["/MCID"])
        # Page 1: the classification footer; then the header, "Page N of M" and the footer.
        assert artifacts == (1 if number == 0 else 3), number
        page_parents = parents[page["/StructParents"]]
        for mcid in mcids:
            element = page_parents[mcid].get_object()
            while element.get("/S") in ("/Span", "/NonStruct") and id(element) not in reachable:
                element = element["/P"].get_object()
            assert id(element) in reachable, (number, mcid)


def annotations(reader):
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots", []):
            yield number, annotation.get_object()


def test_every_link_is_described_and_printable(pdf):
    reader, _ = pdf
    links = list(annotations(reader))
    assert links
    for _number, link in links:
        assert link["/Subtype"] == "/Link"
        assert link["/F"] == 4  # Print
        assert len(link["/Contents"]) > 3
        assert not link["/Contents"].startswith(("rid-", "#", "file:"))
    descriptions = {link["/Contents"] for _, link in links}
    assert "MP901 \u2018Quartz alert codes for prepayment meters\u2019" in descriptions


def test_links_to_other_documents_resolve_to_absolute_web_addresses(pdf):
    reader, _ = pdf
    uris = [link["/A"]["/URI"] for _, link in annotations(reader) if "/A" in link]
    assert "https://sec.example.org/modifications/mp901/" in uris
    assert all(uri.startswith(("https://", "http://")) for uri in uris)


def test_each_contents_entry_reads_as_its_title_and_page(pdf):
    reader, _ = pdf
    contents_page = [link["/Contents"] for n, link in annotations(reader) if n == 2]
    assert len(contents_page) == 8  # one link per entry, not one per dot leader
    assert contents_page[0] == "1. Scope, page 3"
    assert contents_page[-1].startswith("Appendix 2: Glossary, page ")
    actual = [str(e["/ActualText"]) for e, _ in elements(reader) if "/ActualText" in e]
    assert len(actual) == 8
    assert actual[0] == ", page 3"


def test_an_independent_pdf_ua_checker_finds_nothing_wrong(pdf):
    _, pdf_bytes = pdf
    report = page_validation.validate_pdf_bytes(pdf_bytes, profile="ua1")
    assert [(f.rule_id, f.message) for f in report.failures] == []
    assert report.is_compliant
