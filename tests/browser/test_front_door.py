"""The front door: an anonymous visitor finds a White release's RID from `/`, on a desktop and on
a 320px phone (axe: zero violations on every page), and checks the November 2020 RID the Panel
baselined (the OPSG paper's Appendix A) and what its baseline changed; a Panel member watches a
release and reads the frozen OPSG paper the demo issued."""

import hashlib

import pytest


@pytest.mark.parametrize("width", [1280, 320])
def test_an_anonymous_visitor_finds_a_white_rid_from_the_front_door(visitor, demo, width):
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 900})

    visitor.goto("/", f"front-door-{width}")
    assert visitor.path == "/"
    assert page.get_by_role("heading", level=1).inner_text() == "Smart Energy Code releases"
    assert page.get_by_role("heading", name="June 2021 SEC Release").is_visible()
    assert page.locator("main").get_by_role("link", name="log in").is_visible()
    assert not visitor.edit_controls()

    visitor.follow("Read RID version 8.0 of the June 2021 SEC Release", f"front-door-rid-{width}")
    assert visitor.path == "/releases/june-2021/rid/v8.0/"
    document = " ".join(page.locator("article").inner_text().split())
    assert "This document is classified as White" in document

    # The feed link on the front door is readable without logging in.
    response = page.request.get(visitor.base + "/releases/june-2021/feed.atom")
    assert response.ok
    assert "RID version 8.0 issued" in response.text()


def test_an_anonymous_visitor_checks_the_baselined_november_2020_rid_and_what_its_baseline_added(
    visitor, demo, tmp_path
):
    page = visitor.page
    main = page.locator("main")
    visitor.goto("/", "front-door")
    visitor.follow("Read RID version 4.0 of the November 2020 SEC Release", "nov-2020-rid-4.0")
    assert visitor.path == "/releases/november-2020/rid/v4.0/"
    record = " ".join(main.locator(".rid-proof").inner_text().split())
    assert (
        "Full scope baselined by the Panel at its meeting of 15 May 2020: The Panel baselined the "
        "full scope of the November 2020 SEC Release." in record
    )

    filename, data = visitor.download(main.get_by_role("link", name="Download PDF (version 4.0)"))
    assert hashlib.sha256(data).hexdigest() in record
    pdf = tmp_path / filename
    pdf.write_bytes(data)
    visitor.follow("Verify a document", "nov-2020-verify")
    page.get_by_label("PDF to check").set_input_files(str(pdf))
    visitor.press("Verify", "nov-2020-verified", exact=True)
    assert page.get_by_text("This is version 4.0").is_visible()

    # The full scope baseline added the modifications on the SEC documentation to version 3.0.
    visitor.goto("/releases/november-2020/rid/v4.0/")
    visitor.follow("Compare with version 3.0", "nov-2020-compare-3.0-4.0")
    assert visitor.path == "/releases/november-2020/rid/compare/?from=3.0&to=4.0"
    added = main.locator(".rid-diff li").filter(has_text="MP080").first
    assert added.locator(".diff-label").inner_text() == "Added:"
    assert not visitor.edit_controls()


def test_a_panel_member_watches_a_release_and_reads_the_issued_opsg_paper(visitor, demo):
    page = visitor.page
    visitor.login("panel")
    visitor.menu("Watching", "watching")
    page.get_by_label("June 2021 SEC Release (go-live 24 June 2021)").check()
    page.get_by_label("Send me one email a day").check()
    visitor.press("Save", "watching-saved")
    assert page.get_by_text("Your notifications are saved.").is_visible()
    assert page.get_by_label("June 2021 SEC Release (go-live 24 June 2021)").is_checked()

    visitor.menu("OPSG papers", "papers")
    visitor.follow("OPSG_33_0206_15", "paper", exact=True)
    visitor.follow("No. 1 as issued", "issued-paper", exact=True)
    assert not visitor.edit_controls()
    assert page.get_by_text("Issue 1 of OPSG_33_0206_15").is_visible()
    assert "SEC Releases update" in page.locator("article").inner_text()
