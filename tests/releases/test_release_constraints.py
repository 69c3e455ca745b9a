"""The database refuses invalid release rows by named constraints, whatever code writes them.
Rows are written directly here (not through the services) to reach the database."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from modifications.models import Modification
from releases.models import (
    AcceptanceCriterion,
    GlossaryEntry,
    PartyImpact,
    Release,
    ReleaseDateChange,
    ScopeItem,
    SecasCostLine,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def refused(constraint):
    """Expect the database to refuse the block's write, naming the constraint."""

    class _Refused:
        def __enter__(self):
            self.raises = pytest.raises(IntegrityError, match=constraint)
            self.raises.__enter__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc):
            self.atomic.__exit__(*exc)
            return self.raises.__exit__(*exc)

    return _Refused()


@pytest.fixture
def release(db):
    return Release.objects.create(
        name="June 2021 SEC Release", slug="june-2021", go_live_date=D(2021, 6, 24)
    )


@pytest.fixture
def other(db):
    return Release.objects.create(
        name="November 2021 SEC Release", slug="november-2021", go_live_date=D(2021, 11, 4)
    )


@pytest.fixture
def modification(db):
    return Modification.objects.create(reference="MP106", number=106, title="CHISM update")


def item(release, modification, **fields):
    fields.setdefault("added_on", D(2020, 12, 1))
    return ScopeItem.objects.create(release=release, modification=modification, **fields)


@pytest.mark.parametrize(
    ("field", "constraint"),
    [
        ("system_baseline_date", "release_system_baseline_before_go_live"),
        ("full_baseline_date", "release_full_baseline_before_go_live"),
    ],
)
@pytest.mark.parametrize("baseline", [D(2021, 6, 24), D(2021, 7, 1)], ids=["same day", "after"])
def test_a_baseline_on_or_after_go_live_is_refused(db, field, constraint, baseline):
    with refused(constraint):
        Release.objects.create(name="x", slug="x", go_live_date=D(2021, 6, 24), **{field: baseline})


def test_a_baseline_before_go_live_is_accepted(db):
    Release.objects.create(
        name="x",
        slug="x",
        go_live_date=D(2021, 6, 24),
        system_baseline_date=D(2020, 7, 17),
        full_baseline_date=D(2020, 12, 11),
    )


def test_a_negative_dcc_cost_is_refused(db):
    with refused("release_dcc_cost_not_negative"):
        Release.objects.create(
            name="x", slug="x", go_live_date=D(2021, 6, 24), dcc_cost=Decimal("-1")
        )


def test_an_unknown_classification_is_refused(db):
    with refused("release_classification_valid"):
        Release.objects.create(
            name="x", slug="x", go_live_date=D(2021, 6, 24), classification="pink"
        )


def test_a_duplicate_slug_is_refused(release):
    with refused("release_unique_slug"):
        Release.objects.create(name="Another", slug="june-2021", go_live_date=D(2021, 6, 25))


def test_a_duplicate_name_is_refused(release):
    with refused("release_unique_name"):
        Release.objects.create(
            name="June 2021 SEC Release", slug="june-2021-b", go_live_date=D(2021, 6, 25)
        )


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        (
            {"effort_days": Decimal("-0.5"), "cost": Decimal("0")},
            "secascostline_effort_not_negative",
        ),
        ({"effort_days": Decimal("1"), "cost": Decimal("-600")}, "secascostline_cost_not_negative"),
    ],
)
def test_negative_secas_effort_or_cost_is_refused(release, fields, constraint):
    with refused(constraint):
        SecasCostLine.objects.create(release=release, activity="x", **fields)


def test_a_modification_is_in_a_scope_once_per_part(release, modification):
    item(release, modification)
    item(release, modification, part_label="part 2")
    with refused("scopeitem_unique_active"):
        item(release, modification)


def test_a_modification_can_come_back_into_scope_after_leaving_it(release, modification):
    item(release, modification, state="removed", removed_on=D(2021, 1, 1))
    item(release, modification, added_on=D(2021, 2, 1))
    assert ScopeItem.objects.count() == 2


def test_an_item_in_scope_cannot_have_a_removal_date(release, modification):
    with refused("scopeitem_removed_on_iff_out"):
        item(release, modification, removed_on=D(2021, 1, 1))


@pytest.mark.parametrize("state", ["fell_out", "removed", "moved"])
def test_an_item_out_of_scope_must_have_a_removal_date(release, modification, state):
    with refused("scopeitem_removed_on_iff_out"):
        item(release, modification, state=state)


def test_an_item_cannot_leave_before_it_joined(release, modification):
    with refused("scopeitem_removed_after_added"):
        item(release, modification, state="removed", removed_on=D(2020, 11, 1))


def test_an_unknown_scope_state_is_refused(release, modification):
    with refused("scopeitem_state_valid"):
        item(release, modification, state="maybe", removed_on=D(2021, 1, 1))


def test_the_fall_back_release_is_another_release(release, modification):
    with refused("scopeitem_fall_back_is_another_release"):
        item(release, modification, fall_back_release=release)


def test_a_go_live_date_change_must_move_the_date(release, analyst):
    with refused("releasedatechange_date_moves"):
        ReleaseDateChange.objects.create(
            release=release,
            old_date=D(2021, 6, 24),
            new_date=D(2021, 6, 24),
            decided_by="authority",
            decision_date=D(2021, 1, 1),
            reason="x",
            recorded_by=analyst,
        )


def test_a_go_live_date_change_is_decided_by_the_authority_or_the_panel(release, analyst):
    with refused("releasedatechange_decided_by_valid"):
        ReleaseDateChange.objects.create(
            release=release,
            old_date=D(2021, 6, 24),
            new_date=D(2021, 6, 27),
            decided_by="dcc",
            decision_date=D(2021, 1, 1),
            reason="x",
            recorded_by=analyst,
        )


def test_each_participant_row_is_once_per_release(release):
    PartyImpact.objects.create(release=release, participant="gas")
    with refused("partyimpact_unique_participant"):
        PartyImpact.objects.create(release=release, participant="gas")


def test_acceptance_criteria_numbers_are_unique_per_release(release):
    AcceptanceCriterion.objects.create(release=release, position=1, text="a")
    with refused("acceptancecriterion_unique_position"):
        AcceptanceCriterion.objects.create(release=release, position=1, text="b")


def test_an_acronym_is_in_the_glossary_once(db):
    GlossaryEntry.objects.create(acronym="SEC", full_term="Smart Energy Code")
    with refused("glossaryentry_unique_acronym"):
        GlossaryEntry.objects.create(acronym="SEC", full_term="Smart Energy Code")
