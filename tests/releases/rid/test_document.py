"""The Rid value (STYLE.md "One document, many faces"): what build_rid decides from the register,
its JSON round trip, and the wording the templates render from it."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from modifications import services as register
from modifications.models import ChangeRequest, Modification
from releases import services
from releases.models import GlossaryEntry, Release, SecasCostLine
from releases.rid import services as rid_services
from releases.rid.document import (
    CostLine,
    Rid,
    acronyms_used,
    build_rid,
    join_words,
    money,
)
from tests.releases.rid_data import june_2021, release_of_size

D = datetime.date


@pytest.fixture
def june(analyst):
    return june_2021(analyst)


def html_of(rid):
    """The document's HTML without the <bdi> elements that isolate user text."""
    html = render_to_string("releases/rid/_document.html", {"rid": rid})
    return html.replace("<bdi>", "").replace("</bdi>", "")


def squash(text):
    return " ".join(text.split())


def test_the_june_2021_rid_lists_the_approved_modifications_in_register_order(june):
    rid = build_rid(june, today=D(2021, 6, 1))
    assert [m.reference for m in rid.approved] == ["MP106", "MP144", "MP146", "MP147", "MP153"]
    assert rid.targeted == ()
    assert rid.approved[2].label == "MP146 \u2018SM WAN Coverage Date\u2019"
    assert rid.approved[2].url.endswith("/mp146/")
    assert rid.title == "June 2021 SEC Release (24 June 2021)"
    assert rid.version == "" and rid.is_draft
    assert rid.version_date == D(2021, 6, 1)


def test_the_participant_and_document_matrices_follow_the_modifications(june):
    rid = build_rid(june)
    assert rid.participant_columns == (
        "Suppliers",
        "Electricity Networks",
        "Gas Networks",
        "Other SEC Parties",
        "DCC",
    )
    assert [(r.label, r.cells) for r in rid.participant_matrix][:2] == [
        ("MP106", (True, True, True, True, False)),
        ("MP144", (True, True, True, True, True)),
    ]
    assert [d.full for d in rid.documents] == [
        "Section H \u2018DCC Services\u2019",
        "Section I \u2018Data Privacy\u2019",
        "Section J \u2018Charges\u2019",
        "Appendix I \u2018CH Installation and Maintenance Support Materials\u2019",
        "Appendix O \u2018SMKI Repository Interface Design Specification\u2019",
    ]
    assert rid.document_matrix_columns == ("MP106", "MP144", "MP146", "MP147", "MP153")
    assert [(r.label, r.cells) for r in rid.document_matrix][0] == (
        "Section H",
        (False, False, True, False, False),
    )


def test_the_five_sec_party_rows_are_always_there_and_empty_means_no_further_impacts(june):
    rid = build_rid(june)
    assert [r.label for r in rid.party_impacts] == [
        "All SEC Parties",
        "Supplier Parties",
        "Electricity Network Parties",
        "Gas Network Parties",
        "Other SEC Parties",
    ]
    assert len(rid.party_impacts[0].lines) == 2
    assert rid.party_impacts[2].lines == ()
    assert squash(html_of(rid)).count("<li>No further impacts</li>") == 3


def test_a_targeted_modification_has_its_own_subsection_with_its_status(june, analyst):
    mod = register.modification_create(
        actor=analyst,
        reference="MP160",
        title="Pending change",
        rid_summary="will change something pending.",
        status="report_phase",
    )
    services.scope_add(
        actor=analyst,
        release=june,
        modification=mod,
        added_on=D(2021, 1, 5),
        reason="Panel",
        exception_reason="Added by the Panel as an exception",
    )
    rid = build_rid(june)
    assert [m.reference for m in rid.targeted] == ["MP160"]
    html = squash(html_of(rid))
    assert "<h3>Targeted Modification Proposals</h3>" in html
    assert "will change something pending. (current status: Report Phase)" in html
    assert "MP160" in [r.label for r in rid.participant_matrix]


def test_modifications_that_left_the_scope_are_not_in_the_rid(june, analyst):
    item = june.scope_items.get(modification__reference="MP147")
    services.scope_fall_out(actor=analyst, item=item, fell_out_on=D(2021, 3, 5), reason="Cut-off")
    rid = build_rid(june)
    assert "MP147" not in [m.reference for m in rid.modifications]
    assert "MP147" not in rid.document_matrix_columns


def test_the_fixed_wording_of_the_seed_is_rendered(june):
    html = squash(html_of(build_rid(june)))
    for sentence in [
        "This document is classified as <strong>White</strong> in accordance with the Panel "
        "Information Policy. Information can be shared with the public, and any members may "
        "publish the information, subject to copyright.",
        '<p class="rid-subtitle">SEC Release Implementation Document</p>',
        "Managed by SECAS",
        "This document will be updated periodically as the release develops.",
        "The following Modification Proposals have been approved for inclusion in this release:",
        "No DCC Change Requests are currently planned to be implemented alongside this SEC "
        "Release.",
        "DCC Change Requests do not form part of a SEC Release, and so this RID does not cover "
        "the details of the impacts these will have.",
        "This section assumes all targeted modifications will be approved for inclusion in this "
        "release.",
        "No other Codes are impacted as a result of this release.",
        "This release will not impact the DCC Systems and so will not require any "
        "Pre-Integration Testing (PIT), Systems Integration Testing (SIT) or User Integration "
        "Testing (UIT).",
        "There are no User testing impacts for this release.",
        "The DCC will not incur any implementation costs as a result of this release.",
        "The following criteria will need to be met before the release can go live.",
        "This table lists all the acronyms used in this document and the full term they are an "
        "abbreviation for.",
    ]:
        assert sentence in html, sentence


def test_secas_costs_are_worded_like_the_seed(june):
    html = squash(html_of(build_rid(june)))
    assert (
        "SECAS will incur two days effort, equating to around \u00a31,200, to update and "
        "implement the changes to the SEC. SECAS estimates a maximum of five days of effort, "
        "equating to around \u00a33,000, will be needed for project management of the release. "
        "This cost has already been accounted for in the SECAS budget, and so Parties will not "
        "incur any additional costs." in html
    )


@pytest.mark.parametrize(
    "days,cost,words,money_text",
    [
        ("1.0", "600.00", "one day", "\u00a3600"),
        ("2.5", "1500.00", "2.5 days", "\u00a31,500"),
        ("12", "7200.50", "12 days", "\u00a37,200.50"),
    ],
)
def test_cost_lines_spell_small_whole_numbers_of_days(days, cost, words, money_text):
    line = CostLine("to do it", days, cost, False)
    assert line.effort_words == words
    assert line.cost_text == money_text


def test_dcc_costs_and_change_requests_are_listed_when_there_are_some(june, analyst):
    services.release_update(actor=analyst, release=june, dcc_cost=Decimal("25000"))
    cr = ChangeRequest.objects.create(reference="CR1290", title="Some DCC change")
    services.release_change_request_add(actor=analyst, release=june, change_request=cr)
    html = squash(html_of(build_rid(june)))
    assert "The DCC will incur implementation costs of around \u00a325,000" in html
    assert "CR1290 \u2018Some DCC change\u2019" in html
    assert "DCC Change Requests do not form part of a SEC Release" in html


def test_a_release_with_dcc_testing_says_which_testing_it_needs(june, analyst):
    services.release_update(actor=analyst, release=june, pit_required=True, sit_required=True)
    html = squash(html_of(build_rid(june)))
    # No modification in scope impacts the DCC Systems: the RID does not claim one does.
    assert (
        "This release will require Pre-Integration Testing (PIT) and Systems Integration "
        "Testing (SIT)." in html
    )
    assert "will not impact the DCC Systems" not in html
    mod = Modification.objects.get(reference="MP147")
    register.modification_update(
        actor=analyst, modification=mod, impacts_dcc_systems=True, duis_impact="yes"
    )
    html = squash(html_of(build_rid(june)))
    assert (
        "This release will impact the DCC Systems and so will require Pre-Integration Testing "
        "(PIT) and Systems Integration Testing (SIT)." in html
    )


def test_the_acceptance_criteria_and_timeline_are_in_order(june):
    rid = build_rid(june)
    assert rid.acceptance_criteria[0].startswith("SECAS will be ready")
    assert [(t.date, t.event) for t in rid.timeline] == [
        (D(2020, 7, 17), "Panel baselines RID for system-impacting modifications"),
        (D(2020, 12, 11), "Panel baselines RID for non-system-impacting modifications"),
        (D(2021, 6, 24), "Release go-live"),
    ]
    html = html_of(rid)
    assert "17 Jul 20" in html and "24 Jun 21" in html


def test_the_glossary_lists_only_the_acronyms_the_document_uses(june):
    rid = build_rid(june)
    assert [g.acronym for g in rid.glossary] == [
        "CH",
        "CHISM",
        "DCC",
        "PIT",
        "RID",
        "SEC",
        "SECAS",
        "SIT",
        "SM",
        "SMKI",
        "SR",
        "UIT",
        "WAN",
    ]
    assert rid.glossary_unknown == ()
    assert "DUIS" in GlossaryEntry.objects.values_list("acronym", flat=True)


def test_an_acronym_counts_only_as_a_word_of_its_own():
    entries = [GlossaryEntry(acronym=a, full_term=a.lower()) for a in ["SEC", "SR", "DP", "CH"]]
    found, unknown = acronyms_used(
        "The SECAS team changed SR12.1 and DP153 in Appendix AD 'CH'.", entries
    )
    # SEC is not used (SECAS is another word), DP153 is a reference, AD a document code.
    assert [g.acronym for g in found] == ["SR", "CH"]
    assert unknown == ("SECAS",)


def test_plurals_count_as_their_acronym_and_unknown_acronyms_are_reported():
    entries = [GlossaryEntry(acronym="IHD", full_term="In-Home Display")]
    found, unknown = acronyms_used(
        "Firmware for IHDs and PPMIDs, GPF timestamps, DNOs and SMKI (MP147, CR1145, CRTBC).",
        entries,
    )
    assert [(g.acronym, g.full_term) for g in found] == [("IHD", "In-Home Display")]
    assert unknown == ("DNO", "GPF", "PPMID", "SMKI")


def test_a_new_acronym_in_a_summary_joins_the_glossary(june, analyst):
    services.glossary_entry_save(actor=analyst, acronym="IHD", full_term="In-Home Display")
    assert "IHD" not in [g.acronym for g in build_rid(june).glossary]
    mod = Modification.objects.get(reference="MP147")
    register.modification_update(
        actor=analyst, modification=mod, rid_summary="will amend what an IHD shows."
    )
    assert "IHD" in [g.acronym for g in build_rid(june).glossary]


def test_the_rid_survives_a_json_round_trip_unchanged(june):
    rid = build_rid(june, version="3.0", version_date=D(2021, 1, 29), changes="Updated.")
    text = json.dumps(rid.to_json())
    again = Rid.from_json(json.loads(text))
    assert again == rid
    assert Rid.from_json(text) == rid
    assert again.history[-1].date == D(2021, 1, 29)


def test_unknown_content_schemas_are_refused(june):
    data = build_rid(june).to_json()
    data["schema"] = 99
    with pytest.raises(ValueError, match="schema"):
        Rid.from_json(data)


def test_an_issued_rid_ends_its_history_with_itself_after_the_earlier_versions(june, analyst):
    rid_services.rid_issue_version(
        unreviewed_reason="Issued in a test without review.",
        actor=analyst,
        release=june,
        kind="draft",
        date=D(2020, 7, 10),
        changes="First",
    )
    rid = build_rid(june, version="1.0", version_date=D(2020, 7, 24), changes="Baselined")
    assert [(h.number, h.changes) for h in rid.history] == [("0.1", "First"), ("1.0", "Baselined")]
    assert [h.number for h in build_rid(june).history] == ["0.1"]


def test_building_the_rid_issues_the_same_number_of_queries_for_5_and_200_modifications(
    analyst,
):
    counts = []
    for n, first in [(5, 1000), (200, 2000)]:
        release = release_of_size(analyst, n, slug=f"size-{n}", first_number=first)
        release = Release.objects.get(pk=release.pk)
        with CaptureQueriesContext(connection) as ctx:
            rid = build_rid(release)
        assert len(rid.modifications) == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_a_large_document_matrix_is_split_into_parts_that_fit_the_page(analyst):
    release = release_of_size(analyst, 20, slug="twenty")
    rid = build_rid(release)
    parts = rid.document_matrix_parts
    assert [len(p.columns) for p in parts] == [8, 8, 4]
    assert all(len(r.cells) == len(p.columns) for p in parts for r in p.rows)
    assert "SEC document impact matrix (2 of 3)" in html_of(rid)


def test_a_part_of_the_document_matrix_lists_only_the_documents_its_modifications_change(
    analyst,
):
    # release_of_size: modification i changes document i % 5, so the last part (modifications
    # 16 to 19) changes documents 1 to 4 and not document 0.
    rid = build_rid(release_of_size(analyst, 20, slug="twenty"))
    first, _second, last = rid.document_matrix_parts
    labels = [row.label for row in rid.document_matrix]
    assert [row.label for row in first.rows] == labels
    assert [row.label for row in last.rows] == labels[1:]
    assert all(any(row.cells) for row in last.rows)


def test_helpers_join_words_and_format_money():
    assert join_words(["MP116"]) == "MP116"
    assert join_words(["MP116", "DP145"]) == "MP116 and DP145"
    assert join_words(["A", "B", "C"]) == "A, B and C"
    assert money("3000.00") == "\u00a33,000"


def test_the_headings_of_the_document_are_in_order(june):
    import re

    levels = [int(h) for h in re.findall(r"<h([1-6])", html_of(build_rid(june)))]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_secas_cost_activity_text_drops_a_trailing_full_stop(june, analyst):
    line = june.secas_costs.get(position=1)
    services.release_part_save(
        actor=analyst, release=june, model=SecasCostLine, instance=line, activity="to do it."
    )
    assert "equating to around \u00a31,200, to do it. SECAS" in squash(html_of(build_rid(june)))
