"""Wording shared by every page and document: dates written out as the SEC documents write them
and the "MP106 ‘title’" label of a modification, Change Request or SEC document."""

import datetime


def long_date(date):
    """datetime.date -> "1 June 2021" (day without a leading zero, month in full), as the RID
    and the OPSG paper write dates (seeds: RID v8.0 page 1, OPSG paper of 26 May 2020).
    None -> "". Raises AttributeError for anything without day/month/year."""
    if date is None:
        return ""
    if isinstance(date, datetime.datetime):
        date = date.date()
    return f"{date.day} {date:%B %Y}"


def quoted_label(reference, title, suffix=""):
    """("MP106", "Title", " (part A)") -> "MP106 ‘Title’ (part A)": the reference followed by
    the title in curly single quotes, as the seeds write scope items."""
    return f"{reference} \u2018{title}\u2019{suffix}"


def person_name(user, nobody="Someone"):
    """How a page or a message names a user: their full name, else their username; `nobody`
    (str) when there is no user (a change made by a command, a deleted account)."""
    if user is None:
        return nobody
    return user.get_full_name() or user.get_username()
