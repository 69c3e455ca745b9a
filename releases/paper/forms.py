"""Forms of the OPSG "SEC Releases update" paper and its sections. Writes happen in
releases.paper.services."""

import re

from crispy_forms.layout import Field, Fieldset
from django import forms

from modifications.models import Modification
from secrelease.edits import EditTokenMixin
from secrelease.forms import date_widget, form_helper
from secrelease.text import long_date, quoted_label

from ..models import Release, RidVersion, UpdatePaper, UpdatePaperSection


class RidVersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.release.name} Implementation Document v{obj.number} ({obj.date:%-d %b %Y})"


class ReleaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} (go-live {long_date(obj.go_live_date)})"


YEARS_RE = re.compile(r"^\s*(\d{4}\s*(,\s*\d{4}\s*)*)?$")


class PaperForm(EditTokenMixin, forms.ModelForm):
    """The paper itself, which releases it covers and which years get a "<year> SEC Releases"
    section (create and edit)."""

    releases = ReleaseChoiceField(
        queryset=Release.objects.order_by("go_live_date"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Releases covered",
        help_text="One section per release: its scope table, the Change Requests alongside and "
        "the policy paragraphs that apply.",
    )
    years = forms.CharField(
        label="Years covered as a whole",
        required=False,
        max_length=40,
        help_text="e.g. 2021: a section listing the DCC System impacting modifications targeted "
        "for that year's releases. Separate several years with commas.",
    )
    attached_rid = RidVersionChoiceField(
        queryset=RidVersion.objects.select_related("release").order_by(
            "release__go_live_date", "major", "minor"
        ),
        required=False,
        label="Attached RID version (Appendix A)",
    )

    class Meta:
        model = UpdatePaper
        fields = [
            "reference",
            "title",
            "classification",
            "as_of",
            "author",
            "team",
            "purpose",
            "recommendations",
            "attached_rid",
        ]
        widgets = {
            "as_of": date_widget(),
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "recommendations": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "as_of": "The paper shows the scope and statuses as they stood on this date.",
            "purpose": "Leave empty for a standard sentence naming the releases covered.",
            "recommendations": "Leave empty for 'The OPSG is requested to PROVIDE any views and "
            "comments on the scopes of the SEC Releases in this paper.'",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            sections = list(self.instance.sections.all())
            self.initial.setdefault(
                "releases", [s.release_id for s in sections if s.release_id is not None]
            )
            self.initial.setdefault(
                "years", ", ".join(str(s.year) for s in sections if s.year is not None)
            )
        self.helper = form_helper(
            Fieldset(
                "Paper",
                "reference",
                "title",
                "classification",
                "as_of",
                "author",
                "team",
            ),
            Fieldset("Coverage", Field("releases"), "years", "attached_rid"),
            Fieldset("Text", "purpose", "recommendations"),
        )

    def clean_reference(self):
        return self.cleaned_data["reference"].strip()

    def clean_years(self):
        text = self.cleaned_data["years"]
        if not YEARS_RE.match(text or ""):
            raise forms.ValidationError("Write four-digit years separated by commas, e.g. 2021.")
        years = [int(y) for y in re.findall(r"\d{4}", text or "")]
        if len(set(years)) != len(years):
            raise forms.ValidationError("Each year once, please.")
        return years

    def edit_token_instances(self):
        """The paper and its sections: the edit form holds the texts of both."""
        from .services import paper_edit_rows

        if self.instance.pk is None:
            return []
        return [self.instance, *paper_edit_rows(self.instance)]

    def paper_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PaperReasonForm(forms.Form):
    """Why the paper changed: kept in its activity trail."""

    reason = forms.CharField(
        label="Why (optional, kept in the activity trail)", required=False, max_length=500
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class ModificationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return quoted_label(obj.reference, obj.title)


class PaperSectionForm(forms.ModelForm):
    """The free texts of one section of a paper (a release or a year)."""

    targeted = ModificationChoiceField(
        queryset=Modification.objects.in_register_order(),
        required=False,
        label="Modifications targeted for the year",
        help_text="Candidates not yet in a release's scope. Those already in the scope of a "
        "release of that year are listed anyway. Hold Ctrl (or Cmd) to choose several.",
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    class Meta:
        model = UpdatePaperSection
        fields = [
            "heading",
            "intro",
            "commentary",
            "date_change_text",
            "next_steps",
            "show_system_impacts",
            "targeted",
        ]
        labels = {
            "heading": "Heading",
            "intro": "Introduction",
            "commentary": "Commentary after the table",
            "next_steps": "Next steps (after the generated paragraphs)",
        }
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3}),
            "commentary": forms.Textarea(attrs={"rows": 4}),
            "date_change_text": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "intro": "Leave empty for the generated introduction. Separate paragraphs with a "
            "blank line.",
            "date_change_text": "Shown under its own heading when filled in.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        section = self.instance
        if section.year is not None:
            for name in ("date_change_text", "show_system_impacts"):
                self.fields.pop(name)
            self.fields["heading"].help_text = f"Defaults to '{section.year} SEC Releases'."
        else:
            self.fields.pop("targeted")
        self.helper = form_helper()

    @property
    def title(self):
        section = self.instance
        return str(section.release) if section.release_id else f"{section.year} SEC Releases"

    def section_spec(self):
        """The dict paper_update takes for this section."""
        spec = {name: self.cleaned_data[name] for name in self.fields if name != "targeted"}
        if "targeted" in self.fields:
            spec["targeted"] = list(self.cleaned_data["targeted"])
        return spec


class PaperIssueForm(forms.Form):
    """Issue the paper as it reads now: frozen, listed on the paper page, served as stored."""

    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.TextInput(),
        help_text="e.g. 'Sent to the OPSG for its meeting of 2 June 2020'. Kept with the issue.",
    )
