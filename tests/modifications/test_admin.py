"""The Django admin goes through the same services as the pages: same checks, same trail.
Decisions and the activity trail are read-only there."""

import datetime

import pytest
from django.urls import reverse

from modifications.models import ChangeRequest, Decision, Event, Modification, Status
from releases import services as release_services
from tests.factories import UserFactory, make_modification, sec_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


ADD = {
    "reference": "mp 106",
    "status": "change_board",
    "title": "CHISM update for Unknown WAN Variant",
    "path": "path3",
    "duis_impact": "no",
    "gbcs_impact": "no",
    "ch_firmware_impact": "no",
    "reason": "Added in the admin",
    "_save": "Save",
}


def test_adding_a_modification_in_the_admin_goes_through_the_service(superuser, admin_client):
    appendix_i = sec_document("appendix", "I")
    response = admin_client.post(
        reverse("admin:modifications_modification_add"),
        {**ADD, "sec_documents": [appendix_i.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    modification = Modification.objects.get()
    assert modification.reference == "MP106"
    assert list(modification.sec_documents.all()) == [appendix_i]
    event = Event.objects.about(modification).get()
    assert (event.action, event.actor, event.reason) == (
        "modification.created",
        superuser,
        "Added in the admin",
    )


def test_bad_input_in_the_admin_is_refused_and_saves_nothing(admin_client, analyst):
    make_modification(analyst, reference="MP106")
    response = admin_client.post(reverse("admin:modifications_modification_add"), ADD)
    assert response.status_code == 200
    assert "MP106 is already in the register." in response.content.decode()
    response = admin_client.post(
        reverse("admin:modifications_modification_add"),
        {**ADD, "reference": "MP107", "duis_impact": "tbc"},
    )
    assert "still to be confirmed" in response.content.decode()
    assert Modification.objects.count() == 1


def test_changing_a_modification_in_the_admin_records_one_event(superuser, admin_client, analyst):
    modification = make_modification(analyst, reference="MP106", status=Status.CHANGE_BOARD)
    section_h = sec_document("section", "H")
    url = reverse("admin:modifications_modification_change", args=[modification.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="status"' not in html and 'name="reference"' not in html
    data = {**ADD, "title": "New title", "sec_documents": [section_h.pk], "reason": "Admin fix"}
    data["status"] = "approved"  # read-only: ignored
    response = admin_client.post(url, data)
    assert response.status_code == 302
    modification.refresh_from_db()
    assert modification.title == "New title"
    assert modification.status == Status.CHANGE_BOARD
    assert list(modification.sec_documents.all()) == [section_h]
    event = Event.objects.about(modification).get(action="modification.updated")
    assert event.actor == superuser and event.reason == "Admin fix"
    assert set(event.changes) == {"title", "sec_documents"}


def test_change_requests_added_and_changed_in_the_admin_leave_a_trail(superuser, admin_client):
    response = admin_client.post(
        reverse("admin:modifications_changerequest_add"),
        {
            "reference": "cr 1145",
            "title": "Auxiliary Proportional Load Control",
            "category": "DCC BEIS Mandated Change Request",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    change_request = ChangeRequest.objects.get()
    assert change_request.reference == "CR1145"
    response = admin_client.post(
        reverse("admin:modifications_changerequest_change", args=[change_request.pk]),
        {
            "reference": "CR1145",
            "title": "Aux load control",
            "category": "",
            "reason": "Short",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    actions = list(Event.objects.about(change_request).values_list("action", "actor"))
    assert sorted(actions) == [
        ("change_request.created", superuser.pk),
        ("change_request.updated", superuser.pk),
    ]


def test_decisions_and_events_are_read_only_in_the_admin(admin_client, analyst):
    modification = make_modification(analyst, reference="MP106", status=Status.CHANGE_BOARD)
    decision = release_services.decision_record(
        actor=analyst,
        modification=modification,
        kind="cb_approve",
        date=datetime.date(2021, 2, 24),
    )
    event = Event.objects.first()
    for model, obj in [("decision", decision), ("event", event)]:
        assert (
            admin_client.get(reverse(f"admin:modifications_{model}_changelist")).status_code == 200
        )
        assert admin_client.get(reverse(f"admin:modifications_{model}_add")).status_code == 403
        change = reverse(f"admin:modifications_{model}_change", args=[obj.pk])
        html = admin_client.get(change).content.decode()
        assert 'name="_save"' not in html
        assert admin_client.post(change, {"notes": "edited"}).status_code == 403
        delete = reverse(f"admin:modifications_{model}_delete", args=[obj.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    decision.refresh_from_db()
    assert decision.notes == ""
    assert Decision.objects.count() == 1


def test_modifications_cannot_be_deleted_in_the_admin(admin_client, analyst):
    modification = make_modification(analyst, reference="MP106")
    url = reverse("admin:modifications_modification_delete", args=[modification.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Modification.objects.filter(pk=modification.pk).exists()


def test_admin_pages_for_the_catalogue_open(admin_client):
    assert (
        admin_client.get(reverse("admin:modifications_secdocument_changelist")).status_code == 200
    )
    assert admin_client.get(reverse("admin:modifications_modification_add")).status_code == 200
