"""Issue 4 in a browser: an analyst issues a new version of the June 2021 RID from its drafted
Changes text; a Panel member then reads it, compares it with version 8.0 and downloads its PDF,
without seeing any edit control and without access to the live draft."""

from tests.browser.conftest import pdfinfo

CHANGES = "Updated following MP147 being removed from the scope."
EDITED = CHANGES + " MP147 will follow in a later release."


def test_analyst_issues_a_rid_version_and_a_panel_member_reads_compares_and_downloads_it(
    visitor, demo, tmp_path
):
    page = visitor.page
    main = page.locator("main")

    # Analyst: something happens after version 8.0, then the next version is issued.
    visitor.login("analyst")
    visitor.goto("/releases/", "analyst-release-list")
    visitor.follow("June 2021 SEC Release", "analyst-june-2021", exact=True)
    visitor.follow("Remove MP147", "analyst-remove-mp147")
    page.get_by_label("Reason").fill("The DCC cannot deliver MP147 in this release.")
    visitor.press("Remove from scope", "analyst-mp147-removed")
    assert page.get_by_text("MP147 removed from the scope.").is_visible()

    visitor.follow("RID (current draft)", "analyst-rid-draft")
    assert page.get_by_text("Live draft.").is_visible()
    visitor.follow("Issue a version", "analyst-rid-issue")
    changes = page.get_by_label("Changes (the document history entry)")
    assert changes.input_value() == CHANGES, "the Changes text is drafted from the removal"
    assert page.get_by_label("Issued: version 9.0").is_checked()
    changes.fill(EDITED)
    page.get_by_label("Why issue it without review?").fill("The Panel meets tomorrow.")
    visitor.press("Issue without review", "analyst-rid-9.0-issued")
    assert visitor.path == "/releases/june-2021/rid/v9.0/"
    assert page.get_by_text("Version 9.0 of the June 2021 SEC Release RID is issued").is_visible()
    assert EDITED in main.locator("article").inner_text()

    visitor.logout()

    # Panel member: the release page and the RID pages, read only.
    visitor.login("panel")
    visitor.check("panel-dashboard")
    visitor.follow("Releases", "panel-release-list", within="header")
    assert not visitor.edit_controls()
    visitor.follow("June 2021 SEC Release", "panel-june-2021", exact=True)
    assert not visitor.edit_controls(), "the Panel member sees no edit controls"
    assert main.locator('a[href="/releases/june-2021/rid/"]').count() == 0, "no live draft link"
    assert "MP147" in main.locator("#scope").inner_text()

    visitor.follow("RID versions", "panel-rid-versions")
    assert not visitor.edit_controls()
    assert main.get_by_role("link", name="Live draft").count() == 0
    history = main.get_by_role("table", name="Document history of the June 2021 SEC Release RID")
    newest = history.locator("tbody tr").first
    assert "Version 9.0" in newest.inner_text()
    assert EDITED in newest.inner_text()

    visitor.follow("Version 9.0", "panel-rid-9.0", exact=True)
    assert not visitor.edit_controls()
    assert EDITED in main.locator("article").inner_text()

    visitor.follow("Compare with version 8.0", "panel-rid-diff-8.0-9.0")
    assert visitor.path == "/releases/june-2021/rid/compare/?from=8.0&to=9.0"
    diff = main.locator(".rid-diff")
    assert diff.locator("del").count() + diff.locator("ins").count() > 0
    removed = diff.locator("li").filter(has_text="MP147").first
    assert removed.locator("del").count() == 1
    # Each change carries a text label, not only the colour and the strike-through.
    assert removed.locator(".diff-label").inner_text() in ("Removed:", "Changed:")
    assert not visitor.edit_controls()

    visitor.follow("Open version 9.0", "panel-rid-9.0-again")
    filename, data = visitor.download(main.get_by_role("link", name="Download PDF (version 9.0)"))
    assert filename == "june-2021-rid-v9.0.pdf"
    assert data.startswith(b"%PDF")
    info = pdfinfo(data, tmp_path)
    assert "June 2021 SEC Release" in info["Title"]
    assert info["Tagged"] == "yes"

    # The live draft is for analysts only.
    response = page.goto(visitor.base + "/releases/june-2021/rid/")
    assert response.status == 403
    response = page.goto(visitor.base + "/releases/june-2021/rid/issue/")
    assert response.status == 403
