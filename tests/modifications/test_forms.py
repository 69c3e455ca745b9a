"""The register's forms on their own: normalising, cross-field checks, what is offered."""

import pytest

from modifications.forms import (
    ChangeRequestCreateForm,
    DecisionRecordForm,
    ModificationCreateForm,
    RegisterFilterForm,
)
from modifications.models import ChangeRequest, Status
from modifications.selectors import RegisterFilters
from tests.factories import ModificationFactory, make_modification

pytestmark = pytest.mark.django_db

BASE = {
    "status": "refinement",
    "title": "A title",
    "path": "path3",
    "duis_impact": "no",
    "gbcs_impact": "no",
    "ch_firmware_impact": "no",
}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("mp 106", "MP106"), (" secmp 7 ", "SECMP0007"), ("mp102a", "MP102A"), ("MP78", "MP078")],
)
def test_create_form_normalises_the_reference(typed, expected):
    form = ModificationCreateForm({**BASE, "reference": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reference"] == expected
    assert form.service_fields()["reference"] == expected


@pytest.mark.parametrize("typed", ["", "MP", "DP124A", "XY106", "MP12345"])
def test_create_form_refuses_malformed_references(typed):
    form = ModificationCreateForm({**BASE, "reference": typed})
    assert not form.is_valid()
    assert "reference" in form.errors


def test_create_form_refuses_a_reference_already_taken_however_it_is_typed(analyst):
    make_modification(analyst, reference="MP106")
    form = ModificationCreateForm({**BASE, "reference": "mp 106"})
    assert not form.is_valid()
    assert form.errors["reference"] == ["MP106 is already in the register."]


def test_tbc_needs_a_footnote_and_yes_may_have_one():
    form = ModificationCreateForm(
        {
            **BASE,
            "reference": "MP090",
            "impacts_dcc_systems": "on",
            "duis_impact": "tbc",
            "duis_footnote": "Several solution options are currently being assessed",
            "gbcs_impact": "yes",
            "gbcs_footnote": "MP090 will require documentation changes to the GBCS",
        }
    )
    assert form.is_valid(), form.errors


def test_a_footnote_longer_than_the_database_allows_is_refused():
    form = ModificationCreateForm(
        {
            **BASE,
            "reference": "MP090",
            "impacts_dcc_systems": "on",
            "duis_impact": "tbc",
            "duis_footnote": "x" * 301,
        }
    )
    assert not form.is_valid()
    assert "at most 300 characters" in form.errors["duis_footnote"][0]


def test_create_form_has_no_empty_choice_for_impacts():
    form = ModificationCreateForm()
    assert [v for v, _ in form.fields["duis_impact"].choices] == ["yes", "no", "tbc"]


def test_sec_documents_are_offered_grouped_sections_schedules_appendices():
    form = ModificationCreateForm()
    groups = [label for label, _options in form.fields["sec_documents"].choices]
    assert groups == ["Sections", "Schedules", "Appendices"]
    appendices = dict(form.fields["sec_documents"].choices)["Appendices"]
    labels = [label for _pk, label in appendices]
    assert labels.index("X \u2018Registration Data Interface Specification\u2019") < labels.index(
        "AD \u2018DCC User Interface Specification\u2019"
    )


def test_decision_form_offers_only_allowed_decisions():
    modification = ModificationFactory(status=Status.WITH_AUTHORITY, path="path2")
    form = DecisionRecordForm(modification=modification)
    assert [k for k, _ in form.fields["kind"].choices] == [
        "authority_approve",
        "authority_reject",
        "authority_send_back",
        "withdraw",
    ]


def test_decision_form_refuses_a_forged_kind_with_the_lifecycle_sentence():
    modification = ModificationFactory(status=Status.REFINEMENT)
    form = DecisionRecordForm(
        {"kind": "implement", "date": "2021-01-01"}, modification=modification
    )
    assert not form.is_valid()
    assert "cannot be recorded for" in form.errors["kind"][0]
    assert "Select a valid choice" not in form.errors["kind"][0]


def test_change_request_form_normalises_and_allows_repeated_crtbc():
    ChangeRequest.objects.create(reference="CRTBC", title="One")
    form = ChangeRequestCreateForm({"reference": " crtbc ", "title": "Two"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reference"] == "CRTBC"
    form = ChangeRequestCreateForm({"reference": "cr-1145", "title": "Aux"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reference"] == "CR1145"


def test_filter_form_reads_the_filters_and_drops_forged_values():
    form = RegisterFilterForm({"q": "  DP153 ", "status": "approved", "dcc": "maybe"})
    assert form.filters() == RegisterFilters(search="DP153", status="approved")
    assert "dcc" in form.errors
    assert RegisterFilterForm({}).filters() == RegisterFilters()
