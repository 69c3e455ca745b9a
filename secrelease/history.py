"""When a change was recorded: the field history that django-simple-history keeps for the
register (Modification, ChangeRequest) and the releases (Release with its Change Requests,
ScopeItem, TimelineEvent), read by releases/policy/history.py for documents as of a past date.

Why a library and not the activity trail (Event): an Event stores the fields a service chose to
list, as JSON-able strings, and the events of a release's parts do not say which row they
changed, so rebuilding a row from them would be home-made code that silently goes wrong the day
a service forgets a field. django-simple-history saves the whole row on every save and delete
(and the Change Requests alongside a release on every change of that set), whichever service or
admin page made it, on PostgreSQL and on SQLite. The Event stays the record of who did what and
why; the history is the record of what each row said, and when.

A history record's time is the moment it was saved. `recorded_at` lets a loader replaying
history (the demo, `manage.py load_demo`) record it at the dates it replays, so that what was
recorded "by" a date agrees with the dates of the history itself.
"""

import contextvars
import datetime
from contextlib import contextmanager

from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

_recorded_at = contextvars.ContextVar("secrelease_recorded_at", default=None)


@contextmanager
def recorded_at(when):
    """Within the block, history records carry `when` (a date: noon that day, local time; or an
    aware datetime) as their time instead of now. For loaders replaying dated history only."""
    if isinstance(when, datetime.date) and not isinstance(when, datetime.datetime):
        when = timezone.make_aware(datetime.datetime.combine(when, datetime.time(12)))
    token = _recorded_at.set(when)
    try:
        yield when
    finally:
        _recorded_at.reset(token)


@receiver(pre_create_historical_record, dispatch_uid="secrelease_recorded_at")
def _record_at(sender, history_instance, **kwargs):
    when = _recorded_at.get()
    if when is not None:
        history_instance.history_date = when


def end_of_day(date):
    """The first moment after `date` (a date), local time: what was recorded before it was
    recorded by the end of that day."""
    start = datetime.datetime.combine(date + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(start)
