"""Form helpers shared by every app."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from .edits import EditConflict


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
    """A browser date picker (<input type="date">) that shows and reads ISO dates (YYYY-MM-DD)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def form_helper(*layout):
    """A crispy FormHelper that renders only the fields: the page template writes <form>, the
    CSRF token, the buttons and Cancel. `layout`: crispy layout objects (Fieldset, Field...)."""
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    return helper
