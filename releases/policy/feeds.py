"""iCalendar feeds of release dates: timeline events, decision dates (Change Board votes, Panel
meetings, Authority decisions expected) and decision cut-offs.

Every event has a UID derived from the row it comes from ("timeline-12@secrelease",
"cutoff-34@secrelease", "changeboard-5@secrelease"...), so when a date moves, calendar clients
update the event they already have instead of adding a second one.

Calendar clients cannot log in with a session: a subscriber uses a per-user secret token in the
URL (?token=...), an HMAC of the user id and password hash, so changing the password revokes it.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event

from secrelease.roles import can_read
from secrelease.validators import is_plausible_date

from . import asof

UID_DOMAIN = "secrelease"
PRODID = "-//SECAS//SEC Release Manager//EN"
TOKEN_SALT = "secrelease.calendar"

logger = logging.getLogger(__name__)


# Tokens ----------------------------------------------------------------------------------------


def calendar_token(user):
    """The user's feed token: '<user id>-<HMAC>'; stable until the password changes."""
    digest = salted_hmac(TOKEN_SALT, f"{user.pk}:{user.password}", algorithm="sha256")
    return f"{user.pk}-{digest.hexdigest()[:40]}"


def user_for_token(token):
    """The active user who may read releases and owns this token, else None."""
    user_id, _, _digest = (token or "").partition("-")
    if not user_id.isdigit():
        return None
    user = get_user_model().objects.filter(pk=int(user_id), is_active=True).first()
    if user is None or not constant_time_compare(calendar_token(user), token):
        return None
    return user if can_read(user) else None


# Feeds -----------------------------------------------------------------------------------------


def _uid(kind, pk):
    return f"{kind}-{pk}@{UID_DOMAIN}"


def _event(*, uid, date, summary, description="", url="", category="", stamp, end_date=None):
    """An all-day VEVENT; with end_date a multi-day one (DTEND is exclusive: the day after)."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", date)
    event.add("dtend", max(end_date or date, date) + datetime.timedelta(days=1))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    if category:
        event.add("categories", [category])
    event.add("transp", "TRANSPARENT")
    return event


def calendar_events(releases, modifications, *, absolute):
    """(uid, date, summary, description, url, category, end_date) for the releases' timeline
    events (end_date set for a window, else None) and decision cut-offs and the modifications'
    key dates, in date order. `absolute(path)` makes a link absolute."""
    rows = []
    for release in releases:
        for t in release.timeline:
            rows.append(
                (
                    _uid("timeline", t.pk),
                    t.date,
                    f"{release.name}: {t.event}",
                    t.notes,
                    absolute(release.url),
                    "Release timeline",
                    t.end_date,
                )
            )
        for item in release.scope:
            mod = item.modification
            if item.cut_off_date and mod.is_pending:
                fall_back = (
                    f" If not approved by then it lapses to {item.fall_back_release_name}."
                    if item.fall_back_release_name
                    else " If not approved by then it lapses to a fall-back implementation date."
                )
                rows.append(
                    (
                        _uid("cutoff", item.pk),
                        item.cut_off_date,
                        f"Decision cut-off: {mod.reference} for the {release.name}",
                        f"{mod.label} must be approved by this date to stay in the "
                        f"{release.name}.{fall_back}",
                        absolute(release.url),
                        "Decision cut-off",
                        None,
                    )
                )
    for mod in modifications:
        if not mod.is_pending:
            continue
        link = absolute(mod.url)
        if mod.panel_date:
            rows.append(
                (
                    _uid("panel", mod.pk),
                    mod.panel_date,
                    f"Panel: {mod.reference}",
                    f"{mod.label} is expected at the Panel.",
                    link,
                    "Panel",
                    None,
                )
            )
        if mod.change_board_date:
            rows.append(
                (
                    _uid("changeboard", mod.pk),
                    mod.change_board_date,
                    f"Change Board vote: {mod.reference}",
                    f"Change Board vote on {mod.label}"
                    + (" under Self-Governance." if mod.is_self_governance else "."),
                    link,
                    "Change Board vote",
                    None,
                )
            )
        if mod.authority_decision_date:
            rows.append(
                (
                    _uid("authority", mod.pk),
                    mod.authority_decision_date,
                    f"Authority decision expected: {mod.reference}",
                    f"The Authority's decision on {mod.label} is expected.",
                    link,
                    "Authority decision",
                    None,
                )
            )
    return sorted(_plausible(rows), key=lambda r: (r[1], r[0]))


def _plausible(rows):
    """The rows whose date is within 2000-2100; a row stored with another date (from before the
    range was enforced, or written around the forms) is left out and logged, never breaking
    the feed."""
    for row in rows:
        if row[1] is not None and is_plausible_date(row[1]):
            yield row
        else:
            logger.warning("Calendar feed: %s skipped, its date %s is out of range", row[0], row[1])


def build_calendar(*, name, releases, modifications, absolute, stamp=None):
    """The iCalendar bytes of a feed."""
    stamp = stamp or timezone.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-published-ttl", "PT6H")
    for uid, date, summary, description, url, category, end_date in calendar_events(
        releases, modifications, absolute=absolute
    ):
        cal.add_component(
            _event(
                uid=uid,
                date=date,
                summary=summary,
                description=description,
                url=url,
                category=category,
                stamp=stamp,
                end_date=end_date,
            )
        )
    return cal.to_ical()


# A feed shows the register as it stands, including what is already recorded for later dates
# (a scope addition or a decision dated ahead): "as of the end of time".
LATEST = datetime.date.max


def feed_all(*, absolute):
    """Every release and every open modification, as they stand (8 queries)."""
    releases = asof.releases_on(LATEST)
    modifications = asof.modifications_on(LATEST, open_only=True)
    return build_calendar(
        name="SEC Releases", releases=releases, modifications=modifications, absolute=absolute
    )


def feed_release(release, *, absolute):
    """One release: its timeline, its cut-offs and the key dates of the modifications in its
    scope (6 queries)."""
    (fact,) = asof.releases_on(LATEST, pks=[release.pk])
    modifications = [item.modification for item in fact.scope]
    unique = list({m.pk: m for m in modifications}.values())
    return build_calendar(
        name=release.name, releases=[fact], modifications=unique, absolute=absolute
    )
