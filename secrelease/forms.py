"""Form helpers shared by every app."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from .edits import EditConflict
from .validators import EARLIEST_DATE, LATEST_DATE, validate_plausible_date

__all__ = [
    "PlausibleDateField",
    "apply_service_errors",
    "date_widget",
    "form_helper",
    "validate_plausible_date",
]


def apply_service_errors(form, error):
    """Put a service's ValidationError next to the field it names, or above the form. An
    EditConflict (the row changed since the form was opened) goes above the form, and the form
    takes the row's current edit token: what the analyst typed stays, and saving again keeps it."""
    if isinstance(error, EditConflict):
        form.add_error(None, error.messages[0])
        if hasattr(form, "refresh_edit_token"):
            form.refresh_edit_token(error.current_token)
        return
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def date_widget():
    """A browser date picker (<input type="date">) that shows and reads ISO dates (YYYY-MM-DD),
    offering only the plausible range (secrelease.validators)."""
    return forms.DateInput(
        attrs={
            "type": "date",
            "min": EARLIEST_DATE.isoformat(),
            "max": LATEST_DATE.isoformat(),
        },
        format="%Y-%m-%d",
    )


class PlausibleDateField(forms.DateField):
    """A date typed in a form (not a model field): ISO date picker, and refused next to the field
    when outside 1 January 2000..31 December 2100. Model date fields carry the same validator."""

    default_validators = [validate_plausible_date]

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", date_widget())
        super().__init__(**kwargs)


def form_helper(*layout):
    """A crispy FormHelper that renders only the fields: the page template writes <form>, the
    CSRF token, the buttons and Cancel. `layout`: crispy layout objects (Fieldset, Field...)."""
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    return helper
