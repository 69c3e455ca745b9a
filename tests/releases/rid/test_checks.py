"""Before issuing, the issue page lists what is wrong with the draft (releases.rid.checks) and the
analyst confirms to issue anyway; the confirmation is recorded in the issue Event."""

import datetime

import pytest

from modifications import services as register
from modifications.models import Event, Modification
from releases import services
from releases.models import Release, RidVersion, ScopeItem
from releases.rid.checks import rid_findings
from releases.rid.document import build_rid
from tests.factories import make_release
from tests.releases.rid_data import june_2021

D = datetime.date


@pytest.fixture
def june(analyst):
    return june_2021(analyst)


def kinds(release, today=None):
    return [f.kind for f in rid_findings(release, build_rid(release), today=today)]


def messages(release, today=None):
    return " ".join(f.message for f in rid_findings(release, build_rid(release), today=today))


def test_the_june_2021_release_as_the_seed_has_it_has_nothing_to_confirm(june):
    assert rid_findings(june, build_rid(june)) == []


def test_a_test_phase_without_a_dcc_system_impact_is_a_contradiction(june, analyst):
    services.release_update(actor=analyst, release=june, uit_required=True)
    found = messages(june)
    assert "User Integration Testing (UIT) is ticked, but no modification" in found
    assert "the User testing impacts are not described" in found


def test_a_dcc_system_impact_without_testing_dcc_summary_or_cost_is_found(analyst):
    release = make_release(analyst, name="Gap 2031 SEC Release", slug="gap-2031")
    mod = register.modification_create(
        actor=analyst,
        reference="MP801",
        title="Gap alerts",
        rid_summary="will add gap alerts.",
        status="approved",
        impacts_dcc_systems=True,
        duis_impact="tbc",
        impacts_suppliers=True,
    )
    services.scope_add(
        actor=analyst, release=release, modification=mod, added_on=D(2020, 1, 3), reason="x"
    )
    found = messages(release)
    assert "no test phase (PIT, SIT, UIT) is ticked" in found
    assert "no DCC impact is summarised" in found
    assert "No DCC implementation cost is entered" in found
    assert "MP801 impacts Suppliers in the participant impact matrix" in found


def test_unknown_acronyms_placeholders_and_empty_summaries_are_found(june, analyst):
    mod = Modification.objects.get(reference="MP147")
    register.modification_update(
        actor=analyst,
        modification=mod,
        title="Title not given in the source documents",
        rid_summary="",
    )
    register.modification_update(
        actor=analyst,
        modification=Modification.objects.get(reference="MP146"),
        rid_summary="will let PPMIDs show the GPF clock.",
    )
    found = messages(june)
    assert "MP147 has a placeholder title" in found
    assert "MP147 has no RID summary" in found
    assert "the glossary does not define: GPF, PPMID." in found


def test_a_targeted_modification_past_its_cut_off_and_an_exception_without_reason(june, analyst):
    mod = register.modification_create(
        actor=analyst,
        reference="MP160",
        title="Late change",
        rid_summary="will change something late.",
        status="report_phase",
        cut_off_date=D(2021, 3, 1),
    )
    services.scope_add(
        actor=analyst,
        release=june,
        modification=mod,
        added_on=D(2021, 2, 1),
        reason="Panel",
        exception_reason="Admitted by the Panel.",
    )
    assert ScopeItem.objects.get(modification=mod).added_after_deadline
    # Recorded before the service asked for the reason: written straight to the table.
    ScopeItem.objects.filter(modification=mod).update(exception_reason="")
    found = messages(june, today=D(2021, 4, 1))
    assert "MP160 is targeted but was not approved by its decision cut-off of 1 March 2021" in (
        found
    )
    assert "MP160 joined the scope after the deadline" in found
    assert "cut_off" not in kinds(june, today=D(2021, 2, 15))


def test_characters_the_pdf_cannot_print_in_older_data_are_found(june):
    # Typed before the check at input existed: written straight to the table.
    Modification.objects.filter(reference="MP146").update(title="SM WAN \U0001f680 Date")
    assert "U+1F680 ROCKET" in messages(june)


def test_the_issue_page_lists_the_findings_and_needs_a_confirmation(june, analyst, analyst_client):
    services.release_update(actor=analyst, release=june, uit_required=True)
    url = f"/releases/{june.slug}/rid/issue/"
    page = analyst_client.get(url).content.decode()
    assert "wrong with the draft" in page
    assert "the User testing impacts are not described" in page
    form = {
        "kind": "issued",
        "date": "2021-06-01",
        "changes": "Updated following UIT.",
        "unreviewed_reason": "The Panel meets tomorrow.",
    }
    response = analyst_client.post(url, form)
    assert response.status_code == 200
    assert "issue_anyway" in response.context["form"].errors
    assert not RidVersion.objects.filter(release=june).exists()
    response = analyst_client.post(url, {**form, "issue_anyway": "on"})
    assert response.status_code == 302
    version = RidVersion.objects.get(release=june)
    event = Event.objects.about(june).get(action="rid.issued")
    assert any("User testing impacts" in f for f in event.data["findings_confirmed"])
    assert "Issued despite" in event.reason
    assert version.number == "1.0"


def test_a_clean_draft_issues_without_a_confirmation(june, analyst_client):
    url = f"/releases/{june.slug}/rid/issue/"
    assert "found nothing wrong" in analyst_client.get(url).content.decode()
    response = analyst_client.post(
        url,
        {
            "kind": "issued",
            "date": "2021-06-01",
            "changes": "Updated.",
            "unreviewed_reason": "The Panel meets tomorrow.",
        },
    )
    assert response.status_code == 302
    event = Event.objects.about(june).get(action="rid.issued")
    assert "findings_confirmed" not in event.data
    assert Release.objects.get(pk=june.pk).rid_versions.count() == 1


def test_findings_confirmed_when_submitting_for_review_reach_the_issue_event(
    june, analyst, analyst_client
):
    from releases.models import RidReview
    from releases.rid import services as rid_services
    from tests.factories import analyst_user

    services.release_update(actor=analyst, release=june, uit_required=True)
    url = f"/releases/{june.slug}/rid/review/"
    form = {"kind": "issued", "date": "2021-06-01", "changes": "Updated following UIT."}
    response = analyst_client.post(url, form)
    assert response.status_code == 200
    assert "issue_anyway" in response.context["form"].errors
    assert not RidReview.objects.filter(release=june).exists()
    response = analyst_client.post(url, {**form, "issue_anyway": "on"})
    assert response.status_code == 302
    review = RidReview.objects.get(release=june)
    reviewer = analyst_user(username="second-analyst")
    rid_services.rid_review_approve(actor=reviewer, review=review)
    event = Event.objects.about(june).get(action="rid.issued")
    assert any("User testing impacts" in f for f in event.data["findings_confirmed"])
    assert "Issued despite" in event.reason
