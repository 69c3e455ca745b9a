"""Issue 5 in a browser: an analyst looks at the dashboard as it stood on 26 May 2020, then writes
the OPSG "SEC Releases update" paper of that date and downloads its PDF."""

from tests.browser.conftest import pdfinfo

MP084_SENTENCE = (
    "The Change Board recommended MP084 be rejected on 26 February 2020. This modification is now "
    "with the Authority for decision. It will be included in this release if approved by "
    "22 October 2020."
)


def test_analyst_sees_the_dashboard_as_of_26_may_2020_and_downloads_the_opsg_paper(
    visitor, demo, tmp_path
):
    page = visitor.page
    visitor.login("analyst")
    visitor.check("dashboard-today")
    assert page.get_by_role("heading", name="Dashboard", level=1).is_visible()

    page.get_by_label("As of").fill("2020-05-26")
    visitor.press("Show", "dashboard-as-of-2020-05-26")
    assert "as_of=2020-05-26" in visitor.path
    assert page.get_by_text("as of Tuesday 26 May 2020").is_visible()

    authority = page.get_by_role(
        "table", name="Modifications with the Authority for decision on 26 May 2020"
    )
    rows = authority.locator("tbody tr")
    assert rows.count() == 2
    for reference, recommendation in [("MP084", "rejection"), ("MP088", "approval")]:
        row = rows.filter(has=page.get_by_role("link", name=reference, exact=True))
        assert f"recommended {recommendation} on 26 Feb 2020" in row.inner_text()
        assert "22 Oct 2020 for the November 2020 SEC Release" in row.inner_text()

    cut_offs = page.get_by_role(
        "table",
        name="Pending modifications that must be approved by a date to stay in their release",
    )
    for reference in ["MP084", "MP088"]:
        row = cut_offs.locator("tbody tr").filter(has_text=reference)
        assert "22 Oct 2020" in row.inner_text()

    # The demo paper of that date, then a new one generated from the register.
    visitor.follow("OPSG papers", "paper-list", within="header")
    visitor.follow("OPSG_33_0206_15", "demo-paper", exact=True)
    assert MP084_SENTENCE in " ".join(page.locator("main").inner_text().split())

    visitor.follow("OPSG papers", "paper-list-again", within="header")
    visitor.follow("New paper", "paper-new")
    page.get_by_label("Reference").fill("OPSG_33_0206_15")
    page.get_by_label("Title").fill("SEC Releases update")
    page.get_by_label("Classification").select_option(label="White")
    page.get_by_label("As of").fill("2020-05-26")
    page.get_by_label("Author").fill("Demo Analyst")
    page.get_by_label("Team").fill("SECAS")
    page.get_by_label("November 2020 SEC Release").check()
    page.get_by_label("Years covered as a whole").fill("2021")
    visitor.press("Create the paper", "paper-new-duplicate-reference")
    assert "already exists" in page.locator("#div_id_reference").inner_text()
    assert page.get_by_label("Team").input_value() == "SECAS", "what was typed is kept"
    assert page.get_by_label("November 2020 SEC Release").is_checked()

    page.get_by_label("Reference").fill("OPSG_33_0206_16")
    visitor.press("Create the paper", "paper-created-edit")
    assert page.get_by_text("Paper OPSG_33_0206_16 created").is_visible()
    assert page.get_by_role("heading", name="Edit OPSG_33_0206_16").is_visible()
    visitor.press("Save the paper", "paper-detail")
    assert page.get_by_text("Paper OPSG_33_0206_16 saved.").is_visible()

    main = page.locator("main")
    text = main.inner_text()
    assert "SEC Releases update" in text
    assert "November 2020 SEC Release" in text
    assert "2021 SEC Releases" in text
    assert MP084_SENTENCE in " ".join(text.split())

    filename, data = visitor.download(main.get_by_role("link", name="Download the PDF"))
    assert filename.endswith(".pdf")
    assert data.startswith(b"%PDF")
    info = pdfinfo(data, tmp_path)
    assert "SEC Releases update" in info["Title"]
    assert info["Tagged"] == "yes"

    visitor.follow("OPSG papers", "paper-list-with-two", within="header")
    assert page.get_by_role("link", name="OPSG_33_0206_16", exact=True).is_visible()
