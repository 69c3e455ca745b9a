"""Decisions that keep history: "Implemented" not before its release goes live, a decision
recorded in error corrected with a reason (kept, marked, the status and scope following), a
path of several dated decisions in one form (all or nothing), the last date used in the session
as the next form's date, and a late scope addition needing its exception reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from modifications.models import Decision, Event, FormerReference, Modification, Status
from releases import services
from releases.models import ScopeItem, ScopeState
from releases.policy import asof
from releases.rid import services as rid_services
from tests.factories import make_modification, make_release

pytestmark = pytest.mark.django_db

D = datetime.date


def history_url(reference):
    return reverse("releases:decision_history", args=[reference])


def correct_url(decision):
    return reverse("releases:decision_correct", args=[decision.modification.reference, decision.pk])


def field_errors(form):
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.fixture
def june(analyst):
    return make_release(analyst)  # go-live 24 June 2021


JULY_2020 = D(2020, 7, 1)


def in_scope(analyst, release, modification, on=JULY_2020):
    return services.scope_add(
        actor=analyst, release=release, modification=modification, added_on=on, reason="Baseline"
    )


# "Implemented" and the go-live -----------------------------------------------------------


def test_implemented_cannot_be_recorded_before_the_go_live_of_its_release(analyst, june):
    mp106 = make_modification(analyst, reference="MP106", status=Status.APPROVED)
    in_scope(analyst, june, mp106)
    with pytest.raises(ValidationError) as exc:
        services.decision_record(
            actor=analyst, modification=mp106, kind="implement", date=D(2020, 12, 24)
        )
    assert exc.value.message_dict["date"] == [
        "MP106 is implemented with the June 2021 SEC Release, which goes live on 24 June 2021: "
        "record it as implemented on that date or later."
    ]
    assert not Decision.objects.exists()
    services.decision_record(
        actor=analyst, modification=mp106, kind="implement", date=june.go_live_date
    )
    mp106.refresh_from_db()
    assert mp106.status == Status.IMPLEMENTED


def test_implemented_six_months_early_is_refused_next_to_the_date_on_the_page(
    analyst, analyst_client, june
):
    mp106 = make_modification(analyst, reference="MP106", status=Status.APPROVED)
    in_scope(analyst, june, mp106)
    response = analyst_client.post(
        reverse("releases:decision_record", args=["MP106"]),
        {"kind": "implement", "date": "2020-12-24", "notes": "Typed note"},
    )
    assert response.status_code == 200
    assert "goes live on 24 June 2021" in field_errors(response.context["form"])["date"][0]
    assert "Typed note" in response.content.decode()
    assert not Decision.objects.exists()


def test_implemented_is_checked_against_the_first_release_it_is_in(analyst, june):
    november = make_release(
        analyst, name="November 2021 SEC Release", slug="nov-2021", go_live_date=D(2021, 11, 4)
    )
    mp106 = make_modification(analyst, reference="SECMP0007", status=Status.APPROVED)
    in_scope(analyst, november, mp106)
    services.scope_add(
        actor=analyst,
        release=june,
        modification=mp106,
        added_on=D(2020, 7, 1),
        reason="CTSD text brought forward",
        part_label="CTSD legal text",
    )
    services.decision_record(
        actor=analyst, modification=mp106, kind="implement", date=D(2021, 6, 24)
    )


def test_implemented_outside_any_release_is_not_tied_to_a_go_live(analyst):
    mp200 = make_modification(analyst, reference="MP200", status=Status.APPROVED, path="path1")
    services.decision_record(
        actor=analyst, modification=mp200, kind="implement", date=D(2022, 7, 18)
    )


def test_a_decision_dated_in_the_future_is_refused_by_the_service(analyst):
    mp106 = make_modification(analyst, reference="MP106", status=Status.CHANGE_BOARD)
    with pytest.raises(ValidationError) as exc:
        services.decision_record(
            actor=analyst, modification=mp106, kind="cb_approve", date=D(2999, 1, 1)
        )
    assert "the date is in the future" in exc.value.message_dict["date"][0]


# Correcting a decision recorded in error ----------------------------------------------------


def test_a_wrong_rejection_is_corrected_and_the_modification_returns_to_its_scope(analyst, june):
    mp106 = make_modification(analyst, reference="MP106", status=Status.CHANGE_BOARD)
    item = in_scope(analyst, june, mp106)
    rejection = services.decision_record(
        actor=analyst, modification=mp106, kind="cb_reject", date=D(2021, 2, 24)
    )
    item.refresh_from_db()
    assert item.state == ScopeState.REMOVED

    decision, restored, not_restored = services.decision_correct(
        actor=analyst, decision=rejection, reason="The Change Board rejected MP107, not MP106"
    )
    mp106.refresh_from_db()
    assert mp106.status == Status.CHANGE_BOARD
    assert (restored, not_restored) == ([item], [])
    item.refresh_from_db()
    assert (item.state, item.removed_on, item.removal_reason) == (ScopeState.IN_SCOPE, None, "")
    # Kept, marked; the original's Event stays in the trail beside the correction's.
    decision = Decision.objects.get(pk=rejection.pk)
    assert decision.is_corrected
    assert (decision.corrected_by, decision.correction_reason) == (
        analyst,
        "The Change Board rejected MP107, not MP106",
    )
    actions = list(
        Event.objects.for_modification(mp106).order_by("at", "id").values_list("action", flat=True)
    )
    assert actions == [
        "modification.created",
        "scope.added",
        "decision.cb_reject",
        "scope.removed",
        "decision.corrected",
        "scope.restored",
    ]
    correction = Event.objects.get(action="decision.corrected")
    assert correction.changes == {"status": ["rejected", "change_board"]}
    assert correction.reason == "The Change Board rejected MP107, not MP106"
    # The right decision can now be recorded, even dated before the corrected one.
    services.decision_record(
        actor=analyst, modification=mp106, kind="cb_approve", date=D(2021, 2, 3)
    )
    mp106.refresh_from_db()
    assert mp106.status == Status.APPROVED


def test_correcting_a_conversion_gives_the_draft_proposal_its_reference_back(analyst):
    make_modification(analyst, reference="DP153", path="fast_track")
    conversion = services.decision_record(
        actor=analyst,
        modification=Modification.objects.get(reference="DP153"),
        kind="fast_track",
        date=D(2021, 4, 16),
    )
    services.decision_correct(actor=analyst, decision=conversion, reason="Not yet decided")
    modification = Modification.objects.get()
    assert (modification.reference, modification.status) == ("DP153", Status.DEVELOPMENT)
    assert not FormerReference.objects.exists()
    event = Event.objects.get(action="decision.corrected")
    assert event.changes["reference"] == ["MP153", "DP153"]


def test_only_the_latest_standing_decision_can_be_corrected(analyst):
    mp106 = make_modification(analyst, reference="MP106", status=Status.REPORT_PHASE)
    first = services.decision_record(
        actor=analyst, modification=mp106, kind="report_approved", date=D(2021, 1, 15)
    )
    services.decision_record(
        actor=analyst, modification=mp106, kind="cb_approve", date=D(2021, 2, 24)
    )
    with pytest.raises(ValidationError, match="correct the latest decision first"):
        services.decision_correct(actor=analyst, decision=first, reason="Wrong")
    assert not Decision.objects.get(pk=first.pk).is_corrected


def test_a_correction_needs_a_reason_and_happens_once(analyst):
    mp106 = make_modification(analyst, reference="MP106", status=Status.CHANGE_BOARD)
    decision = services.decision_record(
        actor=analyst, modification=mp106, kind="cb_approve", date=D(2021, 2, 24)
    )
    with pytest.raises(ValidationError) as exc:
        services.decision_correct(actor=analyst, decision=decision, reason="  ")
    assert "reason" in exc.value.message_dict
    services.decision_correct(actor=analyst, decision=decision, reason="Wrong modification")
    with pytest.raises(ValidationError, match="already corrected"):
        services.decision_correct(actor=analyst, decision=decision, reason="Again")


def test_a_corrected_decision_counts_for_nothing_as_of_any_date(analyst):
    mp106 = make_modification(analyst, reference="MP106", status=Status.CHANGE_BOARD)
    decision = services.decision_record(
        actor=analyst, modification=mp106, kind="cb_reject", date=D(2021, 2, 24)
    )
    services.decision_correct(actor=analyst, decision=decision, reason="Wrong modification")
    [fact] = asof.modifications_on(D(2021, 3, 1), open_only=True)
    assert (fact.reference, fact.status, fact.decisions) == ("MP106", "change_board", ())


def test_a_corrected_approval_is_not_drafted_into_the_next_rid_changes(analyst, june):
    mp106 = make_modification(analyst, reference="MP106", status=Status.CHANGE_BOARD)
    in_scope(analyst, june, mp106)
    rid_services.rid_issue_version(
        actor=analyst,
        release=june,
        kind="draft",
        date=D(2020, 7, 10),
        changes="First draft",
        unreviewed_reason="Issued in a test without review.",
    )
    approval = services.decision_record(
        actor=analyst, modification=mp106, kind="cb_approve", date=D(2021, 2, 24)
    )
    assert rid_services.rid_draft_changes(june) == "Updated following the approval of MP106."
    services.decision_correct(actor=analyst, decision=approval, reason="Vote was postponed")
    assert rid_services.rid_draft_changes(june) == ""


def test_the_correction_page_explains_and_corrects(analyst, analyst_client, june):
    mp106 = make_modification(analyst, reference="MP106", status=Status.CHANGE_BOARD)
    in_scope(analyst, june, mp106)
    rejection = services.decision_record(
        actor=analyst, modification=mp106, kind="cb_reject", date=D(2021, 2, 24)
    )
    html = analyst_client.get(correct_url(rejection)).content.decode()
    assert "goes back to <strong>Awaiting Change Board vote</strong>" in html
    assert "back into the release scopes this decision took it out of" in html

    response = analyst_client.post(correct_url(rejection), {"reason": ""})
    assert response.status_code == 200
    assert field_errors(response.context["form"])["reason"] == ["This field is required."]
    assert "The decision has not been corrected" in response.content.decode()

    response = analyst_client.post(
        correct_url(rejection), {"reason": "Rejected MP107, not MP106"}, follow=True
    )
    html = response.content.decode()
    assert "MP106 is back at Awaiting Change Board vote." in html
    assert "It is back in the scope of June 2021 SEC Release." in html
    assert "Recorded in error; corrected on" in html
    assert "Rejected MP107, not MP106" in html
    assert ScopeItem.objects.get().state == ScopeState.IN_SCOPE


def test_the_detail_page_offers_to_correct_only_the_latest_decision(analyst, analyst_client):
    mp106 = make_modification(analyst, reference="MP106", status=Status.REPORT_PHASE)
    first = services.decision_record(
        actor=analyst, modification=mp106, kind="report_approved", date=D(2021, 1, 15)
    )
    latest = services.decision_record(
        actor=analyst, modification=mp106, kind="cb_approve", date=D(2021, 2, 24)
    )
    html = analyst_client.get(mp106.get_absolute_url()).content.decode()
    assert correct_url(latest) in html
    assert correct_url(first) not in html
    earlier = analyst_client.get(correct_url(first)).content.decode()
    assert "correct the latest decision first" in earlier
    assert 'name="reason"' not in earlier
    response = analyst_client.post(correct_url(first), {"reason": "Forged"})
    assert "correct the latest decision first" in response.content.decode()
    assert not Decision.objects.get(pk=first.pk).is_corrected


# Several decisions in one form ----------------------------------------------------------------


def rows(*steps, extra=0):
    data = {"form-TOTAL_FORMS": str(len(steps) + extra), "form-INITIAL_FORMS": "0"}
    for i, (kind, date, notes) in enumerate(steps):
        data |= {f"form-{i}-kind": kind, f"form-{i}-date": date, f"form-{i}-notes": notes}
    for i in range(len(steps), len(steps) + extra):
        data |= {f"form-{i}-kind": "", f"form-{i}-date": "", f"form-{i}-notes": ""}
    return data


PATH = [
    ("report_ready", "2021-01-06", "Working Group agreed the report"),
    ("report_approved", "2021-01-15", "Panel"),
    ("cb_approve", "2021-02-24", "Unanimous"),
]


def test_a_path_of_three_decisions_is_recorded_in_one_submission(analyst, analyst_client):
    mp106 = make_modification(analyst, reference="MP106", status=Status.REFINEMENT)
    response = analyst_client.post(history_url("MP106"), rows(*PATH, extra=1), follow=True)
    mp106.refresh_from_db()
    assert mp106.status == Status.APPROVED
    assert list(mp106.decisions.values_list("kind", "date", "notes")) == [
        ("report_ready", D(2021, 1, 6), "Working Group agreed the report"),
        ("report_approved", D(2021, 1, 15), "Panel"),
        ("cb_approve", D(2021, 2, 24), "Unanimous"),
    ]
    html = response.content.decode()
    assert "3 decisions recorded." in html
    assert "Its status is now Approved." in html


def test_a_decision_out_of_order_records_nothing_and_is_shown_next_to_its_row(
    analyst, analyst_client
):
    make_modification(analyst, reference="MP106", status=Status.REFINEMENT)
    # The vote before the Panel approved the report.
    wrong = [PATH[0], ("cb_approve", "2021-01-15", "Vote"), ("report_approved", "2021-02-24", "")]
    response = analyst_client.post(history_url("MP106"), rows(*wrong))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert field_errors(formset.forms[0]) == {}
    assert (
        "cannot be recorded for MP106 while it is at \u201cReport Phase\u201d"
        in (field_errors(formset.forms[1])["kind"][0])
    )
    html = response.content.decode()
    assert "No decision has been recorded" in html
    assert "Decision 2, decision:" in html
    assert "Working Group agreed the report" in html  # what was typed is kept
    assert not Decision.objects.exists()
    assert Modification.objects.get().status == Status.REFINEMENT


def test_dates_going_backwards_are_refused_next_to_the_later_row(analyst, analyst_client):
    make_modification(analyst, reference="MP106", status=Status.REFINEMENT)
    steps = [PATH[0], ("report_approved", "2021-01-01", "Panel")]
    response = analyst_client.post(history_url("MP106"), rows(*steps))
    errors = field_errors(response.context["formset"].forms[1])
    assert "enter the decisions in the order they were taken" in errors["date"][0]
    assert not Decision.objects.exists()


def test_a_row_with_a_decision_but_no_date_or_the_reverse_is_refused(analyst, analyst_client):
    make_modification(analyst, reference="MP106", status=Status.REFINEMENT)
    response = analyst_client.post(
        history_url("MP106"),
        rows(("report_ready", "", ""), ("", "2021-01-15", "")),
    )
    forms = response.context["formset"].forms
    assert field_errors(forms[0])["date"] == ["Enter the date of this decision."]
    assert field_errors(forms[1])["kind"] == ["Choose the decision taken on this date."]
    assert not Decision.objects.exists()


def test_an_empty_form_or_post_says_what_to_do_and_never_500s(analyst, analyst_client):
    make_modification(analyst, reference="MP106", status=Status.REFINEMENT)
    response = analyst_client.post(history_url("MP106"), rows(extra=3))
    assert "Enter at least one decision" in response.content.decode()
    response = analyst_client.post(history_url("MP106"), {})
    assert response.status_code == 200
    assert not Decision.objects.exists()


def test_adding_a_row_keeps_what_was_typed_and_checks_nothing_yet(analyst, analyst_client):
    make_modification(analyst, reference="MP106", status=Status.REFINEMENT)
    response = analyst_client.post(
        history_url("MP106"), {**rows(PATH[0], ("", "", "half typed")), "add_row": "1"}
    )
    formset = response.context["formset"]
    assert len(formset.forms) == 3
    assert not formset.is_bound
    html = response.content.decode()
    assert "Working Group agreed the report" in html and "half typed" in html
    assert 'value="2021-01-06"' in html
    assert "No decision has been recorded" not in html
    assert not Decision.objects.exists()


def test_the_path_offers_only_the_decisions_of_the_modifications_path(analyst, analyst_client):
    make_modification(analyst, reference="MP106", status=Status.REFINEMENT, path="path3")
    html = analyst_client.get(history_url("MP106")).content.decode()
    assert 'value="cb_approve"' in html and 'value="cb_recommend_approve"' not in html
    assert html.count("<fieldset") >= 3


def test_the_path_service_is_all_or_nothing(analyst, june):
    mp106 = make_modification(analyst, reference="MP106", status=Status.CHANGE_BOARD)
    in_scope(analyst, june, mp106)
    steps = [
        {"kind": "cb_approve", "date": D(2021, 2, 24), "notes": ""},
        {"kind": "implement", "date": D(2021, 3, 1), "notes": "Too early"},
    ]
    with pytest.raises(services.DecisionStepRefused) as exc:
        services.decisions_record(actor=analyst, modification=mp106, steps=steps)
    assert exc.value.index == 1
    assert "goes live on 24 June 2021" in exc.value.message_dict["date"][0]
    mp106.refresh_from_db()
    assert mp106.status == Status.CHANGE_BOARD
    assert not Decision.objects.exists()
    assert not Event.objects.filter(action__startswith="decision.").exists()


def test_a_final_modification_offers_no_path(analyst, analyst_client):
    make_modification(analyst, reference="MP084", status=Status.REJECTED)
    html = analyst_client.get(history_url("MP084")).content.decode()
    assert "which is final" in html and "<fieldset" not in html


# The last date used in the session --------------------------------------------------------


def test_decision_forms_start_at_the_last_date_used_in_the_session_not_today(
    analyst, analyst_client
):
    make_modification(analyst, reference="MP106", status=Status.REFINEMENT)
    make_modification(analyst, reference="MP107", status=Status.CHANGE_BOARD)
    single = reverse("releases:decision_record", args=["MP107"])
    today = datetime.date.today().isoformat()
    assert f'value="{today}"' in analyst_client.get(single).content.decode()
    analyst_client.post(history_url("MP106"), rows(*PATH))
    assert 'value="2021-02-24"' in analyst_client.get(single).content.decode()
    analyst_client.post(single, {"kind": "cb_approve", "date": "2021-03-03"})
    history = analyst_client.get(history_url("MP106")).content.decode()
    assert history.count('value="2021-03-03"') == 3  # every row of the next history


# A late scope addition needs its exception reason ------------------------------------------


def test_a_late_addition_without_an_exception_reason_is_refused_by_the_service(analyst, june):
    mp146 = make_modification(analyst, reference="MP146")
    with pytest.raises(ValidationError) as exc:
        services.scope_add(
            actor=analyst,
            release=june,
            modification=mp146,
            added_on=D(2021, 1, 15),
            reason="Panel",
            exception_reason="   ",
        )
    assert (
        "after the scope deadline of 24 December 2020"
        in (exc.value.message_dict["exception_reason"][0])
    )
    assert not ScopeItem.objects.exists()
    item = services.scope_add(
        actor=analyst,
        release=june,
        modification=mp146,
        added_on=D(2021, 1, 15),
        reason="Panel",
        exception_reason="Panel of 15 January 2021",
    )
    assert item.added_after_deadline
    with pytest.raises(ValidationError) as exc:
        services.scope_item_update(actor=analyst, item=item, exception_reason="", reason="x")
    assert "exception_reason" in exc.value.message_dict


def test_a_move_after_the_deadline_is_admitted_by_the_move_itself(analyst, june):
    november = make_release(
        analyst, name="November 2021 SEC Release", slug="nov-2021", go_live_date=D(2021, 11, 4)
    )
    mp116 = make_modification(analyst, reference="MP116")
    item = in_scope(analyst, june, mp116)
    _old, new = services.scope_move(
        actor=analyst, item=item, to_release=november, moved_on=D(2021, 6, 1), reason="Cut-off"
    )
    assert new.added_after_deadline
    assert new.exception_reason == "Moved from June 2021 SEC Release: Cut-off"


def test_a_late_addition_in_the_admin_without_an_exception_reason_is_a_form_error(
    client, analyst, june
):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    mp146 = make_modification(analyst, reference="MP146")
    response = client.post(
        reverse("admin:releases_scopeitem_add"),
        {
            "release": june.pk,
            "modification": mp146.pk,
            "added_on": "2021-01-29",
            "part_label": "",
            "cut_off_date": "",
            "fall_back_release": "",
            "exception_reason": "",
            "reason": "Admin",
        },
    )
    assert response.status_code == 200
    assert "record the Panel decision that admits it" in response.content.decode()
    assert not ScopeItem.objects.exists()
