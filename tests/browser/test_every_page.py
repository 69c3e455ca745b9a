"""Every kind of page, reached by clicking as a user would, checked by axe (and screenshotted
with SCREENSHOTS=1): an analyst opens each list, document and edit form (and a few forms with
mistakes in them); a Panel member reads the same pages and finds no control that would change
anything."""

import re


def back(visitor):
    visitor.page.go_back()
    visitor.page.wait_for_load_state()


def open_june_2021(visitor):
    """Log in as the analyst and click through to the June 2021 release page."""
    visitor.login("analyst")
    visitor.check("dashboard")
    visitor.follow("Releases", "release-list", within="header")
    visitor.follow("June 2021 SEC Release", "june-2021", exact=True)


# The analyst's pages are visited in four tests, so that the browser-test workers share them.


def test_analyst_opens_the_release_pages_and_forms(visitor, demo):
    """Releases: list, create form (empty, then with its messages), release page and its forms."""
    main = visitor.page.locator("main")
    visitor.login("analyst")
    visitor.check("dashboard")
    visitor.follow("Releases", "release-list", within="header")
    visitor.follow("New release", "release-new")
    visitor.press(re.compile("^(Create|Add|Save)"), "release-new-errors")
    assert main.locator(".invalid-feedback").count() > 0, "messages next to the fields"
    visitor.follow("Releases", "release-list-2", within="header")
    visitor.follow("June 2021 SEC Release", "june-2021", exact=True)
    for name in [
        "Edit release",
        "Add modifications to the scope",
        "Add a modification to the scope",
        "Edit MP106",
        "Move MP106",
        "Remove MP106",
        "Add a DCC Change Request",
        "Edit test strategy",
        "Move the go-live date",
    ]:
        visitor.follow(name, "june-2021-" + re.sub(r"\W+", "-", name.lower()), exact=True)
        assert main.locator("form[method=post]").count() == 1, name
        back(visitor)


def test_analyst_edits_the_rows_of_a_releases_parts_in_place(visitor, demo):
    """The rows of the release's parts are edited in place (htmx): the editor opens in the
    table, without a page load, and Cancel puts the row back."""
    main = visitor.page.locator("main")
    open_june_2021(visitor)
    for part, name in [
        ("party-impacts", "Edit Supplier Parties"),
        ("dcc-impacts", "Add a DCC impact"),
        ("dcc-impacts", "Edit Operational changes"),
        ("dcc-impacts", "Delete Operational changes"),
        ("other-code-impacts", "Add an other Code impact"),
        ("timeline", "Add a timeline event"),
        ("timeline", "Edit Release go-live"),
        ("secas-costs", "Add a SECAS cost line"),
        ("secas-costs", "Edit for project management of the release"),
        ("acceptance-criteria", "Add an acceptance criterion"),
    ]:
        section = main.locator(f"#part-{part}")
        section.get_by_role("link", name=name, exact=True).click()
        editor = section.locator("tr.part-editor form")
        editor.wait_for()
        visitor.check("june-2021-" + re.sub(r"\W+", "-", name.lower()))
        editor.get_by_role("link", name="Cancel").click()
        editor.wait_for(state="detached")

    # A part form with a mistake: an empty timeline event, explained in place.
    section = main.locator("#part-timeline")
    section.get_by_role("link", name="Add a timeline event", exact=True).click()
    section.locator("tr.part-editor form").wait_for()
    section.get_by_role("button", name="Add", exact=True).click()
    section.locator(".invalid-feedback").first.wait_for()
    visitor.check("timeline-new-errors")
    section.get_by_role("link", name="Cancel").click()
    section.locator("tr.part-editor").wait_for(state="detached")


def test_analyst_opens_the_activity_the_rid_draft_and_the_issued_versions(visitor, demo):
    page = visitor.page
    main = page.locator("main")
    open_june_2021(visitor)
    visitor.follow("Activity", "june-2021-activity", exact=True)
    back(visitor)
    visitor.follow("RID (current draft)", "rid-draft")
    visitor.follow("Issue a version", "rid-issue")
    visitor.follow("Cancel", "rid-versions", exact=True)
    visitor.follow("Version 1.0", "rid-1.0", exact=True)
    back(visitor)
    page.get_by_label("Compare version").select_option("1.0")
    page.get_by_label("with version").select_option("8.0")
    visitor.press("Compare", "rid-diff-1.0-8.0")
    assert main.locator(".rid-diff ins").count() > 0
    assert main.locator(".rid-diff del").count() > 0


def test_analyst_opens_the_register_change_requests_glossary_and_papers(visitor, demo):
    page = visitor.page
    main = page.locator("main")
    visitor.login("analyst")
    visitor.check("dashboard")

    # The register: a modification's edit and decision forms.
    visitor.follow("Modifications", "register", within="header")
    visitor.follow("MP106", "mp106", exact=True)
    visitor.follow("Edit MP106", "mp106-edit")
    back(visitor)
    visitor.follow("Modifications", "register-2", within="header")
    page.get_by_label("Status").select_option(label="With the Authority")
    visitor.press("Apply filters", "register-with-authority")
    first = main.locator("tbody th[scope=row] a").first
    reference = first.inner_text()
    visitor.click(first, "with-authority-detail")
    visitor.follow(f"Record a decision on {reference}", "with-authority-decide")
    visitor.press("Record the decision", "decision-errors")
    assert main.locator(".invalid-feedback").count() > 0

    # DCC Change Requests.
    visitor.follow("Change Requests", "change-requests", within="header")
    visitor.follow("Add a Change Request", "change-request-new")
    page.get_by_label("Reference").fill("CR 99x")
    visitor.press("Add the Change Request", "change-request-new-errors")
    assert page.locator("#div_id_reference .invalid-feedback").is_visible()
    visitor.follow("Change Requests", "change-requests-2", within="header")
    visitor.follow("CR1145", "cr1145")
    visitor.follow(re.compile("^Edit"), "cr1145-edit")

    # Glossary.
    visitor.follow("Glossary", "glossary", within="header")
    visitor.follow("Add an acronym", "glossary-new")
    back(visitor)
    visitor.follow("Edit DUIS", "glossary-edit-duis", exact=True)
    back(visitor)
    visitor.follow("Delete DUIS", "glossary-delete-duis", exact=True)

    # OPSG papers: list, the new-paper form with its messages, the demo paper and its edit form.
    visitor.follow("OPSG papers", "papers", within="header")
    visitor.follow("New paper", "paper-new")
    visitor.press("Create the paper", "paper-new-errors")
    assert main.locator(".invalid-feedback").count() > 0
    visitor.follow("OPSG papers", "papers-2", within="header")
    visitor.follow("OPSG_33_0206_15", "paper-detail", exact=True)
    visitor.follow("Edit the paper", "paper-edit")


def test_panel_member_reads_every_kind_of_page_without_edit_controls(visitor, demo):
    page = visitor.page
    main = page.locator("main")
    visitor.login("panel")
    visitor.check("dashboard")
    # Not asserted here: the dashboard's "What to do" column links the Panel member to the
    # analysts' forms (e.g. "Record the Change Board decision on MP080"), which answer 403.

    def read(link, label, **kwargs):
        visitor.follow(link, label, **kwargs)
        assert not visitor.edit_controls(), f"{visitor.path}: {visitor.edit_controls()}"

    read("Releases", "release-list", within="header")
    for slug, name in [
        ("november-2020", "November 2020 SEC Release"),
        ("june-2021", "June 2021 SEC Release"),
        ("november-2021", "November 2021 SEC Release"),
        ("february-2022", "February 2022 SEC Release"),
    ]:
        read(name, slug, exact=True)
        back(visitor)
    read("June 2021 SEC Release", "june-2021", exact=True)
    read("Activity", "june-2021-activity", exact=True)
    back(visitor)
    read("RID versions", "rid-versions")
    read("Version 5.0", "rid-5.0", exact=True)
    read("Compare with version 4.0", "rid-diff-4.0-5.0")
    read("Modifications", "register", within="header")
    read("MP116", "mp116", exact=True)
    assert main.get_by_role("link", name=re.compile("^Record a decision")).count() == 0
    read("All activity on MP116", "mp116-activity")
    read("Change Requests", "change-requests", within="header")
    read("CR1145", "cr1145")
    read("Glossary", "glossary", within="header")
    read("OPSG papers", "papers", within="header")
    read("OPSG_33_0206_15", "paper-detail", exact=True)

    # Forged visits to the analysts' pages are refused.
    for path in [
        "/releases/june-2021/edit/",
        "/releases/june-2021/scope/add/",
        "/modifications/new/",
        "/modifications/MP116/edit/",
        "/glossary/new/",
        "/papers/new/",
    ]:
        response = page.goto(visitor.base + path)
        assert response.status == 403, path


def test_panel_member_reads_the_pages_on_a_small_phone(visitor, demo):
    """320 CSS pixels wide (WCAG reflow): wide tables scroll inside a region that the keyboard
    can reach, and the menu opens from its button."""
    page = visitor.page
    page.set_viewport_size({"width": 320, "height": 800})
    visitor.login("panel")
    visitor.check("phone-dashboard")
    visitor.menu("Releases", "phone-release-list")
    for name in ["June 2021 SEC Release", "November 2020 SEC Release"]:
        visitor.follow(name, "phone-" + name[:-12].lower().replace(" ", "-"), exact=True)
        back(visitor)
    visitor.follow("June 2021 SEC Release", "phone-june-2021-again", exact=True)
    visitor.follow("Activity", "phone-june-2021-activity", exact=True)
    back(visitor)
    visitor.follow("RID versions", "phone-rid-versions")
    visitor.follow("Version 8.0", "phone-rid-8.0", exact=True)
    visitor.follow("Compare with version 7.0", "phone-rid-diff-7.0-8.0")
    visitor.menu("Modifications", "phone-register")
    page.get_by_label("Search", exact=True).fill("MP146")
    visitor.press("Apply filters", "phone-register-mp146")
    visitor.follow("MP146", "phone-mp146", exact=True)
    visitor.follow("All activity on MP146", "phone-mp146-activity")
    visitor.menu("Change Requests", "phone-change-requests")
    visitor.follow("CR1145", "phone-cr1145")
    visitor.menu("Glossary", "phone-glossary")
    visitor.menu("OPSG papers", "phone-papers")
    visitor.follow("OPSG_33_0206_15", "phone-paper", exact=True)
    visitor.menu("Dashboard", "phone-dashboard-again")
