"""Watching releases and telling the watchers.

What a watcher is told (NotificationKind), each once (a Notification row per user and key):
- a RID version of a watched release is issued (since the watch began);
- a decision is recorded (since the watch began) on a modification in the watched release's
  scope on the decision's date;
- a pending modification's decision cut-off in a watched release is 14 days away or less.

A user is told only about what they may read: analysts and Panel members every release and
version; anyone else White releases and the versions issued White (releases.rid.views).

`notifications_send` sends what is due, once: one email per notification, or one digest a day
for users who chose it. A mail server refusing an address or a message for good (an SMTP 5yz
reply, or any other error about that message) is logged and recorded on the notification
(refused_at, error), and the others are still sent. A temporary refusal of an address (4yz) is
logged and tried again on the next run. When the server itself fails (no connection, a dropped
connection, a timeout, our sender or login refused) the run stops and every email waits for the
next run: nothing is lost while the mail server is down.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.db.models.fields.json import KT
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from modifications import services as register
from modifications.models import Decision
from secrelease.roles import can_read
from secrelease.text import long_date

from ..models import (
    Classification,
    Notification,
    NotificationKind,
    NotificationSettings,
    Release,
    RidVersion,
    ScopeItem,
    ScopeState,
    Watch,
)
from ..policy.asof import PENDING_STATUSES

logger = logging.getLogger(__name__)

CUT_OFF_NOTICE_DAYS = 14


# Who may read what ------------------------------------------------------------------------------


def may_follow(user, release):
    """Whether `user` may read `release`'s news (watch it, read its feed): analysts and Panel
    members any release; anyone else a White release while public RIDs are on."""
    if can_read(user):
        return True
    return bool(settings.PUBLIC_WHITE_RIDS) and release.classification == Classification.WHITE


def followable_releases(user):
    """The releases `user` may watch, in go-live order (one query)."""
    releases = Release.objects.order_by("go_live_date", "name")
    if can_read(user):
        return releases
    if not settings.PUBLIC_WHITE_RIDS:
        return releases.none()
    return releases.filter(classification=Classification.WHITE)


def _version_is_readable(user, version, release):
    return can_read(user) or (
        may_follow(user, release) and version.content_classification == Classification.WHITE
    )


# Watching -------------------------------------------------------------------------------------


@transaction.atomic
def watch_set(*, actor, releases, all_releases, daily_digest):
    """Make `actor`'s watches exactly `releases` (plus every release when `all_releases`) and
    record the digest choice. Raises PermissionDenied for a release the user may not read.
    Returns {"added": [...], "removed": [...]} (release names; "all releases")."""
    releases = list(releases)
    for release in releases:
        if not may_follow(actor, release):
            raise PermissionDenied(f"You cannot watch {release.name}.")
    existing = {
        w.release_id: w
        for w in Watch.objects.select_for_update(of=("self",)).filter(user=actor).order_by()
    }
    wanted = {r.pk: r for r in releases}
    if all_releases:
        wanted[None] = None
    added, removed = [], []
    for pk, release in wanted.items():
        if pk not in existing:
            Watch.objects.create(user=actor, release=release)
            added.append(release.name if release else "all releases")
    for pk, watch in existing.items():
        if pk not in wanted:
            removed.append(watch.release.name if watch.release_id else "all releases")
            watch.delete()
    prefs, _ = NotificationSettings.objects.get_or_create(user=actor)
    digest_changed = prefs.daily_digest != bool(daily_digest)
    if digest_changed:
        prefs.daily_digest = bool(daily_digest)
        prefs.save(update_fields=["daily_digest"])
    if added or removed or digest_changed:
        register.event_record(
            actor=actor,
            subject=actor,
            action="watch.updated",
            summary=f"{actor.username} now watches "
            + (", ".join(_watch_names(actor)) or "nothing"),
            changes={
                **({"watching": [removed, added]} if added or removed else {}),
                **(
                    {"daily_digest": [not daily_digest, bool(daily_digest)]}
                    if digest_changed
                    else {}
                ),
            },
        )
    return {"added": added, "removed": removed}


def _watch_names(user):
    return [
        w.release.name if w.release_id else "all releases"
        for w in Watch.objects.filter(user=user).select_related("release")
    ]


# What is due ----------------------------------------------------------------------------------


def _url(name, *args):
    return reverse(name, args=args)


def _releases_watched(watches, user):
    """{release pk: (release, watch start)} of what `user` watches and may read."""
    everything = next((w for w in watches if w.release_id is None), None)
    found = {}
    if everything is not None:
        for release in followable_releases(user):
            found[release.pk] = (release, everything.created_at)
    for watch in watches:
        if watch.release_id and may_follow(user, watch.release):
            since = watch.created_at
            if watch.release_id in found:
                since = min(since, found[watch.release_id][1])
            found[watch.release_id] = (watch.release, since)
    return found


def _rid_notifications(user, watched, versions):
    for version in versions:
        release, since = watched.get(version.release_id, (None, None))
        if release is None or version.issued_at < since:
            continue
        if not _version_is_readable(user, version, release):
            continue
        yield Notification(
            user=user,
            release=release,
            kind=NotificationKind.RID_ISSUED,
            key=f"rid:{version.pk}",
            subject=f"{release.name}: RID version {version.number} issued",
            body=(
                f"Version {version.number} of the {release.name} Release Implementation "
                f"Document was issued on {long_date(version.date)} "
                f"({version.get_kind_display().lower()}).\n\nChanges: {version.changes}"
            ),
            path=_url("releases:rid_version", release.slug, version.number),
        )


def _decision_notifications(user, watched, decisions, scope_by_modification):
    for decision in decisions:
        for item in scope_by_modification.get(decision.modification_id, ()):
            release, since = watched.get(item.release_id, (None, None))
            if release is None or decision.recorded_at < since:
                continue
            if not (
                item.added_on <= decision.date
                and (item.removed_on is None or item.removed_on >= decision.date)
            ):
                continue
            what = f"{decision.get_kind_display()} ({decision.get_body_display()})"
            path = (
                _url("modifications:modification_detail", decision.modification.reference)
                if can_read(user)
                else _url("releases:rid_version_list", release.slug)
            )
            yield Notification(
                user=user,
                release=release,
                kind=NotificationKind.DECISION,
                key=f"decision:{decision.pk}:{release.pk}",
                subject=f"{decision.reference_after}: {what}, {long_date(decision.date)}",
                body=(
                    f"A decision was recorded on {decision.reference_after} "
                    f"\u2018{decision.modification.title}\u2019, in the scope of the "
                    f"{release.name}: {what} on {long_date(decision.date)}."
                    + (f"\n\n{decision.notes}" if decision.notes else "")
                ),
                path=path,
            )


def _cut_off_notifications(user, watched, items, today):
    for item in items:
        release, _since = watched.get(item.release_id, (None, None))
        if release is None:
            continue
        cut_off = item.cut_off_date or item.modification.cut_off_date
        if cut_off is None or cut_off < item.added_on:
            continue
        days = (cut_off - today).days
        if not 0 <= days <= CUT_OFF_NOTICE_DAYS:
            continue
        mod = item.modification
        path = (
            _url("releases:release_detail", release.slug)
            if can_read(user)
            else _url("releases:rid_version_list", release.slug)
        )
        yield Notification(
            user=user,
            release=release,
            kind=NotificationKind.CUT_OFF,
            key=f"cut_off:{item.pk}:{cut_off.isoformat()}",
            subject=f"{mod.reference}: decision cut-off {long_date(cut_off)} ({release.name})",
            body=(
                f"{mod.reference} \u2018{mod.title}\u2019 needs its decision by "
                f"{long_date(cut_off)} ({days} day{'s' if days != 1 else ''} from "
                f"{long_date(today)}) to stay in the {release.name}; without it, it lapses to "
                "its fall-back release."
            ),
            path=path,
        )


def notifications_collect(*, now=None):
    """Make the Notification rows that are due for every watcher with an email address (each
    once: rows already made are left alone). Returns the number of new rows. Queries: six, and
    one per user watching every release."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    watches = list(
        Watch.objects.select_related("user", "release")
        .filter(user__is_active=True)
        .exclude(user__email="")
        .order_by("user_id", "id")
    )
    if not watches:
        return 0
    since = min(w.created_at for w in watches)
    versions = issued_versions(issued_at__gte=since)
    decisions = list(
        Decision.objects.standing()
        .filter(recorded_at__gte=since)
        .select_related("modification")
        .order_by("recorded_at", "id")
    )
    scope = ScopeItem.objects.filter(
        modification_id__in={d.modification_id for d in decisions} or [0]
    )
    scope_by_modification = {}
    for item in scope:
        scope_by_modification.setdefault(item.modification_id, []).append(item)
    pending = list(
        ScopeItem.objects.filter(
            state=ScopeState.IN_SCOPE, modification__status__in=PENDING_STATUSES
        )
        .filter(
            Q(cut_off_date__range=(today, today + datetime.timedelta(days=CUT_OFF_NOTICE_DAYS)))
            | Q(
                cut_off_date__isnull=True,
                modification__cut_off_date__range=(
                    today,
                    today + datetime.timedelta(days=CUT_OFF_NOTICE_DAYS),
                ),
            )
        )
        .select_related("modification")
    )
    by_user = {}
    for watch in watches:
        by_user.setdefault(watch.user_id, (watch.user, []))[1].append(watch)
    rows = []
    for user, user_watches in by_user.values():
        watched = _releases_watched(user_watches, user)
        rows += _rid_notifications(user, watched, versions)
        rows += _decision_notifications(user, watched, decisions, scope_by_modification)
        rows += _cut_off_notifications(user, watched, pending, today)
    before = Notification.objects.count()
    # Rows already made (same user and key) are skipped by the database: made once, ever.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return Notification.objects.count() - before


def issued_versions(**filters):
    """RID versions matching `filters`, without content or PDF, each with
    `content_classification` (the classification it was issued with). One query."""
    return list(
        RidVersion.objects.filter(**filters)
        .defer("content", "pdf")
        .annotate(content_classification=KT("content__classification"))
        .order_by("issued_at", "id")
    )


# Sending ------------------------------------------------------------------------------------


def _link(path):
    return f"{settings.SITE_URL}{path}"


def _message(user, subject, body, connection):
    return EmailMessage(
        subject=f"[SEC Release Manager] {subject}",
        body=body,
        to=[user.email],
        connection=connection,
    )


SENT = "sent"
REFUSED = "refused"
LATER = "later"
SERVER = "server"


def mail_failure(exc):
    """How a failure to send one email is handled (RFC 5321 reply codes):

    - REFUSED: refused for good: a 5yz reply about the recipient (no such user: the address
      bounces) or the message, or an error that is not the mail server's (a message Django cannot
      build). Recorded on the notification, not tried again.
    - LATER: a temporary 4yz reply about the recipient or the message (mailbox busy,
      greylisting). Tried again on the next run; the other emails still go.
    - SERVER: the mail server cannot take email now: no connection, a dropped connection, a
      timeout, a 4yz/5yz reply to our greeting, login or sender (a server or settings problem,
      not the recipient's). This run stops; every email waits for the next run.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return REFUSED if codes and all(code >= 500 for code in codes) else LATER
    if isinstance(exc, smtplib.SMTPDataError):
        return REFUSED if exc.smtp_code >= 500 else LATER
    if isinstance(exc, OSError):  # smtplib's other errors (all OSError), sockets, DNS, timeouts
        return SERVER
    return REFUSED


def _send(message, notifications, now):
    """Send one email for `notifications` (locked rows) and record what happened: SENT, or
    the mail_failure of the error (REFUSED: refused_at and the error recorded; LATER, SERVER:
    the error recorded, the notifications stay due), with the error text ("" when sent).
    Never raises for a mail error."""
    rows = Notification.objects.filter(pk__in=[n.pk for n in notifications])
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - every mail error is recorded; the run goes on
        outcome = mail_failure(exc)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        what = {
            REFUSED: "refused",
            LATER: "refused for now (tried again on the next run)",
            SERVER: "not sent: the mail server cannot take email now (tried again on the next run)",
        }[outcome]
        logger.warning(
            "Notification email to %s %s: %s", ", ".join(message.to), what, exc, exc_info=True
        )
        if outcome == REFUSED:
            rows.update(refused_at=now, error=error)
        else:
            rows.update(error=error)
        return outcome, error
    rows.update(sent_at=now, error="")
    return SENT, ""


COUNTED_AS = {SENT: "sent", REFUSED: "refused", LATER: "deferred", SERVER: "deferred"}


def _counted(counts, outcome, error):
    """Add one email's outcome to `counts`; True when the run must stop (the server failed)."""
    counts[COUNTED_AS[outcome]] += 1
    if outcome == SERVER:
        counts["server_error"] = error
        return True
    return False


def notifications_send(*, now=None):
    """Send every notification not yet sent nor refused: one email each, or for users who
    chose the daily digest one email a day listing them all. Safe to run twice, and while
    another run is going (rows are locked, skipped when locked). A mail error is handled as
    mail_failure says: a refused email is recorded, a deferred one tried on the next run, and a
    failing server stops the run with everything still due. Returns {"sent": emails sent,
    "refused": emails refused for good, "deferred": emails to try again on the next run,
    "waiting": notifications held for tomorrow's digest, "server_error": the error that stopped
    the run, or ""}."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"sent": 0, "refused": 0, "deferred": 0, "waiting": 0, "server_error": ""}
    user_ids = (
        Notification.objects.filter(sent_at__isnull=True, refused_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    connection = get_connection()
    stop = False
    for user_id in sorted(set(user_ids)):
        with transaction.atomic():
            due = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(user_id=user_id, sent_at__isnull=True, refused_at__isnull=True)
                .select_related("user", "release")
                .order_by("created_at", "id")
            )
            if not due:
                continue
            user = due[0].user
            prefs = NotificationSettings.objects.select_for_update().filter(user=user).first()
            if prefs is not None and prefs.daily_digest:
                if prefs.last_digest_on == today:
                    counts["waiting"] += len(due)
                    continue
                body = render_to_string(
                    "releases/watch/digest.txt",
                    {
                        "user": user,
                        "items": [(n, _link(n.path)) for n in due],
                        "settings_link": _link(reverse("releases:watch_settings")),
                    },
                )
                subject = f"Daily digest, {long_date(today)}: {len(due)} update" + (
                    "s" if len(due) > 1 else ""
                )
                outcome, error = _send(_message(user, subject, body, connection), due, now)
                if outcome in (SENT, REFUSED):
                    prefs.last_digest_on = today
                    prefs.save(update_fields=["last_digest_on"])
                stop = _counted(counts, outcome, error)
            else:
                for notification in due:
                    body = render_to_string(
                        "releases/watch/notification.txt",
                        {
                            "user": user,
                            "n": notification,
                            "link": _link(notification.path),
                            "settings_link": _link(reverse("releases:watch_settings")),
                        },
                    )
                    outcome, error = _send(
                        _message(user, notification.subject, body, connection),
                        [notification],
                        now,
                    )
                    stop = _counted(counts, outcome, error)
                    if stop:
                        break
        if stop:
            break
    return counts
