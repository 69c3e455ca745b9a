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
    assert [(c.kind, c.what) for c in result.in_field("modifications")] == [
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
    changes = [(c.kind, c.what, c.before, c.after) for c in result.in_field("modifications")]
    label = "MP160 \u2018Follow up\u2019"
    assert ("changed", f"{label}: reference", "DP160", "MP160") in changes
    assert ("changed", f"{label}: state", "targeted, Development Stage", "approved") in changes
    assert not [c for c in changes if c[0] in ("added", "removed")]


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
        (c.what, c.before, c.after) for c in result.section("cover")
    ]
    assert ("Timeline: Release go-live: date", "24 June 2021", "25 June 2021") in [
        (c.what, c.before, c.after) for c in result.section("timeline")
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
    assert [(c.what, c.before, c.after) for c in result.section("impacts")] == [
        ("Participant matrix: MP147 \u00d7 Suppliers", "not impacted", "impacted")
    ]
    assert [(c.what, c.before, c.after) for c in result.section("costs")] == [
        (
            "SECAS: to update and implement the changes to the SEC",
            "two days, around \u00a31,200",
            "three days, around \u00a31,800",
        )
    ]
    assert [(c.kind, c.after) for c in result.section("criteria")] == [
        ("added", "OPSG agrees the release can go live.")
    ]
    html = render(result)
    assert (
        "Changed:</span> Participant matrix: MP147 \u00d7 Suppliers from <del>not impacted</del> "
        "to <ins>impacted</ins>" in html
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
    assert change.what == "MP147 \u2018SMKI Full Extract\u2019: scope summary"
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
            unreviewed_reason="Issued in a test without review.",
            actor=analyst,
            release=june,
            kind=kind,
            date=D(2020, 7, day),
            changes=text,
        )
    old = build_rid(june, version="0.1", version_date=D(2020, 7, 10), changes="First")
    new = build_rid(june, version="2.0", version_date=D(2020, 8, 1), changes="Third")
    assert [h.number for h in diff(old, new).history] == ["1.0", "2.0"]


# -- nothing the document prints can be missed ------------------------------------------------


def test_a_modification_newly_ticked_against_a_sec_document_is_named(june, analyst):
    from modifications.models import SECDocument

    before = version(june, "3.0")
    mod = Modification.objects.get(reference="MP147")
    section_h = SECDocument.objects.get(kind="section", code="H")
    mod.sec_documents.add(section_h)
    result = diff(before, version(june, "4.0"))
    whats = [(c.kind, c.what, c.after) for c in result.section("impacts")]
    assert ("changed", "SEC document impacts: Section H \u00d7 MP147", "impacted") in whats


def _leaves(value, path=()):
    """(path, value) of every leaf of a Rid's JSON."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    else:
        yield path, value


def _changed(path, value):
    if isinstance(value, bool):
        return not value
    if path[-1] in ("go_live_date", "date", "end_date"):  # end_date: None for a single day
        return (
            datetime.date.fromisoformat(value or "2021-07-30") + datetime.timedelta(days=1)
        ).isoformat()
    if path[-1] in ("cost", "effort_days", "dcc_cost"):
        return str(Decimal(value or "0") + 1)
    if isinstance(value, int):
        return value + 1
    return f"{value} (changed)"


def _set(data, path, value):
    target = data
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value


def test_changing_any_leaf_of_a_rid_is_named_by_the_diff(june, analyst):
    """Every leaf of a sample Rid, changed in turn (texts, ticks, dates, costs, matrix cells,
    Change Requests, glossary...): the comparison names the field it is in."""
    import copy

    from releases.models import DccImpact, OtherCodeImpact, TimelineEvent
    from releases.rid.diff import NOT_COMPARED
    from releases.rid.document import Rid

    cr = register.change_request_create(actor=analyst, reference="CR1145", title="APLC")
    services.release_change_request_add(actor=analyst, release=june, change_request=cr)
    services.release_part_save(
        actor=analyst, release=june, model=OtherCodeImpact, code="BSC", summary="None expected."
    )
    services.release_part_save(
        actor=analyst, release=june, model=DccImpact, area="Testing", summary="A\nB"
    )
    services.release_part_save(
        actor=analyst,
        release=june,
        model=TimelineEvent,
        date=D(2021, 3, 1),
        event="Progress review",
        notes="Preliminary",
        kind="progress_review",
    )
    services.release_update(
        actor=analyst,
        release=june,
        dcc_cost=Decimal(100),
        test_strategy_text="All tested well by the DCC.",
    )
    base = build_rid(june, version="1.0", version_date=D(2021, 1, 1), changes="x").to_json()
    top_level = {
        "approved": "modifications",
        "targeted": "modifications",
        "document_matrix_columns": "document_matrix",  # columns are compared with the cells
    }
    checked = 0
    for path, value in _leaves(base):
        if path[0] in NOT_COMPARED:
            continue
        data = copy.deepcopy(base)
        _set(data, path, _changed(path, value))
        result = diff(Rid.from_json(base), Rid.from_json(data))
        field = top_level.get(path[0], path[0])
        assert result.in_field(field), f"changing {path} is not named: {result.changes}"
        checked += 1
    assert checked > 100


def test_every_rid_field_is_compared_or_said_not_to_be():
    from releases.rid.diff import NOT_COMPARED, SECTIONS
    from releases.rid.document import Rid

    compared = [f for _k, _h, fields in SECTIONS for f in fields]
    assert sorted(compared + list(NOT_COMPARED)) == sorted(f.name for f in dataclasses.fields(Rid))
