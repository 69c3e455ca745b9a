import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from modifications.models import Event
from releases import services
from releases.models import (
    DccImpact,
    GlossaryEntry,
    PartyImpact,
    ReleaseDateChange,
    ScopeItem,
    ScopeState,
    SecasCostLine,
    TimelineEvent,
)
from releases.policy import rules
from tests.factories import make_modification, make_release

pytestmark = pytest.mark.django_db

D = datetime.date
GO_LIVE = D(2021, 6, 24)  # June 2021: DCC System deadline 24 Jun 2020, documentation 24 Dec 2020


@pytest.fixture
def release(analyst):
    return make_release(analyst, go_live_date=GO_LIVE)


@pytest.fixture
def other_release(analyst):
    return make_release(
        analyst,
        name="November 2021 SEC Release",
        slug="november-2021",
        go_live_date=D(2021, 11, 4),
    )


def add(analyst, release, modification, on, **kwargs):
    return services.scope_add(
        actor=analyst,
        release=release,
        modification=modification,
        added_on=on,
        reason=kwargs.pop("reason", "Panel baselined the scope"),
        **kwargs,
    )


# R15 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2019, [D(2019, 2, 28), D(2019, 6, 27), D(2019, 11, 7)]),
        (2021, [D(2021, 2, 25), D(2021, 6, 24), D(2021, 11, 4)]),
        (2022, [D(2022, 2, 24), D(2022, 6, 30), D(2022, 11, 3)]),
        (2024, [D(2024, 2, 29), D(2024, 6, 27), D(2024, 11, 7)]),
    ],
)
def test_standard_release_dates_are_last_thursdays_of_february_and_june_and_first_of_november(
    year, expected
):
    dates = rules.standard_release_dates(year)
    assert dates == expected
    assert all(d.weekday() == 3 for d in dates)


# Scope deadlines (R1, R2, R4) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("impacts_dcc_systems", "deadline"),
    [(True, D(2020, 6, 24)), (False, D(2020, 12, 24))],
    ids=["R1 DCC System 12 months", "R2 documentation 6 months"],
)
def test_scope_add_after_the_deadline_is_flagged_as_an_exception(
    analyst, release, impacts_dcc_systems, deadline
):
    modification = make_modification(analyst, impacts_dcc_systems=impacts_dcc_systems)
    item = add(
        analyst,
        release,
        modification,
        deadline + datetime.timedelta(days=1),
        exception_reason="Panel agreed on 29 January 2021",
    )
    item.refresh_from_db()
    assert item.added_after_deadline is True
    assert item.exception_reason == "Panel agreed on 29 January 2021"
    event = Event.objects.about(release).get(action="scope.added")
    assert "after the scope deadline (exception)" in event.summary
    assert event.data["late"] is True


@pytest.mark.parametrize(
    ("impacts_dcc_systems", "deadline"),
    [(True, D(2020, 6, 24)), (False, D(2020, 12, 24))],
    ids=["R1 DCC System 12 months", "R2 documentation 6 months"],
)
def test_scope_add_exactly_on_the_deadline_is_not_late(
    analyst, release, impacts_dcc_systems, deadline
):
    modification = make_modification(analyst, impacts_dcc_systems=impacts_dcc_systems)
    item = add(analyst, release, modification, deadline)
    assert item.added_after_deadline is False


def test_a_documentation_only_addition_seven_months_ahead_is_fine_but_a_system_one_is_late(
    analyst, release
):
    on = D(2020, 11, 24)
    docs = add(analyst, release, make_modification(analyst, reference="MP146"), on)
    system = add(
        analyst,
        release,
        make_modification(analyst, reference="SECMP0067", impacts_dcc_systems=True),
        on,
        exception_reason="Added by the Panel as an exception",
    )
    assert docs.added_after_deadline is False
    assert system.added_after_deadline is True


def test_scope_add_needs_a_reason(analyst, release):
    with pytest.raises(ValidationError) as exc:
        add(analyst, release, make_modification(analyst), D(2020, 6, 1), reason="  ")
    assert "reason" in exc.value.message_dict
    assert not ScopeItem.objects.exists()


def test_a_rejected_modification_cannot_join_a_scope(analyst, release):
    modification = make_modification(analyst, status="rejected")
    with pytest.raises(ValidationError, match="cannot join a release scope"):
        add(analyst, release, modification, D(2020, 6, 1))


def test_the_same_modification_cannot_be_in_scope_twice_but_another_part_can(analyst, release):
    modification = make_modification(analyst, reference="SECMP0007")
    add(analyst, release, modification, D(2020, 6, 1), part_label="DSP changes")
    with pytest.raises(ValidationError, match="already in the scope"):
        add(analyst, release, modification, D(2020, 6, 2), part_label="DSP changes")
    add(analyst, release, modification, D(2020, 6, 2), part_label="CTSD legal text")
    assert ScopeItem.objects.filter(state=ScopeState.IN_SCOPE).count() == 2


# Remove, move, fall out -----------------------------------------------------------------------


def test_scope_remove_keeps_the_row_with_date_and_reason(analyst, release):
    item = add(analyst, release, make_modification(analyst), D(2020, 6, 1))
    services.scope_remove(
        actor=analyst, item=item, removed_on=D(2020, 9, 1), reason="Panel decided to defer it"
    )
    item.refresh_from_db()
    assert item.state == ScopeState.REMOVED
    assert item.removed_on == D(2020, 9, 1)
    assert item.removal_reason == "Panel decided to defer it"
    event = Event.objects.about(release).get(action="scope.removed")
    assert event.reason == "Panel decided to defer it"
    assert event.actor == analyst


def test_scope_remove_before_it_was_added_is_refused(analyst, release):
    item = add(analyst, release, make_modification(analyst), D(2020, 6, 1))
    with pytest.raises(ValidationError) as exc:
        services.scope_remove(actor=analyst, item=item, removed_on=D(2020, 5, 1), reason="x")
    assert "removed_on" in exc.value.message_dict
    item.refresh_from_db()
    assert item.state == ScopeState.IN_SCOPE


def test_scope_remove_twice_is_refused(analyst, release):
    item = add(analyst, release, make_modification(analyst), D(2020, 6, 1))
    services.scope_remove(actor=analyst, item=item, removed_on=D(2020, 9, 1), reason="x")
    with pytest.raises(ValidationError, match="no longer in this scope"):
        services.scope_remove(actor=analyst, item=item, removed_on=D(2020, 9, 2), reason="y")


def test_scope_move_takes_it_out_here_and_adds_it_there_with_the_reason(
    analyst, release, other_release
):
    modification = make_modification(analyst, reference="MP138")
    item = add(analyst, release, modification, D(2020, 12, 1), part_label="part 1")
    old, new = services.scope_move(
        actor=analyst,
        item=item,
        to_release=other_release,
        moved_on=D(2021, 4, 30),
        reason="Not approved by its cut-off",
        fell_out=True,
    )
    old.refresh_from_db()
    assert old.state == ScopeState.FELL_OUT
    assert old.removed_on == D(2021, 4, 30)
    assert new.release == other_release
    assert new.state == ScopeState.IN_SCOPE
    assert new.part_label == "part 1"
    assert new.added_on == D(2021, 4, 30)
    assert Event.objects.about(release).filter(action="scope.fell_out").exists()
    added = Event.objects.about(other_release).get(action="scope.added")
    assert added.reason == "Moved from June 2021 SEC Release: Not approved by its cut-off"


def test_scope_move_without_falling_out_is_recorded_as_moved(analyst, release, other_release):
    item = add(analyst, release, make_modification(analyst), D(2020, 12, 1))
    old, _new = services.scope_move(
        actor=analyst, item=item, to_release=other_release, moved_on=D(2021, 1, 5), reason="x"
    )
    assert old.state == ScopeState.MOVED


def test_scope_move_to_the_same_release_is_refused(analyst, release):
    item = add(analyst, release, make_modification(analyst), D(2020, 12, 1))
    with pytest.raises(ValidationError) as exc:
        services.scope_move(
            actor=analyst, item=item, to_release=release, moved_on=D(2021, 1, 5), reason="x"
        )
    assert "to_release" in exc.value.message_dict


def test_scope_item_update_records_what_changed(analyst, release, other_release):
    item = add(analyst, release, make_modification(analyst), D(2020, 12, 1))
    services.scope_item_update(
        actor=analyst,
        item=item,
        reason="Modification Report sets the cut-off",
        cut_off_date=D(2021, 3, 1),
        fall_back_release=other_release,
    )
    item.refresh_from_db()
    assert item.cut_off_date == D(2021, 3, 1)
    assert item.fall_back_release == other_release
    event = Event.objects.about(release).get(action="scope.updated")
    assert set(event.changes) == {"cut_off_date", "fall_back_release"}


# Decisions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "path", "body"),
    [
        ("cb_reject", "change_board", "path3", "Change Board"),
        ("authority_reject", "with_authority", "path2", "Authority"),
        ("withdraw", "refinement", "path3", "Proposer"),
    ],
)
def test_a_rejection_or_withdrawal_removes_it_from_every_scope_with_the_decision_as_reason(
    analyst, release, other_release, kind, status, path, body
):
    modification = make_modification(analyst, reference="SECMP0067", status=status, path=path)
    here = add(analyst, release, modification, D(2020, 6, 1))
    there = add(analyst, other_release, modification, D(2020, 6, 1), part_label="part 2")
    services.decision_record(
        actor=analyst, modification=modification, kind=kind, date=D(2020, 11, 20)
    )
    for item in (here, there):
        item.refresh_from_db()
        assert item.state == ScopeState.REMOVED
        assert item.removed_on == D(2020, 11, 20)
        assert item.removal_reason.startswith(body)
        assert "20 November 2020" in item.removal_reason
    assert Event.objects.about(release).filter(action="scope.removed").count() == 1
    assert Event.objects.about(other_release).filter(action="scope.removed").count() == 1


def test_an_approval_leaves_the_scope_as_it_is(analyst, release):
    modification = make_modification(analyst, status="change_board", path="path3")
    item = add(analyst, release, modification, D(2020, 6, 1))
    services.decision_record(
        actor=analyst, modification=modification, kind="cb_approve", date=D(2020, 7, 22)
    )
    item.refresh_from_db()
    assert item.state == ScopeState.IN_SCOPE


# Go-live date (R10) -----------------------------------------------------------------------------


def test_moving_the_go_live_date_without_a_decision_is_refused(analyst, release):
    with pytest.raises(ValidationError) as exc:
        services.release_update(
            actor=analyst, release=release, go_live_date=D(2021, 6, 27), reason="DCC asked"
        )
    assert "go_live_date" in exc.value.message_dict
    release.refresh_from_db()
    assert release.go_live_date == GO_LIVE
    assert not ReleaseDateChange.objects.exists()


def test_moving_the_go_live_date_with_a_decision_keeps_the_history(analyst, release):
    services.release_update(
        actor=analyst,
        release=release,
        go_live_date=D(2021, 6, 27),
        reason="COVID-19 risk to the DCC's Service Providers",
        date_decision={"decided_by": "authority", "decision_date": D(2021, 2, 1)},
    )
    release.refresh_from_db()
    assert release.go_live_date == D(2021, 6, 27)
    change = ReleaseDateChange.objects.get()
    assert (change.old_date, change.new_date, change.decided_by) == (
        GO_LIVE,
        D(2021, 6, 27),
        "authority",
    )
    assert TimelineEvent.objects.get(release=release, kind="go_live").date == D(2021, 6, 27)
    event = Event.objects.about(release).get(action="release.updated")
    assert event.changes["go_live_date"] == ["2021-06-24", "2021-06-27"]


def test_editing_other_fields_needs_no_decision(analyst, release):
    services.release_update(actor=analyst, release=release, sec_version="v40.0", reason="")
    release.refresh_from_db()
    assert release.sec_version == "v40.0"


def test_release_create_makes_the_five_party_rows_and_the_standard_timeline(analyst):
    release = make_release(
        analyst, system_baseline_date=D(2020, 7, 17), full_baseline_date=D(2020, 12, 11)
    )
    assert sorted(release.party_impacts.values_list("participant", flat=True)) == sorted(
        ["all", "suppliers", "electricity", "gas", "other"]
    )
    assert list(release.timeline.values_list("kind", flat=True)) == [
        "system_baseline",
        "full_baseline",
        "go_live",
    ]
    assert Event.objects.about(release).get().action == "release.created"


def test_release_create_with_a_baseline_after_go_live_is_refused(analyst):
    with pytest.raises(ValidationError):
        make_release(analyst, full_baseline_date=D(2021, 7, 1))
    assert not Event.objects.exists()


# Parts ----------------------------------------------------------------------------------------


def test_release_part_save_refuses_a_negative_cost(analyst, release):
    with pytest.raises(ValidationError):
        services.release_part_save(
            actor=analyst,
            release=release,
            model=SecasCostLine,
            activity="project management of the release",
            effort_days=Decimal("5"),
            cost=Decimal("-3000"),
        )
    assert not SecasCostLine.objects.exists()
    assert not Event.objects.about(release).filter(action__startswith="release.secas").exists()


def test_release_part_save_refuses_negative_effort(analyst, release):
    with pytest.raises(ValidationError):
        services.release_part_save(
            actor=analyst,
            release=release,
            model=SecasCostLine,
            activity="x",
            effort_days=Decimal("-1"),
            cost=Decimal("0"),
        )
    assert not SecasCostLine.objects.exists()


def test_release_part_save_adds_and_edits_with_events(analyst, release):
    line = services.release_part_save(
        actor=analyst,
        release=release,
        model=SecasCostLine,
        activity="to update and implement the changes to the SEC",
        effort_days=Decimal("2"),
        cost=Decimal("1200"),
        reason="SECAS estimate",
    )
    services.release_part_save(
        actor=analyst,
        release=release,
        model=SecasCostLine,
        instance=line,
        cost=Decimal("1250"),
        reason="Day rate",
    )
    line.refresh_from_db()
    assert line.cost == Decimal("1250")
    actions = list(
        Event.objects.about(release)
        .filter(action__startswith="release.secascostline")
        .values_list("action", flat=True)
    )
    assert sorted(actions) == ["release.secascostline_added", "release.secascostline_updated"]


def test_a_part_of_another_release_cannot_be_edited_through_this_one(
    analyst, release, other_release
):
    impact = services.release_part_save(
        actor=analyst, release=other_release, model=DccImpact, area="Testing", summary="x"
    )
    with pytest.raises(ValidationError, match="belongs to another release"):
        services.release_part_save(
            actor=analyst, release=release, model=DccImpact, instance=impact, area="y"
        )


def test_the_five_party_impact_rows_cannot_be_deleted(analyst, release):
    row = PartyImpact.objects.filter(release=release).first()
    with pytest.raises(ValidationError, match="fixed"):
        services.release_part_delete(actor=analyst, release=release, instance=row)
    assert PartyImpact.objects.filter(release=release).count() == 5


def test_release_part_delete_records_the_old_values(analyst, release):
    impact = services.release_part_save(
        actor=analyst, release=release, model=DccImpact, area="Operational changes", summary="x"
    )
    services.release_part_delete(actor=analyst, release=release, instance=impact, reason="Wrong")
    assert not DccImpact.objects.exists()
    event = Event.objects.about(release).get(action="release.dccimpact_deleted")
    assert event.changes["area"] == ["Operational changes", None]
    assert event.reason == "Wrong"


# Change Requests and glossary -------------------------------------------------------------------


def test_a_change_request_is_added_alongside_once(analyst, release):
    from tests.factories import ChangeRequestFactory

    cr = ChangeRequestFactory(reference="CR1145")
    services.release_change_request_add(actor=analyst, release=release, change_request=cr)
    with pytest.raises(ValidationError, match="already alongside"):
        services.release_change_request_add(actor=analyst, release=release, change_request=cr)
    services.release_change_request_remove(
        actor=analyst, release=release, change_request=cr, reason="DCC re-planned"
    )
    assert not release.change_requests.exists()
    assert (
        Event.objects.about(release).filter(action__startswith="release.change_request").count()
        == 2
    )


def test_glossary_refuses_a_duplicate_acronym(analyst):
    services.glossary_entry_save(actor=analyst, acronym="SEC", full_term="Smart Energy Code")
    with pytest.raises(ValidationError) as exc:
        services.glossary_entry_save(actor=analyst, acronym="SEC", full_term="Other")
    assert "acronym" in exc.value.message_dict
    assert GlossaryEntry.objects.count() == 1
