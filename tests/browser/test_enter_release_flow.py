"""An analyst enters a whole release in minutes: from a fresh demo, a new DCC System release
copied from the previous one (June 2021), ten modifications in its scope (three new to the
register), eight timeline rows (two of them windows), costs and criteria edited in place, and
RID versions 0.1 and 1.0 issued, in at most 60 page loads. Every page and every row editor is
checked by axe at 1280px, and the new pages again at 320px."""

import re

from modifications.models import TERMINAL_STATUSES, Modification
from releases.models import (
    AcceptanceCriterion,
    Release,
    RidVersion,
    ScopeItem,
    SecasCostLine,
    TimelineEvent,
)

PAGE_LOAD_BUDGET = 60
NEW_REFERENCES = ["MP301", "MP302", "MP303"]


class LoadCounter:
    """Counts the page loads (the main frame's 'load' events) of a Playwright page."""

    def __init__(self, page):
        self.count = 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.count += 1


def _inline(page, part, action_name):
    """Click a control of a release page section that htmx swaps in place (no page load)."""
    section = page.locator(f"#part-{part}")
    section.get_by_role("link", name=action_name, exact=True).first.click()
    page.locator(f"#part-{part} tr.part-editor form").wait_for()
    return page.locator(f"#part-{part} tr.part-editor form")


def _field(form, label):
    """A field of a form by its label (a required field's label ends with '*')."""
    return form.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def _submit_inline(page, part, form, button, notice):
    form.get_by_role("button", name=button, exact=True).click()
    page.locator(f"#part-{part} .part-notice", has_text=notice).wait_for()


def test_an_analyst_enters_and_issues_a_whole_release_in_at_most_60_page_loads(visitor, demo):
    page = visitor.page
    loads = LoadCounter(page)
    existing = list(
        Modification.objects.exclude(status__in=TERMINAL_STATUSES)
        .in_register_order()
        .values_list("reference", flat=True)[:7]
    )
    assert len(existing) == 7

    visitor.login("analyst")
    # The header search finds the previous release.
    page.locator("header").get_by_role("searchbox").fill("June 2021")
    visitor.click(page.locator("header").get_by_role("button", name="Search"), "search-june-2021")
    assert page.get_by_role("heading", name="Releases (1)").is_visible()
    visitor.follow("June 2021 SEC Release", "june-2021", exact=True)

    # 1. A release from the previous one.
    visitor.follow("New release from this one", "new-from-june-2021")
    assert page.get_by_label("Start from an earlier release").input_value() != ""
    page.get_by_label("Name").fill("June 2022 SEC Release")
    page.get_by_label("Slug").fill("june-2022")
    page.get_by_label("Go-live date").fill("2022-06-30")
    page.get_by_label("Reason").fill("The next DCC System release, planned like June 2021.")
    visitor.press("Create release", "june-2022-created")
    assert visitor.path == "/releases/june-2022/"
    release = Release.objects.get(slug="june-2022")
    assert release.timeline.count() == 3 and release.secas_costs.count() == 2

    # 2. Scope in bulk: six references pasted, three of them new to the register.
    visitor.follow("Add modifications to the scope", "bulk-add")
    page.get_by_label("References").fill(", ".join(existing[:6] + NEW_REFERENCES))
    page.get_by_label(re.compile(r"^\s*Date added")).fill("2021-06-01")
    page.get_by_role("textbox", name=re.compile(r"^Reason\s*\*?$")).fill(
        "Targeted by the Panel for June 2022."
    )
    visitor.press("Add to scope", "bulk-add-new-references")
    assert page.get_by_text("Not in the register yet").is_visible()
    for n, reference in enumerate(NEW_REFERENCES):
        page.locator(f"#id_new-{n}-title").fill(f"New modification {reference}")
    visitor.press("Add to scope", "bulk-added")
    assert page.get_by_text("9 modifications added to the scope").is_visible()

    # One more, chosen with the search-as-you-type reference field.
    visitor.follow("Add a modification to the scope", "single-add")
    field = page.locator("#id_modification")
    field.press_sequentially(existing[6][:4], delay=50)
    page.locator("#id_modification-options option").first.wait_for(state="attached")
    assert page.locator("#id_modification-options option").count() >= 1
    field.fill(existing[6])
    page.get_by_label(re.compile(r"^\s*Date added")).fill("2021-06-01")
    page.get_by_role("textbox", name=re.compile(r"^Reason\s*\*?$")).fill(
        "Targeted by the Panel for June 2022."
    )
    visitor.press("Add to scope", "single-added")
    assert ScopeItem.objects.filter(release=release, state="in_scope").count() == 10

    # Undo one added in error (no version lists it yet), then add it back in bulk.
    visitor.follow(f"Delete {existing[0]} (added in error)", "undo")
    page.get_by_label("Reason").fill("Added twice by mistake.")
    visitor.press("Delete from the scope", "undone")
    assert ScopeItem.objects.filter(release=release, state="in_scope").count() == 9
    assert not page.get_by_text("Fell out or removed (1)").count()
    visitor.follow("Add modifications to the scope", "bulk-add-again")
    page.get_by_label("References").fill(existing[0])
    page.get_by_label(re.compile(r"^\s*Date added")).fill("2021-06-02")
    page.get_by_role("textbox", name=re.compile(r"^Reason\s*\*?$")).fill(
        "Targeted by the Panel for June 2022."
    )
    visitor.press("Add to scope", "bulk-added-again")
    assert ScopeItem.objects.filter(release=release, state="in_scope").count() == 10

    # 4/5. Timeline rows edited in place: five added (two windows), one copied row edited.
    rows = [
        ("2021-09-01", "", "Preliminary progress review"),
        ("2022-02-01", "2022-03-31", "Systems Integration Testing (SIT)"),
        ("2022-04-01", "2022-05-31", "User Integration Testing (UIT)"),
        ("2022-06-09", "", "OPSG view on operational acceptance"),
        ("2022-07-14", "", "Post-implementation review"),
    ]
    for n, (start, end, event) in enumerate(rows):
        form = _inline(page, "timeline", "Add a timeline event")
        if n == 0:
            visitor.check("timeline-editor")
            # A window that ends before it starts is explained next to the field.
            _field(form, "Date").fill("2022-03-01")
            _field(form, "End date (for a window)").fill("2022-02-01")
            _field(form, "Event").fill(event)
            form.get_by_role("button", name="Add", exact=True).click()
            page.locator("#part-timeline .invalid-feedback").first.wait_for()
            assert "cannot be before the date" in page.locator("#part-timeline").inner_text()
            assert _field(form, "Event").input_value() == event
            visitor.check("timeline-editor-error")
            _field(form, "End date (for a window)").fill("")
        _field(form, "Date").fill(start)
        _field(form, "End date (for a window)").fill(end)
        _field(form, "Event").fill(event)
        _submit_inline(page, "timeline", form, "Add", "Timeline event added.")
    form = _inline(page, "timeline", "Edit Release go-live")
    _field(form, "Notes").fill("The changes are implemented over the weekend.")
    _field(form, "Reason").fill("DCC System release at a weekend.")
    _submit_inline(page, "timeline", form, "Save", "Timeline event saved.")
    assert TimelineEvent.objects.filter(release=release).count() == 8
    assert TimelineEvent.objects.filter(release=release, end_date__isnull=False).count() == 2

    # Costs and criteria in place; criteria are numbered by their place.
    form = _inline(page, "secas-costs", "Add a SECAS cost line")
    _field(form, "Activity").fill("to support the DCC's testing")
    _field(form, "Effort (days)").fill("3")
    _field(form, "Cost (£)").fill("1800")
    _submit_inline(page, "secas-costs", form, "Add", "SECAS cost line added.")
    form = _inline(page, "acceptance-criteria", "Add an acceptance criterion")
    _field(form, "Criterion").fill("The DCC has completed SIT and UIT for the release.")
    _submit_inline(page, "acceptance-criteria", form, "Add", "Acceptance criterion added.")
    criteria = page.locator("#part-acceptance-criteria")
    criteria.get_by_role("link", name=re.compile("^Move The DCC has completed .* up$")).click()
    page.locator("#part-acceptance-criteria .part-notice", has_text="moved up").wait_for()
    texts = list(
        AcceptanceCriterion.objects.filter(release=release).values_list("position", "text")
    )
    assert [p for p, _t in texts] == [1, 2, 3]
    assert texts[1][1].startswith("The DCC has completed")
    assert SecasCostLine.objects.filter(release=release).count() == 3
    visitor.check("june-2022-entered")

    # 6. Issue versions 0.1 and 1.0 of the RID.
    for number, label in [("0.1", "Draft presented to the Panel"), ("1.0", "Issued")]:
        visitor.follow("RID (current draft)", f"rid-draft-{number}")
        visitor.follow("Issue a version", f"rid-issue-{number}")
        page.get_by_label(f"{label}: version {number}").check()
        changes = page.get_by_label("Changes (the document history entry)")
        if not changes.input_value():
            changes.fill(f"Version {number}.")
        # The documented path for issuing without another analyst's review, with its reason.
        page.get_by_label("Why issue it without review?").fill(
            "Entered and issued in one sitting for this test."
        )
        # The pre-issue checks list what the draft lacks (RID summaries of the new
        # modifications...): the analyst reads them and confirms.
        anyway = page.get_by_label(
            "I have read what the checks found and issue this version anyway"
        )
        if anyway.count():
            anyway.check()
        visitor.press("Issue without review", f"rid-{number}-issued")
        assert visitor.path == f"/releases/june-2022/rid/v{number}/"
        visitor.follow("June 2022 SEC Release", f"back-to-release-{number}", exact=True)
    assert list(RidVersion.objects.filter(release=release).values_list("major", "minor")) == [
        (0, 1),
        (1, 0),
    ]

    # Once a version lists them, scope items can no longer be deleted, only removed.
    assert not page.get_by_role("link", name=re.compile(r"\(added in error\)")).count()

    print(f"\nPage loads to enter and issue the release: {loads.count}")
    assert loads.count <= PAGE_LOAD_BUDGET, loads.count

    # The new pages at 320px: axe and no sideways scrolling of the page.
    page.set_viewport_size({"width": 320, "height": 800})
    for path, label in [
        ("/releases/june-2022/", "320-release"),
        ("/releases/june-2022/scope/add-many/", "320-bulk-add"),
        ("/releases/june-2022/scope/add/", "320-single-add"),
        ("/releases/june-2022/scope/new-modification/", "320-new-modification"),
        ("/releases/new/?from=june-2022", "320-new-from"),
        ("/search/?q=june", "320-search"),
        ("/modifications/?sort=-title&per_page=100", "320-register"),
    ]:
        visitor.goto(path, label)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways at 320px ({width}px)"
    visitor.goto("/releases/june-2022/", "320-release-again")
    _inline(page, "timeline", "Add a timeline event")
    visitor.check("320-timeline-editor")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
