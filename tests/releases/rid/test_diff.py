"""Comparing two RID versions: a pure function of two Rid values."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from modifications import services as register
from modifications.models import Modification
from releases import services
from releases.models import AcceptanceCriterion, SecasCostLine
from releases.rid import services as rid_services
from releases.rid.diff import diff, word_diff
from releases.rid.document import build_rid
from tests.releases.rid_data import june_2021

D = datetime.date


@pytest.fixture
def june(analyst):
    return june_2021(analyst, approved=False)


def version(release, number):
    return build_rid(release, version=number, version_date=D(2021, 1, 1), changes="x")


def render(changes):
    return " ".join(render_to_string("releases/rid/_diff.html", {"diff": changes}).split())


def test_two_identical_versions_have_no_changes(june):
    rid = version(june, "1.0")
    result = diff(rid, dataclasses.replace(rid, version="2.0"))
    assert result.is_empty
    assert "The content of the document is the same in both versions." in render(result)


def test_scope_added_and_removed_are_listed_with_labels(june, analyst):
    before = version(june, "2.0")
    item = june.scope_items.get(modification__reference="MP147")
    services.scope_fall_out(actor=analyst, item=item, fell_out_on=D(2021, 3, 5), reason="Cut-off")
    mod = register.modification_create(actor=analyst, reference="DP160", title="Follow up")
    services.scope_add(
        actor=analyst,
        release=june,
        modification=mod,
        added_on=D(2021, 3, 1),
        reason="Panel",
        exception_reason="Added by the Panel as an exception",
    )
    result = diff(before, version(june, "5.0"))
    assert [(c.kind, c.what) for c in result.scope] == [
        ("added", "DP160 \u2018Follow up\u2019"),
        ("removed", "MP147 \u2018SMKI Full Extract\u2019"),
    ]
    html = render(result)
    assert "Added:</span> <ins>DP160" in html
    assert "Removed:</span> <del>MP147" in html


def test_a_draft_proposal_converted_and_approved_is_the_same_modification(june, analyst):
    mod = register.modification_create(
        actor=analyst, reference="DP160", title="Follow up", path="fast_track"
    )
    services.scope_add(
        actor=analyst,
        release=june,
        modification=mod,
        added_on=D(2021, 3, 1),
        reason="Panel",
        exception_reason="Added by the Panel as an exception",
    )
    before = version(june, "5.0")
    services.decision_record(
        actor=analyst, modification=mod, kind="fast_track", date=D(2021, 4, 16)
    )
    result = diff(before, version(june, "7.0"))
    assert result.scope == ()
    assert ("MP160 (reference)", "DP160", "MP160") in [
        (c.what, c.before, c.after) for c in result.statuses
    ]
    assert ("MP160", "targeted, Development Stage", "approved") in [
        (c.what, c.before, c.after) for c in result.statuses
    ]


def test_a_moved_go_live_date_and_timeline_are_dates_moved(june, analyst):
    before = version(june, "3.0")
    services.release_update(
        actor=analyst,
        release=june,
        go_live_date=D(2021, 6, 25),
        reason="DCC asked",
        date_decision={"decided_by": "authority", "decision_date": D(2021, 2, 1)},
    )
    result = diff(before, version(june, "4.0"))
    assert ("Go-live", "24 June 2021", "25 June 2021") in [
        (c.what, c.before, c.after) for c in result.dates
    ]
    assert ("Release go-live", "24 Jun 2021", "25 Jun 2021") in [
        (c.what, c.before, c.after) for c in result.dates
    ]


def test_impacts_costs_and_criteria_changes_are_listed(june, analyst):
    before = version(june, "3.0")
    mod = Modification.objects.get(reference="MP147")
    register.modification_update(actor=analyst, modification=mod, impacts_suppliers=True)
    line = june.secas_costs.get(position=1)
    services.release_part_save(
        actor=analyst,
        release=june,
        model=SecasCostLine,
        instance=line,
        effort_days=Decimal(3),
        cost=Decimal(1800),
    )
    services.release_part_save(
        actor=analyst,
        release=june,
        model=AcceptanceCriterion,
        position=3,
        text="OPSG agrees the release can go live.",
    )
    result = diff(before, version(june, "4.0"))
    assert [(c.what, c.before, c.after) for c in result.impacts] == [
        ("MP147: Suppliers", "not impacted", "impacted")
    ]
    assert [(c.what, c.before, c.after) for c in result.costs] == [
        (
            "SECAS: to update and implement the changes to the SEC",
            "two days, around \u00a31,200",
            "three days, around \u00a31,800",
        )
    ]
    assert [(c.kind, c.after) for c in result.criteria] == [
        ("added", "OPSG agrees the release can go live.")
    ]
    html = render(result)
    assert (
        "Changed:</span> MP147: Suppliers from <del>not impacted</del> to <ins>impacted</ins>"
        in html
    )


def test_prose_changes_are_word_level_with_text_labels(june, analyst):
    before = version(june, "3.0")
    mod = Modification.objects.get(reference="MP147")
    register.modification_update(
        actor=analyst,
        modification=mod,
        rid_summary="will amend the frequency for which the DCC must produce full Smart Metering "
        "Key Infrastructure (SMKI) extract, from a daily to a monthly basis.",
    )
    result = diff(before, version(june, "4.0"))
    [change] = result.prose
    assert change.what == "MP147: scope summary"
    assert [(s.op, s.text) for s in change.segments if s.op != "equal"] == [
        ("delete", "weekly"),
        ("insert", "monthly"),
    ]
    html = render(result)
    assert '[<span class="diff-label">Removed:</span> <del>weekly</del>]' in html
    assert '[<span class="diff-label">Added:</span> <ins>monthly</ins>]' in html


def test_word_diff_keeps_the_spacing_of_both_texts():
    segments = word_diff("the quick brown fox", "the slow brown fox jumps")
    before = "".join(s.text for s in segments if s.op != "insert")
    after = "".join(s.text for s in segments if s.op != "delete")
    assert before == "the quick brown fox"
    assert after == "the slow brown fox jumps"


def test_the_versions_issued_in_between_are_part_of_the_comparison(june, analyst):
    for kind, day, text in [("draft", 10, "First"), ("issued", 20, "Second")]:
        rid_services.rid_issue_version(
            actor=analyst, release=june, kind=kind, date=D(2020, 7, day), changes=text
        )
    old = build_rid(june, version="0.1", version_date=D(2020, 7, 10), changes="First")
    new = build_rid(june, version="2.0", version_date=D(2020, 8, 1), changes="Third")
    assert [h.number for h in diff(old, new).history] == ["1.0", "2.0"]
