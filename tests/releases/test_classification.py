"""Classification follows the document: an issued RID version is public only if it was issued
White and its release is White now; reclassifying a release that has issued versions needs a
confirmation and is recorded."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from modifications.models import Event
from releases import services
from releases.rid import services as rid_services
from tests.factories import make_modification, make_release

pytestmark = pytest.mark.django_db

D = datetime.date


def issue(analyst, release, date, kind="issued", **extra):
    return rid_services.rid_issue_version(
        actor=analyst,
        release=release,
        kind=kind,
        date=date,
        changes="Changes",
        unreviewed_reason="A test issues without review.",
        **extra,
    )


@pytest.fixture
def made_white(analyst):
    """A release issued Amber as version 1.0, then made White (confirmed) and issued again
    as 2.0. The Amber version 1.0 is never public."""
    release = make_release(analyst, classification="amber")
    mod = make_modification(analyst, reference="MP106")
    services.scope_add(
        actor=analyst, release=release, modification=mod, added_on=D(2020, 7, 1), reason="In"
    )
    amber = issue(analyst, release, D(2020, 7, 24))
    services.release_update(
        actor=analyst,
        release=release,
        classification="white",
        confirm_reclassification=True,
        reason="The Panel agreed the RID can be published.",
    )
    white = issue(analyst, release, D(2020, 8, 1))
    release.refresh_from_db()
    return {"release": release, "amber": amber, "white": white}


def urls(release, number):
    return [
        reverse("releases:rid_version", args=[release.slug, number]),
        reverse("releases:rid_version_pdf", args=[release.slug, number]),
        reverse("releases:rid_version_json", args=[release.slug, number]),
    ]


def is_login(response):
    return response.status_code == 302 and reverse("login") in response["Location"]


def test_each_version_keeps_the_classification_it_was_issued_with(made_white):
    assert made_white["amber"].content["classification"] == "amber"
    assert made_white["white"].content["classification"] == "white"


def test_a_version_issued_amber_stays_restricted_after_its_release_is_made_white(
    client, outsider, panel_member, made_white
):
    release = made_white["release"]
    for url in urls(release, "2.0"):
        assert client.get(url).status_code == 200
    for url in urls(release, "1.0"):
        assert is_login(client.get(url)), url
    compare = reverse("releases:rid_diff", args=[release.slug]) + "?from=1.0&to=2.0"
    public_compare = client.get(compare)
    assert public_compare.context["too_few"], "the public sees one version: nothing to compare"
    listing = client.get(reverse("releases:rid_version_list", args=[release.slug]))
    html = listing.content.decode()
    assert reverse("releases:rid_version", args=[release.slug, "2.0"]) in html
    assert reverse("releases:rid_version", args=[release.slug, "1.0"]) not in html

    client.force_login(outsider)
    for url in urls(release, "1.0"):
        assert client.get(url).status_code == 403
    client.force_login(panel_member)
    for url in [*urls(release, "1.0"), compare]:
        assert client.get(url).status_code == 200


def test_a_version_issued_white_is_no_longer_public_when_its_release_is_made_amber(
    analyst, client, made_white
):
    release = made_white["release"]
    services.release_update(
        actor=analyst, release=release, classification="amber", confirm_reclassification=True
    )
    for url in urls(release, "2.0"):
        assert is_login(client.get(url))


def test_reclassifying_a_release_with_issued_versions_asks_for_confirmation(analyst, made_white):
    release = made_white["release"]
    with pytest.raises(ValidationError) as exc:
        services.release_update(actor=analyst, release=release, classification="red")
    (message,) = exc.value.message_dict["confirm_reclassification"]
    assert message.startswith("June 2021 SEC Release has 2 issued RID versions. Tick the box")
    release.refresh_from_db()
    assert release.classification == "white"


def test_a_reclassification_is_recorded(analyst, made_white):
    event = Event.objects.filter(action="release.reclassified").get()
    assert event.summary == (
        "June 2021 SEC Release reclassified from Amber to White; issued RID versions (1) keep the "
        "one they were issued with"
    )
    assert event.changes == {"classification": ["amber", "white"]}
    assert event.reason == "The Panel agreed the RID can be published."
    assert event.data == {"issued_rid_versions": 1, "confirmed": True}


def test_a_release_without_issued_versions_is_reclassified_without_confirmation(analyst):
    release = make_release(analyst)
    services.release_update(actor=analyst, release=release, classification="green")
    release.refresh_from_db()
    assert release.classification == "green"


def edit_data(release, **changes):
    data = {
        "name": release.name,
        "slug": release.slug,
        "go_live_date": release.go_live_date.isoformat(),
        "classification": release.classification,
        "sec_version": "",
        "secas_costs_note": release.secas_costs_note,
    }
    data.update(changes)
    return data


def test_the_edit_form_asks_for_the_checkbox_next_to_it_and_keeps_what_was_typed(
    analyst_client, made_white
):
    release = made_white["release"]
    url = reverse("releases:release_edit", args=[release.slug])
    response = analyst_client.post(
        url, edit_data(release, classification="amber", sec_version="v40.0")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Tick the box to confirm" in form.errors["confirm_reclassification"][0]
    assert form["sec_version"].value() == "v40.0"
    release.refresh_from_db()
    assert release.classification == "white"

    response = analyst_client.post(
        url, edit_data(release, classification="amber", confirm_reclassification="on")
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.classification == "amber"


def test_panel_members_cannot_reclassify(panel_client, made_white):
    release = made_white["release"]
    url = reverse("releases:release_edit", args=[release.slug])
    data = edit_data(release, classification="red", confirm_reclassification="on")
    assert panel_client.post(url, data).status_code == 403
    release.refresh_from_db()
    assert release.classification == "white"
