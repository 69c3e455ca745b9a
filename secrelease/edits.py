"""No lost updates: every edit form carries an edit token, a hash of the row as it was when the
form was opened; the service that saves the form compares it with the row as it is now (under
select_for_update) and refuses the save when they differ, naming who changed it and when.

No column is needed: the token is computed from the row's values. `modifications.services`
raises the conflict (it knows the activity trail); forms get the hidden field from
`EditTokenMixin`, and `secrelease.forms.apply_service_errors` shows the conflict above the form,
keeps what the analyst typed and puts the current token in the form so that a second save,
made knowingly, goes through.
"""

import datetime
import hashlib
import json
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

EDIT_TOKEN_FIELD = "edit_token"


def _value(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value else str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def edit_values(instance):
    """{field name: JSON-able value} of every editable field of a saved row, many-to-many
    relations included (as sorted primary keys) and foreign keys as ids: what the edit token
    hashes. `created_at`/`updated_at` style fields (editable=False) are left out."""
    values = {}
    for field in instance._meta.get_fields():
        if field.auto_created or not getattr(field, "editable", False) or field.primary_key:
            continue
        if field.many_to_many:
            if instance.pk is None:
                values[field.name] = []
            else:
                values[field.name] = sorted(o.pk for o in getattr(instance, field.name).all())
        elif field.concrete:
            values[field.attname] = _value(getattr(instance, field.attname))
    return values


def edit_token(*instances):
    """A short hash of the rows' editable values (`edit_values`), each tagged with its model and
    primary key: equal tokens mean nobody changed those rows in between. Several rows (a paper
    and its sections) give one token."""
    payload = [
        [instance._meta.label_lower, instance.pk, edit_values(instance)] for instance in instances
    ]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class EditConflict(ValidationError):
    """The row changed since the form was opened. `current_token` is the token of the row as it
    is now: a form re-shown with it saves over the other change only when submitted again."""

    def __init__(self, message, *, current_token):
        super().__init__(message, code="edit_conflict")
        self.current_token = current_token


def check_edit_token(expected, *instances, describe):
    """Raise EditConflict when `expected` (the token the form was opened with) is given and no
    longer matches the rows. `describe()` returns the sentence naming who changed them and when;
    it is called only on a conflict. An empty or missing token checks nothing."""
    if not expected:
        return
    current = edit_token(*instances)
    if expected != current:
        raise EditConflict(describe(), current_token=current)


class EditTokenMixin:
    """Adds the hidden `edit_token` field to a form that edits a saved row. The token is the
    hash of `edit_token_instances()` (default: the form's instance) when the form is opened; the
    view passes `cleaned_data["edit_token"]` to the service as `edit_token=`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[EDIT_TOKEN_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, max_length=64
        )
        instances = [] if self.is_bound else self.edit_token_instances()
        if instances:
            self.initial[EDIT_TOKEN_FIELD] = edit_token(*instances)

    @property
    def helper(self):
        return self.__dict__.get("_edit_helper")

    @helper.setter
    def helper(self, helper):
        """A crispy layout renders only the fields it names: make it render the hidden token."""
        if helper is not None:
            helper.render_hidden_fields = True
        self.__dict__["_edit_helper"] = helper

    def edit_token_instances(self):
        instance = getattr(self, "instance", None)
        return [instance] if instance is not None and instance.pk is not None else []

    def refresh_edit_token(self, token):
        """Show the form again with the row's current token (after a conflict)."""
        name = self.add_prefix(EDIT_TOKEN_FIELD)
        if self.is_bound:
            self.data = self.data.copy()
            self.data[name] = token
        self.initial[EDIT_TOKEN_FIELD] = token
