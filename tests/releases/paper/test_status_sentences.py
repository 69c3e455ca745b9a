"""The OPSG paper's "Current status" sentence, generated from a modification's status and dates
as of the paper date, in the phrasing of the 26 May 2020 paper (seed 001)."""

import datetime

import pytest

from modifications import services as register
from modifications.models import Status
from releases import services
from releases.paper import services as paper_services
from releases.paper.document import build_paper, spec_from_paper, status_sentence
from releases.policy import asof
from releases.policy.asof import DecisionFact, ModificationFact
from tests.factories import make_modification, make_release

D = datetime.date
PAPER_DATE = D(2020, 5, 26)


def mod(status, *, reference="MP080", path="path3", decisions=(), **dates):
    return ModificationFact(
        pk=1,
        reference=reference,
        title="Managing DUIS uplifts",
        url="/modifications/MP080/",
        path=path,
        status=status,
        impacts_dcc_systems=False,
        decisions=tuple(decisions),
        **dates,
    )


@pytest.mark.parametrize("status", Status.values)
def test_every_status_has_its_own_sentence(status):
    """A Status value added without a sentence is refused rather than read as another status."""
    assert status_sentence(mod(status), as_of=PAPER_DATE)


def test_a_status_without_a_sentence_is_refused():
    with pytest.raises(ValueError, match="no sentence for the status 'on_hold'"):
        status_sentence(mod("on_hold"), as_of=PAPER_DATE)


def test_an_approved_modification_is_approved_for_inclusion():
    assert status_sentence(mod("approved"), as_of=PAPER_DATE) == "Approved for inclusion."


def test_a_self_governance_modification_awaiting_its_vote_says_when_the_vote_is():
    sentence = status_sentence(
        mod("change_board", change_board_date=D(2020, 5, 27)), as_of=PAPER_DATE
    )
    assert sentence == "The Change Board vote will be held on 27 May 2020 under Self-Governance."


def test_a_vote_on_the_paper_date_itself_is_still_to_be_held():
    sentence = status_sentence(mod("change_board", change_board_date=PAPER_DATE), as_of=PAPER_DATE)
    assert sentence == "The Change Board vote will be held on 26 May 2020 under Self-Governance."


def test_a_vote_date_already_passed_without_a_decision_says_so():
    sentence = status_sentence(
        mod("change_board", change_board_date=D(2020, 5, 25)), as_of=PAPER_DATE
    )
    assert sentence.startswith("The Change Board vote was due on 25 May 2020")


@pytest.mark.parametrize(
    ("kind", "word", "reference"),
    [("cb_recommend_reject", "rejected", "MP084"), ("cb_recommend_approve", "approved", "MP088")],
)
def test_a_modification_with_the_authority_gives_the_recommendation_and_the_cut_off(
    kind, word, reference
):
    recommendation = DecisionFact(
        kind=kind, body="change_board", date=D(2020, 2, 26), to_status="with_authority"
    )
    sentence = status_sentence(
        mod("with_authority", reference=reference, path="path2", decisions=[recommendation]),
        as_of=PAPER_DATE,
        cut_off_date=D(2020, 10, 22),
    )
    assert sentence == (
        f"The Change Board recommended {reference} be {word} on 26 February 2020. This "
        "modification is now with the Authority for decision. It will be included in this "
        "release if approved by 22 October 2020."
    )


def test_with_the_authority_and_no_cut_off_gives_the_expected_decision_date():
    sentence = status_sentence(
        mod("with_authority", path="path2", authority_decision_date=D(2020, 7, 1)),
        as_of=PAPER_DATE,
    )
    assert sentence == (
        "This modification is now with the Authority for decision. The Authority\u2019s "
        "decision is expected by 1 July 2020."
    )


def test_a_modification_report_expected_at_the_panel_then_a_vote():
    sentence = status_sentence(
        mod("report_phase", panel_date=D(2020, 6, 19), change_board_date=D(2020, 7, 22)),
        as_of=PAPER_DATE,
    )
    assert sentence == (
        "The Modification Report is expected to be presented to the Panel on 19 June 2020. The "
        "Change Board vote would then be held on 22 July 2020 under Self-Governance."
    )


def test_a_draft_proposal_recommended_to_go_directly_to_the_report_phase():
    sentence = status_sentence(
        mod(
            "development",
            reference="DP124",
            panel_date=D(2020, 6, 19),
            change_board_date=D(2020, 7, 22),
            recommend_direct_to_report=True,
        ),
        as_of=PAPER_DATE,
    )
    assert sentence == (
        "This Draft Proposal is expected to be presented to the Panel on 19 June 2020 with the "
        "recommendation it proceeds directly to the Report Phase. The Change Board vote would "
        "then be held on 22 July 2020 under Self-Governance."
    )


def test_a_draft_proposal_without_that_recommendation_is_only_presented():
    sentence = status_sentence(
        mod("development", reference="DP130", panel_date=D(2020, 6, 19)), as_of=PAPER_DATE
    )
    assert (
        sentence == "This Draft Proposal is expected to be presented to the Panel on 19 June 2020."
    )


def test_a_modification_in_refinement_says_so():
    assert status_sentence(mod("refinement"), as_of=PAPER_DATE) == (
        "This modification is in the Refinement Process."
    )


def test_an_authority_path_vote_is_a_recommendation_not_self_governance():
    sentence = status_sentence(
        mod("change_board", path="path2", change_board_date=D(2020, 6, 24)), as_of=PAPER_DATE
    )
    assert "Self-Governance" not in sentence
    assert sentence == (
        "The Change Board will vote on 24 June 2020 on its recommendation to the Authority."
    )


# As of a date, from the dated decisions -----------------------------------------------------


@pytest.fixture
def mp084(analyst):
    """MP084 as in the seed: recommended for rejection on 26 Feb 2020, then rejected by the
    Authority on 27 May 2020 (the day after the paper)."""
    m = make_modification(
        analyst, reference="MP084", title="Other User Panel Seating Amendment", path="path2"
    )
    for kind, date in [
        ("convert", D(2019, 9, 1)),
        ("report_ready", D(2019, 12, 1)),
        ("report_approved", D(2020, 1, 17)),
        ("cb_recommend_reject", D(2020, 2, 26)),
    ]:
        services.decision_record(actor=analyst, modification=m, kind=kind, date=date)
    return m


@pytest.mark.django_db
def test_a_paper_as_of_a_past_date_shows_the_status_then_even_after_a_later_decision(
    analyst, mp084
):
    release = make_release(
        analyst,
        name="November 2020 SEC Release",
        slug="november-2020",
        go_live_date=D(2020, 11, 29),
    )
    services.scope_add(
        actor=analyst,
        release=release,
        modification=mp084,
        added_on=D(2020, 1, 1),
        reason="Targeted",
        cut_off_date=D(2020, 10, 22),
    )
    services.decision_record(
        actor=analyst, modification=mp084, kind="authority_reject", date=D(2020, 5, 27)
    )
    paper = paper_services.paper_create(
        actor=analyst, reference="OPSG_X", as_of=PAPER_DATE, author="David Kemp", releases=[release]
    )
    built = build_paper(spec_from_paper(paper))
    (row,) = built.sections[0].scope_rows
    assert row.reference == "MP084"
    assert row.status == (
        "The Change Board recommended MP084 be rejected on 26 February 2020. This modification "
        "is now with the Authority for decision. It will be included in this release if "
        "approved by 22 October 2020."
    )
    # A day later the Authority's rejection has taken it out of the scope.
    later = paper_services.paper_create(
        actor=analyst, reference="OPSG_Y", as_of=D(2020, 5, 27), author="D", releases=[release]
    )
    assert build_paper(spec_from_paper(later)).sections[0].scope_rows == ()


@pytest.mark.django_db
def test_a_draft_proposal_keeps_its_dp_reference_in_a_paper_before_its_conversion(analyst):
    dp = make_modification(
        analyst,
        reference="DP124",
        title="Consequential changes to DUIS for SMETS1 Alerts",
        panel_date=D(2020, 6, 19),
        change_board_date=D(2020, 7, 22),
        recommend_direct_to_report=True,
    )
    services.decision_record(
        actor=analyst, modification=dp, kind="direct_to_report", date=D(2020, 6, 19)
    )
    (before,) = asof.modifications_on(PAPER_DATE)
    (after,) = asof.modifications_on(D(2020, 6, 20))
    assert (before.reference, before.status) == ("DP124", "development")
    assert (after.reference, after.status) == ("MP124", "report_phase")
    assert status_sentence(before, as_of=PAPER_DATE).startswith(
        "This Draft Proposal is expected to be presented to the Panel on 19 June 2020 with"
    )


@pytest.mark.django_db
def test_an_analyst_override_replaces_the_sentence_and_is_marked(analyst):
    m = make_modification(analyst, reference="MP112", title="Privacy", status="approved")
    release = make_release(analyst)
    item = services.scope_add(
        actor=analyst, release=release, modification=m, added_on=D(2020, 1, 1), reason="Baseline"
    )
    services.scope_item_update(
        actor=analyst, item=item, status_override="Approved for inclusion (Panel, 15 May 2020)."
    )
    paper = paper_services.paper_create(
        actor=analyst, reference="P", as_of=PAPER_DATE, author="A", releases=[release]
    )
    (row,) = build_paper(spec_from_paper(paper)).sections[0].scope_rows
    assert row.status == "Approved for inclusion (Panel, 15 May 2020)."
    assert row.status_is_override
    assert row.generated_status == "Approved for inclusion."


def test_register_service_accepts_the_direct_to_report_recommendation():
    assert "recommend_direct_to_report" in register.MODIFICATION_FIELDS
