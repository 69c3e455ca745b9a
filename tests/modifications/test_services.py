import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from modifications import lifecycle
from modifications.models import DecisionKind, Event, Modification, Status
from modifications.references import parse_modification_reference
from tests.factories import make_modification

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("mp 106", "MP106"),
        (" MP106 ", "MP106"),
        ("mp102a", "MP102A"),
        ("secmp 7", "SECMP0007"),
        ("SECMP0067", "SECMP0067"),
        ("dp124", "DP124"),
        ("MP78", "MP078"),
    ],
)
def test_references_are_normalised(typed, expected):
    assert str(parse_modification_reference(typed)) == expected


@pytest.mark.parametrize("typed", ["", "XY106", "MP", "DP124A", "MP12345", "MP 0"])
def test_malformed_references_are_refused_with_a_message(analyst, typed):
    with pytest.raises(ValidationError) as exc:
        make_modification(analyst, reference=typed)
    assert "reference" in exc.value.message_dict
    assert not Modification.objects.exists()


def test_create_records_who_what_and_why(analyst):
    modification = make_modification(analyst, reference="mp 106", reason="New DP raised")
    assert modification.reference == "MP106"
    event = Event.objects.about(modification).get()
    assert event.actor == analyst
    assert event.reason == "New DP raised"
    assert event.action == "modification.created"


def test_duplicate_reference_is_refused(analyst):
    make_modification(analyst, reference="MP106")
    with pytest.raises(ValidationError, match="already in the register"):
        make_modification(analyst, reference="mp106")


def test_database_refuses_malformed_reference_by_named_constraint(db):
    with pytest.raises(IntegrityError, match="modification_reference_format"), transaction.atomic():
        Modification.objects.create(reference="XX1", number=1, title="x")


def test_database_refuses_duplicate_reference_by_named_constraint(db):
    Modification.objects.create(reference="MP001", number=1, title="x")
    with pytest.raises(IntegrityError, match="modification_unique_reference"), transaction.atomic():
        Modification.objects.create(reference="MP001", number=1, title="y")


def test_database_refuses_impact_outside_yes_no_tbc(db):
    with (
        pytest.raises(IntegrityError, match="modification_system_impact_valid"),
        transaction.atomic(),
    ):
        Modification.objects.create(reference="MP001", number=1, title="x", duis_impact="may")


# Every lifecycle transition, allowed and refused ------------------------------------------

START = {
    Status.DEVELOPMENT: "DP300",
    Status.REFINEMENT: "MP300",
    Status.REPORT_PHASE: "MP300",
    Status.CHANGE_BOARD: "MP300",
    Status.WITH_AUTHORITY: "MP300",
    Status.APPROVED: "MP300",
    Status.IMPLEMENTED: "MP300",
    Status.REJECTED: "MP300",
    Status.WITHDRAWN: "MP300",
}


def _at(analyst, status, path):
    modification = make_modification(analyst, reference=START[status], path=path)
    Modification.objects.filter(pk=modification.pk).update(status=status)
    modification.refresh_from_db()
    return modification


CASES = [
    (status, path, kind)
    for status in Status.values
    for path in ["path2", "path3", "fast_track"]
    for kind in DecisionKind.values
]


@pytest.mark.parametrize(("status", "path", "kind"), CASES)
def test_every_transition_is_allowed_or_refused_as_the_lifecycle_says(analyst, status, path, kind):
    from modifications.services import modification_decide

    modification = _at(analyst, status, path)
    transition = lifecycle.TRANSITIONS[kind]
    allowed = status in transition.from_statuses and (
        transition.paths is None or path in transition.paths
    )
    if allowed:
        decision, _ = modification_decide(
            actor=analyst, modification=modification, kind=kind, date=D(2020, 5, 27)
        )
        modification.refresh_from_db()
        assert modification.status == transition.to_status
        assert decision.from_status == status
        if transition.converts_to_mp and status == Status.DEVELOPMENT:
            assert modification.reference == "MP300"
            assert Modification.objects.search("DP300").get() == modification
    else:
        with pytest.raises(ValidationError) as exc:
            modification_decide(
                actor=analyst, modification=modification, kind=kind, date=D(2020, 5, 27)
            )
        assert exc.value.message_dict["kind"][0]
        modification.refresh_from_db()
        assert modification.status == status
        assert not modification.decisions.exists()


def test_status_on_a_past_date_comes_from_dated_decisions(analyst):
    from modifications.services import modification_decide

    mod = _at(analyst, Status.CHANGE_BOARD, "path2")
    modification_decide(
        actor=analyst, modification=mod, kind="cb_recommend_reject", date=D(2020, 2, 26)
    )
    modification_decide(
        actor=analyst, modification=mod, kind="authority_reject", date=D(2020, 5, 27)
    )
    decisions = list(mod.decisions.all())
    assert lifecycle.status_on(decisions, D(2020, 1, 1), mod.status) == Status.CHANGE_BOARD
    assert lifecycle.status_on(decisions, D(2020, 5, 26), mod.status) == Status.WITH_AUTHORITY
    assert lifecycle.status_on(decisions, D(2020, 5, 27), mod.status) == Status.REJECTED


def test_a_decision_cannot_be_dated_before_the_last_one(analyst):
    from modifications.services import modification_decide

    mod = _at(analyst, Status.CHANGE_BOARD, "path2")
    modification_decide(
        actor=analyst, modification=mod, kind="cb_recommend_approve", date=D(2020, 2, 26)
    )
    with pytest.raises(ValidationError, match="cannot be dated before"):
        modification_decide(
            actor=analyst, modification=mod, kind="authority_approve", date=D(2020, 1, 1)
        )
