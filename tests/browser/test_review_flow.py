"""Issue "Records the Panel can trust" in a browser: an analyst submits the next June 2021 RID
version for review; a second analyst approves it, and it is issued exactly as reviewed; a Panel
member reads the version with its record (who prepared, reviewed and issued it, the SHA-256 of
its PDF), checks the downloaded PDF on the verify page and compares it with version 8.0. axe
finds no violation on any page."""

import hashlib

CHANGES = "Updated following MP147 being removed from the scope."


def test_analyst_submits_a_second_analyst_approves_and_a_panel_member_verifies_and_compares(
    visitor, demo, tmp_path
):
    page = visitor.page
    main = page.locator("main")

    # Analyst: a change after version 8.0, then version 9.0 is submitted for review.
    visitor.login("analyst")
    visitor.goto("/releases/june-2021/", "analyst-june-2021")
    visitor.follow("Remove MP147", "analyst-remove-mp147")
    page.get_by_label("Reason").fill("The DCC cannot deliver MP147 in this release.")
    visitor.press("Remove from scope", "analyst-mp147-removed")
    visitor.goto("/releases/june-2021/rid/issue/", "analyst-rid-issue")
    changes = page.get_by_label("Changes (the document history entry)")
    assert changes.input_value() == CHANGES
    visitor.press("Submit for review", "analyst-submitted")
    assert page.get_by_text("Version 9.0 is submitted for review").is_visible()
    assert page.get_by_text("You prepared this draft: another analyst must review it.").is_visible()
    assert main.get_by_role("button", name="Approve and issue version 9.0").count() == 0
    visitor.logout()

    # The demo's second analyst finds it on their dashboard and approves it: it is issued as
    # submitted.
    visitor.login("reviewer")
    visitor.check("reviewer-dashboard")
    visitor.follow("Review version 9.0 of the June 2021 SEC Release", "reviewer-review-9.0")
    assert page.get_by_text("still exactly what was submitted").is_visible()
    visitor.press("Approve and issue version 9.0", "reviewer-approved")
    assert visitor.path == "/releases/june-2021/rid/v9.0/"
    record = main.locator(".rid-proof").inner_text()
    assert "reviewed by Demo Reviewer" in record
    visitor.logout()

    # Panel member: reads the version and its record, verifies the PDF, compares with 8.0.
    visitor.login("panel")
    visitor.goto("/releases/june-2021/rid/versions/", "panel-versions")
    assert not visitor.edit_controls()
    visitor.follow("Version 9.0", "panel-rid-9.0", exact=True)
    record = main.locator(".rid-proof").inner_text()
    assert "Prepared by Demo" in record
    assert "reviewed by Demo Reviewer" in record
    filename, data = visitor.download(main.get_by_role("link", name="Download PDF (version 9.0)"))
    digest = hashlib.sha256(data).hexdigest()
    assert digest in record

    pdf = tmp_path / filename
    pdf.write_bytes(data)
    visitor.follow("Verify a document", "panel-verify")
    page.get_by_label("PDF to check").set_input_files(str(pdf))
    visitor.press("Verify", "panel-verified", exact=True)
    assert page.get_by_text("This is version 9.0").is_visible()
    assert digest in main.inner_text()
    not_pdf = tmp_path / "notes.txt"
    not_pdf.write_text("not a PDF")
    page.get_by_label("PDF to check").set_input_files(str(not_pdf))
    visitor.press("Verify", "panel-verify-not-a-pdf", exact=True)
    assert page.get_by_text("This file is not a PDF").is_visible()

    visitor.goto("/releases/june-2021/rid/v9.0/")
    visitor.follow("Compare with version 8.0", "panel-compare-8.0-9.0")
    assert visitor.path == "/releases/june-2021/rid/compare/?from=8.0&to=9.0"
    removed = main.locator(".rid-diff li").filter(has_text="MP147").first
    assert removed.locator(".diff-label").inner_text() == "Removed:"
