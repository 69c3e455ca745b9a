"""A stand-in for laying out PDFs, in the tests that are not about PDFs (issue 8)."""

import hashlib
import re

from releases import pdf

_STAND_IN = """<!DOCTYPE html><html lang="en"><head><title>{title}</title>
<meta name="author" content="SECAS"></head><body><p>Stand-in PDF: the test that stored it is not
about PDFs (tests/stand_in_pdf.py). The document's HTML has SHA-256 {digest}.</p></body></html>"""


def _stand_in_document(real_render_document):
    """A stand-in for releases.pdf.render_document: a one-page tagged PDF, laid out by WeasyPrint
    (~20 ms rather than ~0.5-10 s), with the document's title and the SHA-256 of its HTML, so that
    different documents still store different PDFs; no Contents page numbers."""

    def render_document(document_html):
        found = re.search(r"<title>(.*?)</title>", document_html, re.S)
        title = found.group(1).strip() if found else "Document"
        digest = hashlib.sha256(document_html.encode()).hexdigest()
        return real_render_document(_STAND_IN.format(title=title, digest=digest))[0], {}

    return render_document


def stand_in_pdfs(monkeypatch):
    """Make releases.pdf.render_document lay out the stand-in (_stand_in_document) for as long as
    `monkeypatch` (a pytest.MonkeyPatch) lasts."""
    monkeypatch.setattr(pdf, "render_document", _stand_in_document(pdf.render_document))
