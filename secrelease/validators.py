"""Validators every app uses. Dates of the SEC world fall within 2000-2100: a date outside is a
typing slip (0202 for 2020) or a forged request, and such a date would break date arithmetic
further on (a deadline 12 months before 1 January 0001)."""

import datetime

from django.core.exceptions import ValidationError

EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
IMPLAUSIBLE_DATE_MESSAGE = "Enter a date between 1 January 2000 and 31 December 2100."


def is_plausible_date(value):
    """True when `value` (a date) is within EARLIEST_DATE..LATEST_DATE."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return EARLIEST_DATE <= value <= LATEST_DATE


def validate_plausible_date(value):
    """Model and form validator: refuse a date outside 1 January 2000..31 December 2100.
    None (an empty optional date) passes. Raises ValidationError (code "implausible_date")."""
    if value is not None and not is_plausible_date(value):
        raise ValidationError(IMPLAUSIBLE_DATE_MESSAGE, code="implausible_date")
