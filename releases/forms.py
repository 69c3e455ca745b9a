"""Forms for releases, their scope and their parts. One form per use case; each validates what the
user typed and says what to fix next to the field. Writes happen in releases.services: views
pass `cleaned_data` to a service and show any ValidationError it raises."""

import re

from crispy_forms.layout import Fieldset
from django import forms
from django.core.validators import MinValueValidator
from django.urls import reverse
from django.utils.html import format_html

from modifications.models import (
    IMPACT_FIELDS,
    TERMINAL_STATUSES,
    ChangeRequest,
    Modification,
    SECDocument,
    Status,
)
from modifications.references import ReferenceError, parse_modification_reference
from modifications.selectors import resolve_reference
from secrelease.edits import EditTokenMixin
from secrelease.forms import PlausibleDateField, date_widget, form_helper
from secrelease.text import long_date

from .models import (
    AcceptanceCriterion,
    DateDecidedBy,
    DccImpact,
    GlossaryEntry,
    OtherCodeImpact,
    PartyImpact,
    Release,
    ScopeItem,
    ScopeState,
    SecasCostLine,
    TimelineEvent,
)


def _not_negative(field):
    """Costs and effort cannot be negative: say so next to the field (the database refuses too)."""
    field.min_value = 0
    field.widget.attrs["min"] = "0"
    field.validators.append(
        MinValueValidator(0, message="Enter zero or more: costs and effort cannot be negative.")
    )


class ReasonField(forms.CharField):
    """The 'why' of every change, recorded in the release's activity trail."""

    def __init__(self, *, required=False, help_text=None, **kwargs):
        super().__init__(
            label="Reason",
            required=required,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=help_text or "Recorded in the activity trail with your name and the time.",
            **kwargs,
        )


class ReleaseModelForm(forms.ModelForm):
    """Shared checks for creating and editing a release."""

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_slug(self):
        return self.cleaned_data["slug"].lower()

    def clean(self):
        cleaned = super().clean()
        go_live = cleaned.get("go_live_date")
        if go_live:
            for field in ("system_baseline_date", "full_baseline_date"):
                baseline = cleaned.get(field)
                if baseline and baseline >= go_live:
                    self.add_error(
                        field,
                        f"The Panel baseline must come before the go-live date "
                        f"({long_date(go_live)}).",
                    )
        return cleaned


RELEASE_CORE_FIELDS = [
    "name",
    "slug",
    "go_live_date",
    "classification",
    "system_baseline_date",
    "full_baseline_date",
    "sec_version",
]

RELEASE_WIDGETS = {
    "go_live_date": date_widget(),
    "system_baseline_date": date_widget(),
    "full_baseline_date": date_widget(),
}

CLASSIFICATION_HELP = (
    "Panel Information Policy: White = can be shared with the public; Green = within the "
    "community; Amber = limited distribution; Red = named recipients only."
)


class ReleaseCreateForm(ReleaseModelForm):
    copy_from = forms.ModelChoiceField(
        label="Start from an earlier release",
        queryset=Release.objects.none(),
        required=False,
        empty_label="No: start with the standard timeline only",
        help_text="Copies its timeline (dates moved by the difference in go-live), test "
        "strategy, SECAS cost lines, acceptance criteria and DCC impact areas. Everything stays "
        "editable. The scope is never copied.",
    )
    reason = ReasonField()

    class Meta:
        model = Release
        fields = ["copy_from", *RELEASE_CORE_FIELDS]
        widgets = RELEASE_WIDGETS
        help_texts = {"classification": CLASSIFICATION_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].queryset = Release.objects.order_by("-go_live_date", "name")
        self.helper = form_helper()

    def service_kwargs(self):
        """(source release or None, keyword arguments for services.release_create[_from])."""
        data = dict(self.cleaned_data)
        return data.pop("copy_from"), data


class ReleaseEditForm(EditTokenMixin, ReleaseModelForm):
    """Every field of a release. Moving the go-live date needs a recorded decision (R10)."""

    decided_by = forms.ChoiceField(
        label="Date change decided by",
        choices=[("", "---------"), *DateDecidedBy.choices],
        required=False,
    )
    decision_date = PlausibleDateField(
        label="Date of the decision", required=False, widget=date_widget()
    )
    confirm_reclassification = forms.BooleanField(
        label="I confirm the new classification",
        required=False,
        help_text="Needed when the release has issued RID versions: each keeps the "
        "classification it was issued with, and a version is public only if it was issued "
        "White and the release is White now.",
    )
    reason = ReasonField(
        help_text="Needed when the go-live date moves. Recorded in the activity trail."
    )

    class Meta:
        model = Release
        fields = [
            *RELEASE_CORE_FIELDS,
            "pit_required",
            "sit_required",
            "uit_required",
            "test_strategy_text",
            "user_testing_text",
            "dcc_cost",
            "dcc_costs_text",
            "secas_costs_note",
        ]
        widgets = {
            **RELEASE_WIDGETS,
            "test_strategy_text": forms.Textarea(attrs={"rows": 3}),
            "user_testing_text": forms.Textarea(attrs={"rows": 2}),
            "dcc_costs_text": forms.Textarea(attrs={"rows": 2}),
            "secas_costs_note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"classification": CLASSIFICATION_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The form writes the typed values into the instance while validating: keep the date
        # the release had, to know whether it moves.
        self.original_go_live = self.instance.go_live_date
        _not_negative(self.fields["dcc_cost"])
        self.helper = form_helper(
            Fieldset("Release", *RELEASE_CORE_FIELDS, "confirm_reclassification"),
            Fieldset(
                "Moving the go-live date",
                "decided_by",
                "decision_date",
                css_class="border rounded p-3 mb-3 bg-body-tertiary",
            ),
            Fieldset(
                "Test strategy",
                "pit_required",
                "sit_required",
                "uit_required",
                "test_strategy_text",
                "user_testing_text",
            ),
            Fieldset("Costs", "dcc_cost", "dcc_costs_text", "secas_costs_note"),
            "reason",
        )

    @property
    def go_live_moves(self):
        new = self.cleaned_data.get("go_live_date")
        return bool(new) and new != self.original_go_live

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.go_live_moves:
            old = long_date(self.original_go_live)
            if not cleaned.get("decided_by"):
                self.add_error(
                    "decided_by",
                    f"The go-live date moves from {old}: say who decided it (the Authority, or "
                    "the Panel within the Authority's discretion).",
                )
            if not cleaned.get("decision_date"):
                self.add_error("decision_date", "Enter the date of the decision to move it.")
            if not (cleaned.get("reason") or "").strip():
                self.add_error("reason", "Say why the go-live date is moving.")
        return cleaned

    def service_kwargs(self):
        """Keyword arguments for services.release_update."""
        data = dict(self.cleaned_data)
        data["confirm_reclassification"] = bool(data.get("confirm_reclassification"))
        reason = data.pop("reason", "")
        decided_by = data.pop("decided_by", "")
        decision_date = data.pop("decision_date", None)
        date_decision = None
        if self.go_live_moves:
            date_decision = {"decided_by": decided_by, "decision_date": decision_date}
        return {"reason": reason, "date_decision": date_decision, **data}


# Scope ------------------------------------------------------------------------------------


class ReferenceSearchInput(forms.TextInput):
    """A reference typed as text, with suggestions as you type: htmx asks
    releases:modification_options for the matches and fills the <datalist> the browser shows
    under the field. Without JavaScript it is a plain text input. No select of the whole
    register is ever rendered."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "hx-trigger": "input changed delay:250ms",
                "hx-swap": "innerHTML",
                **(attrs or {}),
            }
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        list_id = f"{widget_attrs.get('id') or name}-options"
        widget_attrs.update(
            {
                "list": list_id,
                "hx-get": reverse("releases:modification_options"),
                "hx-target": f"#{list_id}",
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or name}-options"
        return html + format_html('<datalist id="{}"></datalist>', list_id)

    def format_value(self, value):
        if isinstance(value, Modification):
            return value.reference
        if isinstance(value, int):
            found = Modification.objects.filter(pk=value).values_list("reference", flat=True)
            return found.first() or ""
        return super().format_value(value)


class ModificationReferenceField(forms.CharField):
    """A modification chosen by its reference (current or former, loosely spelt: 'mp 106',
    DP153 for MP153). Cleans to the Modification; says so next to the field when it is not in
    the register."""

    widget = ReferenceSearchInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Modification")
        super().__init__(**kwargs)
        self.widget.attrs["maxlength"] = "20"

    def prepare_value(self, value):
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        text = text.split()[0] if text.split() else text
        try:
            parse_modification_reference(text)
        except ReferenceError as exc:
            raise forms.ValidationError(str(exc)) from exc
        modification, _canonical = resolve_reference(text)
        if modification is None:
            raise forms.ValidationError(
                f"{text.upper()} is not in the register: add it with 'Add a new modification'."
            )
        return modification


class ScopeAddForm(forms.ModelForm):
    """Put a modification (or a part of one) in the scope of a release."""

    modification = ModificationReferenceField(
        help_text="Type a reference or words of the title; matches appear as you type. "
        "Implemented, rejected and withdrawn modifications cannot join a scope.",
    )
    reason = ReasonField(
        required=True, help_text="Why it joins the scope, e.g. the Panel decision."
    )

    class Meta:
        model = ScopeItem
        fields = [
            "modification",
            "added_on",
            "part_label",
            "cut_off_date",
            "fall_back_release",
            "exception_reason",
        ]
        labels = {
            "added_on": "Date added",
            "part_label": "Part (optional)",
            "fall_back_release": "Fall-back release",
        }
        widgets = {
            "added_on": date_widget(),
            "cut_off_date": date_widget(),
            "exception_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "cut_off_date": "For a modification not yet approved: the latest decision date for "
            "it to stay in this release (R6). Defaults to the modification's own cut-off.",
            "fall_back_release": "Where it lapses to if it misses the cut-off (R7).",
            "exception_reason": "Needed when it joins after the scope deadline: the Panel "
            "decision that admits it as an exception (R4).",
        }

    def __init__(self, *args, release, **kwargs):
        super().__init__(*args, **kwargs)
        self.release = release
        self.instance.release = release
        self.fields["fall_back_release"].queryset = Release.objects.exclude(pk=release.pk)
        self.fields["fall_back_release"].empty_label = "None"
        self.helper = form_helper()

    def clean_part_label(self):
        return " ".join(self.cleaned_data["part_label"].split())

    def clean(self):
        cleaned = super().clean()
        modification = cleaned.get("modification")
        if modification is not None:
            taken = ScopeItem.objects.filter(
                release=self.release,
                modification=modification,
                part_label=cleaned.get("part_label", ""),
                state=ScopeState.IN_SCOPE,
            )
            if taken.exists():
                self.add_error(
                    "modification",
                    f"{modification.reference} is already in the scope of {self.release}"
                    + (" with that part label." if cleaned.get("part_label") else "."),
                )
        return cleaned


REFERENCE_SEPARATORS = re.compile(r"[\s,;]+")


def split_references(text):
    """'MP106, mp 107\nDP124' -> ['MP106', 'MP107', 'DP124'] (normalised, in the order typed,
    without repeats) and the pieces that are not references. 'mp 107' is read as one reference
    (a prefix followed by its number)."""
    text = re.sub(r"\b(SECMP|MP|DP)\s+(?=\d)", r"\1", (text or "").upper())
    references, bad = [], []
    for piece in REFERENCE_SEPARATORS.split(text):
        if not piece:
            continue
        try:
            reference = str(parse_modification_reference(piece))
        except ReferenceError:
            bad.append(piece)
            continue
        if reference not in references:
            references.append(reference)
    return references, bad


class ScopeBulkAddForm(forms.Form):
    """Put many modifications in a release's scope at once: pasted references and ticked
    rows, with one date and one reason. References not in the register come back as rows of
    NewModificationFormSet to add them in the same step."""

    references = forms.CharField(
        label="References",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="Paste references separated by commas, spaces or new lines, e.g. "
        "'MP106, MP107 DP124'. Former references (DP153) find the modification they became.",
    )
    modifications = forms.ModelMultipleChoiceField(
        label="Or tick them in the register",
        queryset=Modification.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    added_on = forms.DateField(label="Date added", widget=date_widget())
    reason = ReasonField(
        required=True, help_text="Why they join the scope, e.g. the Panel decision."
    )
    exception_reason = forms.CharField(
        label="Exception reason (for those joining after the scope deadline)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The Panel decision that admits late additions as exceptions (R4), e.g. "
        "'Added by the Panel on 15 January 2021 as an exception'. Recorded on the late ones only.",
    )

    def __init__(self, *args, release, **kwargs):
        super().__init__(*args, **kwargs)
        self.release = release
        self.fields["modifications"].queryset = Modification.objects.exclude(
            status__in=TERMINAL_STATUSES
        )
        self.helper = form_helper()
        self.known = []
        self.unknown = []

    def clean_references(self):
        references, bad = split_references(self.cleaned_data["references"])
        if bad:
            raise forms.ValidationError(
                f"Not a reference: {', '.join(bad)}. Enter references like SECMP0007, MP106, "
                "MP102A or DP124."
            )
        return references

    def clean(self):
        cleaned = super().clean()
        known = list(cleaned.get("modifications") or [])
        unknown = []
        for reference in cleaned.get("references") or []:
            modification, _canonical = resolve_reference(reference)
            if modification is None:
                unknown.append(reference)
            elif modification not in known:
                known.append(modification)
        self.known, self.unknown = known, unknown
        if "references" in cleaned and not known and not unknown:
            self.add_error("references", "Paste at least one reference or tick a modification.")
        in_scope = set(
            ScopeItem.objects.filter(
                release=self.release,
                modification__in=known,
                part_label="",
                state=ScopeState.IN_SCOPE,
            ).values_list("modification__reference", flat=True)
        )
        if in_scope:
            self.add_error(
                "references",
                f"Already in the scope of {self.release}: {', '.join(sorted(in_scope))}.",
            )
        closed = [m.reference for m in known if m.status in TERMINAL_STATUSES]
        if closed:
            self.add_error(
                "references",
                f"Implemented, rejected or withdrawn, so they cannot join a scope: "
                f"{', '.join(closed)}.",
            )
        return cleaned


class NewModificationForm(forms.Form):
    """A reference not yet in the register, added to it with its title and RID summary."""

    reference = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(max_length=300)
    rid_summary = forms.CharField(
        label="RID summary",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    impacts_dcc_systems = forms.BooleanField(label="Impacts DCC Systems", required=False)
    status = forms.ChoiceField(
        label="Status",
        choices=[(s, label) for s, label in Status.choices if s not in TERMINAL_STATUSES],
        initial=Status.DEVELOPMENT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def service_fields(self):
        return dict(self.cleaned_data)


NewModificationFormSet = forms.formset_factory(NewModificationForm, extra=0)


class ScopeNewModificationForm(NewModificationForm):
    """Add a new modification to the register and to a release's scope in one form."""

    reference = forms.CharField(
        max_length=20, help_text="e.g. MP106, MP102A or DP124; 'mp 106' is read as MP106."
    )
    added_on = forms.DateField(label="Date added to the scope", widget=date_widget())
    reason = ReasonField(required=True, help_text="Why it joins the scope.")
    exception_reason = forms.CharField(
        label="Exception reason (if it joins after the scope deadline)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The Panel decision that admits it as an exception (R4).",
    )

    field_order = [
        "reference",
        "title",
        "rid_summary",
        "impacts_dcc_systems",
        "status",
        "added_on",
        "reason",
        "exception_reason",
    ]

    def clean_reference(self):
        try:
            reference = str(parse_modification_reference(self.cleaned_data["reference"]))
        except ReferenceError as exc:
            raise forms.ValidationError(str(exc)) from exc
        modification, _canonical = resolve_reference(reference)
        if modification is not None:
            raise forms.ValidationError(
                f"{reference} is already in the register as {modification.reference}: add it "
                "with 'Add modifications to the scope'."
            )
        return reference

    def service_fields(self):
        data = dict(self.cleaned_data)
        for name in ("added_on", "reason", "exception_reason"):
            data.pop(name)
        return data


class ScopeItemForm(EditTokenMixin, forms.ModelForm):
    """Edit a scope item: part label, cut-off, fall-back release, exception reason, the OPSG
    status sentence and, for a part of a modification, the part's own RID summary and impacts
    (pre-filled with the modification's until the analyst gives the part its own)."""

    reason = ReasonField()

    class Meta:
        model = ScopeItem
        fields = [
            "part_label",
            "cut_off_date",
            "fall_back_release",
            "exception_reason",
            "status_override",
            "rid_summary",
            "own_impacts",
            *IMPACT_FIELDS,
            "sec_documents",
        ]
        labels = {"part_label": "Part (optional)", "fall_back_release": "Fall-back release"}
        widgets = {
            "cut_off_date": date_widget(),
            "exception_reason": forms.Textarea(attrs={"rows": 2}),
            "status_override": forms.Textarea(attrs={"rows": 2}),
            "rid_summary": forms.Textarea(attrs={"rows": 2}),
            "sec_documents": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fall_back_release"].queryset = Release.objects.exclude(
            pk=self.instance.release_id
        )
        self.fields["fall_back_release"].empty_label = "None"
        modification = self.instance.modification
        cited = [d.pk for d in self.instance.sec_documents.all()] if self.instance.pk else []
        self.fields["sec_documents"].queryset = SECDocument.objects.offered_for(cited)
        if modification.rid_summary:
            self.fields[
                "rid_summary"
            ].help_text = (
                f"Empty: the modification's summary, \u201c{modification.rid_summary}\u201d"
            )
        for name in ("duis_impact", "gbcs_impact", "ch_firmware_impact"):
            # Asked for only when the part has its own impacts (clean).
            self.fields[name].required = False
        if not self.instance.own_impacts and not self.is_bound:
            # Start from the modification's impacts: the analyst changes what differs.
            for name in IMPACT_FIELDS:
                self.initial[name] = getattr(modification, name)
            self.initial["sec_documents"] = list(modification.sec_documents.all())
        self.helper = form_helper(
            Fieldset(
                "Scope",
                "part_label",
                "cut_off_date",
                "fall_back_release",
                "exception_reason",
                "status_override",
            ),
            Fieldset(
                "In the RID: this part's summary and impacts",
                "rid_summary",
                "own_impacts",
                *IMPACT_FIELDS,
                "sec_documents",
                css_class="border rounded p-3 mb-3",
            ),
            "reason",
        )

    def clean_rid_summary(self):
        return " ".join(self.cleaned_data["rid_summary"].split())

    def clean_part_label(self):
        return " ".join(self.cleaned_data["part_label"].split())

    def clean(self):
        cleaned = super().clean()
        if "part_label" in cleaned and cleaned["part_label"] != self.instance.part_label:
            clash = ScopeItem.objects.filter(
                release_id=self.instance.release_id,
                modification_id=self.instance.modification_id,
                part_label=cleaned["part_label"],
                state=ScopeState.IN_SCOPE,
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("part_label", "That part of the modification is already in scope.")
        if cleaned.get("own_impacts"):
            for name in ("duis_impact", "gbcs_impact", "ch_firmware_impact"):
                if not cleaned.get(name):
                    self.add_error(name, "Choose Yes, No or TBC for this part.")
        else:
            # The RID shows the modification's impacts: the part's are left as they were.
            for name in [*IMPACT_FIELDS, "sec_documents"]:
                cleaned.pop(name, None)
        return cleaned


class ScopeRemoveForm(forms.Form):
    removed_on = PlausibleDateField(label="Date removed", widget=date_widget())
    reason = ReasonField(required=True, help_text="Why it leaves the scope.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class ScopeMoveForm(forms.Form):
    to_release = forms.ModelChoiceField(label="Move to release", queryset=Release.objects.none())
    moved_on = PlausibleDateField(label="Date moved", widget=date_widget())
    fell_out = forms.BooleanField(
        label="It fell out of scope: it missed its decision cut-off and lapses to this release "
        "(R7)",
        required=False,
    )
    reason = ReasonField(required=True, help_text="Why it moves.")

    def __init__(self, *args, release, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_release"].queryset = Release.objects.exclude(pk=release.pk)
        self.helper = form_helper()


class ChangeRequestAddForm(forms.Form):
    change_request = forms.ModelChoiceField(
        label="DCC Change Request", queryset=ChangeRequest.objects.none()
    )
    reason = ReasonField()

    def __init__(self, *args, release, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_request"].queryset = ChangeRequest.objects.exclude(
            releases=release
        ).order_by("reference", "id")
        self.helper = form_helper()


class PartMoveForm(forms.Form):
    """Move a row one place (the confirmation page used without JavaScript)."""

    direction = forms.ChoiceField(
        label="Direction", choices=[("up", "Up"), ("down", "Down")], widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class ReasonOnlyForm(forms.Form):
    """Confirmation of a removal or deletion: only the reason."""

    reason = ReasonField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


# Parts of a release -----------------------------------------------------------------------


class PartForm(EditTokenMixin, forms.ModelForm):
    reason = ReasonField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField):
                _not_negative(field)
        self.helper = form_helper()

    def service_fields(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class PartyImpactForm(PartForm):
    class Meta:
        model = PartyImpact
        fields = ["summary"]
        labels = {"summary": "Summary of impacts"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}


class DccImpactForm(PartForm):
    class Meta:
        model = DccImpact
        fields = ["area", "summary"]
        labels = {"area": "Area impacted", "summary": "Summary of impacts"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class OtherCodeImpactForm(PartForm):
    class Meta:
        model = OtherCodeImpact
        fields = ["code", "summary"]
        labels = {"code": "Code", "summary": "Summary of impacts"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class TimelineEventForm(PartForm):
    class Meta:
        model = TimelineEvent
        fields = ["date", "end_date", "event", "kind", "notes"]
        labels = {"kind": "Type of event", "end_date": "End date (for a window)"}
        widgets = {
            "date": date_widget(),
            "end_date": date_widget(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        date, end_date = cleaned.get("date"), cleaned.get("end_date")
        if date and end_date and end_date < date:
            self.add_error(
                "end_date",
                f"The end date cannot be before the date ({long_date(date)}): it is the "
                "window's last day.",
            )
        return cleaned


class SecasCostLineForm(PartForm):
    class Meta:
        model = SecasCostLine
        fields = ["activity", "effort_days", "cost", "is_maximum"]
        labels = {"effort_days": "Effort (days)"}


class AcceptanceCriterionForm(PartForm):
    """The text of a criterion; its number is its place in the list (new ones go last; move
    them up or down on the release page)."""

    class Meta:
        model = AcceptanceCriterion
        fields = ["text"]
        labels = {"text": "Criterion"}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


# Glossary ---------------------------------------------------------------------------------


class GlossaryEntryForm(EditTokenMixin, forms.ModelForm):
    reason = ReasonField()

    class Meta:
        model = GlossaryEntry
        fields = ["acronym", "full_term"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()

    def clean_acronym(self):
        acronym = self.cleaned_data["acronym"].strip()
        clash = GlossaryEntry.objects.filter(acronym=acronym).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"{acronym} is already in the glossary.")
        return acronym

    def clean_full_term(self):
        return " ".join(self.cleaned_data["full_term"].split())
