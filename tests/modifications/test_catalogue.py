"""The SEC document catalogue: complete from the migrations, kept by analysts through
modifications.services (add, edit, retire, reinstate, each leaving who/when/what/why), and a
retired document staying where it was cited but offered for nothing new."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from modifications import catalogue, services
from modifications.forms import ModificationCreateForm, ModificationEditForm
from modifications.models import Event, SECDocument
from releases import impacts
from releases import services as release_services
from tests.factories import UserFactory, make_modification, make_release, sec_document

pytestmark = pytest.mark.django_db

D = datetime.date
LIST = reverse("modifications:sec_document_list")


def test_the_whole_catalogue_is_there_by_kind():
    counts = {
        kind: SECDocument.objects.filter(kind=kind).count()
        for kind in ("section", "schedule", "appendix")
    }
    assert counts == {"section": 19, "schedule": 10, "appendix": 31}


@pytest.mark.parametrize(
    ("kind", "code", "title"),
    [
        ("appendix", "AB", "Service Request Processing Document"),
        ("appendix", "AD", "DCC User Interface Specification"),
        ("appendix", "L", "SMKI Recovery Procedure"),
        ("appendix", "AI", "Self-Service Interface Code of Connection"),
        ("section", "A", "Definitions and Interpretation"),
        ("section", "N", "SMETS1 Meters"),
        ("schedule", "1", "Framework Agreement"),
        ("schedule", "8", "GB Companion Specification"),
    ],
)
def test_named_documents_are_in_the_catalogue(kind, code, title):
    assert sec_document(kind, code).title == title


def test_the_catalogue_lists_sections_schedules_then_appendices_single_letters_first():
    labels = [d.label for d in SECDocument.objects.all()]
    assert labels.index("Section Z") < labels.index("Schedule 1")
    assert labels.index("Schedule 9") < labels.index("Schedule 10")
    assert labels.index("Schedule 11") < labels.index("Appendix A")
    assert labels.index("Appendix Y") < labels.index("Appendix AA") < labels.index("Appendix AB")
    assert labels == sorted(
        labels,
        key=lambda label: (
            SECDocument.objects.get(kind=label.split()[0].lower(), code=label.split()[1]).position
        ),
    )


def test_the_entries_nobody_could_confirm_say_so_to_analysts():
    assert "Not confirmed" in sec_document("appendix", "H").note
    assert sec_document("appendix", "AA").note == ""


@pytest.mark.parametrize(
    ("kind", "typed", "code"),
    [
        ("appendix", " ab ", "AB"),
        ("appendix", "Appendix ab", "AB"),
        ("schedule", "08", "8"),
        ("schedule", "Schedule 11", "11"),
        ("section", "h", "H"),
    ],
)
def test_codes_are_normalised(kind, typed, code):
    assert catalogue.normalise_code(kind, typed) == code


@pytest.mark.parametrize(
    ("kind", "typed"),
    [("section", "AB"), ("schedule", "A"), ("schedule", "0"), ("appendix", "A1"), ("appendix", "")],
)
def test_a_code_of_the_wrong_shape_is_refused_with_the_shape(kind, typed):
    with pytest.raises(catalogue.CodeError, match="is not a"):
        catalogue.normalise_code(kind, typed)


def test_positions_put_double_letters_after_z():
    assert catalogue.position("appendix", "Z") < catalogue.position("appendix", "AA")
    assert catalogue.position("appendix", "AZ") < catalogue.position("appendix", "BA")
    assert catalogue.position("section", "Z") < catalogue.position("schedule", "1")
    assert catalogue.position("schedule", "99") < catalogue.position("appendix", "A")


# Services ---------------------------------------------------------------------------------


def test_adding_a_document_records_who_what_and_why(analyst):
    document = services.sec_document_create(
        actor=analyst,
        kind="appendix",
        code="appendix an",
        title="  SMETS1 Service Request Processing  ",
        reason="Designated by the Secretary of State",
    )
    assert (document.label, document.title) == ("Appendix AN", "SMETS1 Service Request Processing")
    assert document.position == catalogue.position("appendix", "AN")
    event = Event.objects.about(document).get()
    assert (event.action, event.actor, event.reason) == (
        "sec_document.created",
        analyst,
        "Designated by the Secretary of State",
    )
    assert event.changes["code"] == [None, "AN"]
    assert "Appendix AN" in event.summary


def test_a_duplicate_code_is_refused_next_to_the_code_naming_the_document(analyst):
    with pytest.raises(ValidationError) as exc:
        services.sec_document_create(
            actor=analyst, kind="appendix", code="ab", title="Again", reason="Typo"
        )
    assert exc.value.message_dict["code"] == [
        "Appendix AB \u2018Service Request Processing Document\u2019 is already in the catalogue."
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "A9"}, "code"),
        ({"title": "   "}, "title"),
        ({"reason": ""}, "reason"),
        ({"kind": "annex"}, "kind"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_added(analyst, fields, field):
    before = SECDocument.objects.count()
    arguments = {"kind": "appendix", "code": "AN", "title": "New", "reason": "Because", **fields}
    with pytest.raises(ValidationError) as exc:
        services.sec_document_create(actor=analyst, **arguments)
    assert field in exc.value.message_dict
    assert SECDocument.objects.count() == before


def test_editing_a_title_records_the_change_and_every_citing_modification_shows_it(analyst):
    appendix_h = sec_document("appendix", "H")
    modification = make_modification(analyst, sec_documents=[appendix_h])
    changes = services.sec_document_update(
        actor=analyst,
        document=appendix_h,
        title="CH Handover Support Materials (CHHSM)",
        note="",
        reason="Checked against SEC v61.0",
    )
    assert changes["title"][1] == "CH Handover Support Materials (CHHSM)"
    assert "note" in changes
    assert modification.sec_documents.get().title.endswith("(CHHSM)")
    event = Event.objects.about(appendix_h).get(action="sec_document.updated")
    assert event.reason == "Checked against SEC v61.0"


def test_changing_a_code_moves_the_document_in_the_listing(analyst):
    document = services.sec_document_create(
        actor=analyst, kind="appendix", code="BZ", title="Misfiled", reason="Test"
    )
    services.sec_document_update(actor=analyst, document=document, code="AK", reason="Typo")
    document.refresh_from_db()
    assert (document.code, document.position) == ("AK", catalogue.position("appendix", "AK"))


def test_an_edit_to_another_documents_code_is_refused(analyst):
    with pytest.raises(ValidationError) as exc:
        services.sec_document_update(
            actor=analyst, document=sec_document("appendix", "AA"), code="AB", reason="Oops"
        )
    assert "already in the catalogue" in exc.value.message_dict["code"][0]


def test_an_edit_that_changes_nothing_records_nothing(analyst):
    document = sec_document("section", "H")
    assert (
        services.sec_document_update(
            actor=analyst, document=document, title="DCC Services", reason="Checked"
        )
        == {}
    )
    assert not Event.objects.about(document).exists()


def test_a_retired_document_stays_where_it_was_cited_but_is_offered_for_nothing_new(analyst):
    appendix_i = sec_document("appendix", "I")
    citing = make_modification(analyst, reference="MP106", sec_documents=[appendix_i])
    services.sec_document_retire(
        actor=analyst, document=appendix_i, retired_on=D(2022, 7, 18), reason="Removed by MP200"
    )
    appendix_i.refresh_from_db()
    assert appendix_i.retired_on == D(2022, 7, 18)
    event = Event.objects.about(appendix_i).get(action="sec_document.retired")
    assert (event.reason, event.effective_date) == ("Removed by MP200", D(2022, 7, 18))
    # Still on the modification, and on its edit form (ticked, marked retired).
    assert list(citing.sec_documents.all()) == [appendix_i]
    edit = ModificationEditForm(instance=citing)
    labels = dict(c for _group, choices in edit.fields["sec_documents"].choices for c in choices)
    assert (
        labels[appendix_i.pk]
        == "I \u2018CH Installation and Maintenance Support Materials\u2019 (retired)"
    )
    services.modification_update(
        actor=analyst, modification=citing, title="Kept", sec_documents=[appendix_i], reason="x"
    )
    # Not offered to a new modification, and refused by the service.
    create = ModificationCreateForm()
    offered = {
        pk for _group, choices in create.fields["sec_documents"].choices for pk, _ in choices
    }
    assert appendix_i.pk not in offered
    with pytest.raises(ValidationError) as exc:
        make_modification(analyst, reference="MP107", sec_documents=[appendix_i])
    assert "Appendix I" in exc.value.message_dict["sec_documents"][0]
    other = make_modification(analyst, reference="MP108")
    with pytest.raises(ValidationError):
        services.modification_update(
            actor=analyst, modification=other, sec_documents=[appendix_i], reason="x"
        )


def test_a_retired_document_is_still_in_the_rid_of_a_modification_citing_it(analyst):
    appendix_i = sec_document("appendix", "I")
    modification = make_modification(analyst, reference="MP106", sec_documents=[appendix_i])
    release = make_release(analyst)
    item = release_services.scope_add(
        actor=analyst,
        release=release,
        modification=modification,
        added_on=D(2020, 7, 1),
        reason="Baseline",
    )
    services.sec_document_retire(
        actor=analyst, document=appendix_i, retired_on=D(2021, 7, 1), reason="Spent"
    )
    assert impacts.sec_documents_impacted([item]) == [appendix_i]


def test_retiring_twice_in_the_future_or_without_a_date_is_refused(analyst):
    document = sec_document("section", "T")
    for retired_on, reason in [(None, "x"), (D(2999, 1, 1), "x"), (D(2021, 1, 1), " ")]:
        with pytest.raises(ValidationError):
            services.sec_document_retire(
                actor=analyst, document=document, retired_on=retired_on, reason=reason
            )
    services.sec_document_retire(
        actor=analyst, document=document, retired_on=D(2021, 1, 1), reason="Spent"
    )
    with pytest.raises(ValidationError, match="already retired"):
        services.sec_document_retire(
            actor=analyst, document=document, retired_on=D(2021, 1, 2), reason="Again"
        )


def test_reinstating_puts_it_back_in_force_and_says_why(analyst):
    document = sec_document("section", "T")
    with pytest.raises(ValidationError, match="nothing to reinstate"):
        services.sec_document_reinstate(actor=analyst, document=document, reason="x")
    services.sec_document_retire(
        actor=analyst, document=document, retired_on=D(2021, 1, 1), reason="Spent"
    )
    services.sec_document_reinstate(actor=analyst, document=document, reason="Retired by mistake")
    document.refresh_from_db()
    assert document.retired_on is None
    event = Event.objects.about(document).get(action="sec_document.reinstated")
    assert event.changes == {"retired_on": ["2021-01-01", None]}


def test_a_code_that_a_retired_document_holds_says_to_reinstate_it(analyst):
    document = sec_document("section", "T")
    services.sec_document_retire(
        actor=analyst, document=document, retired_on=D(2021, 1, 1), reason="Spent"
    )
    with pytest.raises(ValidationError) as exc:
        services.sec_document_create(
            actor=analyst, kind="section", code="T", title="Testing", reason="x"
        )
    assert "reinstate it instead" in exc.value.message_dict["code"][0]


# Pages ------------------------------------------------------------------------------------


def text(response):
    return response.content.decode()


def test_the_catalogue_page_lists_documents_by_kind_with_their_use(analyst, panel_client):
    make_modification(analyst, sec_documents=[sec_document("appendix", "AB")])
    services.sec_document_retire(
        actor=analyst,
        document=sec_document("section", "T"),
        retired_on=D(2021, 1, 1),
        reason="Spent",
    )
    response = panel_client.get(LIST)
    html = text(response)
    groups = response.context["groups"]
    assert [(g.heading, len(g.in_force), len(g.retired)) for g in groups] == [
        ("Sections", 18, 1),
        ("Schedules", 10, 0),
        ("Appendices", 31, 0),
    ]
    assert "Service Request Processing Document" in html
    assert "1 modification" in html
    assert "Retired</span> on 1 Jan 2021" in html
    assert "Spent" in html  # the change is in the recent changes, with its reason
    assert reverse("modifications:sec_document_create") not in html  # Panel members read only
    assert ">Retire<" not in html


def test_analysts_add_a_document_from_the_page(analyst, analyst_client):
    response = analyst_client.post(
        reverse("modifications:sec_document_create"),
        {"kind": "appendix", "code": "an", "title": "New appendix", "note": "", "reason": "SoS"},
    )
    document = SECDocument.objects.get(kind="appendix", code="AN")
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}#doc-{document.pk}"
    assert Event.objects.about(document).get().actor == analyst


def test_a_duplicate_code_on_the_page_is_shown_next_to_the_field_keeping_what_was_typed(
    analyst_client,
):
    before = SECDocument.objects.count()
    response = analyst_client.post(
        reverse("modifications:sec_document_create"),
        {"kind": "appendix", "code": "ab", "title": "Typed title", "note": "", "reason": "Why"},
    )
    assert response.status_code == 200
    assert "is already in the catalogue" in response.context["form"].errors["code"][0]
    html = text(response)
    assert 'value="Typed title"' in html and 'value="ab"' in html
    assert "Nothing has been saved yet" in html
    assert SECDocument.objects.count() == before


def test_an_empty_post_is_a_form_with_messages_not_a_500(analyst_client):
    document = sec_document("appendix", "AB")
    for name, args in [
        ("sec_document_create", []),
        ("sec_document_edit", [document.pk]),
        ("sec_document_retire", [document.pk]),
    ]:
        response = analyst_client.post(reverse(f"modifications:{name}", args=args), {})
        assert response.status_code == 200
        assert response.context["form"].errors


def test_analysts_edit_retire_and_reinstate_from_the_page(analyst, analyst_client):
    document = sec_document("appendix", "AA")
    edit = reverse("modifications:sec_document_edit", args=[document.pk])
    assert 'value="Threshold Anomaly Detection Procedures"' in text(analyst_client.get(edit))
    analyst_client.post(
        edit,
        {"kind": "appendix", "code": "AA", "title": "TADP", "note": "", "reason": "Checked"},
    )
    document.refresh_from_db()
    assert document.title == "TADP"

    retire = reverse("modifications:sec_document_retire", args=[document.pk])
    response = analyst_client.post(retire, {"retired_on": "2999-01-01", "reason": "Spent"})
    assert "the date is in the future" in response.context["form"].errors["retired_on"][0]
    response = analyst_client.post(retire, {"retired_on": "2022-02-24", "reason": "Spent"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.retired_on == D(2022, 2, 24)
    # The date used is offered again in the next date form of the session.
    again = analyst_client.get(
        reverse("modifications:sec_document_retire", args=[sec_document("appendix", "AB").pk])
    )
    assert 'value="2022-02-24"' in text(again)

    reinstate = reverse("modifications:sec_document_reinstate", args=[document.pk])
    response = analyst_client.post(reinstate, {"reason": ""})
    assert "This field is required" in response.context["form"].errors["reason"][0]
    analyst_client.post(reinstate, {"reason": "Retired by mistake"})
    document.refresh_from_db()
    assert document.retired_on is None


def test_retiring_a_retired_document_redirects_with_a_message(analyst, analyst_client):
    document = sec_document("section", "T")
    services.sec_document_retire(
        actor=analyst, document=document, retired_on=D(2021, 1, 1), reason="Spent"
    )
    response = analyst_client.get(
        reverse("modifications:sec_document_retire", args=[document.pk]), follow=True
    )
    assert "is already retired" in text(response)


CATALOGUE_QUERIES = 4  # session, user with roles, documents (counted), events (with actors)


@pytest.mark.parametrize("extra", [0, 20])
def test_the_catalogue_page_uses_a_fixed_number_of_queries(
    analyst, analyst_client, django_assert_num_queries, extra
):
    for i in range(extra):
        document = services.sec_document_create(
            actor=analyst, kind="appendix", code=f"B{chr(65 + i)}", title=f"Extra {i}", reason="x"
        )
        make_modification(analyst, reference=f"MP{500 + i}", sec_documents=[document])
    analyst_client.get(LIST)  # warms the content-type cache the activity trail uses
    with django_assert_num_queries(CATALOGUE_QUERIES):
        response = analyst_client.get(LIST)
    assert response.status_code == 200


# The admin goes through the service --------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_the_admin_adds_and_edits_through_the_service(admin_client):
    response = admin_client.post(
        reverse("admin:modifications_secdocument_add"),
        {"kind": "appendix", "code": "an", "title": "Admin one", "note": "", "reason": "Admin"},
    )
    assert response.status_code == 302, text(response)[:2000]
    document = SECDocument.objects.get(kind="appendix", code="AN")
    assert document.position == catalogue.position("appendix", "AN")
    response = admin_client.post(
        reverse("admin:modifications_secdocument_change", args=[document.pk]),
        {"kind": "appendix", "code": "AN", "title": "Admin two", "note": "", "reason": "Fix"},
    )
    assert response.status_code == 302
    assert [e.action for e in Event.objects.about(document).order_by("at")] == [
        "sec_document.created",
        "sec_document.updated",
    ]


def test_a_duplicate_code_in_the_admin_is_a_form_error_not_a_500(admin_client):
    response = admin_client.post(
        reverse("admin:modifications_secdocument_add"),
        {"kind": "appendix", "code": "AB", "title": "Again", "note": "", "reason": "Admin"},
    )
    assert response.status_code == 200
    assert "is already in the catalogue" in text(response)
