"""Release-management policy rules (domain.md section 5) as pure functions over data.

Only the scope deadlines live here so far; the other checks (R4-R15) build on them.
"""

import calendar
import datetime


def months_before(date, months):
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    month_index = date.year * 12 + (date.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(date.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


SYSTEM_SCOPE_MONTHS = 12  # R1: DCC System scope baselined 12 months before go-live
DOCUMENT_SCOPE_MONTHS = 6  # R2: scope on the SEC documentation set 6 months before go-live


def scope_deadline(go_live_date, *, impacts_dcc_systems):
    """R1/R2: the last day a modification can join the scope without being an exception."""
    months = SYSTEM_SCOPE_MONTHS if impacts_dcc_systems else DOCUMENT_SCOPE_MONTHS
    return months_before(go_live_date, months)


def is_late_addition(go_live_date, added_on, *, impacts_dcc_systems):
    """R4: an addition after the scope deadline is an exception (the deadline day itself is not)."""
    return added_on > scope_deadline(go_live_date, impacts_dcc_systems=impacts_dcc_systems)


def standard_release_dates(year):
    """R15: the three standard SEC Release dates of a year, in date order: the last Thursday of
    February, the last Thursday of June and the first Thursday of November (BSC-style cadence;
    a release may still be given another date)."""
    thursday = calendar.THURSDAY

    def last_thursday(month):
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        return last - datetime.timedelta(days=(last.weekday() - thursday) % 7)

    first = datetime.date(year, 11, 1)
    first_november = first + datetime.timedelta(days=(thursday - first.weekday()) % 7)
    return [last_thursday(2), last_thursday(6), first_november]
