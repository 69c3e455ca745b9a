"""Issue 3 in a browser: an analyst works the register (search, filters, a new modification with a
mistake first), adds the new modification to a release scope from the release page and records
the Change Board's approval; then opens every kind of page the product has, each checked by axe."""

import re

TITLE = "Clarify the SMETS1 install and commission steps"
SUMMARY = "will clarify the steps Suppliers follow to install and commission SMETS1 devices."


def test_analyst_adds_a_modification_to_a_release_scope_and_records_its_approval(visitor, demo):
    page = visitor.page
    main = page.locator("main")
    visitor.login("analyst")
    visitor.check("dashboard")

    # The register: search, filters, one modification.
    visitor.follow("Modifications", "register", within="header")
    assert page.get_by_role("heading", name="Modification register").is_visible()
    page.get_by_label("Search", exact=True).fill("mp 14")
    visitor.press("Apply filters", "register-search-mp14")
    references = main.locator("tbody th[scope=row] a").all_inner_texts()
    assert references and all(r.startswith("MP14") for r in references), references
    assert page.get_by_label("Search", exact=True).input_value() == "mp 14", "the search is kept"

    page.get_by_label("Search", exact=True).fill("")
    page.get_by_label("Targeted release").select_option(label="June 2021 SEC Release")
    visitor.press("Apply filters", "register-june-2021")
    rows = main.locator("tbody tr")
    assert rows.count() > 0
    for row in rows.all():
        assert "June 2021 SEC Release" in row.locator("td").nth(4).inner_text()
    status = rows.first.locator("td").nth(1).inner_text()
    page.get_by_label("Status").select_option(label=status)
    visitor.press("Apply filters", f"register-june-2021-{status.lower().replace(' ', '-')}")
    statuses = main.locator("tbody tr td:nth-of-type(2)").all_inner_texts()
    assert statuses and set(statuses) == {status}, statuses
    reference = main.locator("tbody th[scope=row] a").first.inner_text()
    visitor.follow(reference, "register-detail", exact=True)
    assert page.get_by_role("heading", level=1).inner_text().startswith(reference)
    visitor.follow(f"All activity on {reference}", "register-detail-activity")

    # A new modification: a malformed reference first.
    visitor.follow("Modifications", "register-again", within="header")
    visitor.follow("Add a modification", "modification-new")
    page.get_by_label("Reference").fill("MX 160")
    page.get_by_label("Status when added to the register").select_option(
        label="Awaiting Change Board vote"
    )
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("RID summary").fill(SUMMARY)
    page.get_by_role("combobox", name=re.compile(r"^Path\*?$")).select_option(
        label="Path 3: Self-Governance"
    )
    page.get_by_label("Suppliers").check()
    page.get_by_label("M ‘General’").check()
    visitor.press("Add to the register", "modification-new-bad-reference")

    assert visitor.path == "/modifications/new/", "nothing saved: the form is shown again"
    field = page.locator("#div_id_reference")
    message = field.locator(".invalid-feedback").inner_text()
    assert message, "the message is next to the Reference field"
    assert page.get_by_label("Reference").get_attribute("aria-invalid") == "true"
    summary = page.get_by_role("alert")
    assert "Nothing has been saved yet" in summary.inner_text()
    assert summary.get_by_role("link", name=re.compile("^Reference")).is_visible()
    # Everything typed is still there.
    assert page.get_by_label("Reference").input_value() == "MX 160"
    assert page.get_by_label("Title").input_value() == TITLE
    assert page.get_by_label("RID summary").input_value() == SUMMARY
    assert page.get_by_role("combobox", name=re.compile(r"^Path\*?$")).input_value() == "path3"
    assert page.get_by_label("Suppliers").is_checked()
    assert page.get_by_label("M ‘General’").is_checked()

    page.get_by_label("Reference").fill("mp 160")
    visitor.press("Add to the register", "mp160-created")
    assert visitor.path == "/modifications/MP160/", "the reference is normalised"
    assert page.get_by_text("MP160 added to the register.").is_visible()
    assert TITLE in page.get_by_role("heading", level=1).inner_text()

    # Into the November 2021 scope, from the release page.
    visitor.follow("Releases", "release-list", within="header")
    visitor.follow("November 2021 SEC Release", "november-2021", exact=True)
    visitor.follow("Add a modification to the scope", "scope-add")
    # The reference field suggests matches as you type (no select of the whole register).
    field = main.get_by_role("combobox", name=re.compile(r"^Modification"))
    field.press_sequentially("MP16", delay=50)
    option = page.locator("#id_modification-options option[value=MP160]")
    option.wait_for(state="attached")
    assert TITLE in option.inner_text()
    field.fill("MP160")
    page.get_by_label("Date added").fill("2021-03-01")
    page.get_by_role("textbox", name=re.compile(r"^Reason\*?$")).fill(
        "Targeted by the Panel on 1 March 2021."
    )
    visitor.press("Add to scope", "november-2021-with-mp160")
    assert visitor.path.startswith("/releases/november-2021/")
    targeted = main.get_by_role(
        "table", name="Modifications targeted for this release, decision pending"
    )
    assert targeted.get_by_role("link", name=re.compile("^MP160")).is_visible()

    # The Change Board approves it.
    targeted.get_by_role("link", name=re.compile("^MP160")).click()
    page.wait_for_load_state()
    visitor.check("mp160-targeted")
    assert "November 2021 SEC Release" in main.locator("#h-releases + *").inner_text() or (
        main.get_by_role("link", name="November 2021 SEC Release").is_visible()
    )
    visitor.follow("Record a decision", "mp160-decide")
    page.get_by_label("Change Board approves (Self-Governance)").check()
    page.get_by_label("Date of the decision").fill("2021-03-24")
    page.get_by_label("Notes").fill("Approved unanimously.")
    visitor.press("Record the decision", "mp160-approved")
    assert page.get_by_text(
        "Change Board approves (Self-Governance) recorded for MP160 on 24 March 2021. "
        "Its status is now Approved."
    ).is_visible()
    assert main.locator(".badge-state").inner_text() == "Approved"
    decisions = main.get_by_role("table", name="Decisions on MP160, oldest first")
    assert "Approved unanimously." in decisions.inner_text()
    activity = main.get_by_role("table", name="The latest changes, newest first")
    assert "Approved" in activity.locator("tbody tr").first.inner_text()

    visitor.follow("All activity on MP160", "mp160-activity")
    assert "Approved unanimously." in main.inner_text() or "Change Board" in main.inner_text()

    visitor.follow("Releases", "release-list-again", within="header")
    visitor.follow("November 2021 SEC Release", "november-2021-mp160-approved", exact=True)
    approved = main.get_by_role(
        "table", name="Modifications approved for inclusion in this release"
    )
    assert approved.get_by_role("link", name=re.compile("^MP160")).is_visible()
    visitor.follow("Activity", "november-2021-activity", exact=True)
    assert "MP160" in main.inner_text()
