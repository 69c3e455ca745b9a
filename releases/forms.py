"""Forms for releases, their scope and their parts. One form per use case; each validates what the
user typed and says what to fix next to the field. Writes happen in releases.services: views
pass `cleaned_data` to a service and show any ValidationError it raises."""

from crispy_forms.layout import Fieldset
from django import forms
from django.core.validators import MinValueValidator

from modifications.models import TERMINAL_STATUSES, ChangeRequest, Modification
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
    reason = ReasonField()

    class Meta:
        model = Release
        fields = RELEASE_CORE_FIELDS
        widgets = RELEASE_WIDGETS
        help_texts = {"classification": CLASSIFICATION_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


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
            Fieldset("Release", *RELEASE_CORE_FIELDS),
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
        reason = data.pop("reason", "")
        decided_by = data.pop("decided_by", "")
        decision_date = data.pop("decision_date", None)
        date_decision = None
        if self.go_live_moves:
            date_decision = {"decided_by": decided_by, "decision_date": decision_date}
        return {"reason": reason, "date_decision": date_decision, **data}


# Scope ------------------------------------------------------------------------------------


class ModificationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.get_status_display()})"


class ScopeAddForm(forms.ModelForm):
    """Put a modification (or a part of one) in the scope of a release."""

    modification = ModificationChoiceField(
        queryset=Modification.objects.none(),
        help_text="Implemented, rejected and withdrawn modifications cannot join a scope.",
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
        self.fields["modification"].queryset = Modification.objects.exclude(
            status__in=TERMINAL_STATUSES
        ).in_register_order()
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


class ScopeItemForm(EditTokenMixin, forms.ModelForm):
    """Edit a scope item's part label, cut-off, fall-back release and exception reason."""

    reason = ReasonField()

    class Meta:
        model = ScopeItem
        fields = [
            "part_label",
            "cut_off_date",
            "fall_back_release",
            "exception_reason",
            "status_override",
        ]
        labels = {"part_label": "Part (optional)", "fall_back_release": "Fall-back release"}
        widgets = {
            "cut_off_date": date_widget(),
            "exception_reason": forms.Textarea(attrs={"rows": 2}),
            "status_override": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fall_back_release"].queryset = Release.objects.exclude(
            pk=self.instance.release_id
        )
        self.fields["fall_back_release"].empty_label = "None"
        self.helper = form_helper()

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
        fields = ["area", "summary", "position"]
        labels = {"area": "Area impacted", "summary": "Summary of impacts"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"position": "Order in the table."}


class OtherCodeImpactForm(PartForm):
    class Meta:
        model = OtherCodeImpact
        fields = ["code", "summary"]
        labels = {"code": "Code", "summary": "Summary of impacts"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class TimelineEventForm(PartForm):
    class Meta:
        model = TimelineEvent
        fields = ["date", "event", "kind", "notes"]
        labels = {"kind": "Type of event"}
        widgets = {"date": date_widget(), "notes": forms.Textarea(attrs={"rows": 3})}


class SecasCostLineForm(PartForm):
    class Meta:
        model = SecasCostLine
        fields = ["activity", "effort_days", "cost", "is_maximum", "position"]
        labels = {"effort_days": "Effort (days)"}
        help_texts = {"position": "Order in the list."}


class AcceptanceCriterionForm(PartForm):
    class Meta:
        model = AcceptanceCriterion
        fields = ["position", "text"]
        labels = {"position": "Number", "text": "Criterion"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def clean_position(self):
        position = self.cleaned_data["position"]
        if position < 1:
            raise forms.ValidationError("Criteria are numbered from 1.")
        clash = AcceptanceCriterion.objects.filter(
            release_id=self.instance.release_id,
            category=self.instance.category,
            position=position,
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                f"Criterion {position} already exists; choose another number."
            )
        return position


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
