"""Recording a decision on a modification (releases:decision_record): allowed, refused with the
lifecycle's sentence next to the field, and a rejection taking it out of every release scope."""

import datetime

import pytest
from django.urls import reverse

from modifications.models import Decision, Event, Modification, Status
from releases import services as release_services
from releases.models import ScopeItem, ScopeState
from tests.factories import make_modification, make_release

pytestmark = pytest.mark.django_db

D = datetime.date


def url(reference):
    return reverse("releases:decision_record", args=[reference])


def field_block(html, field):
    start = html.index(f'id="div_id_{field}"')
    following = html.find('id="div_id_', start + 10)
    return html[start : following if following != -1 else len(html)]


@pytest.fixture
def at_change_board(analyst):
    return make_modification(analyst, reference="MP106", status=Status.CHANGE_BOARD)


def test_the_form_offers_only_the_decisions_the_lifecycle_allows(analyst_client, at_change_board):
    html = analyst_client.get(url("MP106")).content.decode()
    assert 'value="cb_approve"' in html
    assert 'value="cb_reject"' in html
    assert 'value="withdraw"' in html
    assert 'value="authority_approve"' not in html
    assert 'value="cb_recommend_approve"' not in html  # Path 3: the Change Board decides


def test_an_allowed_decision_moves_the_status_and_is_recorded(
    analyst, analyst_client, at_change_board
):
    response = analyst_client.post(
        url("MP106"), {"kind": "cb_approve", "date": "2021-02-24", "notes": "Unanimous vote"}
    )
    assert response.status_code == 302
    assert response["Location"] == at_change_board.get_absolute_url()
    at_change_board.refresh_from_db()
    assert at_change_board.status == Status.APPROVED
    decision = Decision.objects.get()
    assert (decision.kind, decision.date, decision.recorded_by) == (
        "cb_approve",
        D(2021, 2, 24),
        analyst,
    )
    event = Event.objects.about(at_change_board).get(action="decision.cb_approve")
    assert event.reason == "Unanimous vote"
    assert event.changes["status"] == ["change_board", "approved"]
    page = analyst_client.get(response["Location"]).content.decode()
    assert "Change Board approves (Self-Governance) recorded for MP106 on 24 February 2021" in page
    assert "Its status is now Approved." in page


def test_a_forged_decision_gets_the_lifecycle_refusal_next_to_the_field(
    analyst_client, at_change_board
):
    response = analyst_client.post(
        url("MP106"), {"kind": "authority_approve", "date": "2021-02-24", "notes": "Forged"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    block = field_block(html, "kind")
    assert "\u201cAuthority approves\u201d cannot be recorded for MP106" in block
    assert "The decision has not been recorded" in html
    assert "Forged" in html  # what was typed is kept
    at_change_board.refresh_from_db()
    assert at_change_board.status == Status.CHANGE_BOARD
    assert not Decision.objects.exists()


def test_a_decision_outside_the_path_is_refused_with_the_reason(analyst_client, at_change_board):
    response = analyst_client.post(
        url("MP106"), {"kind": "cb_recommend_approve", "date": "2021-02-24"}
    )
    assert "the Change Board decides under Self-Governance" in field_block(
        response.content.decode(), "kind"
    )
    assert not Decision.objects.exists()


def test_an_unknown_decision_kind_is_refused_not_a_500(analyst_client, at_change_board):
    response = analyst_client.post(url("MP106"), {"kind": "coin_toss", "date": "2021-02-24"})
    assert response.status_code == 200
    assert "That is not a decision the lifecycle knows." in response.content.decode()


def test_a_decision_dated_before_the_last_one_is_refused_next_to_the_date(
    analyst, analyst_client, at_change_board
):
    analyst_client.post(url("MP106"), {"kind": "cb_approve", "date": "2021-02-24"})
    response = analyst_client.post(url("MP106"), {"kind": "implement", "date": "2021-01-01"})
    assert "a later decision cannot be dated before it" in field_block(
        response.content.decode(), "date"
    )
    assert Decision.objects.count() == 1


def test_a_future_or_missing_date_is_refused(analyst_client, at_change_board):
    response = analyst_client.post(url("MP106"), {"kind": "cb_approve", "date": "2999-01-01"})
    assert "the date is in the future" in field_block(response.content.decode(), "date")
    response = analyst_client.post(url("MP106"), {"kind": "cb_approve", "date": ""})
    assert "This field is required" in field_block(response.content.decode(), "date")
    assert not Decision.objects.exists()


def test_a_rejection_removes_it_from_every_release_scope_and_says_so(
    analyst, analyst_client, at_change_board
):
    june = make_release(analyst)
    november = make_release(
        analyst, name="November 2021 SEC Release", slug="nov-2021", go_live_date=D(2021, 11, 4)
    )
    for release in (june, november):
        release_services.scope_add(
            actor=analyst,
            release=release,
            modification=at_change_board,
            added_on=D(2020, 12, 4),
            reason="Baselined",
        )
    form = analyst_client.get(url("MP106")).content.decode()
    assert "It is in the scope of June 2021 SEC Release and November 2021 SEC Release" in form
    response = analyst_client.post(
        url("MP106"), {"kind": "cb_reject", "date": "2021-02-24"}, follow=True
    )
    html = response.content.decode()
    assert (
        "It has been removed from the scope of June 2021 SEC Release and November 2021 SEC "
        "Release." in html
    )
    at_change_board.refresh_from_db()
    assert at_change_board.status == Status.REJECTED
    items = ScopeItem.objects.filter(modification=at_change_board)
    assert {i.state for i in items} == {ScopeState.REMOVED}
    assert all("Change Board rejects" in i.removal_reason for i in items)
    assert (
        Event.objects.for_modification(at_change_board).filter(action="scope.removed").count() == 2
    )


def test_converting_a_draft_proposal_says_its_new_reference(analyst, analyst_client):
    make_modification(analyst, reference="DP153", path="fast_track")
    response = analyst_client.post(
        url("DP153"), {"kind": "fast_track", "date": "2021-04-16"}, follow=True
    )
    html = response.content.decode()
    assert "DP153 is now MP153." in html
    assert Modification.objects.get().reference == "MP153"
    # the old reference still leads to the decision form
    assert analyst_client.get(url("DP153"))["Location"] == url("MP153")


def test_a_final_status_offers_no_decision(analyst, analyst_client):
    make_modification(analyst, reference="MP084", status=Status.REJECTED)
    html = analyst_client.get(url("MP084")).content.decode()
    assert "which is final: no further decision can be recorded" in html
    assert 'name="kind"' not in html
    response = analyst_client.post(url("MP084"), {"kind": "withdraw", "date": "2021-01-01"})
    assert "which is final" in response.content.decode()
    assert not Decision.objects.exists()


def test_an_unknown_modification_is_404(analyst_client):
    assert analyst_client.get(url("MP999")).status_code == 404
