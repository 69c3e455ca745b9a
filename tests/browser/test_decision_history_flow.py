"""Entering history in a browser: an analyst records MP078's path to approval (report ready,
Panel, Change Board vote) in one form, with a decision out of order first; corrects the vote
recorded in error; finds the next decision form starting at the last date used; and keeps the
SEC document catalogue (a duplicate code refused, a document retired). Every page is checked by
axe at 1280px and at 320px."""

import re

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 900}


def check_both_widths(visitor, label):
    """axe (and a screenshot with SCREENSHOTS=1) at 1280px, then at 320px."""
    visitor.check(label)
    visitor.page.set_viewport_size(NARROW)
    visitor.check(f"{label}-320")
    visitor.page.set_viewport_size(WIDE)


def fill_step(page, number, kind, date, notes=""):
    row = page.get_by_role("group", name=f"Decision {number}")
    row.get_by_label("Decision", exact=True).select_option(label=kind)
    row.get_by_label("Date", exact=True).fill(date)
    row.get_by_label("Notes", exact=True).fill(notes)


def test_analyst_records_a_path_in_one_form_and_corrects_a_decision(visitor, demo):
    page = visitor.page
    main = page.locator("main")
    visitor.login("analyst")

    visitor.goto("/modifications/MP078/", "mp078")
    assert main.locator(".badge-state").inner_text() == "Refinement Process"
    visitor.follow("Record several decisions", "mp078-history")
    check_both_widths(visitor, "mp078-history-empty")

    # A vote before the Panel approved the report: refused next to its row, nothing saved.
    fill_step(page, 1, "Refinement complete: Modification Report prepared", "2021-01-06", "WG")
    fill_step(page, 2, "Change Board approves (Self-Governance)", "2021-01-15", "Too soon")
    fill_step(page, 3, "Panel approves the Modification Report for a vote", "2021-02-19")
    visitor.press("Record these decisions")
    summary = page.get_by_role("alert")
    assert "No decision has been recorded" in summary.inner_text()
    row_2 = page.get_by_role("group", name="Decision 2")
    assert "cannot be recorded for MP078" in row_2.locator(".invalid-feedback").inner_text()
    assert row_2.get_by_label("Notes", exact=True).input_value() == "Too soon", "kept as typed"
    check_both_widths(visitor, "mp078-history-refused")

    # In the order they were taken.
    fill_step(page, 2, "Panel approves the Modification Report for a vote", "2021-02-19", "Panel")
    fill_step(page, 3, "Change Board approves (Self-Governance)", "2021-03-24", "Unanimous")
    visitor.press("Record these decisions", "mp078-approved")
    assert visitor.path == "/modifications/MP078/"
    assert page.get_by_text("3 decisions recorded.").is_visible()
    assert main.locator(".badge-state").inner_text() == "Approved"
    decisions = main.get_by_role("table", name="Decisions on MP078, oldest first")
    assert decisions.locator("tbody tr").count() == 3

    # The vote was recorded in error: correct it, with a reason.
    visitor.click(decisions.get_by_role("link", name=re.compile("^Correct")))
    check_both_widths(visitor, "mp078-correct")
    visitor.press("Correct this decision", "mp078-correct-no-reason")
    assert "The decision has not been corrected" in page.get_by_role("alert").inner_text()
    page.get_by_label("Reason").fill("The vote is on 28 April 2021: recorded a month early.")
    visitor.press("Correct this decision", "mp078-corrected")
    assert page.get_by_text("MP078 is back at Awaiting Change Board vote.").is_visible()
    assert main.locator(".badge-state").inner_text() == "Awaiting Change Board vote"
    corrected = decisions.locator("tbody tr.decision-corrected")
    assert corrected.count() == 1
    assert "recorded a month early" in corrected.inner_text()
    activity = main.get_by_role("table", name="The latest changes, newest first").inner_text()
    assert "Decision corrected" in activity
    assert "Change Board: Change Board approves (Self-Governance)" in activity, "original kept"
    check_both_widths(visitor, "mp078-after-correction")

    # The next decision form starts at the last date used in this session, not today.
    visitor.follow("Record a decision", "mp078-decide")
    assert page.get_by_label("Date of the decision").input_value() == "2021-03-24"


def test_analyst_keeps_the_sec_document_catalogue(visitor, demo):
    page = visitor.page
    main = page.locator("main")
    visitor.login("analyst")
    visitor.follow("Modifications", "register", within="header")
    visitor.follow("SEC document catalogue", "catalogue")
    check_both_widths(visitor, "catalogue-page")
    appendices = main.get_by_role("table", name="Appendices of the SEC, in listing order")
    assert "Service Request Processing Document" in appendices.inner_text()

    visitor.follow("Add an SEC document", "catalogue-add")
    page.get_by_label("Kind").select_option(label="Appendix")
    page.get_by_label("Code").fill("ab")
    page.get_by_label("Title").fill("Service Request Processing")
    page.get_by_label("Reason for this change").fill("Typed from memory")
    visitor.press("Add to the catalogue")
    message = page.locator("#div_id_code .invalid-feedback").inner_text()
    assert "Appendix AB" in message and "already in the catalogue" in message
    assert page.get_by_label("Title").input_value() == "Service Request Processing"
    check_both_widths(visitor, "catalogue-add-duplicate")

    visitor.follow("SEC document catalogue", "catalogue-again", exact=True, within="nav")
    visitor.follow("Retire Appendix AA", "catalogue-retire")
    check_both_widths(visitor, "catalogue-retire-form")
    page.get_by_label("Retired on").fill("2022-02-24")
    page.get_by_label("Reason").fill("Removed by MP173 (SEC v57.0), for the test")
    visitor.press("Retire it", "catalogue-retired")
    row = appendices.get_by_role("row", name=re.compile("^Appendix AA"))
    assert "Retired on 24 Feb 2022" in row.inner_text()
    changes = main.get_by_role("table", name="The latest changes to the catalogue, newest first")
    assert "Removed by MP173" in changes.inner_text()
    visitor.follow("Reinstate Appendix AA", "catalogue-reinstate")
    check_both_widths(visitor, "catalogue-reinstate-form")
