"""The register pages: list, detail, create, edit, activity and DCC Change Requests, for every
persona; bad input; query counts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modifications.models import (
    ChangeRequest,
    Event,
    Modification,
    SECDocument,
    Status,
)
from modifications.views import PAGE_SIZE
from releases import services as release_services
from tests.factories import (
    ChangeRequestFactory,
    ModificationFactory,
    make_modification,
    make_release,
    sec_document,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def field_block(html, field):
    """The HTML of one form field's wrapper (label, input, help, errors)."""
    start = html.index(f'id="div_id_{field}"')
    following = html.find('id="div_id_', start + 10)
    return html[start : following if following != -1 else len(html)]


def text(response):
    return response.content.decode()


@pytest.fixture
def mp106(analyst):
    return make_modification(
        analyst,
        reference="MP106",
        title="CHISM update for Unknown WAN Variant",
        status=Status.CHANGE_BOARD,
        rid_summary="will insert guidance in SEC Appendix I.",
        impacts_suppliers=True,
        impacts_dcc=True,
        sec_documents=[sec_document("appendix", "I")],
        web_url="https://smartenergycodecompany.co.uk/modifications/chism-update/",
        panel_date=D(2020, 11, 20),
        change_board_date=D(2021, 2, 24),
        cut_off_date=D(2021, 3, 1),
        proposer="British Gas",
        lead_analyst="Joe Hehir",
        reason="Loaded from RID v8.0",
    )


@pytest.fixture
def mp090(analyst):
    return make_modification(
        analyst,
        reference="MP090",
        title="Incorporation of Non GBCS Non-Mandated Alerts into the SEC",
        status=Status.REFINEMENT,
        impacts_dcc_systems=True,
        duis_impact="tbc",
        duis_footnote="Several solution options are currently being assessed for MP090",
        gbcs_impact="yes",
        gbcs_footnote="MP090 will require documentation changes to the GBCS",
    )


@pytest.fixture
def dp153(analyst):
    modification = make_modification(
        analyst,
        reference="DP153",
        title="Follow up changes for Communications Hub Finance Charges",
        path="fast_track",
    )
    return release_services.decision_record(
        actor=analyst, modification=modification, kind="fast_track", date=D(2021, 4, 16)
    ).modification


@pytest.fixture
def june(analyst):
    return make_release(analyst)


# Who may see and do what ---------------------------------------------------------------------

READ_PAGES = [
    ("modifications:modification_list", {}),
    ("modifications:modification_detail", {"reference": "MP106"}),
    ("modifications:modification_activity", {"reference": "MP106"}),
    ("modifications:change_request_list", {}),
    ("modifications:change_request_detail", {"pk": "cr"}),
]
FORM_PAGES = [
    ("modifications:modification_create", {}),
    ("modifications:modification_edit", {"reference": "MP106"}),
    ("modifications:change_request_create", {}),
    ("modifications:change_request_edit", {"pk": "cr"}),
    ("releases:decision_record", {"reference": "MP106"}),
]


@pytest.fixture
def urls(mp106):
    change_request = ChangeRequestFactory(reference="CR1145")

    def build(name, kwargs):
        kwargs = {k: (change_request.pk if v == "cr" else v) for k, v in kwargs.items()}
        return reverse(name, kwargs=kwargs)

    return build


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + FORM_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, urls, name, kwargs):
    url = urls(name, kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(url, {"title": "x"}).status_code == 302


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + FORM_PAGES)
def test_users_without_a_role_are_refused(outsider_client, urls, name, kwargs):
    assert outsider_client.get(urls(name, kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_panel_members_read_pages_without_any_edit_control(panel_client, urls, name, kwargs):
    response = panel_client.get(urls(name, kwargs))
    assert response.status_code == 200
    html = text(response)
    for forbidden in [
        reverse("modifications:modification_create"),
        reverse("modifications:modification_edit", args=["MP106"]),
        reverse("releases:decision_record", args=["MP106"]),
        reverse("modifications:change_request_create"),
        "/edit/",
        'method="post" novalidate',
        ">Edit<",
        "Record a decision",
        "Add a modification",
    ]:
        assert forbidden not in html, forbidden


@pytest.mark.parametrize(("name", "kwargs"), FORM_PAGES)
def test_panel_members_get_403_on_every_form_and_forged_post(panel_client, urls, name, kwargs):
    url = urls(name, kwargs)
    assert panel_client.get(url).status_code == 403
    events = Event.objects.count()
    response = panel_client.post(
        url, {"reference": "MP999", "title": "Forged", "kind": "cb_approve", "date": "2021-01-01"}
    )
    assert response.status_code == 403
    assert Event.objects.count() == events
    assert not Modification.objects.filter(reference="MP999").exists()


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + FORM_PAGES)
def test_analysts_open_every_page(analyst_client, urls, name, kwargs):
    assert analyst_client.get(urls(name, kwargs)).status_code == 200


def test_analysts_see_the_edit_controls_on_the_detail_page(analyst_client, mp106):
    html = text(analyst_client.get(mp106.get_absolute_url()))
    assert reverse("modifications:modification_edit", args=["MP106"]) in html
    assert reverse("releases:decision_record", args=["MP106"]) in html


# The register list ------------------------------------------------------------------------


def list_html(client, **params):
    response = client.get(reverse("modifications:modification_list"), params)
    assert response.status_code == 200
    return text(response)


def test_list_shows_reference_title_status_path_dcc_and_targeted_release(
    analyst, panel_client, mp106, mp090, june
):
    release_services.scope_add(
        actor=analyst, release=june, modification=mp106, added_on=D(2020, 12, 4), reason="Scope"
    )
    html = list_html(panel_client)
    assert "CHISM update for Unknown WAN Variant" in html
    assert "Awaiting Change Board vote" in html
    assert "Path 3: Self-Governance" in html
    assert reverse("releases:release_detail", args=["june-2021"]) in html
    assert "<caption" in html and 'scope="col"' in html


def test_search_finds_by_reference_typed_loosely_and_by_title(panel_client, mp106, mp090):
    html = list_html(panel_client, q="mp 106")
    assert "MP106" in html and "MP090" not in html
    html = list_html(panel_client, q="non-mandated alerts")
    assert "MP090" in html and "MP106" not in html


def test_search_finds_a_modification_by_its_former_reference(panel_client, dp153, mp106):
    html = list_html(panel_client, q="DP153")
    assert "MP153" in html and "formerly DP153" in html
    assert "MP106" not in html


def test_filters_by_status_and_dcc_impact(panel_client, mp106, mp090):
    html = list_html(panel_client, status="refinement")
    assert "MP090" in html and "MP106" not in html
    html = list_html(panel_client, dcc="yes")
    assert "MP090" in html and "MP106" not in html
    html = list_html(panel_client, dcc="no")
    assert "MP106" in html and "MP090" not in html


def test_filter_by_targeted_release_lists_only_what_is_in_its_scope(
    analyst, panel_client, mp106, mp090, june
):
    november = make_release(
        analyst, name="November 2021 SEC Release", slug="nov-2021", go_live_date=D(2021, 11, 4)
    )
    release_services.scope_add(
        actor=analyst, release=june, modification=mp106, added_on=D(2020, 12, 4), reason="Scope"
    )
    item = release_services.scope_add(
        actor=analyst, release=november, modification=mp090, added_on=D(2020, 7, 1), reason="S"
    )
    html = list_html(panel_client, release="june-2021")
    assert "MP106" in html and "MP090" not in html
    assert '<option value="nov-2021"' in html  # choices come from the reverse relation
    release_services.scope_remove(actor=analyst, item=item, removed_on=D(2020, 8, 1), reason="Out")
    html = list_html(panel_client, release="nov-2021")
    assert "MP090" not in html


def test_a_forged_filter_value_is_ignored_not_a_500(panel_client, mp106):
    html = list_html(panel_client, status="nonsense", dcc="maybe")
    assert "MP106" in html


def test_pagination_keeps_the_filters_in_page_links(panel_client):
    ModificationFactory.create_batch(PAGE_SIZE + 5, title="Alerts batch", status="refinement")
    ModificationFactory.create_batch(3, title="Other", status="approved")
    html = list_html(panel_client, q="alerts", status="refinement")
    assert f"Showing 1 to {PAGE_SIZE} of {PAGE_SIZE + 5}" in html
    page_links = re.findall(r'href="(\?[^"]*page=2[^"]*)"', html)
    assert page_links
    assert all("q=alerts" in link and "status=refinement" in link for link in page_links)
    html = list_html(panel_client, q="alerts", status="refinement", page=2)
    assert "Showing 26 to 30 of 30" in html


def test_empty_register_says_so_and_invites_analysts_to_add(analyst_client):
    html = list_html(analyst_client)
    assert "The register is empty" in html
    assert reverse("modifications:modification_create") in html


def test_no_match_says_so_and_offers_to_clear_the_filters(panel_client, mp106):
    html = list_html(panel_client, q="nothing like this")
    assert "No modification matches these filters" in html
    assert "clear the filters" in html


def _register_of(analyst, size):
    releases = [
        make_release(analyst, name=f"Release {i}", slug=f"r-{i}", go_live_date=D(2030, 1 + i, 1))
        for i in range(2)
    ]
    for modification in ModificationFactory.create_batch(size):
        FormerReferenceFactory(modification)
        for release in releases:
            release_services.scope_add(
                actor=analyst,
                release=release,
                modification=modification,
                added_on=D(2028, 1, 1),
                reason="Scope",
            )


def FormerReferenceFactory(modification):  # noqa: N802 - reads like the factories
    return modification.former_references.create(
        reference=f"DP{modification.number}", until=D(2020, 1, 1)
    )


LIST_QUERIES = 7  # session, user with roles, release choices, count, page, former refs, targets


@pytest.mark.parametrize("size", [5, 50])
def test_register_list_uses_a_fixed_number_of_queries(
    analyst, analyst_client, django_assert_num_queries, size
):
    _register_of(analyst, size)
    url = reverse("modifications:modification_list")
    with django_assert_num_queries(LIST_QUERIES):
        response = analyst_client.get(url, {"dcc": "no"})
    assert response.status_code == 200
    assert text(response).count("Release 1</a>") == min(size, PAGE_SIZE)


@pytest.mark.parametrize("size", [5, 50])
def test_the_modification_forms_use_a_fixed_number_of_queries(analyst, analyst_client, size):
    _register_of(analyst, size)
    reference = Modification.objects.order_by("pk").first().reference
    pages = {
        reverse("modifications:modification_create"): 3,  # session, user, catalogue
        # and the lookup, the row, its documents, the row as it is
        # 8: the edit form also reads the latest Event, to refuse a lost update (who changed it)
        reverse("modifications:modification_edit", args=[reference]): 8,
    }
    for url, expected in pages.items():
        with CaptureQueriesContext(connection) as ctx:
            assert analyst_client.get(url).status_code == 200
        assert len(ctx.captured_queries) == expected, url


# The detail page ----------------------------------------------------------------------------


def test_detail_shows_every_field(analyst, panel_client, mp106):
    release_services.decision_record(
        actor=analyst, modification=mp106, kind="cb_approve", date=D(2021, 2, 24), notes="Unanimous"
    )
    html = text(panel_client.get(mp106.get_absolute_url()))
    for expected in [
        "MP106",
        "CHISM update for Unknown WAN Variant",
        "will insert guidance in SEC Appendix I.",
        "Approved",
        "Path 3: Self-Governance",
        "British Gas",
        "Joe Hehir",
        "Appendix I",
        "CH Installation and Maintenance Support Materials",
        "20 Nov 2020",
        "24 Feb 2021",
        "1 Mar 2021",
        'href="https://smartenergycodecompany.co.uk/modifications/chism-update/"',
        "Change Board approves (Self-Governance)",
        "Unanimous",
        "Ada Analyst",
        "Loaded from RID v8.0",
        reverse("modifications:modification_activity", args=["MP106"]),
    ]:
        assert expected in html, expected


def test_detail_shows_tbc_impacts_with_their_footnotes(panel_client, mp090):
    html = text(panel_client.get(mp090.get_absolute_url()))
    assert "TBC" in html
    assert "Footnote: Several solution options are currently being assessed for MP090" in html
    assert "Footnote: MP090 will require documentation changes to the GBCS" in html


def test_detail_lists_the_releases_it_is_targeted_for_with_links(
    analyst, panel_client, mp106, june
):
    release_services.scope_add(
        actor=analyst,
        release=june,
        modification=mp106,
        added_on=D(2020, 12, 4),
        reason="Scope",
        part_label="part 2",
    )
    html = text(panel_client.get(mp106.get_absolute_url()))
    assert f'href="{june.get_absolute_url()}"' in html
    assert "part 2" in html and "In scope" in html


def test_a_former_reference_redirects_to_the_current_one(panel_client, dp153):
    response = panel_client.get(reverse("modifications:modification_detail", args=["DP153"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("modifications:modification_detail", args=["MP153"])
    html = text(panel_client.get(response["Location"]))
    assert "DP153 (until 16 April 2021)" in html


def test_a_loosely_typed_reference_redirects_and_an_unknown_one_is_404(panel_client, mp106):
    response = panel_client.get(reverse("modifications:modification_detail", args=["mp106"]))
    assert response["Location"] == mp106.get_absolute_url()
    url = reverse("modifications:modification_detail", args=["MP999"])
    assert panel_client.get(url).status_code == 404
    url = reverse("modifications:modification_detail", args=["nonsense"])
    assert panel_client.get(url).status_code == 404


DETAIL_QUERIES = (
    9  # session, user with roles, lookup, row, documents, former refs, decisions, scope, events
)


@pytest.mark.parametrize("size", [1, 8])
def test_detail_page_uses_a_fixed_number_of_queries(
    analyst, analyst_client, django_assert_num_queries, size
):
    modification = make_modification(
        analyst,
        reference="DP300",
        sec_documents=list(SECDocument.objects.all()[: size * 2]),
        path="path2",
    )
    decide = release_services.decision_record
    for i in range(size):
        release = make_release(
            analyst, name=f"Release {i}", slug=f"r-{i}", go_live_date=D(2030, 1, 1 + i)
        )
        release_services.scope_add(
            actor=analyst,
            release=release,
            modification=modification,
            added_on=D(2021, 1, 1),
            reason="Scope",
        )
    for kind in ["convert", "report_ready", "report_approved", "cb_recommend_approve"][:size]:
        decide(actor=analyst, modification=modification, kind=kind, date=D(2021, 2, 1))
    url = reverse("modifications:modification_detail", args=[Modification.objects.get().reference])
    analyst_client.get(url)  # warms the content-type cache the activity trail uses
    with django_assert_num_queries(DETAIL_QUERIES):
        response = analyst_client.get(url)
    assert response.status_code == 200


# Creating a modification --------------------------------------------------------------------

VALID = {
    "reference": "mp 106",
    "status": "refinement",
    "title": "CHISM update for Unknown WAN Variant",
    "rid_summary": "will insert guidance in SEC Appendix I.",
    "path": "path3",
    "duis_impact": "no",
    "gbcs_impact": "no",
    "ch_firmware_impact": "no",
    "impacts_suppliers": "on",
    "change_board_date": "2021-02-24",
    "web_url": "https://smartenergycodecompany.co.uk/modifications/chism/",
    "reason": "Raised by British Gas",
}


def test_analyst_creates_a_modification_through_the_service(analyst, analyst_client):
    appendix_i = sec_document("appendix", "I")
    response = analyst_client.post(
        reverse("modifications:modification_create"), {**VALID, "sec_documents": [appendix_i.pk]}
    )
    modification = Modification.objects.get()
    assert response.status_code == 302
    assert response["Location"] == modification.get_absolute_url()
    assert modification.reference == "MP106"
    assert modification.status == Status.REFINEMENT
    assert modification.impacts_suppliers is True
    assert modification.change_board_date == D(2021, 2, 24)
    assert list(modification.sec_documents.all()) == [appendix_i]
    event = Event.objects.about(modification).get()
    assert event.actor == analyst
    assert event.action == "modification.created"
    assert event.reason == "Raised by British Gas"
    follow = text(analyst_client.get(response["Location"]))
    assert "MP106 added to the register." in follow


def _refused(analyst_client, data, field, message):
    events = Event.objects.count()
    count = Modification.objects.count()
    response = analyst_client.post(reverse("modifications:modification_create"), data)
    assert response.status_code == 200
    html = text(response)
    assert message in field_block(html, field), html
    assert "Nothing has been saved yet" in html
    assert f'href="#div_id_{field}"' in html  # the error summary links to the field
    assert Modification.objects.count() == count
    assert Event.objects.count() == events
    return html


def test_a_malformed_reference_is_refused_next_to_the_field_keeping_what_was_typed(
    analyst_client,
):
    html = _refused(
        analyst_client, {**VALID, "reference": "XY 12"}, "reference", "Enter a reference like"
    )
    assert 'value="XY 12"' in field_block(html, "reference")
    assert 'value="CHISM update for Unknown WAN Variant"' in field_block(html, "title")
    assert "Raised by British Gas" in html


def test_a_duplicate_reference_is_refused(analyst_client, mp106):
    _refused(analyst_client, VALID, "reference", "MP106 is already in the register.")


def test_a_former_reference_cannot_be_reused(analyst_client, dp153):
    _refused(
        analyst_client,
        {**VALID, "reference": "dp153", "status": "development"},
        "reference",
        "the former reference of MP153",
    )


def test_an_over_long_title_is_refused(analyst_client):
    html = _refused(
        analyst_client, {**VALID, "title": "T" * 301}, "title", "at most 300 characters"
    )
    assert "T" * 301 in html


def test_a_tbc_impact_needs_a_footnote(analyst_client):
    _refused(
        analyst_client,
        {**VALID, "duis_impact": "tbc", "impacts_dcc_systems": "on"},
        "duis_footnote",
        "Say in a footnote what is still to be confirmed about the DUIS impact",
    )


def test_a_footnote_on_a_no_impact_is_refused(analyst_client):
    _refused(
        analyst_client,
        {**VALID, "gbcs_footnote": "Orphan footnote"},
        "gbcs_footnote",
        "A footnote explains a Yes or TBC",
    )


def test_a_system_impact_without_impacts_dcc_systems_is_refused(analyst_client):
    _refused(
        analyst_client,
        {**VALID, "ch_firmware_impact": "yes"},
        "impacts_dcc_systems",
        "is a DCC System change",
    )


def test_an_impact_outside_yes_no_tbc_is_refused(analyst_client):
    _refused(
        analyst_client, {**VALID, "duis_impact": "maybe"}, "duis_impact", "Select a valid choice"
    )


def test_a_draft_proposal_starts_at_the_development_stage(analyst_client):
    _refused(
        analyst_client,
        {**VALID, "reference": "DP124"},
        "status",
        "A Draft Proposal (DP) is at the Development Stage",
    )


def test_a_malformed_date_and_url_are_refused(analyst_client):
    html = _refused(
        analyst_client, {**VALID, "panel_date": "31/02/2021"}, "panel_date", "Enter a valid date"
    )
    assert 'value="31/02/2021"' in html
    _refused(analyst_client, {**VALID, "web_url": "not a url"}, "web_url", "Enter a valid URL")


# Editing a modification ------------------------------------------------------------------


def edit_data(modification, **changes):
    data = {
        "title": modification.title,
        "rid_summary": modification.rid_summary,
        "path": modification.path,
        "duis_impact": modification.duis_impact,
        "gbcs_impact": modification.gbcs_impact,
        "ch_firmware_impact": modification.ch_firmware_impact,
        "sec_documents": [d.pk for d in modification.sec_documents.all()],
        "reason": "Corrected from the Panel paper",
    }
    for name in ["impacts_suppliers", "impacts_dcc", "impacts_dcc_systems"]:
        if getattr(modification, name):
            data[name] = "on"
    for name in ["panel_date", "change_board_date", "cut_off_date"]:
        if getattr(modification, name):
            data[name] = getattr(modification, name).isoformat()
    for name in ["web_url", "proposer", "lead_analyst"]:
        data[name] = getattr(modification, name)
    data.update(changes)
    return data


def test_analyst_edits_a_modification_and_the_event_says_what_and_why(
    analyst, analyst_client, mp106
):
    section_h = sec_document("section", "H")
    url = reverse("modifications:modification_edit", args=["MP106"])
    response = analyst_client.post(
        url,
        edit_data(mp106, title="CHISM update", sec_documents=[section_h.pk], cut_off_date=""),
    )
    assert response.status_code == 302
    mp106.refresh_from_db()
    assert mp106.title == "CHISM update"
    assert mp106.cut_off_date is None
    assert list(mp106.sec_documents.all()) == [section_h]
    event = Event.objects.about(mp106).filter(action="modification.updated").get()
    assert event.actor == analyst
    assert event.reason == "Corrected from the Panel paper"
    assert event.changes["title"] == ["CHISM update for Unknown WAN Variant", "CHISM update"]
    assert set(event.changes) == {"title", "sec_documents", "cut_off_date"}


def test_the_status_cannot_be_changed_by_the_edit_form(analyst_client, mp106):
    url = reverse("modifications:modification_edit", args=["MP106"])
    html = text(analyst_client.get(url))
    assert 'name="status"' not in html and 'name="reference"' not in html
    analyst_client.post(url, edit_data(mp106, status="approved", title="New title"))
    mp106.refresh_from_db()
    assert mp106.status == Status.CHANGE_BOARD
    assert mp106.title == "New title"


def test_an_edit_needs_a_reason_and_keeps_what_was_typed(analyst_client, mp106):
    url = reverse("modifications:modification_edit", args=["MP106"])
    response = analyst_client.post(url, edit_data(mp106, title="Typed title", reason=""))
    html = text(response)
    assert "This field is required" in field_block(html, "reason")
    assert 'value="Typed title"' in html
    mp106.refresh_from_db()
    assert mp106.title == "CHISM update for Unknown WAN Variant"
    assert not Event.objects.about(mp106).filter(action="modification.updated").exists()


def test_an_edit_with_bad_input_saves_nothing(analyst_client, mp106):
    url = reverse("modifications:modification_edit", args=["MP106"])
    response = analyst_client.post(url, edit_data(mp106, title="", duis_impact="tbc"))
    html = text(response)
    assert "This field is required" in field_block(html, "title")
    assert "still to be confirmed" in field_block(html, "duis_footnote")
    mp106.refresh_from_db()
    assert mp106.duis_impact == "no"


def test_saving_without_changes_records_nothing(analyst_client, mp106):
    url = reverse("modifications:modification_edit", args=["MP106"])
    response = analyst_client.post(url, edit_data(mp106), follow=True)
    assert "Nothing changed" in text(response)
    assert not Event.objects.about(mp106).filter(action="modification.updated").exists()


def test_editing_by_a_former_reference_redirects_to_the_current_one(analyst_client, dp153):
    response = analyst_client.get(reverse("modifications:modification_edit", args=["DP153"]))
    assert response["Location"] == reverse("modifications:modification_edit", args=["MP153"])


# Activity ---------------------------------------------------------------------------------


def test_activity_page_shows_who_when_what_and_why(analyst, panel_client, mp106, june):
    release_services.scope_add(
        actor=analyst, release=june, modification=mp106, added_on=D(2020, 12, 4), reason="Baseline"
    )
    from modifications import services

    services.modification_update(
        actor=analyst, modification=mp106, title="CHISM update", reason="Shorter title"
    )
    html = text(panel_client.get(reverse("modifications:modification_activity", args=["MP106"])))
    assert "Ada Analyst" in html
    assert "MP106 updated" in html
    assert "CHISM update for Unknown WAN Variant</del>" in html
    assert "CHISM update</ins>" in html
    assert "Shorter title" in html
    assert "MP106 added to the scope of June 2021 SEC Release" in html
    assert "Baseline" in html


def test_activity_page_is_paginated(analyst, panel_client, mp106):
    from modifications import services

    for i in range(30):
        services.modification_update(
            actor=analyst, modification=mp106, title=f"Title {i}", reason=f"Edit {i}"
        )
    url = reverse("modifications:modification_activity", args=["MP106"])
    html = text(panel_client.get(url))
    assert "Edit 29" in html and "Edit 0<" not in html
    assert "?page=2" in html
    html = text(panel_client.get(url, {"page": 2}))
    assert "Edit 0" in html


# DCC Change Requests --------------------------------------------------------------------


def test_analyst_creates_a_change_request_with_a_normalised_reference(analyst, analyst_client):
    response = analyst_client.post(
        reverse("modifications:change_request_create"),
        {
            "reference": "cr 1145",
            "title": "Auxiliary Proportional Load Control",
            "category": "DCC BEIS Mandated Change Request",
            "reason": "From the OPSG paper",
        },
    )
    change_request = ChangeRequest.objects.get()
    assert response["Location"] == change_request.get_absolute_url()
    assert change_request.reference == "CR1145"
    event = Event.objects.about(change_request).get()
    assert event.actor == analyst and event.reason == "From the OPSG paper"


def test_a_duplicate_change_request_is_refused_but_crtbc_may_repeat(analyst_client):
    ChangeRequestFactory(reference="CR1145")
    ChangeRequestFactory(reference="CRTBC")
    url = reverse("modifications:change_request_create")
    response = analyst_client.post(url, {"reference": "CR1145", "title": "Again"})
    assert "CR1145 is already in the register." in field_block(text(response), "reference")
    assert 'value="Again"' in text(response)
    response = analyst_client.post(url, {"reference": "crtbc", "title": "XML signing"})
    assert response.status_code == 302
    assert ChangeRequest.objects.filter(reference="CRTBC").count() == 2


def test_a_malformed_change_request_reference_is_refused(analyst_client):
    response = analyst_client.post(
        reverse("modifications:change_request_create"), {"reference": "CR12", "title": "x"}
    )
    assert "Enter a DCC Change Request reference like CR1145" in field_block(
        text(response), "reference"
    )
    assert not ChangeRequest.objects.exists()


def test_analyst_edits_a_change_request(analyst, analyst_client):
    change_request = ChangeRequestFactory(reference="CRTBC", title="Organisation Certificates")
    url = reverse("modifications:change_request_edit", args=[change_request.pk])
    response = analyst_client.post(
        url,
        {
            "reference": "cr 1300",
            "title": "Organisation Certificates – XML signing",
            "category": "DCC BEIS Mandated Change Request",
            "reason": "The DCC numbered it",
        },
    )
    assert response.status_code == 302
    change_request.refresh_from_db()
    assert change_request.reference == "CR1300"
    event = Event.objects.about(change_request).get()
    assert event.changes["reference"] == ["CRTBC", "CR1300"]
    assert event.reason == "The DCC numbered it"


def test_change_request_detail_lists_the_releases_it_is_alongside(analyst, panel_client, june):
    change_request = ChangeRequestFactory(reference="CR1145")
    release_services.release_change_request_add(
        actor=analyst, release=june, change_request=change_request
    )
    html = text(panel_client.get(change_request.get_absolute_url()))
    assert f'href="{june.get_absolute_url()}"' in html
    html = text(panel_client.get(reverse("modifications:change_request_list")))
    assert "June 2021 SEC Release" in html and "CR1145" in html


@pytest.mark.parametrize("size", [2, 20])
def test_change_request_list_uses_a_fixed_number_of_queries(
    analyst, panel_client, django_assert_num_queries, june, size
):
    for change_request in ChangeRequestFactory.create_batch(size):
        release_services.release_change_request_add(
            actor=analyst, release=june, change_request=change_request
        )
    with django_assert_num_queries(4):
        panel_client.get(reverse("modifications:change_request_list"))


def test_an_unknown_change_request_is_404(panel_client):
    url = reverse("modifications:change_request_detail", args=[999999])
    assert panel_client.get(url).status_code == 404
