"""The watch page's form: which releases, every release, one email each or a daily digest."""

from django import forms

from secrelease.forms import form_helper
from secrelease.text import long_date


class ReleaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} (go-live {long_date(obj.go_live_date)})"


class WatchForm(forms.Form):
    all_releases = forms.BooleanField(
        label="Every release I may read, including new ones",
        required=False,
    )
    releases = ReleaseChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Releases I watch",
        help_text="You are told by email when a RID version is issued, when a decision is "
        "recorded on a modification in the release's scope, and when a decision cut-off is "
        "14 days away.",
    )
    daily_digest = forms.BooleanField(
        label="Send me one email a day (a digest) instead of one email per update",
        required=False,
    )

    def __init__(self, *args, releases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["releases"].queryset = releases
        self.helper = form_helper()
