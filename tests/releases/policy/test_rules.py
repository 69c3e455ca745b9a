"""Release-management policy checks (releases.policy) on plain values, inside, outside and exactly
on each deadline; the data as of a date (releases.asof); lapsing to the fall-back release."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from releases import services
from releases.models import ReleaseDateChange, ScopeItem, ScopeState
from releases.policy import asof
from releases.policy import rules as policy
from releases.policy.asof import (
    DateChangeFact,
    DecisionFact,
    ModificationFact,
    ReleaseFact,
    ScopeFact,
    TimelineFact,
)
from releases.rid import services as rid_services
from tests.factories import make_modification, make_release

D = datetime.date
DAY = datetime.timedelta(days=1)
GO_LIVE = D(2021, 6, 24)  # a standard date (last Thursday of June 2021)
SYSTEM_DEADLINE = D(2020, 6, 24)  # R1: 12 months before
DOCUMENT_DEADLINE = D(2020, 12, 24)  # R2: 6 months before


def mod(reference="MP106", status="refinement", *, pk=1, dcc=False, gbcs="no", **fields):
    return ModificationFact(
        pk=pk,
        reference=reference,
        title=f"Title of {reference}",
        url=f"/modifications/{reference}/",
        path=fields.pop("path", "path3"),
        status=status,
        impacts_dcc_systems=dcc,
        gbcs_impact=gbcs,
        **fields,
    )


ADDED_ON = D(2020, 6, 1)


def item(modification, *, pk=1, added_on=ADDED_ON, cut_off=None, fall_back="", **fields):
    return ScopeFact(
        pk=pk,
        release_slug="june-2021",
        release_name="June 2021 SEC Release",
        modification=modification,
        part_label="",
        added_on=added_on,
        removed_on=None,
        added_after_deadline=fields.pop("late", False),
        exception_reason=fields.pop("exception_reason", ""),
        cut_off_date=cut_off,
        fall_back_release_slug="november-2021" if fall_back else "",
        fall_back_release_name=fall_back,
    )


def release(scope=(), *, go_live=GO_LIVE, slug="june-2021", name="June 2021 SEC Release", **f):
    """A release fact; a baseline date given here is the Panel's recorded baseline unless
    planned=True (a date the Panel has not baselined yet)."""
    if not f.pop("planned", False):
        f.setdefault("system_baseline_recorded", f.get("system_baseline_date"))
        f.setdefault("full_baseline_recorded", f.get("full_baseline_date"))
    return ReleaseFact(
        pk=f.pop("pk", 1),
        slug=slug,
        name=name,
        url=f"/releases/{slug}/",
        go_live_date=go_live,
        current_go_live_date=f.pop("current_go_live", go_live),
        scope=tuple(scope),
        **f,
    )


def rules(findings):
    return [(f.rule, f.severity) for f in findings]


# R1 / R2 scope deadlines ---------------------------------------------------------------------


def r1(findings):
    return [f for f in findings if f.rule == "R1"]


def r2(findings):
    return [f for f in findings if f.rule == "R2"]


DCC_RELEASE = dict(scope=[item(mod(dcc=True))])


def test_r1_does_not_apply_to_a_release_with_no_dcc_system_scope():
    findings = policy.check_scope_deadlines(release(), SYSTEM_DEADLINE + DAY)
    assert r1(findings) == []


def test_r1_a_system_baseline_exactly_on_the_deadline_is_on_time():
    r = release(system_baseline_date=SYSTEM_DEADLINE, **DCC_RELEASE)
    assert r1(policy.check_scope_deadlines(r, D(2020, 7, 1))) == []


def test_r1_a_system_baseline_one_day_after_the_deadline_is_a_warning():
    r = release(system_baseline_date=SYSTEM_DEADLINE + DAY, **DCC_RELEASE)
    (finding,) = r1(policy.check_scope_deadlines(r, D(2020, 7, 1)))
    assert finding.severity == "warning"
    assert "1 day after the deadline of 24 June 2020 (12 months before go-live)" in finding.message
    assert finding.url == "/releases/june-2021/edit/"


def test_r1_the_deadline_day_without_a_baseline_is_due_today_not_overdue():
    (finding,) = r1(policy.check_scope_deadlines(release(**DCC_RELEASE), SYSTEM_DEADLINE))
    assert (finding.severity, finding.overdue) == ("info", False)
    assert "by 24 June 2020 (12 months before go-live), today" in finding.message


def test_r1_the_day_after_the_deadline_without_a_baseline_is_overdue():
    (finding,) = r1(policy.check_scope_deadlines(release(**DCC_RELEASE), SYSTEM_DEADLINE + DAY))
    assert (finding.severity, finding.overdue) == ("warning", True)
    assert "should have been baselined by 24 June 2020" in finding.message


def test_r1_a_deadline_thirty_days_ahead_is_near_and_thirty_one_is_not():
    near = policy.check_scope_deadlines(release(**DCC_RELEASE), SYSTEM_DEADLINE - 30 * DAY)
    assert rules(r1(near)) == [("R1", "info")]
    assert "in 30 days" in near[0].message
    assert (
        r1(policy.check_scope_deadlines(release(**DCC_RELEASE), SYSTEM_DEADLINE - 31 * DAY)) == []
    )


def test_r1_a_planned_baseline_after_the_deadline_is_a_warning_in_advance():
    r = release(system_baseline_date=D(2020, 7, 17), **DCC_RELEASE)
    (finding,) = r1(policy.check_scope_deadlines(r, D(2020, 1, 1)))
    assert finding.severity == "warning"
    assert "planned for 17 July 2020" in finding.message


def test_r1_the_real_june_2021_system_baseline_landed_23_days_late():
    r = release(system_baseline_date=D(2020, 7, 17), **DCC_RELEASE)
    (finding,) = r1(policy.check_scope_deadlines(r, D(2020, 8, 1)))
    assert "on 17 July 2020, 23 days after the deadline of 24 June 2020" in finding.message


def test_r2_applies_to_every_release_six_months_before():
    on_time = release(full_baseline_date=DOCUMENT_DEADLINE)
    late = release(full_baseline_date=DOCUMENT_DEADLINE + DAY)
    assert r2(policy.check_scope_deadlines(on_time, D(2021, 1, 1))) == []
    (finding,) = r2(policy.check_scope_deadlines(late, D(2021, 1, 1)))
    assert "the scope on the SEC documentation" in finding.message
    assert "six months before go-live" in finding.message


def test_r2_on_and_after_the_deadline_without_a_baseline():
    assert rules(r2(policy.check_scope_deadlines(release(), DOCUMENT_DEADLINE))) == [("R2", "info")]
    (overdue,) = r2(policy.check_scope_deadlines(release(), DOCUMENT_DEADLINE + DAY))
    assert overdue.overdue


# R4 late additions ----------------------------------------------------------------------------


def test_r4_a_late_addition_without_a_recorded_panel_decision_is_flagged():
    late = item(mod("MP146"), pk=7, added_on=D(2021, 1, 29), late=True)
    (finding,) = policy.check_late_additions(release([late]), D(2021, 2, 1))
    assert (finding.rule, finding.severity) == ("R4", "warning")
    assert finding.message == (
        "MP146 joined the scope of the June 2021 SEC Release on 29 January 2021, after the scope "
        "deadline of 24 December 2020: record the Panel decision that admitted it as an exception."
    )
    assert finding.url == "/releases/june-2021/scope/7/edit/"


def test_r4_a_late_addition_with_its_exception_recorded_is_fine():
    late = item(
        mod("MP146"), added_on=D(2021, 1, 29), late=True, exception_reason="Panel, 22 Jan 2021"
    )
    assert policy.check_late_additions(release([late]), D(2021, 2, 1)) == []


def test_r4_an_addition_on_time_is_not_an_exception():
    assert policy.check_late_additions(release([item(mod())]), D(2021, 2, 1)) == []


# R6 / R7 cut-offs and fall-back -------------------------------------------------------------

CUT_OFF = D(2020, 10, 22)


def pending_with_cut_off(status="with_authority", fall_back="November 2021 SEC Release"):
    return release(
        [item(mod("MP084", status, path="path2"), pk=5, cut_off=CUT_OFF, fall_back=fall_back)],
        go_live=D(2020, 11, 29),
        slug="november-2020",
        name="November 2020 SEC Release",
    )


def test_r6_the_cut_off_day_itself_is_still_in_time():
    (finding,) = policy.check_cut_offs(pending_with_cut_off(), CUT_OFF)
    assert (finding.rule, finding.severity, finding.action) == ("R6", "info", "")
    assert "must be approved by 22 October 2020 (today)" in finding.message


def test_r7_the_day_after_the_cut_off_offers_the_lapse_to_the_fall_back_release():
    (finding,) = policy.check_cut_offs(pending_with_cut_off(), CUT_OFF + DAY)
    assert (finding.rule, finding.severity, finding.overdue) == ("R7", "error", True)
    assert finding.action == "lapse"
    assert finding.action_url == "/releases/november-2020/scope/5/lapse/"
    assert finding.message == (
        "MP084 was not approved by its decision cut-off of 22 October 2020 for the November 2020 "
        "SEC Release (still at \u201cWith the Authority\u201d on 23 October 2020): it lapses to "
        "its fall-back release, November 2021 SEC Release."
    )
    assert finding.action_label == "Lapse MP084 to the November 2021 SEC Release"


def test_r7_without_a_fall_back_release_it_lapses_to_a_fall_back_date():
    (finding,) = policy.check_cut_offs(pending_with_cut_off(fall_back=""), CUT_OFF + DAY)
    assert "a fall-back implementation date (no fall-back release is recorded)" in finding.message
    assert finding.action_label == "Record that MP084 fell out of scope"


def test_r6_a_cut_off_more_than_thirty_days_ahead_says_nothing():
    assert policy.check_cut_offs(pending_with_cut_off(), CUT_OFF - 31 * DAY) == []


def test_r7_an_approved_modification_never_lapses():
    approved = release([item(mod("MP084", "approved"), cut_off=CUT_OFF)])
    assert policy.check_cut_offs(approved, CUT_OFF + 10 * DAY) == []


def test_r6_a_modification_with_the_authority_without_a_cut_off_is_noted():
    r = release([item(mod("MP088", "with_authority", path="path2"))])
    (finding,) = policy.check_cut_offs(r, D(2020, 5, 26))
    assert (finding.rule, finding.severity) == ("R6", "info")
    assert "has no decision cut-off" in finding.message


def test_r6_a_change_board_vote_past_its_date_without_a_decision_is_overdue():
    due = D(2020, 5, 27)
    on_the_day = mod("MP080", "change_board", change_board_date=due)
    assert policy.check_decision_dates(on_the_day, due) == []
    (finding,) = policy.check_decision_dates(on_the_day, due + DAY)
    assert (finding.rule, finding.severity, finding.overdue) == ("R6", "warning", True)
    assert finding.url == "/modifications/MP080/decide/"


def test_r6_an_authority_decision_past_its_expected_date_is_overdue():
    m = mod("MP088", "with_authority", path="path2", authority_decision_date=D(2020, 7, 1))
    assert policy.check_decision_dates(m, D(2020, 7, 1)) == []
    (finding,) = policy.check_decision_dates(m, D(2020, 7, 2))
    assert "expected by 1 July 2020" in finding.message


# R10 go-live date history ------------------------------------------------------------------


def change(old, new, decided):
    return DateChangeFact(
        old_date=old,
        new_date=new,
        decided_by="authority",
        decided_by_label="Authority",
        decision_date=decided,
        reason="DCC request",
    )


def test_r10_a_date_history_that_chains_to_the_current_date_is_fine():
    r = release(
        current_go_live=D(2020, 11, 29),
        go_live=D(2020, 11, 29),
        date_changes=(change(D(2020, 11, 5), D(2020, 11, 29), D(2020, 7, 10)),),
    )
    assert policy.check_date_history(r) == []


def test_r10_a_go_live_date_changed_without_a_recorded_decision_is_an_error():
    r = release(
        current_go_live=D(2020, 12, 6),
        date_changes=(change(D(2020, 11, 5), D(2020, 11, 29), D(2020, 7, 10)),),
    )
    (finding,) = policy.check_date_history(r)
    assert (finding.rule, finding.severity) == ("R10", "error")
    assert "the last recorded decision set it to 29 November 2020" in finding.message


def test_r10_a_broken_chain_of_date_changes_is_an_error():
    r = release(
        current_go_live=D(2020, 12, 6),
        date_changes=(
            change(D(2020, 11, 5), D(2020, 11, 29), D(2020, 7, 10)),
            change(D(2020, 11, 30), D(2020, 12, 6), D(2020, 8, 10)),
        ),
    )
    (finding,) = policy.check_date_history(r)
    assert "starts from 30 November 2020, not from 29 November 2020" in finding.message


def test_r10_the_go_live_date_as_of_a_date_replays_the_decisions_up_to_then():
    changes = [change(D(2020, 11, 5), D(2020, 11, 29), D(2020, 7, 10))]
    assert asof.go_live_on(D(2020, 11, 29), changes, D(2020, 7, 9)) == D(2020, 11, 5)
    assert asof.go_live_on(D(2020, 11, 29), changes, D(2020, 7, 10)) == D(2020, 11, 29)
    assert asof.go_live_on(D(2020, 11, 29), [], D(2019, 1, 1)) == D(2020, 11, 29)


# R11 OPSG acceptance view and progress review -------------------------------------------------

OPSG = D(2020, 11, 3)
REVIEW_BY = D(2020, 8, 3)


def system_release(*events):
    return release(
        [item(mod(dcc=True))],
        go_live=D(2020, 11, 29),
        pit_required=True,
        timeline=tuple(
            TimelineFact(pk=i, date=date, event=kind, notes="", kind=kind)
            for i, (kind, date) in enumerate(events, start=1)
        ),
    )


def test_r11_a_system_release_needs_an_opsg_acceptance_view():
    (finding,) = policy.check_acceptance_view(system_release(), D(2020, 5, 26))
    assert (finding.rule, finding.severity) == ("R11", "warning")
    assert finding.url == "/releases/june-2021/timeline/new/"


def test_r11_a_documentation_only_release_needs_no_opsg_view():
    assert policy.check_acceptance_view(release([item(mod())]), D(2020, 5, 26)) == []


def test_r11_a_progress_review_exactly_three_months_before_is_right():
    r = system_release(("opsg_acceptance", OPSG), ("progress_review", REVIEW_BY))
    assert policy.check_acceptance_view(r, D(2020, 5, 26)) == []


def test_r11_a_progress_review_one_day_later_is_too_late():
    r = system_release(("opsg_acceptance", OPSG), ("progress_review", REVIEW_BY + DAY))
    (finding,) = policy.check_acceptance_view(r, D(2020, 5, 26))
    assert "that is by 3 August 2020" in finding.message


def test_r11_a_missing_progress_review_is_a_note_then_a_warning_once_its_date_has_passed():
    r = system_release(("opsg_acceptance", OPSG))
    (before,) = policy.check_acceptance_view(r, REVIEW_BY)
    (after,) = policy.check_acceptance_view(r, REVIEW_BY + DAY)
    assert (before.severity, before.overdue) == ("info", False)
    assert (after.severity, after.overdue) == ("warning", True)


def test_r11_the_opsg_view_must_come_before_go_live():
    r = system_release(("opsg_acceptance", D(2020, 11, 29)), ("progress_review", D(2020, 8, 1)))
    (finding,) = policy.check_acceptance_view(r, D(2020, 5, 26))
    assert finding.severity == "error"


# R12 test strategy -----------------------------------------------------------------------------


def test_r12_dcc_impacting_scope_without_system_tests_is_a_warning():
    (finding,) = policy.check_test_strategy(release([item(mod("MP093", dcc=True))]))
    assert finding.rule == "R12"
    assert finding.message.startswith("June 2021 SEC Release: MP093 impacts the DCC Systems")


def test_r12_system_tests_without_dcc_impacting_scope_is_a_warning():
    (finding,) = policy.check_test_strategy(release([item(mod())], sit_required=True))
    assert "plans SIT but no modification in scope impacts the DCC Systems" in finding.message


def test_r12_a_consistent_test_strategy_says_nothing():
    assert policy.check_test_strategy(release([item(mod(dcc=True))], pit_required=True)) == []
    assert policy.check_test_strategy(release([item(mod())])) == []


# R13 one GBCS uplift a year --------------------------------------------------------------------


def gbcs_release(slug, go_live, ref):
    return release(
        [item(mod(ref, gbcs="yes", dcc=True))], slug=slug, name=f"{slug} release", go_live=go_live
    )


def test_r13_two_releases_with_gbcs_uplifts_in_one_year_are_both_warned():
    june = gbcs_release("june-2021", D(2021, 6, 24), "SECMP0067")
    november = gbcs_release("november-2021", D(2021, 11, 4), "MP078")
    findings = policy.check_gbcs_uplifts([june, november])
    assert [(f.rule, f.release_slug) for f in findings] == [
        ("R13", "june-2021"),
        ("R13", "november-2021"),
    ]
    assert "2021 would have 2 GBCS uplifts" in findings[0].message


def test_r13_gbcs_uplifts_in_different_years_are_fine():
    assert (
        policy.check_gbcs_uplifts(
            [
                gbcs_release("november-2021", D(2021, 11, 4), "MP078"),
                gbcs_release("june-2022", D(2022, 6, 30), "MP099"),
            ]
        )
        == []
    )


def test_r13_a_release_without_gbcs_changes_does_not_count():
    assert (
        policy.check_gbcs_uplifts(
            [gbcs_release("november-2021", D(2021, 11, 4), "MP078"), release([item(mod())])]
        )
        == []
    )


# R15 standard release dates ----------------------------------------------------------------------


def test_r15_a_standard_date_says_nothing_and_another_date_is_a_note():
    assert policy.check_standard_date(release(go_live=D(2021, 6, 24))) == []
    (finding,) = policy.check_standard_date(release(go_live=D(2020, 11, 29)))
    assert (finding.rule, finding.severity) == ("R15", "info")
    assert "goes live on Sunday 29 November 2020, not on a standard release date" in (
        finding.message
    )
    assert "5 November 2020" in finding.message


# All rules together --------------------------------------------------------------------------


def test_a_release_already_live_is_not_checked_against_its_deadlines():
    live = release(**DCC_RELEASE)
    assert policy.check_release(live, GO_LIVE + DAY) == []


def test_findings_come_errors_first():
    r = pending_with_cut_off()
    findings = policy.check_release(r, CUT_OFF + DAY)
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=policy.Severity.ORDER.get)
    assert severities[0] == "error"


def test_decisions_as_of_a_date_replay_the_status():
    m = mod("MP084", decisions=(DecisionFact("cb_recommend_reject", "change_board", CUT_OFF, ""),))
    assert m.change_board_recommendation.kind == "cb_recommend_reject"


# The data as of a date (database) ----------------------------------------------------------


@pytest.fixture
def world(analyst):
    nov = make_release(
        analyst, name="November 2020 SEC Release", slug="november-2020", go_live_date=D(2020, 11, 5)
    )
    feb = make_release(
        analyst, name="February 2021 SEC Release", slug="february-2021", go_live_date=D(2021, 2, 25)
    )
    m = make_modification(analyst, reference="MP084", path="path2", cut_off_date=CUT_OFF)
    for kind, date in [
        ("convert", D(2019, 9, 1)),
        ("report_ready", D(2019, 12, 1)),
        ("report_approved", D(2020, 1, 17)),
        ("cb_recommend_reject", D(2020, 2, 26)),
    ]:
        services.decision_record(actor=analyst, modification=m, kind=kind, date=date)
    scope_item = services.scope_add(
        actor=analyst,
        release=nov,
        modification=m,
        added_on=D(2020, 1, 10),
        reason="Targeted",
        fall_back_release=feb,
    )
    return {"nov": nov, "feb": feb, "mod": m, "item": scope_item}


@pytest.mark.django_db
def test_scope_as_of_a_date_counts_the_day_added_and_not_the_day_removed(analyst, world):
    services.scope_remove(
        actor=analyst, item=world["item"], removed_on=D(2020, 3, 1), reason="Panel decision"
    )

    def refs(date):
        (nov,) = asof.releases_on(date, slugs=["november-2020"])
        return [i.modification.reference for i in nov.scope]

    assert refs(D(2020, 1, 9)) == []
    assert refs(D(2020, 1, 10)) == ["MP084"]
    assert refs(D(2020, 2, 29)) == ["MP084"]
    assert refs(D(2020, 3, 1)) == []


@pytest.mark.django_db
def test_the_go_live_date_as_of_a_date_follows_the_recorded_decisions(analyst, world):
    services.release_update(
        actor=analyst,
        release=world["nov"],
        go_live_date=D(2020, 11, 29),
        reason="DCC request",
        date_decision={"decided_by": "authority", "decision_date": D(2020, 7, 10)},
    )
    assert ReleaseDateChange.objects.count() == 1
    (before,) = asof.releases_on(D(2020, 7, 9), slugs=["november-2020"])
    (after,) = asof.releases_on(D(2020, 7, 10), slugs=["november-2020"])
    assert before.go_live_date == D(2020, 11, 5)
    assert after.go_live_date == D(2020, 11, 29)
    assert policy.check_date_history(after) == []


@pytest.mark.django_db
def test_loading_releases_as_of_a_date_takes_a_fixed_number_of_queries(
    analyst, world, django_assert_num_queries
):
    with django_assert_num_queries(13):  # 6, and 7 reading the field history
        asof.releases_on(D(2020, 5, 26))
    for n in range(5):
        m = make_modification(analyst, reference=f"MP{300 + n}")
        services.decision_record(actor=analyst, modification=m, kind="convert", date=D(2020, 1, 1))
        services.scope_add(
            actor=analyst, release=world["feb"], modification=m, added_on=D(2020, 1, 2), reason="x"
        )
    with django_assert_num_queries(13):  # 6, and 7 reading the field history
        asof.releases_on(D(2020, 5, 26))


# Lapsing to the fall-back release (R7) ----------------------------------------------------------


@pytest.mark.django_db
def test_lapsing_moves_the_modification_to_its_fall_back_release_and_the_rid_says_it_fell_out(
    analyst, world
):
    rid_services.rid_issue_version(
        unreviewed_reason="Issued in a test without review.",
        actor=analyst,
        release=world["nov"],
        kind="draft",
        date=D(2020, 5, 1),
        changes="Draft",
    )
    new = services.scope_lapse(actor=analyst, item=world["item"], lapsed_on=CUT_OFF + DAY)
    old = ScopeItem.objects.get(pk=world["item"].pk)
    assert old.state == ScopeState.FELL_OUT
    assert old.removed_on == CUT_OFF + DAY
    assert "Not approved by its decision cut-off of 22 October 2020" in old.removal_reason
    assert new.release == world["feb"]
    assert new.state == ScopeState.IN_SCOPE
    assert new.cut_off_date is None, "the missed cut-off belonged to the old release"
    (feb,) = asof.releases_on(CUT_OFF + 2 * DAY, slugs=["february-2021"])
    assert feb.scope[0].cut_off_date is None
    (note,) = policy.check_cut_offs(feb, CUT_OFF + 2 * DAY)
    assert (note.rule, note.action) == ("R6", ""), "no lapse again: it needs a new cut-off"
    assert rid_services.rid_draft_changes(world["nov"]) == (
        "Updated following MP084 falling out of scope."
    )


@pytest.mark.django_db
def test_lapsing_without_a_fall_back_release_takes_it_out_of_scope(analyst, world):
    services.scope_item_update(actor=analyst, item=world["item"], fall_back_release=None)
    assert services.scope_lapse(actor=analyst, item=world["item"], lapsed_on=CUT_OFF + DAY) is None
    assert ScopeItem.objects.get(pk=world["item"].pk).state == ScopeState.FELL_OUT
    assert not ScopeItem.objects.filter(release=world["feb"]).exists()


@pytest.mark.django_db
def test_a_modification_cannot_lapse_on_its_cut_off_day(analyst, world):
    with pytest.raises(ValidationError, match="it can lapse only after that day"):
        services.scope_lapse(actor=analyst, item=world["item"], lapsed_on=CUT_OFF)
    assert ScopeItem.objects.get(pk=world["item"].pk).state == ScopeState.IN_SCOPE


@pytest.mark.django_db
def test_an_approved_modification_cannot_lapse(analyst, world):
    services.decision_record(
        actor=analyst, modification=world["mod"], kind="authority_approve", date=D(2020, 10, 1)
    )
    with pytest.raises(ValidationError, match="stays in the scope"):
        services.scope_lapse(actor=analyst, item=world["item"], lapsed_on=CUT_OFF + DAY)


@pytest.mark.django_db
def test_a_modification_without_a_cut_off_cannot_lapse(analyst, world):
    m = make_modification(analyst, reference="MP088")
    other = services.scope_add(
        actor=analyst, release=world["nov"], modification=m, added_on=D(2020, 1, 10), reason="x"
    )
    with pytest.raises(ValidationError, match="no decision cut-off"):
        services.scope_lapse(actor=analyst, item=other, lapsed_on=D(2020, 11, 1))


def test_r1_a_planned_baseline_date_that_has_passed_is_not_a_baseline():
    """Issue "Records the Panel can trust": a date on the release is a plan until the Panel's
    baseline is recorded."""
    r = release(system_baseline_date=SYSTEM_DEADLINE, planned=True, **DCC_RELEASE)
    (finding,) = r1(policy.check_scope_deadlines(r, D(2020, 7, 1)))
    assert finding.overdue
    assert "the Panel has not baselined it yet (planned for 24 June 2020)" in finding.message
