"""How an activity entry (an Event) reads on a page: the one presenter of the activity trail for
both apps (as pretix has one presenter for its log entries) and its template,
templates/_activity_table.html.

Field names in an Event's `changes` are shown by their verbose names, looked up on the Event's
subject model first and then on every installed model (events about a release also record the
fields of its scope items, costs and timeline rows), so this module imports no other app.
"""

import datetime
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist

from .models import Impacts

NO_REASON = "No reason given"


@dataclass(frozen=True)
class FieldChange:
    """One changed field of an Event: its label, the old value ("" for a new value) and the
    new one, both as text."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ActivityRow:
    """An Event as the activity table shows it: who, when, what (summary and field changes)
    and why (the reason, or NO_REASON)."""

    event: object
    summary: str
    changes: tuple
    reason: str


def _upper_first(text):
    return text[:1].upper() + text[1:]


@cache
def _labels_and_choices():
    """({field name: verbose name}, {field name: {value: label}}) over every installed model;
    the first model that defines a name wins."""
    labels, choices = {}, {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if hasattr(field, "verbose_name"):
                labels.setdefault(field.name, str(field.verbose_name))
            if getattr(field, "choices", None):
                choices.setdefault(field.name, dict(field.flatchoices))
    return labels, choices


def _subject_field(model, name):
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None


def field_label(name, model=None):
    """The readable name of a field an Event mentions ("cut_off_date" -> "Decision cut-off
    date"), preferring the subject model's own field."""
    field = _subject_field(model, name)
    if field is not None and hasattr(field, "verbose_name"):
        return _upper_first(str(field.verbose_name))
    labels, _choices = _labels_and_choices()
    return _upper_first(labels.get(name, name.replace("_", " ")))


def shown_value(name, value, model=None):
    """A stored change value as text: (empty), Yes/No, a choice's label, "1 Jun 2021" for an
    ISO date, lists joined with "; "."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    field = _subject_field(model, name)
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else None
    if choices is None:
        choices = _labels_and_choices()[1].get(name)
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return f"{datetime.date.fromisoformat(value):%-d %b %Y}"
        except ValueError:
            return value
    return str(value)


def _summary(event):
    """The event's sentence; "MP106 updated: title, path" loses its list of field names, which
    the change list below it spells out."""
    if event.action.endswith("updated") and event.changes and ": " in event.summary:
        return event.summary.split(": ", 1)[0]
    return event.summary


@cache
def _field_order(model):
    """{field name: position} for listing a model's changed fields: the order they are declared
    in, with the impact fields (declared once on the abstract models.Impacts, which Django lists
    first) after the model's own, where its forms show them."""
    fields = [f.name for f in model._meta.get_fields()]
    if issubclass(model, Impacts):
        shared = {f.name for f in Impacts._meta.get_fields()}
        fields = [n for n in fields if n not in shared] + [n for n in fields if n in shared]
    return {name: i for i, name in enumerate(fields)}


def activity_row(event):
    """Event -> ActivityRow. The subject model comes from the Event's content type (cached by
    Django, no query)."""
    model = (
        ContentType.objects.get_for_id(event.subject_type_id).model_class()
        if event.subject_type_id
        else None
    )
    order = _field_order(model) if model else {}
    pairs = [
        (name, pair)
        for name, pair in (event.changes or {}).items()
        if isinstance(pair, (list, tuple)) and len(pair) == 2
    ]
    changes = tuple(
        FieldChange(
            field=field_label(name, model),
            old="" if old in (None, "", []) else shown_value(name, old, model),
            new=shown_value(name, new, model),
        )
        for name, (old, new) in sorted(pairs, key=lambda p: (order.get(p[0], 999), p[0]))
    )
    return ActivityRow(
        event=event, summary=_summary(event), changes=changes, reason=event.reason or NO_REASON
    )


def activity_rows(events):
    """[ActivityRow] for an iterable of Events (select_related("actor") them first)."""
    return [activity_row(event) for event in events]
