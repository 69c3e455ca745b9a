"""The OPSG "SEC Releases update" paper: the value built as of a date, which policy paragraphs
apply, the services that keep it, its page and tagged PDF, the export command, and its fidelity
to the paper of 26 May 2020 (seed 001) from the demo data."""

import datetime
import logging
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from modifications import services as register
from modifications.models import Event
from releases import services
from releases.models import UpdatePaper
from releases.paper import services as paper_services
from releases.paper.document import (
    build_paper,
    paper_queryset,
    spec_for_releases,
    spec_from_paper,
)
from releases.paper.render import paper_pdf_bytes, paper_print_html
from releases.policy import asof
from releases.rid import services as rid_services
from secrelease.history import recorded_at
from tests import demo_dump
from tests.factories import make_modification, make_release
from tests.fidelity import OPSG_PAPER_SEED, fidelity, missing_words

pytestmark = pytest.mark.django_db

D = datetime.date
AS_OF = D(2020, 5, 26)
SEED = OPSG_PAPER_SEED

# The issue allows page furniture and footnote URLs to differ: leave those seed lines out.
FURNITURE = {
    "OPSG_33_0206_15 \u2013 SEC Releases",
    "update",
    "Page 4 of 5",
    "This document has a Classification",
    "of White",
}


def seed_body():
    lines = SEED.read_text().splitlines()
    return "\n".join(
        line for line in lines if "https://" not in line and line.strip() not in FURNITURE
    )


def pdf_text(data, tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return text, info.stdout


def build(paper):
    return build_paper(spec_from_paper(paper_queryset().get(pk=paper.pk)))


# A small world --------------------------------------------------------------------------------


@pytest.fixture
def world(analyst):
    nov = make_release(
        analyst,
        name="November 2020 SEC Release",
        slug="november-2020",
        go_live_date=D(2020, 11, 29),
        full_baseline_date=D(2020, 5, 15),
    )
    # The Panel baselined the November 2020 scope at its meeting of 15 May 2020 (recorded); the
    # June 2021 baseline of 17 July 2020 is only planned.
    services.panel_baseline_record(
        actor=analyst,
        release=nov,
        scope="full",
        meeting_date=D(2020, 5, 15),
        decision="The Panel baselined the full scope of the November 2020 SEC Release.",
    )
    jun = make_release(
        analyst,
        name="June 2021 SEC Release",
        slug="june-2021",
        go_live_date=D(2021, 6, 24),
        system_baseline_date=D(2020, 7, 17),
    )
    approved = make_modification(
        analyst, reference="MP081", title="Alignment of DUIS", status="approved"
    )
    vote = make_modification(
        analyst,
        reference="MP098",
        title="Batch 3",
        status="change_board",
        change_board_date=D(2020, 6, 24),
    )
    mp090 = make_modification(
        analyst,
        reference="MP090",
        title="Non GBCS Non-Mandated Alerts",
        impacts_dcc_systems=True,
        duis_impact="tbc",
        duis_footnote="Several solution options are being assessed",
        gbcs_impact="yes",
        gbcs_footnote="Documentation changes to the GBCS",
    )
    sec7 = make_modification(
        analyst,
        reference="SECMP0007",
        title="Firmware updates to IHDs and PPMIDs",
        impacts_dcc_systems=True,
        duis_impact="yes",
        gbcs_impact="yes",
        ch_firmware_impact="yes",
    )
    for m in (approved, vote):
        services.scope_add(
            actor=analyst, release=nov, modification=m, added_on=D(2020, 5, 15), reason="Scope"
        )
    services.scope_add(
        actor=analyst, release=jun, modification=sec7, added_on=D(2020, 5, 1), reason="Targeted"
    )
    cr = register.change_request_create(
        actor=analyst,
        reference="CR1145",
        title="Auxiliary Proportional Load Control",
        category="DCC BEIS Mandated Change Request",
    )
    services.release_change_request_add(actor=analyst, release=nov, change_request=cr)
    return {"nov": nov, "jun": jun, "mp090": mp090, "sec7": sec7, "vote": vote, "cr": cr}


def make_paper(analyst, world, **kwargs):
    kwargs.setdefault(
        "sections",
        [
            {"release": world["nov"], "date_change_text": "The DCC has highlighted.\n\nAnd more."},
            {"year": 2021, "targeted": [world["mp090"]], "commentary": "One GBCS uplift."},
        ],
    )
    return paper_services.paper_create(
        actor=analyst, reference="OPSG_33_0206_15", as_of=AS_OF, author="David Kemp", **kwargs
    )


def test_sections_are_numbered_as_in_the_seed(analyst, world):
    paper = build(make_paper(analyst, world))
    nov, year = paper.sections
    assert (nov.number, nov.first_number, nov.date_change_number, nov.next_steps_number) == (
        2,
        "2.1",
        "2.2",
        "",
    )
    assert (year.number, year.heading, year.first_number, year.next_steps_number) == (
        3,
        "2021 SEC Releases",
        "3.1",
        "3.2",
    )
    assert paper.recommendations_number == 4
    assert paper.header == "OPSG_33_0206_15 \u2013 SEC Releases update"
    assert nov.date_change == ("The DCC has highlighted.", "And more.")


def test_the_release_section_lists_its_scope_then_the_change_requests_alongside(analyst, world):
    nov = build(make_paper(analyst, world)).sections[0]
    assert [(r.reference, r.status) for r in nov.scope_rows] == [
        ("MP081", "Approved for inclusion."),
        ("MP098", "The Change Board vote will be held on 24 June 2020 under Self-Governance."),
    ]
    assert [cr.label for cr in nov.change_requests] == [
        "CR1145 \u2018Auxiliary Proportional Load Control\u2019"
    ]
    assert nov.change_requests_beis
    assert nov.baselined


def test_the_policy_paragraphs_apply_by_rule(analyst, world):
    nov = build(make_paper(analyst, world)).sections[0]
    # R2: the scope on the SEC documentation is baselined; R6/R7: MP098 is still pending.
    assert nov.documentation_scope_paragraph
    assert nov.cut_off_paragraph
    assert nov.self_governance_month == "June 2020"
    html = paper_print_html(build(UpdatePaper.objects.get()))
    assert "should be set six months before go-live" in html
    assert "lapse to a fall-back implementation date" in html
    assert "determined by the end of June 2020" in html


def test_no_cut_off_paragraph_once_everything_in_scope_is_approved(analyst, world):
    services.decision_record(
        actor=analyst, modification=world["vote"], kind="cb_approve", date=D(2020, 5, 20)
    )
    nov = build(make_paper(analyst, world)).sections[0]
    assert not nov.cut_off_paragraph
    assert "cut-off dates" not in paper_print_html(build(UpdatePaper.objects.get()))


def test_no_documentation_scope_paragraph_far_from_the_deadline(analyst, world):
    paper = paper_services.paper_create(
        actor=analyst,
        reference="EARLY",
        as_of=D(2020, 1, 15),
        author="A",
        releases=[world["jun"]],
    )
    (jun,) = build(paper).sections
    assert not jun.documentation_scope_paragraph
    assert not jun.baselined


def test_the_year_section_lists_dcc_system_modifications_targeted_and_in_scope(analyst, world):
    year = build(make_paper(analyst, world)).sections[1]
    assert [r.reference for r in year.impact_rows] == ["SECMP0007", "MP090"]
    sec7, mp090 = year.impact_rows
    assert [c.text for c in sec7.cells] == ["\u2713", "\u2713", "\u2713"]
    assert [(c.text, c.footnote) for c in mp090.cells] == [("TBC", 1), ("\u2713", 2), ("", None)]
    assert [(f.number, f.text) for f in year.footnotes] == [
        (1, "Several solution options are being assessed"),
        (2, "Documentation changes to the GBCS"),
    ]
    # R1: June 2021 is not yet baselined on the DCC Systems; its deadline is 24 June 2020.
    assert year.system_baseline.release_name == "June 2021 SEC Release"
    assert year.system_baseline.meeting_month == "June 2020"


def test_a_modification_rejected_by_the_paper_date_leaves_the_year_table(analyst, world):
    m = world["mp090"]
    for kind, date in [("convert", D(2020, 1, 1)), ("report_ready", D(2020, 2, 1))]:
        services.decision_record(actor=analyst, modification=m, kind=kind, date=date)
    services.decision_record(actor=analyst, modification=m, kind="withdraw", date=D(2020, 5, 1))
    year = build(make_paper(analyst, world)).sections[1]
    assert [r.reference for r in year.impact_rows] == ["SECMP0007"]


def test_the_attached_rid_version_is_appendix_a(analyst, world):
    rid_services.rid_issue_version(
        unreviewed_reason="Issued in a test without review.",
        actor=analyst,
        release=world["nov"],
        kind="draft",
        date=D(2020, 5, 1),
        changes="Draft",
    )
    rid = rid_services.rid_issue_version(
        unreviewed_reason="Issued in a test without review.",
        actor=analyst,
        release=world["nov"],
        kind="issued",
        date=D(2020, 5, 20),
        changes="Updated after the Panel's baseline",
    )
    paper = build(make_paper(analyst, world, attached_rid=rid))
    assert paper.sections[0].appendix == "A"
    (attachment,) = paper.attachments
    assert attachment.label == "Appendix A: November 2020 SEC Release Implementation Document v1.0"
    assert "This can be found in Appendix A." in paper_print_html(paper)


# Baselined only once the Panel's baseline is recorded; a planned date is expected ----------------


def _release_paper(analyst, release, as_of, reference):
    paper = paper_services.paper_create(
        actor=analyst, reference=reference, as_of=as_of, author="A", releases=[release]
    )
    built = build(paper)
    (section,) = built.sections
    return section, paper_print_html(built)


def test_a_planned_baseline_is_expected_before_its_date_and_not_baselined_after_it(analyst, world):
    """June 2021: the Panel's baseline of 17 July 2020 is planned, never recorded. A paper
    before that date and one after it both say the Panel has not baselined the RID."""
    before, html = _release_paper(analyst, world["jun"], D(2020, 7, 1), "BEFORE")
    assert not before.baselined and not before.baselined_system
    assert (before.expected_baseline.scope, before.expected_baseline.date) == (
        "system",
        D(2020, 7, 17),
    )
    assert not before.expected_baseline.passed
    assert (
        "The Panel has not yet baselined the June 2021 SEC Release Implementation Document "
        "(RID). The Panel is expected to baseline its scope on the DCC Systems on 17 July 2020."
    ) in html
    assert "has baselined" not in html

    after, html = _release_paper(analyst, world["jun"], D(2020, 8, 1), "AFTER")
    assert not after.baselined and not after.baselined_system
    assert after.expected_baseline.passed
    assert (
        "The Panel has not yet baselined the June 2021 SEC Release Implementation Document "
        "(RID). The Panel was expected to baseline its scope on the DCC Systems on 17 July "
        "2020; its baseline is not yet recorded."
    ) in html
    assert "has baselined" not in html
    # R2's paragraph does not take the plan for a baseline either (the deadline is far off).
    assert not after.documentation_scope_paragraph


def test_a_recorded_baseline_counts_from_its_panel_meeting_not_before(analyst, world):
    """November 2020: the Panel's baseline of the full scope is recorded, meeting 15 May 2020.
    A paper as of the day before the meeting says it is expected; one after says it is done."""
    before, html = _release_paper(analyst, world["nov"], D(2020, 5, 14), "BEFORE")
    assert not before.baselined
    assert (before.expected_baseline.scope, before.expected_baseline.date) == (
        "full",
        D(2020, 5, 15),
    )
    assert "The Panel has not yet baselined the November 2020 SEC Release" in html
    assert "The Panel is expected to baseline its full scope on 15 May 2020." in html

    after, html = _release_paper(analyst, world["nov"], AS_OF, "AFTER")
    assert after.baselined and after.expected_baseline is None
    assert (
        "The Panel has baselined the November 2020 SEC Release Implementation Document (RID) to "
        "include all modifications that can be included in the November 2020 SEC Release if "
        "decisions to approve are received in time."
    ) in html
    assert "expected to baseline" not in html
    assert after.documentation_scope_paragraph


def test_a_baseline_recorded_at_a_later_meeting_than_planned_reads_as_the_plan_then(analyst):
    """The plan as it stood on the paper's date (field history), the record from its meeting:
    planned for 11 December 2020, baselined at the Panel of 15 January 2021."""
    with recorded_at(D(2020, 6, 1)):
        release = make_release(analyst, full_baseline_date=D(2020, 12, 11))
    with recorded_at(D(2021, 1, 20)):
        services.panel_baseline_record(
            actor=analyst,
            release=release,
            scope="full",
            meeting_date=D(2021, 1, 15),
            decision="The Panel baselined the full scope.",
        )
    late, html = _release_paper(analyst, release, D(2021, 1, 4), "LATE")
    assert not late.baselined
    assert "was expected to baseline its full scope on 11 December 2020" in html
    done, html = _release_paper(analyst, release, D(2021, 1, 15), "DONE")
    assert done.baselined and done.expected_baseline is None


def test_a_system_scope_baseline_alone_is_said_as_such_and_the_full_one_is_expected(analyst, world):
    services.release_update(actor=analyst, release=world["jun"], full_baseline_date=D(2020, 12, 11))
    services.panel_baseline_record(
        actor=analyst,
        release=world["jun"],
        scope="system",
        meeting_date=D(2020, 7, 17),
        decision="The Panel baselined the RID for DCC System-impacting modifications.",
    )
    section, html = _release_paper(analyst, world["jun"], D(2020, 8, 1), "SYSTEM")
    assert section.baselined_system and not section.baselined
    assert (
        "The Panel has baselined the June 2021 SEC Release Implementation Document (RID) to "
        "cover the proposed scope of the release on the DCC Systems. The Panel is expected to "
        "baseline its full scope on 11 December 2020."
    ) in html
    assert "to include all modifications" not in html


def test_the_r1_sentence_and_the_impact_table_follow_the_recorded_baseline_not_the_plan(
    analyst, world
):
    """A paper as of 20 June 2020 on June 2021, whose system baseline is planned for 15 June
    2020 and not recorded: the R1 next step still applies and the export shows its DCC System
    impact table."""
    services.release_update(
        actor=analyst, release=world["jun"], system_baseline_date=D(2020, 6, 15)
    )
    (jun,) = asof.releases_on(D(2020, 6, 20), pks=[world["jun"].pk])
    spec = spec_for_releases(as_of=D(2020, 6, 20), releases=[jun])
    assert spec.sections[0].show_system_impacts
    (section,) = build_paper(spec).sections
    assert section.system_baseline.release_name == "June 2021 SEC Release"
    assert section.system_baseline.meeting_month == "June 2020"
    services.panel_baseline_record(
        actor=analyst,
        release=world["jun"],
        scope="system",
        meeting_date=D(2020, 6, 15),
        decision="Baselined.",
    )
    (jun,) = asof.releases_on(D(2020, 6, 20), pks=[world["jun"].pk])
    spec = spec_for_releases(as_of=D(2020, 6, 20), releases=[jun])
    assert not spec.sections[0].show_system_impacts


# Services -------------------------------------------------------------------------------------


def test_paper_create_records_an_event_with_its_sections(analyst, world):
    paper = make_paper(analyst, world)
    event = Event.objects.about(paper).get()
    assert event.action == "paper.created"
    assert "section November 2020 SEC Release" in event.changes
    assert [s.position for s in paper.sections.order_by("position")] == [1, 2]


def test_a_paper_reference_is_unique(analyst, world):
    make_paper(analyst, world)
    with pytest.raises(ValidationError, match="There is already a paper OPSG_33_0206_15"):
        make_paper(analyst, world)


def test_a_section_covers_a_release_or_a_year_and_only_once(analyst, world):
    with pytest.raises(ValidationError, match="is in the paper twice"):
        paper_services.paper_create(
            actor=analyst,
            reference="P",
            as_of=AS_OF,
            author="A",
            releases=[world["nov"], world["nov"]],
        )
    assert not UpdatePaper.objects.exists()


def test_paper_update_changes_texts_adds_and_removes_sections_and_records_it(analyst, world):
    paper = make_paper(analyst, world)
    paper_services.paper_update(
        actor=analyst,
        paper=paper,
        title="SEC Releases update (revised)",
        sections=[
            {"year": 2021, "commentary": "Two uplifts now."},
            {"release": world["jun"], "show_system_impacts": True},
        ],
        reason="Revised for OPSG 34",
    )
    built = build(paper)
    assert [s.heading for s in built.sections] == ["2021 SEC Releases", "June 2021 SEC Release"]
    assert built.sections[0].commentary == ("Two uplifts now.",)
    assert [r.reference for r in built.sections[1].impact_rows] == ["SECMP0007"]
    event = Event.objects.about(paper).filter(action="paper.updated").get()
    assert event.reason == "Revised for OPSG 34"
    assert event.changes["title"] == ["SEC Releases update", "SEC Releases update (revised)"]
    assert "section November 2020 SEC Release" in event.changes


# Page, PDF and export ---------------------------------------------------------------------------


@pytest.mark.pdf
def test_the_pdf_is_tagged_with_title_author_running_header_and_page_numbers(
    analyst, world, tmp_path, caplog
):
    paper = build(make_paper(analyst, world))
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        text, info = pdf_text(paper_pdf_bytes(paper), tmp_path)
    assert "Tagged:          yes" in info
    assert "Title:           OPSG_33_0206_15 \u2013 SEC Releases update" in info
    assert "Author:          David Kemp" in info
    assert "Page 1 of" in text
    assert "This document has a Classification of White" in text
    assert "OPSG_33_0206_15 \u2013 SEC Releases update" in text
    assert "2.1 Update on scope" in text
    assert "3.1 DCC System impacting modifications targeted for 2021" in text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_export_command_writes_html_and_pdf_for_the_chosen_releases(analyst, world, tmp_path):
    html_path = tmp_path / "paper.html"
    call_command(
        "export_update_paper",
        "--as-of",
        "2020-05-26",
        "--release",
        "november-2020",
        "--year",
        "2021",
        "--format",
        "html",
        "--output",
        str(html_path),
    )
    html = html_path.read_text()
    assert "2. November 2020 SEC Release" in html
    assert "3. 2021 SEC Releases" in html
    assert "June 2021 SEC Release" in html  # the R1 sentence for 2021
    pdf_path = tmp_path / "paper.pdf"
    call_command("export_update_paper", "--as-of", "2020-05-26", "--output", str(pdf_path))
    assert pdf_path.read_bytes().startswith(b"%PDF-")


def test_export_command_renders_a_stored_paper_and_refuses_unknown_ones(analyst, world, tmp_path):
    make_paper(analyst, world)
    out = tmp_path / "stored.html"
    call_command(
        "export_update_paper",
        "--paper",
        "OPSG_33_0206_15",
        "--format",
        "html",
        "--output",
        str(out),
    )
    assert "The DCC has highlighted." in out.read_text()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="There is no paper NOPE"):
        call_command("export_update_paper", "--paper", "NOPE")
    with pytest.raises(CommandError, match="No release with slug nowhere"):
        call_command("export_update_paper", "--release", "nowhere")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("export_update_paper", "--as-of", "26/05/2020")


# Fidelity to the seed, from the demo data ------------------------------------------------------


@pytest.mark.pdf
def test_the_demo_paper_as_of_26_may_2020_reproduces_the_seed_on_the_page_and_in_the_pdf(
    demo_dump_path, tmp_path
):
    from django.contrib.auth import get_user_model

    from fixtures.opsg_paper import create_opsg_paper

    demo_dump.load(demo_dump_path)
    analyst = get_user_model().objects.get(username="analyst")
    stored = create_opsg_paper(actor=analyst)
    assert create_opsg_paper(actor=analyst) == stored, "idempotent"
    paper = build(stored)
    seed = seed_body()

    html = paper_print_html(paper)
    score = fidelity(seed, html)
    assert score >= 0.95, (score, missing_words(seed, html))

    text, info = pdf_text(paper_pdf_bytes(paper), tmp_path)
    pdf_score = fidelity(seed, text)
    assert pdf_score >= 0.95, (pdf_score, missing_words(seed, text))
    assert "Tagged:          yes" in info

    # The sentences of every status the seed shows, generated from the demo data.
    nov = paper.sections[0]
    status = {r.reference: r.status for r in nov.scope_rows}
    assert status["SECMP0062"] == "Approved for inclusion."
    assert status["MP080"] == (
        "The Change Board vote will be held on 27 May 2020 under Self-Governance."
    )
    assert status["MP084"].startswith("The Change Board recommended MP084 be rejected on 26 Feb")
    assert status["MP088"].endswith(
        "It will be included in this release if approved by 22 October 2020."
    )
    assert status["MP102A"] == (
        "The Modification Report is expected to be presented to the Panel on 19 June 2020. The "
        "Change Board vote would then be held on 22 July 2020 under Self-Governance."
    )
    assert status["DP124"].startswith(
        "This Draft Proposal is expected to be presented to the Panel on 19 June 2020 with the "
        "recommendation it proceeds directly to the Report Phase."
    )
    assert len(nov.scope_rows) == 17
    assert nov.acceptance_view.review_three_months_prior
    year = paper.sections[1]
    assert [r.reference for r in year.impact_rows] == [
        "SECMP0007",
        "SECMP0015",
        "SECMP0024",
        "SECMP0046",
        "SECMP0056",
        "SECMP0067",
        "MP078",
        "MP090",
        "MP099",
    ]
