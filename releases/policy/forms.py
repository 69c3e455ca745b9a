"""Forms of the policy pages: the dashboard's as-of date and lapsing a modification to its
fall-back release (releases.services.scope_lapse)."""

from django import forms

from secrelease.forms import PlausibleDateField, date_widget, form_helper


class AsOfForm(forms.Form):
    """?as_of=YYYY-MM-DD: see the policy as it stood on a date."""

    as_of = PlausibleDateField(label="As of", required=False, widget=date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.helper.form_show_labels = True


class LapseForm(forms.Form):
    lapsed_on = PlausibleDateField(
        label="Lapses on",
        widget=date_widget(),
        error_messages={"required": "Enter the date it lapses."},
    )
    reason = forms.CharField(
        label="Note (optional)", required=False, max_length=1000, widget=forms.TextInput()
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class CalendarTokenForm(forms.Form):
    """?token=...: a calendar subscriber's feed token (releases.policy.feeds.calendar_token)."""

    token = forms.CharField(max_length=100)
