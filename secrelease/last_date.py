"""The last date an analyst entered in a decision or date form, kept in the session, so that
entering a history (decisions taken on the same Panel day, one after another) starts each new
form at that date rather than at today's.

Views call remember() after a form that carries a business date is saved, and pass last_used()
to the form as its date's starting value.
"""

import datetime

SESSION_KEY = "secrelease_last_date"


def remember(request, date):
    """Keep `date` (a datetime.date; None is ignored) as the last date used in this session."""
    if date is not None:
        request.session[SESSION_KEY] = date.isoformat()


def last_used(request):
    """The last date remembered in this session (a datetime.date), or None."""
    value = request.session.get(SESSION_KEY)
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
