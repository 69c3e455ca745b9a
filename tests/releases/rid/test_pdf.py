"""The RID PDF, read the way a user's tools read it: pdfinfo (tagged, title, author, A4, pages),
pdftotext (text in reading order), pdffonts (shipped fonts embedded), and no WeasyPrint
warnings. Needs poppler-utils (`make system-deps`)."""

import dataclasses
import datetime
import io
import logging
import re
import shutil
import subprocess

import pytest
from django.db import transaction
from pypdf import PdfReader

from releases import pdf
from releases.rid import render
from releases.rid.document import build_rid
from tests.factories import analyst_user
from tests.releases.rid_data import june_2021

D = datetime.date

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(
        not shutil.which("pdfinfo"), reason="poppler-utils (pdfinfo, pdftotext) not installed"
    ),
]


def run(tool, pdf_bytes, *args):
    return subprocess.run(
        [tool, *args, "-", "-"] if tool == "pdftotext" else [tool, *args, "-"],
        input=pdf_bytes,
        capture_output=True,
        check=True,
    ).stdout.decode()


def info(pdf_bytes):
    lines = run("pdfinfo", pdf_bytes).splitlines()
    return dict(line.split(":", 1) for line in lines if ":" in line) | {}


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """The June 2021 RID v8.0 rendered once for the module (the data is rolled back)."""
    with django_db_blocker.unblock(), transaction.atomic():
        analyst = analyst_user(username="pdf-analyst")
        release = june_2021(analyst)
        rid = build_rid(release, version="8.0", version_date=D(2021, 6, 1), changes="Updated.")
        transaction.set_rollback(True)
    handler = _Records()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        pdf_bytes, with_pages = render.render_rid(rid)
    finally:
        logger.removeHandler(handler)
    return pdf_bytes, with_pages, handler.records


def test_the_pdf_is_tagged_a4_with_title_author_and_language(rendered):
    pdf_bytes, _, _ = rendered
    meta = {k.strip(): v.strip() for k, v in info(pdf_bytes).items()}
    assert meta["Tagged"] == "yes"
    assert meta["Title"] == (
        "June 2021 SEC Release (24 June 2021) \u2013 SEC Release Implementation Document, "
        "Version 8.0"
    )
    assert meta["Author"] == "SECAS"
    assert meta["Page size"].startswith("595.276 x 841.89")
    assert int(meta["Pages"]) >= 6
    assert PdfReader(io.BytesIO(pdf_bytes)).trailer["/Root"]["/Lang"] == "en-GB"


def test_weasyprint_logs_no_warning_while_rendering(rendered):
    _, _, records = rendered
    assert [r.getMessage() for r in records] == []


def test_the_text_extracts_in_reading_order(rendered):
    text = " ".join(run("pdftotext", rendered[0]).split())
    order = [
        "This document is classified as White",
        "June 2021 SEC Release (24 June 2021)",
        "SEC Release Implementation Document",
        "Version 8.0",
        "1 June 2021",
        "About this document",
        "Contents",
        "1. Scope",
        "Approved Modification Proposals",
        "MP106 \u2018CHISM update for Unknown WAN Variant\u2019 will insert guidance",
        "DCC Change Requests",
        "2. Impacts",
        "SEC document impacts",
        "3. Implementation timeline",
        "4. Test strategy",
        "5. Costs",
        "SECAS will incur two days effort, equating to around \u00a31,200",
        "6. Acceptance criteria",
        "Appendix 1: Version control",
        "Appendix 2: Glossary",
        "UIT User Integration Testing",
    ]
    position = 0
    for expected in order:
        found = text.find(expected, position)
        assert found >= 0, f"{expected!r} missing or out of order"
        position = found + len(expected)


def test_each_page_but_the_cover_has_the_running_header_and_page_n_of_m(rendered):
    pages = run("pdftotext", rendered[0], "-layout").split("\f")[:-1]
    total = len(pages)
    assert "Page 1 of" not in pages[0]
    assert "This document has a Classification of White" in pages[0]
    for n, page in enumerate(pages[1:], start=2):
        assert f"Page {n} of {total}" in page
        assert "June 2021 SEC Release Implementation Document v8.0" in page
        assert "This document has a Classification of White" in page


def test_the_contents_page_numbers_are_where_the_sections_start(rendered):
    pdf_bytes, with_pages, _ = rendered
    pages = run("pdftotext", pdf_bytes).split("\f")
    contents = " ".join(pages[1].split())
    for label, key in [("1. Scope", "scope"), ("Appendix 2: Glossary", "glossary")]:
        number = with_pages.pages[key]
        assert re.search(re.escape(label) + r" \.+ ?" + str(number), contents), label
    assert with_pages.pages["scope"] == 3
    assert "1. Scope" in pages[with_pages.pages["scope"] - 1]
    assert "Appendix 2: Glossary\n" in pages[with_pages.pages["glossary"] - 1]


def test_ticks_render_with_the_shipped_fonts_embedded(rendered):
    pdf_bytes = rendered[0]
    assert "\u2713" in run("pdftotext", pdf_bytes)
    fonts = run("pdffonts", pdf_bytes)
    assert "Liberation-Sans" in fonts
    assert "DejaVu-Sans" in fonts
    for line in fonts.splitlines()[2:]:
        assert " yes " in line  # embedded


def test_a_table_longer_than_a_page_repeats_its_header(analyst):
    from tests.releases.rid_data import release_of_size

    release = release_of_size(analyst, 60, slug="sixty")
    pages = run("pdftotext", render.render_rid_pdf(build_rid(release)), "-layout").split("\f")
    with_header = [p for p in pages if re.search(r"Modification\s+Suppliers\s+Electricity", p)]
    assert len(with_header) >= 2


def test_the_url_fetcher_serves_static_files_only():
    fetcher = pdf.static_url_fetcher()
    css = (pdf.STATIC_DIR / "css" / "print.css").as_uri()
    assert b"@font-face" in fetcher.fetch(css).read()
    for refused in [
        "https://example.com/style.css",
        "http://127.0.0.1/x.css",
        "file:///etc/passwd",
        (pdf.STATIC_DIR / ".." / "manage.py").resolve().as_uri(),
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(refused)


def test_a_remote_image_in_the_html_is_not_fetched(caplog):
    html = (
        '<html lang="en"><head><title>t</title></head>'
        '<body><img src="http://example.com/x.png" alt="x"><p>Hi</p></body></html>'
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf_bytes = pdf.render_pdf(html)
    assert pdf_bytes.startswith(b"%PDF-")
    assert any("example.com" in r.getMessage() for r in caplog.records)


def test_rendering_again_with_the_kept_print_style_gives_the_same_bytes(rendered):
    """The font configuration and print.css are parsed once per process (pdf.print_style) and
    reused: a second render of the same Rid, after other documents, is byte for byte the
    first."""
    first, with_pages, _ = rendered
    pdf.render_pdf('<html lang="en"><head><title>t</title></head><body><p>Other</p></body></html>')
    again, _ = render.render_rid(dataclasses.replace(with_pages, contents_pages=()))
    assert again == first
    assert pdf.print_style() is pdf.print_style()
