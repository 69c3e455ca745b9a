"""Anonymous visitors: the register needs a login; the issued RID versions of a White release are
readable by anyone (issue 4, "Who sees what")."""

from tests.browser.conftest import pdfinfo


def test_anonymous_visitor_logs_in_for_the_register_but_reads_a_white_rid_without_logging_in(
    visitor, demo, tmp_path
):
    page = visitor.page

    visitor.goto("/modifications/", "register-asks-for-login")
    assert visitor.path == "/login/?next=/modifications/"
    assert page.get_by_role("button", name="Log in").is_visible()
    for path in ["/releases/june-2021/", "/releases/june-2021/rid/", "/dashboard/", "/papers/"]:
        page.goto(visitor.base + path)
        assert visitor.path.startswith("/login/?next="), f"{path} should ask for a login"

    # The June 2021 release is White: its issued versions are public.
    visitor.goto("/releases/june-2021/rid/versions/", "public-version-list")
    assert page.get_by_role("heading", level=1).inner_text().startswith("June 2021 SEC Release")
    assert not visitor.edit_controls(), "no edit controls for anonymous visitors"
    assert page.get_by_role("link", name="Live draft").count() == 0

    visitor.follow("Version 8.0", "public-version-8.0", exact=True)
    assert visitor.path == "/releases/june-2021/rid/v8.0/"
    document = page.locator("article").inner_text()
    assert "SEC Release Implementation Document" in document
    assert "This document is classified as White" in " ".join(document.split())
    assert not visitor.edit_controls()

    filename, data = visitor.download(page.get_by_role("link", name="Download PDF (version 8.0)"))
    assert filename == "june-2021-rid-v8.0.pdf"
    assert data.startswith(b"%PDF")
    assert "June 2021 SEC Release" in pdfinfo(data, tmp_path)["Title"]

    # Only the issued versions: the live draft still needs a login.
    page.goto(visitor.base + "/releases/june-2021/rid/")
    assert visitor.path.startswith("/login/?next=")
