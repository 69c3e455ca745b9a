"""Forms of the register: one ModelForm per use case, each with its crispy FormHelper.

Forms read and normalise what the analyst typed and say what to fix next to the field; they never
save. Views (and the admin) hand `cleaned_data` to modifications.services, and put any
ValidationError the service raises back onto the form with `apply_service_errors`.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from secrelease.edits import EditTokenMixin
from secrelease.forms import date_widget, form_helper, validate_plausible_date
from secrelease.text import quoted_label

from . import catalogue, lifecycle
from .models import (
    ChangeRequest,
    Decision,
    DecisionKind,
    FormerReference,
    ImpactValue,
    Modification,
    SECDocument,
    SECDocumentKind,
    Status,
)
from .references import (
    ReferenceError,
    normalise_change_request_reference,
    parse_modification_reference,
)
from .selectors import RegisterFilters, release_choices

REASON_HELP = "Recorded in the activity trail with your change, e.g. 'Dates from the Panel paper'."


class SECDocumentChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes grouped Sections / Schedules / Appendices, each labelled like the RID
    ("Section H 'DCC Services'"). Offers the documents in force; `offer(cited)` adds the retired
    ones a modification already cites (they stay on it, marked retired)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=SECDocument.objects.in_force().order_by("position"), **kwargs)

    def offer(self, cited=()):
        """Offer the documents in force plus the pks in `cited`; sets the grouped choices."""
        self.queryset = SECDocument.objects.offered_for(cited).order_by("position")
        self.choices = self.grouped_choices()

    def grouped_choices(self):
        plural = {"section": "Sections", "schedule": "Schedules", "appendix": "Appendices"}
        groups = {}
        for document in self.queryset:
            label = quoted_label(document.code, document.title)
            if document.is_retired:
                label += " (retired)"
            groups.setdefault(plural[document.kind], []).append((document.pk, label))
        return list(groups.items())


# The register: create and edit -------------------------------------------------------------

REGISTER_FIELDS = [
    "title",
    "rid_summary",
    "path",
    "proposer",
    "lead_analyst",
    "impacts_dcc_systems",
    "duis_impact",
    "duis_footnote",
    "gbcs_impact",
    "gbcs_footnote",
    "ch_firmware_impact",
    "ch_firmware_footnote",
    "impacts_suppliers",
    "impacts_electricity_networks",
    "impacts_gas_networks",
    "impacts_other_sec_parties",
    "impacts_dcc",
    "sec_documents",
    "date_raised",
    "panel_date",
    "change_board_date",
    "authority_decision_date",
    "cut_off_date",
    "web_url",
]
SYSTEM_IMPACTS = [
    ("duis_impact", "duis_footnote", "DUIS"),
    ("gbcs_impact", "gbcs_footnote", "GBCS"),
    ("ch_firmware_impact", "ch_firmware_footnote", "CH firmware"),
]


SECTION = "form-section border-top pt-3 mt-4"


def _impact_row(impact, footnote):
    return Div(
        Div(Field(impact), css_class="col-sm-4"),
        Div(Field(footnote), css_class="col-sm-8"),
        css_class="row",
    )


def _register_layout(identity, lifecycle, submit_label):
    return Layout(
        Fieldset(
            "Identity",
            *identity,
            "title",
            Div(
                Div("proposer", css_class="col-md-6"),
                Div("lead_analyst", css_class="col-md-6"),
                css_class="row",
            ),
            css_class=SECTION,
        ),
        Fieldset("RID summary", "rid_summary", css_class=SECTION),
        Fieldset("Lifecycle and path", Div(*lifecycle, css_class="row"), css_class=SECTION),
        Fieldset(
            "DCC System impacts",
            "impacts_dcc_systems",
            *[_impact_row(impact, footnote) for impact, footnote, _label in SYSTEM_IMPACTS],
            css_class=SECTION,
        ),
        Fieldset(
            "Participant impacts",
            HTML('<p class="form-text mt-0">The columns of the RID participant impact matrix.</p>'),
            Div(
                "impacts_suppliers",
                "impacts_electricity_networks",
                "impacts_gas_networks",
                "impacts_other_sec_parties",
                "impacts_dcc",
                css_class="d-flex flex-wrap column-gap-4",
            ),
            css_class=SECTION,
        ),
        Fieldset(
            "SEC documents",
            Field("sec_documents", template="modifications/_sec_documents_field.html"),
            css_class=SECTION,
        ),
        Fieldset(
            "Key dates",
            Div(
                Div("date_raised", css_class="col-md-4"),
                Div("panel_date", css_class="col-md-4"),
                Div("change_board_date", css_class="col-md-4"),
                Div("authority_decision_date", css_class="col-md-4"),
                Div("cut_off_date", css_class="col-md-4"),
                css_class="row",
            ),
            css_class=SECTION,
        ),
        Fieldset("Links", "web_url", css_class=SECTION),
        Div("reason", css_class=SECTION),
        Submit("submit", submit_label, css_class="btn btn-primary"),
    )


class _RegisterForm(forms.ModelForm):
    """Fields and checks shared by the create and edit forms of a modification."""

    sec_documents = SECDocumentChoiceField(required=False, label="SEC documents impacted")
    web_url = forms.URLField(
        label="Public web page",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="The modification's page on smartenergycodecompany.co.uk.",
    )
    reason = forms.CharField(
        label="Reason for this change",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
    )

    class Meta:
        model = Modification
        fields = REGISTER_FIELDS
        widgets = {
            "rid_summary": forms.Textarea(attrs={"rows": 3}),
            "duis_footnote": forms.Textarea(attrs={"rows": 2}),
            "gbcs_footnote": forms.Textarea(attrs={"rows": 2}),
            "ch_firmware_footnote": forms.Textarea(attrs={"rows": 2}),
            "date_raised": date_widget(),
            "panel_date": date_widget(),
            "change_board_date": date_widget(),
            "authority_decision_date": date_widget(),
            "cut_off_date": date_widget(),
        }
        labels = {
            "impacts_dcc_systems": "Impacts DCC Systems",
            "duis_impact": "Impacts DUIS?",
            "gbcs_impact": "Impacts GBCS?",
            "ch_firmware_impact": "Impacts CH firmware?",
            "date_raised": "Date raised",
        }
        help_texts = {
            "duis_footnote": "Explains a Yes or TBC in the OPSG paper's footnotes.",
            "gbcs_footnote": "Explains a Yes or TBC in the OPSG paper's footnotes.",
            "ch_firmware_footnote": "Explains a Yes or TBC in the OPSG paper's footnotes.",
            "impacts_dcc_systems": "Drives the 12-month scope deadline and the test strategy.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cited = self.instance.sec_documents.all() if self.instance.pk else ()
        self.fields["sec_documents"].offer([d.pk for d in cited])
        for impact, _footnote, _label in SYSTEM_IMPACTS:
            self.fields[impact].choices = ImpactValue.choices  # no empty choice

    def clean(self):
        cleaned = super().clean()
        any_yes = False
        for impact, footnote, label in SYSTEM_IMPACTS:
            value, note = cleaned.get(impact), (cleaned.get(footnote) or "").strip()
            if value == ImpactValue.TBC and not note:
                self.add_error(
                    footnote,
                    f"Say in a footnote what is still to be confirmed about the {label} impact, "
                    "e.g. 'Several solution options are currently being assessed'.",
                )
            if value == ImpactValue.NO and note:
                self.add_error(
                    footnote,
                    f"A footnote explains a Yes or TBC; remove it or change the {label} impact.",
                )
            any_yes = any_yes or value == ImpactValue.YES
        if any_yes and not cleaned.get("impacts_dcc_systems"):
            self.add_error(
                "impacts_dcc_systems",
                "A DUIS, GBCS or CH firmware change is a DCC System change: tick "
                "\u201cImpacts DCC Systems\u201d or set those impacts to No or TBC.",
            )
        return cleaned

    def validate_unique(self):
        """References are checked by clean_reference and the service (current and former)."""

    def service_fields(self):
        """cleaned_data as keyword arguments for modification_create / modification_update."""
        data = {name: self.cleaned_data[name] for name in REGISTER_FIELDS}
        data["sec_documents"] = list(data["sec_documents"])
        data["reason"] = self.cleaned_data.get("reason", "")
        if "edit_token" in self.cleaned_data:
            data["edit_token"] = self.cleaned_data["edit_token"]
        return data


class ModificationCreateForm(_RegisterForm):
    """Add a modification to the register. The status is where it stands when it is added;
    afterwards only recorded decisions move it."""

    reference = forms.CharField(
        max_length=20,
        help_text="e.g. SECMP0007, MP106, MP102A or DP124; 'mp 106' is read as MP106.",
    )
    status = forms.ChoiceField(
        label="Status when added to the register",
        choices=Status.choices,
        initial=Status.DEVELOPMENT,
        help_text="After this, record decisions to move it along the lifecycle.",
    )

    class Meta(_RegisterForm.Meta):
        fields = ["reference", "status", *REGISTER_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False
        self.fields["reason"].help_text = "Optional, e.g. 'Draft Proposal raised by the DCC'."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = _register_layout(
            [Div(Div("reference", css_class="col-md-6"), css_class="row")],
            [Div("status", css_class="col-md-6"), Div("path", css_class="col-md-6")],
            "Add to the register",
        )

    def clean_reference(self):
        try:
            reference = str(parse_modification_reference(self.cleaned_data["reference"]))
        except ReferenceError as exc:
            raise ValidationError(str(exc)) from exc
        if Modification.objects.filter(reference=reference).exists():
            raise ValidationError(f"{reference} is already in the register.")
        former = FormerReference.objects.filter(reference=reference).select_related("modification")
        if former:
            raise ValidationError(
                f"{reference} is already in the register: it is the former reference of "
                f"{former[0].modification.reference}."
            )
        return reference

    def clean(self):
        cleaned = super().clean()
        reference, status = cleaned.get("reference"), cleaned.get("status")
        if reference and status:
            is_draft = reference.startswith("DP")
            if is_draft and status != Status.DEVELOPMENT:
                self.add_error(
                    "status",
                    "A Draft Proposal (DP) is at the Development Stage; a Panel decision "
                    "converts it to a Modification Proposal.",
                )
            if not is_draft and status == Status.DEVELOPMENT:
                self.add_error(
                    "status",
                    f"Only Draft Proposals are at the Development Stage; use a DP reference, "
                    f"or choose where {reference} stands now.",
                )
        return cleaned

    def service_fields(self):
        data = super().service_fields()
        data["reference"] = self.cleaned_data["reference"]
        data["status"] = self.cleaned_data["status"]
        return data


class ModificationEditForm(EditTokenMixin, _RegisterForm):
    """Edit a modification's register fields. Neither the reference nor the status is here:
    decisions convert DP to MP and move the status."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = _register_layout(
            [], [Div("path", css_class="col-md-6")], "Save changes"
        )


# Decisions -----------------------------------------------------------------------------


class LifecycleChoiceField(forms.ChoiceField):
    """Offers the decisions the lifecycle allows now, but lets any value through to the form's
    clean_kind so that a refused one gets the lifecycle's own sentence, not 'Select a valid
    choice'."""

    def validate(self, value):
        forms.Field.validate(self, value)


class DecisionRecordForm(forms.ModelForm):
    kind = LifecycleChoiceField(label="Decision", widget=forms.RadioSelect)

    class Meta:
        model = Decision
        fields = ["kind", "date", "notes"]
        widgets = {"date": date_widget(), "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"date": "Date of the decision", "notes": "Notes"}
        help_texts = {
            "notes": "e.g. the meeting, the vote or the decision letter. Recorded as the reason.",
        }

    def __init__(self, *args, modification, default_date=None, **kwargs):
        """default_date: the date field's starting value (the last date the analyst used in
        this session, secrelease.last_date); today when None."""
        super().__init__(*args, **kwargs)
        self.modification = modification
        allowed = lifecycle.allowed_decisions(modification)
        self.fields["kind"].choices = [(k, DecisionKind(k).label) for k in allowed]
        self.fields["date"].initial = default_date or timezone.localdate
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "kind",
            Div(Div("date", css_class="col-sm-8 col-md-6"), css_class="row"),
            "notes",
            Submit("submit", "Record the decision", css_class="btn btn-primary"),
        )

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        refusal = lifecycle.refusal_reason(self.modification, kind)
        if refusal:
            raise ValidationError(refusal)
        return kind

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and date > timezone.localdate():
            raise ValidationError(
                "A decision is recorded once it is taken: the date is in the future."
            )
        validate_plausible_date(date)
        return date

    def _post_clean(self):
        """No model validation: the service builds the Decision row itself."""


def _not_in_future(date):
    """A decision's date: not in the future (said first), and within 2000..2100."""
    if date and date > timezone.localdate():
        raise ValidationError("A decision is recorded once it is taken: the date is in the future.")
    validate_plausible_date(date)
    return date


class DecisionStepForm(forms.Form):
    """One row of a path of decisions (several dated decisions entered in one submission). A
    row left blank (no decision, no notes, the date untouched) is ignored."""

    kind = forms.ChoiceField(label="Decision", required=False)
    date = forms.DateField(label="Date", required=False, widget=date_widget())
    notes = forms.CharField(
        label="Notes", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 1})
    )

    def __init__(self, *args, modification, default_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.modification = modification
        self.default_date = default_date
        self.fields["kind"].choices = [
            ("", "Choose a decision"),
            *path_decision_choices(modification),
        ]
        self.fields["date"].initial = default_date
        self.helper = form_helper(
            Div(
                Div("kind", css_class="col-md-5"),
                Div("date", css_class="col-sm-6 col-md-3"),
                Div("notes", css_class="col-md-4"),
                css_class="row g-2",
            )
        )

    def clean_date(self):
        return _not_in_future(self.cleaned_data["date"])

    def clean(self):
        cleaned = super().clean()
        if self.is_blank():
            return cleaned
        if not cleaned.get("kind") and "kind" not in self.errors:
            self.add_error("kind", "Choose the decision taken on this date.")
        if not cleaned.get("date") and "date" not in self.errors:
            self.add_error("date", "Enter the date of this decision.")
        return cleaned

    def is_blank(self):
        """No decision chosen, no notes, and the date empty or as it was offered."""
        data = getattr(self, "cleaned_data", {})
        if data.get("kind") or (data.get("notes") or "").strip():
            return False
        if "date" in self.errors:  # something unreadable was typed there
            return False
        return data.get("date") in (None, self.default_date)

    def step(self):
        """The row as a step for releases.services.decisions_record."""
        return {
            "kind": self.cleaned_data["kind"],
            "date": self.cleaned_data["date"],
            "notes": (self.cleaned_data.get("notes") or "").strip(),
        }


def path_decision_choices(modification):
    """(kind, label) of every decision the lifecycle knows on the modification's path, in
    lifecycle order (a path of decisions may go through statuses it is not at yet)."""
    return [
        (t.kind, DecisionKind(t.kind).label)
        for t in lifecycle.TRANSITIONS.values()
        if t.paths is None or modification.path in t.paths
    ]


class BaseDecisionStepFormSet(forms.BaseFormSet):
    """Rows of decisions in the order they were taken; blank rows are ignored."""

    def clean(self):
        if any(form.errors for form in self.forms):
            return
        last = None
        for number, form in enumerate(self.forms, start=1):
            if form.is_blank():
                continue
            date = form.cleaned_data["date"]
            if last is not None and date < last[1]:
                form.add_error(
                    "date",
                    f"Dated before decision {last[0]} ({date:%-d %B %Y} is before "
                    f"{last[1]:%-d %B %Y}): enter the decisions in the order they were taken.",
                )
            last = (number, date)
        if any(form.errors for form in self.forms):
            return
        if not self.steps():
            raise ValidationError("Enter at least one decision: choose it and give its date.")

    def steps(self):
        """The filled rows as steps, in order."""
        return [form.step() for form in self.forms if not form.is_blank()]

    def step_forms(self):
        """The filled rows' forms, in the same order as steps()."""
        return [form for form in self.forms if not form.is_blank()]


DecisionStepFormSet = forms.formset_factory(
    DecisionStepForm,
    formset=BaseDecisionStepFormSet,
    extra=0,
    max_num=12,
    validate_max=True,
    absolute_max=12,
)


class ReasonForm(forms.Form):
    """A reason and nothing else: correcting a decision, reinstating a catalogue entry."""

    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = help_text
        self.helper = form_helper()


# The SEC document catalogue ----------------------------------------------------------------


class SECDocumentForm(EditTokenMixin, forms.ModelForm):
    """Add a document to the catalogue or edit one (`instance`). The code is checked for its
    kind's shape and against the catalogue (a duplicate names the document that has it), next
    to the field. It never changes `instance`: the view (or the admin) hands service_fields() to
    modifications.services.sec_document_create / _update."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The letter(s) or number: H for Section H, 8 for Schedule 8, AB for Appendix AB.",
    )
    reason = forms.CharField(
        label="Reason for this change",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the activity trail, e.g. "
        "\u2018Designated by MP121 in SEC v57.0\u2019.",
    )

    class Meta:
        model = SECDocument
        fields = ["kind", "code", "title", "note"]
        labels = {"note": "Note for analysts (optional)"}
        help_texts = {
            "title": "As the SEC names it, e.g. \u2018Service Request Processing Document\u2019.",
            "note": "e.g. where the title comes from, or what is still to be checked.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = self.instance if self.instance.pk else None
        self.fields["kind"].choices = SECDocumentKind.choices  # no empty choice
        if self.document is not None:
            self.fields["code"].help_text += (
                " Changing it changes the document on every modification that cites it; for a "
                "new document, add it and retire this one."
            )
        self.helper = form_helper(
            Div(
                Div("kind", css_class="col-sm-6 col-md-4"),
                Div("code", css_class="col-sm-6 col-md-4"),
                css_class="row",
            ),
            "title",
            "note",
            "reason",
        )

    def _post_clean(self):
        """No model validation and no change to `instance`: the service does both."""

    def clean(self):
        cleaned = super().clean()
        kind, code = cleaned.get("kind"), cleaned.get("code")
        if kind and code:
            try:
                code = catalogue.normalise_code(kind, code)
            except catalogue.CodeError as exc:
                self.add_error("code", str(exc))
                return cleaned
            clash = SECDocument.objects.filter(kind=kind, code=code)
            if self.document is not None:
                clash = clash.exclude(pk=self.document.pk)
            clash = clash.first()
            if clash is not None:
                message = f"{clash} is already in the catalogue"
                if clash.is_retired:
                    message += " (retired: reinstate it instead)"
                self.add_error("code", message + ".")
            cleaned["code"] = code
        return cleaned

    def service_fields(self):
        fields = {
            name: self.cleaned_data[name] for name in ["kind", "code", "title", "note", "reason"]
        }
        if self.instance.pk is not None:
            fields["edit_token"] = self.cleaned_data.get("edit_token")
        return fields


class SECDocumentRetireForm(forms.Form):
    retired_on = forms.DateField(
        label="Retired on",
        widget=date_widget(),
        help_text="The date it stopped being part of the SEC (e.g. the go-live of the release "
        "that removed it).",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. ‘Removed by MP200 (SEC v62.0)’.",
    )

    def __init__(self, *args, default_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retired_on"].initial = default_date
        self.helper = form_helper(
            Div(Div("retired_on", css_class="col-sm-8 col-md-6"), css_class="row"), "reason"
        )

    def clean_retired_on(self):
        date = self.cleaned_data["retired_on"]
        if date and date > timezone.localdate():
            raise ValidationError("Retire it once it has left the SEC: the date is in the future.")
        validate_plausible_date(date)
        return date


# DCC Change Requests -------------------------------------------------------------------


class _ChangeRequestForm(forms.ModelForm):
    reference = forms.CharField(
        max_length=20, help_text="e.g. CR1145, or CRTBC while the DCC has not numbered it."
    )
    reason = forms.CharField(
        label="Reason for this change",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
    )

    class Meta:
        model = ChangeRequest
        fields = ["reference", "title", "category"]
        help_texts = {"category": "e.g. DCC BEIS Mandated Change Request"}

    def __init__(self, *args, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(Div("reference", css_class="col-md-4"), css_class="row"),
            "title",
            "category",
            "reason",
            Submit("submit", submit_label, css_class="btn btn-primary"),
        )

    def clean_reference(self):
        try:
            reference = normalise_change_request_reference(self.cleaned_data["reference"])
        except ReferenceError as exc:
            raise ValidationError(str(exc)) from exc
        clash = ChangeRequest.objects.filter(reference=reference)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if reference != "CRTBC" and clash.exists():
            raise ValidationError(f"{reference} is already in the register.")
        return reference

    def validate_unique(self):
        """The reference is checked by clean_reference and the service (CRTBC may repeat)."""

    def service_fields(self):
        fields = {
            "reference": self.cleaned_data["reference"],
            "title": self.cleaned_data["title"],
            "category": self.cleaned_data["category"],
            "reason": self.cleaned_data.get("reason", ""),
        }
        if "edit_token" in self.cleaned_data:
            fields["edit_token"] = self.cleaned_data["edit_token"]
        return fields


class ChangeRequestCreateForm(_ChangeRequestForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit_label="Add the Change Request", **kwargs)


class ChangeRequestEditForm(EditTokenMixin, _ChangeRequestForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit_label="Save changes", **kwargs)


# Register filters (GET) ----------------------------------------------------------------


class RegisterFilterForm(forms.Form):
    """Search and filters of the register list and its CSV export. Rendered by
    templates/modifications/_register_filters.html (a plain template: crispy's per-field
    templates cost more than the rest of the page)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="Reference (current or former, e.g. DP153) or words of the title.",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Status.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    dcc = forms.ChoiceField(
        label="Impacts DCC Systems",
        required=False,
        choices=[("", "Either"), ("yes", "Yes"), ("no", "No")],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    release = forms.ChoiceField(
        label="Targeted release",
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["release"].choices = [("", "Any or none"), *release_choices()]

    def filters(self):
        """The filters to apply; an invalid value (a forged status...) is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return RegisterFilters(
            search=(data.get("q") or "").strip(),
            status=data.get("status") or "",
            dcc=data.get("dcc") or "",
            release=data.get("release") or "",
        )
