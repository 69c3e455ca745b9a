"""One row behind every edit form of the app, and how to reach each form: shared by the
lost-update tests and the form fuzzing tests (EDIT_FORMS: the product's pages), and the Django
admin change forms of the same rows (ADMIN_EDIT_FORMS: the lost-update tests)."""

import datetime
from dataclasses import dataclass

from django.urls import reverse

from modifications import services as register
from modifications.models import ChangeRequest, Modification, SECDocument
from releases import services as release_services
from releases.models import (
    AcceptanceCriterion,
    DccImpact,
    GlossaryEntry,
    OtherCodeImpact,
    PartyImpact,
    Release,
    ScopeItem,
    SecasCostLine,
    TimelineEvent,
    UpdatePaper,
    UpdatePaperSection,
)
from releases.paper import services as paper_services
from tests.factories import make_modification, make_release


@dataclass(frozen=True)
class EditForm:
    name: str
    model: type
    field: str  # the model field the test changes
    url: object  # function(world) -> URL of the edit page
    row: object  # function(world) -> the row the form edits
    form_field: object = None  # function(world) -> the field's name in the form (default: field)
    admin: bool = False  # a Django admin change form (for superusers)

    def field_name(self, world):
        return self.form_field(world) if self.form_field else self.field

    def stored(self, world):
        return getattr(self.model.objects.get(pk=self.row(world).pk), self.field)


def make_world(actor):
    """A release with one row of each part, a modification in its scope, a glossary entry, a
    Change Request and an OPSG paper covering the release."""
    release = make_release(
        actor,
        system_baseline_date=datetime.date(2020, 7, 17),
        full_baseline_date=datetime.date(2020, 12, 11),
    )
    make_release(
        actor,
        name="November 2021 SEC Release",
        slug="november-2021",
        go_live_date=datetime.date(2021, 11, 4),
    )
    modification = make_modification(actor, "MP106", title="CHISM update for Unknown WAN Variant")
    item = release_services.scope_add(
        actor=actor,
        release=release,
        modification=modification,
        added_on=datetime.date(2020, 7, 1),
        reason="Targeted by the Panel",
    )
    parts = {}
    for model, fields in [
        (SecasCostLine, {"activity": "to update the SEC", "effort_days": 2, "cost": 1200}),
        (DccImpact, {"area": "Operational changes", "summary": "New DUIS version"}),
        (OtherCodeImpact, {"code": "BSC", "summary": "No change"}),
        (AcceptanceCriterion, {"position": 1, "text": "SEC legal text is updated"}),
    ]:
        parts[model] = release_services.release_part_save(
            actor=actor, release=release, model=model, **fields
        )
    glossary = release_services.glossary_entry_save(
        actor=actor, acronym="CHISM", full_term="CH Installation and Maintenance Support Materials"
    )
    change_request = register.change_request_create(
        actor=actor, reference="CR1145", title="Organisation certificates"
    )
    paper = paper_services.paper_create(
        actor=actor,
        reference="OPSG_33_0206_15",
        as_of=datetime.date(2020, 5, 26),
        author="David Kemp",
        releases=[release],
    )
    return {
        "release": release,
        "modification": modification,
        "item": item,
        "parts": parts,
        "timeline": release.timeline.order_by("id").first(),
        "party": release.party_impacts.order_by("id").first(),
        "glossary": glossary,
        "change_request": change_request,
        "paper": paper,
        "section": paper.sections.get(),
        "sec_document": SECDocument.objects.order_by("position").first(),
    }


def _part_url(part, key):
    def url(w):
        row = w["parts"][key] if isinstance(key, type) else w[key]
        return reverse("releases:part_edit", args=[w["release"].slug, part, row.pk])

    return url


EDIT_FORMS = [
    EditForm(
        "release",
        Release,
        "user_testing_text",
        lambda w: reverse("releases:release_edit", args=[w["release"].slug]),
        lambda w: w["release"],
    ),
    EditForm(
        "modification",
        Modification,
        "title",
        lambda w: reverse("modifications:modification_edit", args=[w["modification"].reference]),
        lambda w: w["modification"],
    ),
    EditForm(
        "scope item",
        ScopeItem,
        "status_override",
        lambda w: reverse("releases:scope_item_edit", args=[w["release"].slug, w["item"].pk]),
        lambda w: w["item"],
    ),
    EditForm(
        "cost line",
        SecasCostLine,
        "activity",
        _part_url("secas-costs", SecasCostLine),
        lambda w: w["parts"][SecasCostLine],
    ),
    EditForm(
        "timeline event",
        TimelineEvent,
        "notes",
        _part_url("timeline", "timeline"),
        lambda w: w["timeline"],
    ),
    EditForm(
        "party impact",
        PartyImpact,
        "summary",
        _part_url("party-impacts", "party"),
        lambda w: w["party"],
    ),
    EditForm(
        "DCC impact",
        DccImpact,
        "summary",
        _part_url("dcc-impacts", DccImpact),
        lambda w: w["parts"][DccImpact],
    ),
    EditForm(
        "other code impact",
        OtherCodeImpact,
        "summary",
        _part_url("other-code-impacts", OtherCodeImpact),
        lambda w: w["parts"][OtherCodeImpact],
    ),
    EditForm(
        "acceptance criterion",
        AcceptanceCriterion,
        "text",
        _part_url("acceptance-criteria", AcceptanceCriterion),
        lambda w: w["parts"][AcceptanceCriterion],
    ),
    EditForm(
        "glossary entry",
        GlossaryEntry,
        "full_term",
        lambda w: reverse("releases:glossary_edit", args=[w["glossary"].pk]),
        lambda w: w["glossary"],
    ),
    EditForm(
        "paper",
        UpdatePaper,
        "purpose",
        lambda w: reverse("releases:paper_edit", args=[w["paper"].pk]),
        lambda w: w["paper"],
    ),
    EditForm(
        "paper section",
        UpdatePaperSection,
        "intro",
        lambda w: reverse("releases:paper_edit", args=[w["paper"].pk]),
        lambda w: w["section"],
        form_field=lambda w: f"section-{w['section'].pk}-intro",
    ),
    EditForm(
        "SEC document",
        SECDocument,
        "title",
        lambda w: reverse("modifications:sec_document_edit", args=[w["sec_document"].pk]),
        lambda w: w["sec_document"],
    ),
    EditForm(
        "Change Request",
        ChangeRequest,
        "title",
        lambda w: reverse("modifications:change_request_edit", args=[w["change_request"].pk]),
        lambda w: w["change_request"],
    ),
]


def _admin_form(name, model, field, row):
    """The Django admin change form of `row(world)`, a `model` row."""
    opts = model._meta
    return EditForm(
        f"admin {name}",
        model,
        field,
        lambda w: reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row(w).pk]),
        row,
        admin=True,
    )


# Every admin change form of a model the product also edits (releases/admin.py,
# modifications/admin.py); tests/test_lost_updates.py checks none is missing.
ADMIN_EDIT_FORMS = [
    _admin_form("release", Release, "user_testing_text", lambda w: w["release"]),
    _admin_form("modification", Modification, "title", lambda w: w["modification"]),
    _admin_form("scope item", ScopeItem, "status_override", lambda w: w["item"]),
    _admin_form("cost line", SecasCostLine, "activity", lambda w: w["parts"][SecasCostLine]),
    _admin_form("timeline event", TimelineEvent, "notes", lambda w: w["timeline"]),
    _admin_form("party impact", PartyImpact, "summary", lambda w: w["party"]),
    _admin_form("DCC impact", DccImpact, "summary", lambda w: w["parts"][DccImpact]),
    _admin_form(
        "other code impact", OtherCodeImpact, "summary", lambda w: w["parts"][OtherCodeImpact]
    ),
    _admin_form(
        "acceptance criterion",
        AcceptanceCriterion,
        "text",
        lambda w: w["parts"][AcceptanceCriterion],
    ),
    _admin_form("glossary entry", GlossaryEntry, "full_term", lambda w: w["glossary"]),
    _admin_form("SEC document", SECDocument, "title", lambda w: w["sec_document"]),
    _admin_form("Change Request", ChangeRequest, "title", lambda w: w["change_request"]),
]
