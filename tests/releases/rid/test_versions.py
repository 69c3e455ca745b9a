"""Issuing RID versions: R17 numbering, drafted Changes text, frozen content and PDF."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from releases import services
from releases.models import ImmutableVersionError, RidVersion
from releases.rid import services as rid_services
from releases.rid.document import Rid
from tests.factories import make_modification, make_release

D = datetime.date


@pytest.fixture
def release(analyst):
    return make_release(analyst, system_baseline_date=D(2020, 7, 17))


def issue(analyst, release, kind, date, changes="Updated.", **kw):
    if kind == "baseline":
        kw.setdefault("baseline_scope", "system")
        kw.setdefault("panel_meeting_date", date)
        kw.setdefault("panel_decision", "The Panel baselined the RID.")
    return rid_services.rid_issue_version(
        unreviewed_reason="Issued in a test without review.",
        actor=analyst,
        release=release,
        kind=kind,
        date=date,
        changes=changes,
        **kw,
    )


JULY_2020 = D(2020, 7, 1)


def add(analyst, release, mod, on=JULY_2020):
    """In scope from `on`; after the scope deadline as an exception the Panel agreed (R4)."""
    return services.scope_add(
        actor=analyst,
        release=release,
        modification=mod,
        added_on=on,
        reason="Panel agreed",
        exception_reason="" if on == JULY_2020 else "Added by the Panel as an exception",
    )


def test_version_numbers_follow_r17_draft_baseline_draft_baseline_then_whole_numbers(
    analyst, release
):
    numbers = []
    scopes = iter(["system", "full"])  # each scope is baselined once
    for kind in ["draft", "baseline", "draft", "baseline", "issued", "issued"]:
        assert (
            rid_services.rid_next_number(release, kind)
            == issue(
                analyst,
                release,
                kind,
                D(2020, 7, 10),
                **({"baseline_scope": next(scopes)} if kind == "baseline" else {}),
            ).number
        )
        numbers.append(release.rid_versions.order_by("-major", "-minor").first().number)
    assert numbers == ["0.1", "1.0", "1.1", "2.0", "3.0", "4.0"]


def test_a_second_draft_before_the_baseline_is_n_point_two(analyst, release):
    issue(analyst, release, "draft", D(2020, 7, 10))
    assert rid_services.rid_next_number(release, "draft") == "0.2"
    assert rid_services.rid_next_number(release, "issued") == "1.0"


def test_the_first_draft_is_drafted_as_first_draft_presented_to_the_panel(analyst, release):
    assert (
        rid_services.rid_draft_changes(release, "draft")
        == "First draft presented to the Panel to be baselined"
    )


def test_a_first_version_issued_without_a_draft_is_drafted_as_the_first_issue(analyst, release):
    """Not "Updated following ..." (a newcomer's first version 1.0): nothing came before it."""
    assert (
        rid_services.rid_draft_changes(release, "issued")
        == "First issue of the Release Implementation Document."
    )


def test_baseline_changes_text_names_the_scope_baselined(analyst, release):
    assert rid_services.rid_draft_changes(release, "baseline", "system") == (
        "Version baselined by the Panel to cover the proposed scope of the release on the DCC "
        "Systems."
    )
    assert rid_services.rid_draft_changes(release, "baseline", "full") == (
        "Version baselined by the Panel to cover the full proposed scope of the release."
    )


def test_a_single_addition_is_drafted_as_being_added_to_scope(analyst, release):
    issue(analyst, release, "issued", D(2021, 1, 1))
    add(analyst, release, make_modification(analyst, "MP146"), on=D(2021, 1, 20))
    assert (
        rid_services.rid_draft_changes(release) == "Updated following MP146 being added to scope."
    )


def test_an_approval_since_the_last_version_is_drafted_as_the_approval_of(analyst, release):
    mod = make_modification(analyst, "MP144", path="path3", status="refinement")
    add(analyst, release, mod)
    issue(analyst, release, "issued", D(2021, 1, 1))
    for kind in ["report_ready", "report_approved", "cb_approve"]:
        services.decision_record(actor=analyst, modification=mod, kind=kind, date=D(2021, 5, 20))
    assert rid_services.rid_draft_changes(release) == "Updated following the approval of MP144."


def test_a_fast_track_approval_uses_the_reference_after_conversion(analyst, release):
    mod = make_modification(analyst, "DP153", path="fast_track")
    add(analyst, release, mod, on=D(2021, 3, 1))
    issue(analyst, release, "issued", D(2021, 3, 12))
    services.decision_record(
        actor=analyst, modification=mod, kind="fast_track", date=D(2021, 4, 16)
    )
    assert rid_services.rid_draft_changes(release) == "Updated following the approval of MP153."


def test_falling_out_and_an_addition_are_drafted_in_one_sentence_with_references_of_the_time(
    analyst, release
):
    mp116 = make_modification(analyst, "MP116")
    dp145 = make_modification(analyst, "DP145")
    items = [add(analyst, release, m) for m in (mp116, dp145)]
    issue(analyst, release, "issued", D(2021, 1, 29))
    add(analyst, release, make_modification(analyst, "DP153"), on=D(2021, 3, 1))
    for item in reversed(items):
        services.scope_fall_out(
            actor=analyst, item=item, fell_out_on=D(2021, 3, 5), reason="Missed its cut-off"
        )
    assert rid_services.rid_draft_changes(release) == (
        "Updated following MP116 and DP145 falling out of scope and DP153 being added to the scope."
    )


def test_additions_and_a_rejection_presented_to_the_panel_read_like_version_1_1(analyst, release):
    secmp67 = make_modification(analyst, "SECMP0067", path="path2", status="with_authority")
    add(analyst, release, secmp67)
    issue(analyst, release, "draft", D(2020, 7, 10), changes="First draft")
    issue(analyst, release, "baseline", D(2020, 7, 24))
    for ref in ["MP147", "DP145", "MP106", "MP138", "DP144", "MP116"]:
        add(analyst, release, make_modification(analyst, ref), on=D(2020, 11, 1))
    services.decision_record(
        actor=analyst, modification=secmp67, kind="authority_reject", date=D(2020, 11, 20)
    )
    assert rid_services.rid_draft_changes(release, "draft") == (
        "Updated following MP106, MP116, MP138, DP144, DP145 and MP147 being added to the scope "
        "and the rejection of SECMP0067, presented to the Panel for the scope to be baselined."
    )


def test_issuing_stores_the_rid_json_and_the_pdf_with_its_hash_and_records_an_event(
    analyst, release
):
    add(analyst, release, make_modification(analyst, "MP106", rid_summary="will do a thing."))
    version = issue(analyst, release, "draft", D(2020, 7, 10), changes="First draft")
    version.refresh_from_db()
    assert bytes(version.pdf).startswith(b"%PDF-")
    assert version.pdf_sha256 == hashlib.sha256(bytes(version.pdf)).hexdigest()
    rid = Rid.from_json(version.content)
    assert rid.version == "0.1"
    assert [r.reference for r in rid.targeted] == ["MP106"]
    assert [(h.number, h.changes) for h in rid.history] == [("0.1", "First draft")]
    event = release_events(release).get(action="rid.issued")
    assert event.data["version"] == "0.1"
    assert event.data["pdf_sha256"] == version.pdf_sha256


def release_events(release):
    from modifications.models import Event

    return Event.objects.about(release)


def test_each_version_holds_the_history_up_to_itself_and_later_edits_do_not_change_it(
    analyst, release
):
    mod = make_modification(analyst, "MP106", title="Old title")
    add(analyst, release, mod)
    first = issue(analyst, release, "draft", D(2020, 7, 10), changes="First draft")
    issue(analyst, release, "baseline", D(2020, 7, 24), changes="Baselined")
    from modifications import services as register

    register.modification_update(actor=analyst, modification=mod, title="New title")
    first.refresh_from_db()
    old = Rid.from_json(first.content)
    assert [h.number for h in old.history] == ["0.1"]
    assert old.targeted[0].title == "Old title"
    latest = Rid.from_json(release.rid_versions.get(major=1).content)
    assert [h.number for h in latest.history] == ["0.1", "1.0"]


def test_a_baseline_must_record_its_scope_the_panel_decision_and_meeting_date(analyst, release):
    with pytest.raises(ValidationError) as caught:
        rid_services.rid_issue_version(
            unreviewed_reason="Issued in a test without review.",
            actor=analyst,
            release=release,
            kind="baseline",
            date=D(2020, 7, 24),
            changes="x",
        )
    assert set(caught.value.message_dict) == {
        "baseline_scope",
        "panel_meeting_date",
        "panel_decision",
    }
    assert not RidVersion.objects.exists()


def test_a_version_cannot_be_dated_before_the_previous_one(analyst, release):
    issue(analyst, release, "draft", D(2020, 7, 10))
    with pytest.raises(ValidationError, match="cannot be dated before"):
        issue(analyst, release, "issued", D(2020, 7, 1))


def test_a_version_needs_a_changes_text(analyst, release):
    with pytest.raises(ValidationError, match="Say what changed"):
        issue(analyst, release, "draft", D(2020, 7, 10), changes="  ")


@pytest.mark.parametrize("statement", ["UPDATE {t} SET changes = 'x'", "DELETE FROM {t}"])
def test_the_database_refuses_to_change_or_delete_an_issued_version(analyst, release, statement):
    issue(analyst, release, "draft", D(2020, 7, 10))
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement.format(t=RidVersion._meta.db_table))
    assert RidVersion.objects.get().changes == "Updated."


def test_the_application_refuses_to_save_an_issued_version_again(analyst, release):
    version = issue(analyst, release, "draft", D(2020, 7, 10))
    version.changes = "Rewritten history"
    with pytest.raises(ImmutableVersionError, match="cannot be changed"):
        version.save()
    version.refresh_from_db()
    assert version.changes == "Updated."


def test_the_application_refuses_to_delete_an_issued_version(analyst, release):
    version = issue(analyst, release, "draft", D(2020, 7, 10))
    with pytest.raises(ImmutableVersionError, match="cannot be deleted"):
        version.delete()
    assert RidVersion.objects.filter(pk=version.pk).exists()


def test_a_bulk_update_that_bypasses_the_model_is_refused_by_the_database(analyst, release):
    issue(analyst, release, "draft", D(2020, 7, 10))
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
        with transaction.atomic():
            RidVersion.objects.update(changes="Rewritten history")
    assert RidVersion.objects.get().changes == "Updated."


def test_a_release_with_issued_versions_cannot_be_deleted(analyst, release):
    from django.db.models import ProtectedError

    issue(analyst, release, "draft", D(2020, 7, 10))
    with pytest.raises(ProtectedError):
        release.delete()
    assert RidVersion.objects.count() == 1


def test_issuing_the_same_number_twice_is_impossible_the_next_number_is_taken(analyst, release):
    first = issue(analyst, release, "issued", D(2020, 7, 10))
    second = issue(analyst, release, "issued", D(2020, 7, 10))
    assert (first.number, second.number) == ("1.0", "2.0")
    with pytest.raises(ValidationError):
        RidVersion(
            release=release,
            major=1,
            minor=0,
            kind="issued",
            date=D(2020, 7, 11),
            changes="Copy",
            content={},
            pdf=b"",
            pdf_sha256="",
            issued_by=analyst,
        ).full_clean()
