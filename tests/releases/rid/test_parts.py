"""Each part of a modification in a release has its own RID summary and impacts, edited in the
scope item form (pre-filled with the modification's until the part has its own)."""

import datetime

from modifications import services as register
from releases import services
from releases.models import ScopeItem
from releases.rid.document import build_rid
from tests.factories import make_release, sec_document

D = datetime.date


def make_part(analyst):
    release = make_release(analyst, name="Parts 2031 SEC Release", slug="parts-2031")
    mod = register.modification_create(
        actor=analyst,
        reference="MP870",
        title="Split change",
        rid_summary="will change the whole thing.",
        status="approved",
        impacts_dcc_systems=True,
        gbcs_impact="yes",
        impacts_dcc=True,
        sec_documents=[sec_document("schedule", "8")],
    )
    item = services.scope_add(
        actor=analyst,
        release=release,
        modification=mod,
        added_on=D(2020, 1, 6),
        reason="Panel",
        part_label="part 1",
    )
    return release, item


def test_the_edit_form_starts_from_the_modifications_impacts(analyst, analyst_client):
    release, item = make_part(analyst)
    response = analyst_client.get(f"/releases/{release.slug}/scope/{item.pk}/edit/")
    form = response.context["form"]
    assert form.initial["gbcs_impact"] == "yes"
    assert form.initial["impacts_dcc"] is True
    assert [d.label for d in form.initial["sec_documents"]] == ["Schedule 8"]
    assert "will change the whole thing." in form.fields["rid_summary"].help_text


def test_a_part_with_its_own_summary_and_impacts_shows_them_in_the_rid(analyst, analyst_client):
    release, item = make_part(analyst)
    response = analyst_client.post(
        f"/releases/{release.slug}/scope/{item.pk}/edit/",
        {
            "part_label": "part 1",
            "rid_summary": "will change the legal text only.",
            "own_impacts": "on",
            "duis_impact": "no",
            "gbcs_impact": "no",
            "ch_firmware_impact": "no",
            "impacts_suppliers": "on",
            "sec_documents": [sec_document("appendix", "R").pk],
            "reason": "The Panel split it.",
        },
    )
    assert response.status_code == 302
    item = ScopeItem.objects.get(pk=item.pk)
    assert item.own_impacts and item.rid_summary == "will change the legal text only."
    rid = build_rid(release)
    (part,) = rid.modifications
    assert part.summary == "will change the legal text only."
    assert not part.impacts_dcc_systems
    assert rid.system_impacts_wording == "documentation_only"
    assert [(r.label, r.cells) for r in rid.participant_matrix] == [
        ("MP870", (True, False, False, False, False))
    ]
    assert [r.label for r in rid.document_matrix] == ["Appendix R"]


def test_a_part_without_its_own_impacts_shows_the_modifications(analyst):
    release, _item = make_part(analyst)
    rid = build_rid(release)
    (part,) = rid.modifications
    assert part.summary == "will change the whole thing."
    assert part.label == "MP870 \u2018Split change\u2019 (part 1)"
    assert [r.reference for r in rid.system_impacts] == ["MP870"]
    assert part.other_parts == ()
