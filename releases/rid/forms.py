"""The form for issuing a RID version. Writes happen in releases.rid.services.rid_issue_version: the
view passes cleaned_data to it and shows any ValidationError next to the field.

A plain Form, not a ModelForm: a RidVersion row is only ever created by the service (with its
number, content, PDF and hash), so model validation of a half-built row would only produce
messages about fields the analyst never sees."""

import hashlib

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms

from secrelease.forms import PlausibleDateField, date_widget
from secrelease.printable import validate_printable

from ..models import BaselineScope, RidVersionKind


class RidIssueForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is this version?",
        choices=RidVersionKind.choices,
        widget=forms.RadioSelect,
    )
    date = PlausibleDateField(
        label="Document date",
        widget=date_widget(),
        help_text="Shown on the cover and in the document history.",
    )
    changes = forms.CharField(
        label="Changes (the document history entry)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Drafted from what happened since the last version; edit it as needed.",
    )
    baseline_scope = forms.ChoiceField(
        label="Scope baselined",
        choices=[("", "Not a baseline"), *BaselineScope.choices],
        required=False,
    )
    panel_decision = forms.CharField(
        label="Panel decision",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For a baseline: what the Panel decided, e.g. 'The Panel baselined the RID for "
        "the DCC System-impacting modifications.'",
    )
    panel_meeting_date = PlausibleDateField(
        label="Panel meeting date",
        required=False,
        widget=date_widget(),
        help_text="For a baseline: the Panel meeting that baselined it (the timeline date, which "
        "can differ from the document date).",
    )

    unreviewed_reason = forms.CharField(
        label="Why issue it without review?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only when issuing without review: another analyst normally reviews a version "
        "before it is issued. The reason is shown on the version.",
    )

    issue_anyway = forms.BooleanField(
        label="I have read what the checks found and issue this version anyway",
        required=False,
    )

    def __init__(self, *args, numbers=None, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = list(findings)
        if not self.findings:
            del self.fields["issue_anyway"]
        if numbers:
            self.fields["kind"].choices = [
                (value, f"{label}: version {numbers[value]}")
                for value, label in RidVersionKind.choices
            ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "kind",
            "date",
            "changes",
            Fieldset(
                "Baseline by the Panel (only for a baseline)",
                "baseline_scope",
                "panel_decision",
                "panel_meeting_date",
            ),
            Fieldset("Issuing without review (exceptional)", "unreviewed_reason"),
            *(["issue_anyway"] if self.findings else []),
        )

    def clean_changes(self):
        changes = " ".join(self.cleaned_data["changes"].split())
        validate_printable(changes)
        return changes


class RidRedraftForm(forms.Form):
    """?kind=...&baseline_scope=...: redraft the issue form's Changes text for that kind of
    version. Anything else reads as an issued version."""

    kind = forms.ChoiceField(choices=RidVersionKind.choices, required=False)
    baseline_scope = forms.ChoiceField(choices=[("", ""), *BaselineScope.choices], required=False)

    def values(self):
        """(kind, baseline_scope), with the defaults for what is missing or not valid."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("kind") or RidVersionKind.ISSUED, data.get("baseline_scope") or ""


class RidCompareForm(forms.Form):
    """?from=3.0&to=8.0&format=pdf: which two versions to compare (a number, or "draft" for the
    live draft), on the page or as a PDF."""

    from_number = forms.RegexField(regex=r"^(\d{1,3}\.\d{1,3}|draft)$", required=False)
    to_number = forms.RegexField(regex=r"^(\d{1,3}\.\d{1,3}|draft)$", required=False)
    format = forms.ChoiceField(choices=[("", "page"), ("pdf", "PDF")], required=False)

    def __init__(self, query, *args, **kwargs):
        data = {
            "from_number": query.get("from", ""),
            "to_number": query.get("to", ""),
            "format": query.get("format", ""),
        }
        super().__init__(data, *args, **kwargs)

    def values(self):
        """(from, to, format): a field that is not valid reads as not given."""
        self.is_valid()
        data = self.cleaned_data
        return data.get("from_number", ""), data.get("to_number", ""), data.get("format", "")


class RidReviewReturnForm(forms.Form):
    comments = forms.CharField(
        label="What needs to change",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent back to the analyst who prepared the draft.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


# Uploads larger than this are refused before they are read (a RID PDF is well under 5 MB).
VERIFY_MAX_BYTES = 20 * 1024 * 1024


class RidVerifyForm(forms.Form):
    document = forms.FileField(
        label="PDF to check",
        help_text="A PDF of this RID; at most 20 MB. It is not kept.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].widget.attrs["accept"] = "application/pdf,.pdf"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the view writes nothing (csrf_exempt)

    def clean_document(self):
        """The upload's SHA-256 (hex), if it is a PDF of at most VERIFY_MAX_BYTES."""
        upload = self.cleaned_data["document"]
        if upload.size > VERIFY_MAX_BYTES:
            raise forms.ValidationError(
                f"This file is {upload.size / 1024 / 1024:.0f} MB; a RID PDF is at most 20 MB. "
                "Check that you chose the right file."
            )
        head = upload.read(5)
        if head != b"%PDF-":
            raise forms.ValidationError(
                "This file is not a PDF (it does not start with %PDF-). Upload the PDF of a RID "
                "version, as downloaded from this site."
            )
        digest = hashlib.sha256()
        for chunk in upload.chunks():  # from the start of the file again
            digest.update(chunk)
        return digest.hexdigest()
